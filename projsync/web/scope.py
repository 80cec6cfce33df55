"""What a user may see: the projects, workers, plan projects and plan
resources of their companies, and the sync's entries about them. Something
outside a user's scope answers as if it did not exist (404), so its existence
is not told either.

A plan project belongs to the company of the ledger project it is linked to;
a plan resource to the company of the worker the sync links it to. What is
linked to nothing is an administrator's alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import HTTPException

from projsync.errors import InputError, Problem
from projsync.ledger.model import Company, JournalLine, Project, Worker
from projsync.ledger.service import LedgerService
from projsync.plan.entities import PlanResource
from projsync.plan.service import PlanService
from projsync.plan.timesheets import TimesheetService
from projsync.sync.links import links_of, plan_keys_of
from projsync.sync.settings import project_settings_of
from projsync.web.context import Context
from projsync.web.model import Right, User

__all__ = [
    "RESOURCE_KINDS",
    "EntityScope",
    "entity_filter",
    "journal_in_scope",
    "may_decide",
    "may_record",
    "not_found",
    "own_resource",
    "plan_companies",
    "plan_project_company",
    "resource_companies",
    "timesheet_resources",
    "visible_company",
    "visible_plan_project",
    "visible_project",
    "visible_projects",
    "visible_resources",
    "visible_worker",
    "visible_workers",
]

RESOURCE_KINDS = frozenset({"resource", "resource header"})
TIMESHEET_LINE = "timesheet line"
"""The sync's words for a worker's resource: a status's kind, a log entry's
entity type. Every other kind is keyed by its project."""


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what}: unknown")


def visible_company(context: Context, user: User, company_id: str) -> Company:
    companies = LedgerService(context.ledger).companies()
    found = next((c for c in companies if c.id == company_id), None)
    if found is None or not user.sees(found.id):
        raise not_found(f"company {company_id}")
    return found


def visible_projects(context: Context, user: User) -> list[Project]:
    return [p for p in LedgerService(context.ledger).projects() if user.sees(p.company)]


def visible_project(context: Context, user: User, project_id: str) -> Project:
    try:
        project = LedgerService(context.ledger).project(project_id)
    except InputError:
        raise not_found(f"project {project_id}") from None
    if not user.sees(project.company):
        raise not_found(f"project {project_id}")
    return project


def visible_workers(context: Context, user: User) -> list[Worker]:
    found = [w for w in LedgerService(context.ledger).workers() if user.sees(w.company)]
    if user.worker is not None and not user.can_read_ledger:
        found = [w for w in found if w.id == user.worker]
    return found


def visible_worker(context: Context, user: User, worker_id: str) -> Worker:
    try:
        worker = LedgerService(context.ledger).worker(worker_id)
    except InputError:
        raise not_found(f"worker {worker_id}") from None
    if not user.sees(worker.company):
        raise not_found(f"worker {worker_id}")
    return worker


def journal_in_scope(
    context: Context, user: User, lines: Iterable[JournalLine]
) -> list[JournalLine | Problem]:
    """A journal's lines, each that names a project or a worker outside the
    user's companies replaced by the ledger's own words for an id it does not
    know. Posting then refuses the journal as it refuses an unknown id (404
    when nothing else is wrong, else 422 listing every line), and tells
    nothing of the other company's project or worker: their prices least of all."""
    listed = list(lines)
    if user.all_companies:
        return list(listed)
    ledger = LedgerService(context.ledger)
    projects = {p: _company_or_none(ledger.project, p) for p in {x.project for x in listed}}
    workers = {w: _company_or_none(ledger.worker, w) for w in {x.worker for x in listed}}
    found: list[JournalLine | Problem] = []
    for line in listed:
        unknown = [
            f"unknown {what} {name}"
            for what, name, companies in (
                ("project", line.project, projects),
                ("worker", line.worker, workers),
            )
            if name is not None and not user.sees(companies.get(name) or "")
        ]
        found += [Problem(where=f"line {line.line}", what=w) for w in unknown] or [line]
    return found


def _company_or_none(record: Callable[[str], Project | Worker], name: str | None) -> str | None:
    """The company of the project or worker ``name``, ``None`` when there is none."""
    if name is None:
        return None
    try:
        return record(name).company
    except InputError:
        return None


def plan_project_company(context: Context, plan_id: str) -> str | None:
    """The company of the ledger project a plan project is linked to, if any
    (remembered a few seconds: it is asked on every request for a plan project)."""
    return context.recall(
        ("plan-company", plan_id), lambda: _company_of(context, plan_id), seconds=5.0
    )


