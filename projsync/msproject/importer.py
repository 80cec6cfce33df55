"""Publishing a Microsoft Project file to the plan server: as a new project, or
as the new WBS of an existing one. One transaction: a refused file leaves
nothing behind.

Replacing a WBS keeps the tasks the ledger may be linked to: an incoming task
takes the place of the existing task with the same id (the file's unique id,
or the projsync id an exported file carries), else of the existing task with
the same name under the same parent; the rest are new, and existing tasks no
incoming task matched are deleted. A kept task keeps its actuals (the ledger's
postings, which a file never adds to), and what the file cannot say or
Microsoft Project computes: its budget and baseline where the file gives none,
and, as a summary task, its own duration. A file's calendars are stored under
the project's name ("X:Standard"). Its resources are the enterprise pool's:
found by the projsync id an exported file carries, else by name; one the pool
does not know is added, under an id no resource has. Pool resources are never
changed by a file.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, select

from projsync.db import Store, insert_many
from projsync.errors import InputError, Problem
from projsync.msproject.document import (
    BUDGET_COST_FIELD,
    BUDGET_WORK_FIELD,
    FileCalendar,
    ProjectDocument,
)
from projsync.plan import calendars as calendar_store
from projsync.plan.changes import reserve_versions, tombstone
from projsync.plan.entities import (
    CalendarRecord,
    CustomField,
    FieldEntity,
    FieldType,
    PlanAssignment,
    PlanLink,
    PlanTask,
)
from projsync.plan.fields import add_field_in, field_in, set_field_value_in
from projsync.plan.schedule import collector_paused
from projsync.plan.service import PlanService
from projsync.plan.tables import actuals, assignments, links, resources, tasks

__all__ = ["CATEGORY_FIELD", "ImportResult", "import_document", "project_id_for"]

CATEGORY_FIELD = "Category"
"""A task text field of this name (alias) fills the task's category."""
_OWN_FIELDS = frozenset({CATEGORY_FIELD, BUDGET_WORK_FIELD, BUDGET_COST_FIELD})
"""Fields of a file that fill a task's own fields, not custom fields."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    project: str
    tasks: int
    resources: int
    assignments: int
    calendars: int
    replaced: bool = False
    kept: int = 0
    """Existing tasks kept (matched by id or by name) when replacing a WBS."""
    deleted: int = 0


def project_id_for(document: ProjectDocument) -> str:
    """An id for a project published from a file: the file's name, tidied."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", document.source.rsplit(".", 1)[0]).strip("-")
    return (stem or "PROJECT")[:40]


def import_document(
    store: Store,
    document: ProjectDocument,
    *,
    as_project: str | None = None,
    replace: str | None = None,
    progress: Callable[[str], None] | None = None,
    fields: Mapping[str, str] | None = None,
) -> ImportResult:
    """Store a file's project as a new project, or replace an existing project's
    WBS; ``fields``: text values of the project's own custom fields, set in
    the same transaction (defined where they are not yet)."""
    service = PlanService(store)
    with collector_paused(), store.write() as conn:
        project_id = replace or as_project or project_id_for(document)
        if progress:
            progress("calendars")
        names = _store_calendars(conn, project_id, document.calendars, reuse=replace is not None)
        if progress:
            progress("resources")
        new_resources, pool = _store_resources(conn, service, document)
        if replace is None:
            service.add_project_in(
                conn,
                dataclasses.replace(
                    document.project,
                    id=project_id,
                    calendar=names.get(document.project.calendar, "Standard"),
                ),
            )
            incoming, kept, deleted = _renamed(document, project_id, names, pool), 0, 0
            saved: list[dict[str, Any]] = []
        else:
            current = service.project_in(conn, project_id)
            service.write_project(
                conn,
                current,
                dataclasses.replace(
                    current,
                    start=document.project.start,
                    status_date=document.project.status_date,
                    calendar=names.get(document.project.calendar, current.calendar),
                    currency=document.project.currency or current.currency,
                ),
            )
            incoming = _renamed(document, project_id, names, pool)
            incoming, kept, deleted, saved = _replace_wbs(
                conn, service, project_id, incoming, _budgeted(document)
            )
        new_tasks, new_links, new_assignments = incoming
        if progress:
            progress("tasks")
        service.add_tasks_in(conn, project_id, new_tasks, new_links)
        if saved:
            insert_many(conn, actuals, saved)
        service.add_assignments_in(conn, new_assignments, tasks_hold_work=True)
        _store_values(conn, project_id, document, {t.id for t in new_tasks})
        for name, value in (fields or {}).items():
            if field_in(conn, name) is None:
                add_field_in(
                    conn, CustomField(name=name, entity=FieldEntity.PROJECT, type=FieldType.TEXT)
                )
            set_field_value_in(conn, name, project_id, value)
    return ImportResult(
        project=project_id,
        tasks=len(new_tasks),
        resources=new_resources,
        assignments=len(new_assignments),
        calendars=len(document.calendars),
        replaced=replace is not None,
        kept=kept,
        deleted=deleted,
    )


