"""What is integrated, and where each ledger entity lands on the plan side.

A run starts by reading its scope: which ledger projects are integrated (and
which plan project each lands in), which companies and workers, and each
project's field owners. From the scope alone, pure functions here give the
plan key and the plan parent the sync gives an entity when it creates it:

- a plan project created by the sync has the ledger project's id;
- a subproject is a summary task ``<root>/<subproject>`` of its root's plan
  project (or, with "do not integrate header projects", a plan project);
- an activity's task has the activity's number, ``<subproject>.<number>`` under
  a subproject (numbers are unique per ledger project only);
- an assignment is ``<task>/<worker>``; an actual ``<task>/<resource>/<day>``.

Reading the scope is the only I/O here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from projsync.connectors.base import Connector, EntityKind, SyncRecord
from projsync.db import Store
from projsync.sync.headers import headers, refresh_headers
from projsync.sync.merge import Ownership, Side
from projsync.sync.settings import (
    DEFAULT_OWNERS,
    ProjectSettings,
    integrated_companies,
    load_global,
    project_settings_of,
)
from projsync.sync.tables import links

__all__ = [
    "Scope",
    "header_projects",
    "integrated_through",
    "integrating",
    "is_root",
    "ownership",
    "plan_key",
    "plan_parent",
    "project_of",
    "project_of_key",
    "read_scope",
    "task_plan_key",
]


@dataclass(slots=True)
class Scope:
    """Which ledger projects are integrated, and where each lands on the plan side."""

    root_of: dict[str, str]
    """Integrated ledger project → its plan project id."""
    parents: dict[str, str | None]
    newcomers: set[str]
    """Integrated projects not yet linked: their whole content goes across."""
    companies: set[str]
    """Integrated companies: their integrated workers become resources."""
    workers: set[str]
    """Integrated workers of integrated companies: the plan's resources."""
    chosen: dict[str, ProjectSettings]
    """Each project's own integration settings (field owners among them)."""
    owners: dict[str | None, Ownership]
    """Field owners per project, worked out once per run (see ``ownership``)."""


def integrating(
    key: str | None, parents: Mapping[str, str | None], chosen: Mapping[str, ProjectSettings]
) -> ProjectSettings | None:
    """The settings that integrate a project: its own when they integrate it,
    else those of its nearest ancestor that do (a subproject of an integrated
    project is integrated through it); ``None`` when none do."""
    while key is not None:
        found = chosen.get(key)
        if found is not None and found.integrate:
            return found
        key = parents.get(key)
    return None


def header_projects(parents: Mapping[str, str | None]) -> set[str]:
    """The projects with subprojects at the top: with "do not integrate header
    projects" they are left out, and each of their subprojects is a plan project."""
    return {p for p in parents.values() if p is not None and parents.get(p) is None}


def integrated_through(
    parents: Mapping[str, str | None],
    company_of: Mapping[str, str | None],
    chosen: Mapping[str, ProjectSettings],
    companies: Collection[str],
    *,
    no_header_projects: bool = False,
) -> dict[str, str]:
    """Each integrated project → the project whose own setting integrates it
    (itself, or the ancestor it is integrated through), as a run decides it
    (``read_scope``): its company integrated, it or an ancestor switched on,
    and not a header project left out."""
    tops = header_projects(parents) if no_header_projects else set()
    found: dict[str, str] = {}
    for key in parents:
        if key in tops or company_of.get(key) not in companies:
            continue
        settings = integrating(key, parents, chosen)
        if settings is not None:
            found[key] = settings.project
    return found


def read_scope(store: Store, ledger: Connector, until: int | None = None) -> Scope:
    """The scope as of the ledger's version ``until`` (now when not given)."""
    refresh_headers(store, ledger, ledger.high_water() if until is None else until)
    companies = integrated_companies(store)
    chosen = project_settings_of(store)
    projects = headers(store, EntityKind.PROJECT)
    parents = {key: header.parent for key, header in projects.items()}

    def switched_on(key: str | None) -> ProjectSettings | None:
        return integrating(key, parents, chosen)

    tops = header_projects(parents) if load_global(store).no_header_projects else set()
    root_of: dict[str, str] = {}
    for key, header in projects.items():
        if key in tops or header.company not in companies or switched_on(key) is None:
            continue
        root = key
        while (
            parents.get(root) is not None
            and parents[root] not in tops
            and switched_on(parents[root]) is not None
        ):
            root = parents[root] or root
        own = chosen.get(root)
        root_of[key] = (own.plan_project if own and own.plan_project else None) or root
    with store.read() as conn:
        linked = set(
            conn.execute(select(links.c.ledger_key).where(links.c.kind == "project")).scalars()
        )
    workers = {
        key
        for key, header in headers(store, EntityKind.RESOURCE).items()
        if header.company in companies
    }
    return Scope(
        root_of=root_of,
        parents=parents,
        newcomers=set(root_of) - linked,
        companies=companies,
        workers=workers,
        chosen=chosen,
        owners={},
    )