def _company_of(context: Context, plan_id: str) -> str | None:
    ledger = LedgerService(context.ledger)
    linked = {
        s.plan_project: s.project
        for s in project_settings_of(context.sync).values()
        if s.plan_project
    }
    for candidate in (linked.get(plan_id), plan_id):
        if candidate is None:
            continue
        try:
            return ledger.project(candidate).company
        except InputError:
            continue
    return None


def plan_companies(context: Context) -> dict[str, str]:
    """Plan project → company, for every ledger project: by the plan project
    its settings link it to, else by its own id (for listings)."""
    found: dict[str, str] = {}
    linked = project_settings_of(context.sync)
    for project in LedgerService(context.ledger).projects():
        found.setdefault(project.id, project.company)
        settings = linked.get(project.id)
        if settings is not None and settings.plan_project:
            found[settings.plan_project] = project.company
    return found


def visible_plan_project(context: Context, user: User, plan_id: str) -> None:
    """Refuse (404) a plan project outside the user's companies; a plan project
    linked to no ledger project is an administrator's alone."""
    if user.all_companies:
        return
    company = plan_project_company(context, plan_id)
    if company is None or not user.sees(company):
        raise not_found(f"plan project {plan_id}")


def resource_companies(context: Context) -> dict[str, str]:
    """Plan resource → company, for every resource the sync links to a worker."""
    with context.sync.read() as conn:
        linked = links_of(conn, "resource")
    company = {w.id: w.company for w in LedgerService(context.ledger).workers()}
    return {plan: company[worker] for worker, plan in linked.items() if worker in company}


def visible_resources(context: Context, user: User) -> list[PlanResource]:
    """The plan's resources of the user's companies' workers."""
    found = PlanService(context.plan).resources()
    if user.all_companies:
        return found
    companies = resource_companies(context)
    return [r for r in found if user.sees(companies.get(r.id, ""))]


def own_resource(context: Context, user: User) -> str | None:
    """The plan resource of the user's worker, as the sync links them (None
    for a user who is no worker, or whose worker has no resource)."""
    if user.worker is None:
        return None
    with context.sync.read() as conn:
        return plan_keys_of(conn, "resource", [user.worker]).get(user.worker)


def timesheet_resources(context: Context, user: User) -> set[str] | None:
    """The resources whose timesheets the user sees (None: every one): their
    own, and those of their companies' workers for one who reads the plan."""
    if user.all_companies:
        return None
    found = set()
    if user.can(Right.PLAN_READ):
        found = {r for r, company in resource_companies(context).items() if user.sees(company)}
    own = own_resource(context, user)
    return found | {own} if own is not None else found


def may_record(context: Context, user: User, resource: str) -> None:
    """Refuse (403) anyone but the resource's own person (and an
    administrator) the recording and submitting of its hours."""
    if not user.all_companies and own_resource(context, user) != resource:
        raise HTTPException(403, "only the resource's own person records and submits its hours")


def may_decide(context: Context, user: User, resource: str, monday: dt.date) -> None:
    """Refuse a decision on a week of a resource outside the user's companies
    (404), or one holding hours on a project the user does not see (403)."""
    scope = timesheet_resources(context, user)
    if scope is not None and resource not in scope:
        raise not_found(f"resource {resource}")
    if not user.all_companies:
        companies = plan_companies(context)
        lines = TimesheetService(context.plan).lines(resources=[resource], week=monday)
        if any(not user.sees(companies.get(line.project, "")) for line in lines):
            raise HTTPException(403, "the week holds hours on projects you do not see")


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityScope:
    """The sync's entity keys a user may see: those of their companies'
    projects (``PROJECT/...``, by ledger project or its linked plan project)
    and of their workers (a resource, by the worker's id). The two are told
    apart by kind: a worker whose id is a project's of another company opens
    none of that project's entries."""

    projects: frozenset[str]
    workers: frozenset[str]

    def project(self, key: str) -> bool:
        return key.split("/", 1)[0] in self.projects

    def entity(self, kind: str, key: str, plan_key: str | None = None) -> bool:
        """Whether the entity of ``kind`` (a status's kind or a log entry's
        entity type) and ``key`` lies in the user's companies. A timesheet
        line is named by its source, and lies where its task (``plan_key``) does."""
        if kind == TIMESHEET_LINE:
            return plan_key is not None and self.project(plan_key)
        return key in self.workers if kind in RESOURCE_KINDS else self.project(key)


def entity_filter(context: Context, user: User) -> EntityScope | None:
    """The sync's entities the user may see; ``None`` when the user sees everything."""
    if user.all_companies:
        return None
    projects = {p.id for p in visible_projects(context, user)}
    linked = project_settings_of(context.sync)
    projects |= {s.plan_project or "" for s in linked.values() if s.project in projects} - {""}
    workers = {w.id for w in visible_workers(context, user)}
    return EntityScope(projects=frozenset(projects), workers=frozenset(workers))