_Incoming = tuple[list[PlanTask], list[PlanLink], list[PlanAssignment]]


def _renamed(
    document: ProjectDocument, project_id: str, names: dict[str, str], pool: Mapping[str, str]
) -> _Incoming:
    categories = {v.key: v.value for v in document.values if v.field == CATEGORY_FIELD and v.key}
    budget_work = {
        v.key: minutes
        for v in document.values
        if v.field == BUDGET_WORK_FIELD and (minutes := _minutes(v.value)) is not None
    }
    budget_cost = {
        v.key: cost
        for v in document.values
        if v.field == BUDGET_COST_FIELD and (cost := _money(v.value)) is not None
    }
    assigned: dict[str, int] = {}
    for a in document.assignments:
        assigned[a.task] = assigned.get(a.task, 0) + a.work
    new_tasks = [
        _replaced(
            t,
            project=project_id,
            calendar=names.get(t.calendar) if t.calendar else None,
            category=categories.get(t.id, t.category),
            # a task's work is its assignments' (as the store keeps it)
            work=assigned.get(t.id, t.work),
            budget_work=budget_work.get(t.id, t.budget_work),
            budget_cost=budget_cost.get(t.id, t.budget_cost),
        )
        for t in document.tasks
    ]
    # links made afresh: dataclasses.replace costs ten times as much, for 1.5 a task
    new_links = [
        PlanLink(
            project=project_id,
            predecessor=link.predecessor,
            successor=link.successor,
            type=link.type,
            lag=link.lag,
            lag_kind=link.lag_kind,
        )
        for link in document.links
    ]
    new_assignments: list[PlanAssignment] = []
    placed: set[tuple[str, str]] = set()
    for a in document.assignments:
        resource = pool.get(a.resource, a.resource)
        if (a.task, resource) not in placed:  # two of the file's resources may be one
            placed.add((a.task, resource))
            new_assignments.append(dataclasses.replace(a, project=project_id, resource=resource))
    return new_tasks, new_links, new_assignments


def _budgeted(document: ProjectDocument) -> set[str]:
    """The file's tasks that carry a budget."""
    return {v.key for v in document.values if v.field in (BUDGET_WORK_FIELD, BUDGET_COST_FIELD)}


def _minutes(text: str) -> int | None:
    """A duration field's text ("480m") as minutes."""
    try:
        return max(0, int(text.removesuffix("m")))
    except ValueError:
        return None


def _money(text: str) -> Decimal | None:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and amount >= 0 else None


_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(PlanTask))


def _replaced(task: PlanTask, **changes: object) -> PlanTask:
    """``dataclasses.replace`` for the tasks of a file, a few times faster."""
    values = {name: getattr(task, name) for name in _TASK_FIELDS}
    values.update(changes)
    return PlanTask(**values)


def _replace_wbs(
    conn: Connection,
    service: PlanService,
    project_id: str,
    incoming: _Incoming,
    budgeted: set[str],
) -> tuple[_Incoming, int, int, list[dict[str, Any]]]:
    """Match incoming tasks to existing ones, clear the old WBS, and give the
    incoming tasks the ids of the tasks they replace. Returns the actuals of
    the kept tasks, to be stored again once the tasks are back."""
    new_tasks, new_links, new_assignments = incoming
    existing = service.tasks_in(conn, project_id)
    by_id = {t.id: t for t in existing}
    rename: dict[str, str] = {}
    taken: set[str] = set()
    for task in new_tasks:  # by id first
        if task.id in by_id:
            rename[task.id] = task.id
            taken.add(task.id)
    by_place = {(t.parent, t.name): t.id for t in existing if t.id not in taken}
    for task in new_tasks:  # then by name under the same parent
        if task.id in rename:
            continue
        parent = rename.get(task.parent, task.parent) if task.parent else None
        match = by_place.pop((parent, task.name), None)
        if match is not None:
            rename[task.id] = match
            taken.add(match)
    matched = dict(rename)
    for task in new_tasks:  # the rest keep their own id unless an old task still holds it
        if task.id not in rename:
            candidate, n = task.id, 1
            while candidate in taken or (candidate in by_id and candidate not in taken):
                n += 1
                candidate = f"{task.id}-{n}"
            rename[task.id] = candidate
            taken.add(candidate)
    saved = _actual_rows(conn, project_id, set(matched.values()))
    _clear_wbs(conn, project_id, existing, keep=set())
    deleted = sum(1 for t in existing if t.id not in taken)
    kept = len(existing) - deleted
    summaries = {t.parent for t in new_tasks if t.parent is not None}
    renamed_tasks = [
        _kept(
            dataclasses.replace(
                t, id=rename[t.id], parent=rename.get(t.parent) if t.parent else None
            ),
            by_id.get(matched.get(t.id, "")),
            summary=t.id in summaries,
            budgeted=t.id in budgeted,
        )
        for t in new_tasks
    ]
    renamed_links = [
        dataclasses.replace(
            link, predecessor=rename[link.predecessor], successor=rename[link.successor]
        )
        for link in new_links
    ]
    renamed_assignments = _with_actuals(
        [dataclasses.replace(a, task=rename[a.task]) for a in new_assignments], saved
    )
    return (renamed_tasks, renamed_links, renamed_assignments), kept, deleted, saved


