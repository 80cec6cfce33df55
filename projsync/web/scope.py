"""What a user may see: the projects, workers and plan projects of their
companies. Something outside a user's scope answers as if it did not exist
(404), so its existence is not told either."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException

from projsync.errors import InputError
from projsync.ledger.model import Company, Project, Worker
from projsync.ledger.service import LedgerService
from projsync.sync.settings import project_settings_of
from projsync.web.context import Context
from projsync.web.model import User

__all__ = [
    "entity_filter",
    "not_found",
    "plan_companies",
    "plan_project_company",
    "visible_company",
    "visible_plan_project",
    "visible_project",
    "visible_projects",
    "visible_worker",
    "visible_workers",
]


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


def entity_filter(context: Context, user: User) -> Callable[[str], bool] | None:
    """Whether an entity key of the sync (``PROJECT/...`` or ``WORKER``) lies in
    the user's companies; ``None`` when the user sees everything."""
    if user.all_companies:
        return None
    allowed = {p.id for p in visible_projects(context, user)}
    allowed |= {w.id for w in visible_workers(context, user)}
    linked = project_settings_of(context.sync)
    allowed |= {s.plan_project for s in linked.values() if s.plan_project and s.project in allowed}
    return lambda key: key.split("/", 1)[0] in allowed