def ownership(scope: Scope, project: str | None) -> Ownership:
    """A project's field owners: its settings', else the defaults."""
    known = scope.owners.get(project)
    if known is None:
        settings = scope.chosen.get(project) if project is not None else None
        owners = settings.owners if settings is not None else DEFAULT_OWNERS
        chosen = {**_IMPLIED_OWNERS, **owners}  # "none" leaves a field without owner
        fields = {name: Side(side) for name, side in chosen.items() if side in ("ledger", "plan")}
        known = scope.owners[project] = Ownership(
            fields=fields, default=None, existence=Side.LEDGER
        )
    return known


_IMPLIED_OWNERS = {"planned_hours": "ledger", "end": "plan", "parent": "ledger"}
"""Owners of fields the settings' defaults do not name."""


def project_of_key(ledger_key: str) -> str:
    return ledger_key.split("/", 1)[0]


def project_of(kind: EntityKind, record: SyncRecord) -> str | None:
    """The ledger project an entity belongs to (None for a resource)."""
    if kind is EntityKind.PROJECT:
        return record.key
    if kind is EntityKind.RESOURCE:
        return None
    fields = record.fields or {}
    project = fields.get("project")
    return str(project) if project is not None else record.key.split("/", 1)[0]


def plan_key(kind: EntityKind, record: SyncRecord, scope: Scope) -> str | None:
    """The plan key an entity gets when the sync creates it (see the module's ids)."""
    fields = record.fields or {}
    if kind is EntityKind.PROJECT:
        root = scope.root_of.get(record.key)
        if root is None:
            return None
        return root if is_root(record.key, scope) else f"{root}/{record.key}"
    if kind is EntityKind.RESOURCE:
        return record.key
    project = str(fields.get("project") or record.key.split("/", 1)[0])
    if kind is EntityKind.TASK:
        return task_plan_key(project, str(fields.get("number")), scope)
    # an assignment (actuals go under their task's link: see sync/actuals.py)
    task = task_plan_key(project, str(fields.get("activity")), scope)
    return None if task is None else f"{task}/{fields.get('worker')}"


def task_plan_key(project: str, number: str, scope: Scope) -> str | None:
    """The plan key the sync gives an activity's task (None outside the integration)."""
    root = scope.root_of.get(project)
    return None if root is None else f"{root}/{_task_id(project, number, scope)}"


def plan_parent(kind: EntityKind, record: SyncRecord, scope: Scope) -> str | None:
    """The plan key of the node an entity the sync creates hangs under."""
    fields = record.fields or {}
    if kind is EntityKind.PROJECT:
        parent = scope.parents.get(record.key)
        if parent is None or is_root(record.key, scope):
            return None
        root = scope.root_of[record.key]
        return root if is_root(parent, scope) else f"{root}/{parent}"
    if kind is not EntityKind.TASK:
        return None
    project = str(fields.get("project"))
    plan_project = scope.root_of.get(project)
    if plan_project is None:
        return None
    activity_parent = fields.get("parent")
    if activity_parent is not None:
        return f"{plan_project}/{_task_id(project, str(activity_parent), scope)}"
    return None if is_root(project, scope) else f"{plan_project}/{project}"


def is_root(project: str, scope: Scope) -> bool:
    """True for a ledger project that is a plan project of its own."""
    parent = scope.parents.get(project)
    return parent is None or parent not in scope.root_of


def _task_id(project: str, number: str, scope: Scope) -> str:
    return number if is_root(project, scope) else f"{project}.{number}"


def projects_under(scope: Scope, project: str) -> set[str]:
    """A ledger project and its integrated subprojects, at any depth."""
    found = {project}
    grew = True
    while grew:
        more = {key for key, parent in scope.parents.items() if parent in found} - found
        grew = bool(more)
        found |= more
    return found & (set(scope.root_of) | {project})