_BASELINE_FIELDS = (
    "baseline_start", "baseline_finish", "baseline_duration", "baseline_work", "baseline_cost",
)  # fmt: skip


def _kept(task: PlanTask, old: PlanTask | None, *, summary: bool, budgeted: bool) -> PlanTask:
    """An incoming task that replaces ``old``, with what it keeps of it: the
    budget a file without one leaves out, baseline values the file leaves
    empty (Microsoft Project cannot tell a zero from an empty one), and a
    summary task's own duration (the file's is what Project computes), and the
    slack the scheduler found, while the task's dates are those it found it for."""
    if old is None:
        return task
    changes: dict[str, object] = {
        name: getattr(old, name) for name in _BASELINE_FIELDS if getattr(task, name) is None
    }
    if not budgeted:
        changes.update(budget_work=old.budget_work, budget_cost=old.budget_cost)
    if summary:
        changes.update(duration=old.duration, elapsed=old.elapsed)
    if task.total_slack is None and _dates(task) == _dates(old):  # a file's slack is not read
        changes.update(total_slack=old.total_slack, free_slack=old.free_slack)
    return _replaced(task, **changes) if changes else task


def _dates(task: PlanTask) -> tuple[object, ...]:
    return (task.start, task.finish, task.early_start, task.early_finish, task.late_start,
            task.late_finish)  # fmt: skip


def _actual_rows(conn: Connection, project_id: str, task_ids: set[str]) -> list[dict[str, Any]]:
    """The stored actuals of these tasks, as rows (their versions too: stored
    again unchanged, they are no change)."""
    if not task_ids:
        return []
    rows = conn.execute(select(actuals).where(actuals.c.project_id == project_id))
    return [dict(row._mapping) for row in rows if row.task_id in task_ids]


def _with_actuals(
    incoming: list[PlanAssignment], saved: list[dict[str, Any]]
) -> list[PlanAssignment]:
    """Assignments of a task the plan holds actuals for take their actual work
    and cost from them (none where a resource has none), as recording actuals
    sets them; a file's own figures stand only where the plan holds none."""
    sums: dict[tuple[str, str], tuple[int, Decimal]] = {}
    for row in saved:
        key = (row["task_id"], row["resource_id"])
        work, cost = sums.get(key, (0, Decimal("0.00")))
        sums[key] = (work + row["actual_work"], cost + row["actual_cost"])
    with_actuals = {task for task, _ in sums}
    return [
        dataclasses.replace(
            a,
            actual_work=sums.get((a.task, a.resource), (0, Decimal(0)))[0],
            actual_cost=sums.get((a.task, a.resource), (0, Decimal("0.00")))[1],
        )
        if a.task in with_actuals
        else a
        for a in incoming
    ]


def _clear_wbs(conn: Connection, project_id: str, existing: list[PlanTask], keep: set[str]) -> None:
    """Remove the project's tasks, links, assignments and actuals; tasks that
    come back under the same id are re-created (and so show as changed, not
    deleted), their actuals with them."""
    version = reserve_versions(conn)
    for table in (actuals, assignments, links):
        conn.execute(table.delete().where(table.c.project_id == project_id))
    conn.execute(tasks.update().where(tasks.c.project_id == project_id).values(parent_id=None))
    conn.execute(tasks.delete().where(tasks.c.project_id == project_id))
    for task in existing:
        if task.id not in keep:
            tombstone(conn, "task", f"{project_id}/{task.id}", version)


