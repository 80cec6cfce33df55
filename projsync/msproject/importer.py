"""Publishing a Microsoft Project file to the plan server: as a new project, or
as the new WBS of an existing one. One transaction: a refused file leaves
nothing behind.

Replacing a WBS keeps the tasks the ledger may be linked to: an incoming task
takes the place of the existing task with the same id (the file's unique id,
or the projsync id an exported file carries), else of the existing task with
the same name under the same parent; the rest are new, and existing tasks no
incoming task matched are deleted. A file's calendars are stored under the
project's name ("X:Standard"); its resources join the enterprise pool by name.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from projsync.db import Store
from projsync.errors import InputError, Problem
from projsync.msproject.document import FileCalendar, ProjectDocument
from projsync.plan import calendars as calendar_store
from projsync.plan.changes import reserve_versions, tombstone
from projsync.plan.entities import CalendarRecord, PlanAssignment, PlanLink, PlanTask
from projsync.plan.fields import add_field_in, field_in, set_field_value_in
from projsync.plan.schedule import collector_paused
from projsync.plan.service import PlanService
from projsync.plan.tables import actuals, assignments, links, tasks

__all__ = ["CATEGORY_FIELD", "ImportResult", "import_document", "project_id_for"]

CATEGORY_FIELD = "Category"
"""A task text field of this name (alias) fills the task's category."""


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
) -> ImportResult:
    """Store a file's project as a new project, or replace an existing project's WBS."""
    service = PlanService(store)
    with collector_paused(), store.write() as conn:
        project_id = replace or as_project or project_id_for(document)
        if progress:
            progress("calendars")
        names = _store_calendars(conn, project_id, document.calendars)
        if progress:
            progress("resources")
        new_resources = _store_resources(conn, service, document)
        if replace is None:
            service.add_project_in(
                conn,
                dataclasses.replace(
                    document.project,
                    id=project_id,
                    calendar=names.get(document.project.calendar, "Standard"),
                ),
            )
            incoming, kept, deleted = _renamed(document, project_id, names), 0, 0
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
                ),
            )
            incoming = _renamed(document, project_id, names)
            incoming, kept, deleted = _replace_wbs(conn, service, project_id, incoming)
        new_tasks, new_links, new_assignments = incoming
        if progress:
            progress("tasks")
        service.add_tasks_in(conn, project_id, new_tasks, new_links)
        service.add_assignments_in(conn, new_assignments, tasks_hold_work=True)
        _store_values(conn, project_id, document, {t.id for t in new_tasks})
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


def _renamed(document: ProjectDocument, project_id: str, names: dict[str, str]) -> _Incoming:
    categories = {v.key: v.value for v in document.values if v.field == CATEGORY_FIELD and v.key}
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
    new_assignments = [dataclasses.replace(a, project=project_id) for a in document.assignments]
    return new_tasks, new_links, new_assignments


_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(PlanTask))


def _replaced(task: PlanTask, **changes: object) -> PlanTask:
    """``dataclasses.replace`` for the tasks of a file, a few times faster."""
    values = {name: getattr(task, name) for name in _TASK_FIELDS}
    values.update(changes)
    return PlanTask(**values)


def _replace_wbs(
    conn: Connection, service: PlanService, project_id: str, incoming: _Incoming
) -> tuple[_Incoming, int, int]:
    """Match incoming tasks to existing ones, clear the old WBS, and give the
    incoming tasks the ids of the tasks they replace."""
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
    for task in new_tasks:  # the rest keep their own id unless an old task still holds it
        if task.id not in rename:
            candidate, n = task.id, 1
            while candidate in taken or (candidate in by_id and candidate not in taken):
                n += 1
                candidate = f"{task.id}-{n}"
            rename[task.id] = candidate
            taken.add(candidate)
    _clear_wbs(conn, project_id, existing, keep=set())
    deleted = sum(1 for t in existing if t.id not in taken)
    kept = len(existing) - deleted
    renamed_tasks = [
        dataclasses.replace(t, id=rename[t.id], parent=rename.get(t.parent) if t.parent else None)
        for t in new_tasks
    ]
    renamed_links = [
        dataclasses.replace(
            link, predecessor=rename[link.predecessor], successor=rename[link.successor]
        )
        for link in new_links
    ]
    renamed_assignments = [dataclasses.replace(a, task=rename[a.task]) for a in new_assignments]
    return (renamed_tasks, renamed_links, renamed_assignments), kept, deleted


def _clear_wbs(conn: Connection, project_id: str, existing: list[PlanTask], keep: set[str]) -> None:
    """Remove the project's tasks, links and assignments; tasks that come back
    under the same id are re-created (and so show as changed, not deleted)."""
    version = reserve_versions(conn)
    for table in (actuals, assignments, links):
        conn.execute(table.delete().where(table.c.project_id == project_id))
    conn.execute(tasks.update().where(tasks.c.project_id == project_id).values(parent_id=None))
    conn.execute(tasks.delete().where(tasks.c.project_id == project_id))
    for task in existing:
        if task.id not in keep:
            tombstone(conn, "task", f"{project_id}/{task.id}", version)


def _store_calendars(
    conn: Connection, project_id: str, found: tuple[FileCalendar, ...]
) -> dict[str, str]:
    """Store the file's calendars as "<project>:<name>"; returns the name map."""
    names = {c.name: f"{project_id}:{c.name}"[:100] for c in found}
    known = set(calendar_store.calendar_names(conn))
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


def _store_resources(conn: Connection, service: PlanService, document: ProjectDocument) -> int:
    added = 0
    names = set(calendar_store.calendar_names(conn))
    for resource in document.resources:
        if service.find_resource(conn, resource.id) is None:
            calendar = resource.calendar
            if calendar is not None and calendar not in names:
                calendar = None
            service.add_resource_in(conn, dataclasses.replace(resource, calendar=calendar))
            added += 1
    return added


def _store_values(
    conn: Connection, project_id: str, document: ProjectDocument, task_ids: set[str]
) -> None:
    for field in document.fields:
        if field.name != CATEGORY_FIELD and field_in(conn, field.name) is None:
            add_field_in(conn, field)
    for value in document.values:
        if value.field == CATEGORY_FIELD or value.key not in task_ids:
            continue
        set_field_value_in(conn, value.field, f"{project_id}/{value.key}", value.value)