def _store_calendars(
    conn: Connection, project_id: str, found: tuple[FileCalendar, ...], *, reuse: bool = False
) -> dict[str, str]:
    """Store the file's calendars as "<project>:<name>"; returns the name map.
    ``reuse`` (a replaced WBS): a calendar the store holds under the file's
    name, unchanged, is that calendar (an exported project's shared calendar
    comes back as itself, not as a copy)."""
    names = {c.name: f"{project_id}:{c.name}"[:100] for c in found}
    known = set(calendar_store.calendar_names(conn))
    if reuse:
        for calendar in sorted(found, key=lambda c: c.base is not None):  # bases first
            if names[calendar.name] not in known and _held_as(conn, calendar, known, names):
                names[calendar.name] = calendar.name
    pending = [c for c in found if names[c.name] not in known]
    while pending:
        ready = [
            c
            for c in pending
            if c.base is None or names.get(c.base) in known or c.base not in names
        ]
        if not ready:
            raise InputError(
                [
                    Problem(
                        where="calendars",
                        what="the file's calendars derive from each other in a loop",
                    )
                ]
            )
        for calendar in ready:
            base = names.get(calendar.base) if calendar.base else None
            week = calendar.week if base else tuple(day or () for day in calendar.week)
            calendar_store.add_calendar(
                conn, CalendarRecord(name=names[calendar.name], base=base, week=week)
            )
            for exception in calendar.exceptions:
                calendar_store.add_exception(
                    conn,
                    names[calendar.name],
                    exception.start,
                    exception.finish,
                    name=exception.name[:200],
                    working_times=exception.working_times,
                )
            known.add(names[calendar.name])
        pending = [c for c in pending if c not in ready]
    return names


def _held_as(
    conn: Connection, calendar: FileCalendar, known: set[str], names: dict[str, str]
) -> bool:
    """Whether the store holds this calendar, unchanged, under its own name."""
    if calendar.name not in known:
        return False
    stored = calendar_store.load_calendar(conn, calendar.name)
    base = names.get(calendar.base, calendar.base) if calendar.base else None

    def week(days: tuple[Any, ...], derived: bool) -> tuple[Any, ...]:
        return days if derived else tuple(day or () for day in days)

    def exceptions(found: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return sorted((e.start, e.finish, tuple(e.working_times), e.name) for e in found)

    return (
        (stored.base.name if stored.base else None) == base
        and week(stored.week, stored.base is not None) == week(calendar.week, base is not None)
        and exceptions(stored.exceptions) == exceptions(calendar.exceptions)
    )


def _store_resources(
    conn: Connection, service: PlanService, document: ProjectDocument
) -> tuple[int, dict[str, str]]:
    """The pool's resource for each of the file's (file id → pool id): the one
    of its projsync id, else the first of its name; one the pool does not know
    is added under its own id, or one made from it if that is taken. Returns
    how many were added, and the ids."""
    ids: set[str] = set()
    by_name: dict[str, str] = {}
    for resource_id, name in conn.execute(
        select(resources.c.id, resources.c.name).order_by(resources.c.id)
    ):
        ids.add(resource_id)
        by_name.setdefault(name.strip(), resource_id)
    calendars = set(calendar_store.calendar_names(conn))
    found: dict[str, str] = {}
    added = 0
    for resource in document.resources:
        if resource.id in document.pool_ids and resource.id in ids:
            found[resource.id] = resource.id
            continue
        same = by_name.get(resource.name.strip())
        if same is not None:
            found[resource.id] = same
            continue
        new_id, n = resource.id, 1
        while new_id in ids:
            n += 1
            new_id = f"{resource.id[:55]}-{n}"
        calendar = resource.calendar if resource.calendar in calendars else None
        service.add_resource_in(conn, dataclasses.replace(resource, id=new_id, calendar=calendar))
        ids.add(new_id)
        by_name.setdefault(resource.name.strip(), new_id)
        found[resource.id] = new_id
        added += 1
    return added, found


def _store_values(
    conn: Connection, project_id: str, document: ProjectDocument, task_ids: set[str]
) -> None:
    for field in document.fields:
        if field.name not in _OWN_FIELDS and field_in(conn, field.name) is None:
            add_field_in(conn, field)
    for value in document.values:
        if value.field in _OWN_FIELDS or value.key not in task_ids:
            continue
        set_field_value_in(conn, value.field, f"{project_id}/{value.key}", value.value)
