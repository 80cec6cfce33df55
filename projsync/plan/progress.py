"""Progress and budgets: time-phased actuals, baselines, budget work and cost.

Actuals are kept per task, resource and day; a task's actual work, actual cost
and revenue are their sums. Recording actuals on a task that has none yet
gives it an actual start on the first day, so the scheduler keeps it there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, func, select

from projsync.db import Store, insert_many
from projsync.errors import InputError, Problem, refusal
from projsync.plan import records
from projsync.plan.calendar import add_working
from projsync.plan.calendars import load_calendar
from projsync.plan.changes import reserve_versions
from projsync.plan.entities import ZERO, ActualEntry, PlanAssignment
from projsync.plan.model import Calendar
from projsync.plan.rollup import Totals
from projsync.plan.service import PlanService
from projsync.plan.tables import actuals, assignments, resources, tasks

__all__ = [
    "actual_totals",
    "actuals_in",
    "actuals_of",
    "record_actuals",
    "save_baseline",
    "set_budget",
]


def record_actuals(store: Store, entries: Sequence[ActualEntry]) -> int:
    """Set the actuals of each (task, resource, day) given, replacing what was
    there; returns how many rows changed. Done a project at a time, each in a
    few statements, however many days are given."""
    service = PlanService(store)
    changed = 0
    with store.write() as conn:
        by_project: dict[str, list[ActualEntry]] = {}
        for entry in entries:
            by_project.setdefault(entry.project, []).append(entry)
        known = _known_resources(conn, {e.resource for e in entries if e.resource is not None})
        for project_id, mine in by_project.items():
            changed += _record_project(conn, service, project_id, mine, known)
    return changed


def _record_project(
    conn: Connection,
    service: PlanService,
    project_id: str,
    mine: list[ActualEntry],
    known_resources: set[str],
) -> int:
    project = service.project_in(conn, project_id)
    tasks_of = _progress_of(conn, project_id, {e.task for e in mine})
    for entry in mine:
        if (
            entry.task not in tasks_of
            or entry.actual_work < 0
            or (entry.resource is not None and entry.resource not in known_resources)
        ):
            _refuse(entry, tasks_of, known_resources)
    have = _actuals_of_tasks(conn, project_id, set(tasks_of))
    inserts: list[ActualEntry] = []
    updates: list[ActualEntry] = []
    first_days: dict[str, dt.date] = {}
    for entry in mine:
        task, day = entry.task, entry.day
        key = (task, entry.resource or "", day)
        values = (entry.actual_work, entry.actual_cost, entry.revenue)
        before = have.get(key)
        if before is None:
            inserts.append(entry)
        elif before != values:
            updates.append(entry)
        have[key] = values
        first = first_days.get(task)
        if first is None or day < first:
            first_days[task] = day
    _insert_actuals(conn, project_id, inserts)
    _update_actuals(conn, updates)
    _follow_actuals(
        conn, service, project_id, project.calendar, tasks_of, first_days, _sums_of(have)
    )
    return len(inserts) + len(updates)


def _sums_of(
    have: Mapping[tuple[str, str, dt.date], tuple[int, Decimal, Decimal]],
) -> dict[tuple[str, str], tuple[int, Decimal]]:
    """Actual work and cost per (task, resource) of the days given."""
    sums: dict[tuple[str, str], tuple[int, Decimal]] = {}
    for (task, resource, _day), (work, cost, _revenue) in have.items():
        before = sums.get((task, resource))
        sums[(task, resource)] = (
            (work, cost) if before is None else (before[0] + work, before[1] + cost)
        )
    return sums


def _known_resources(conn: Connection, wanted: set[str]) -> set[str]:
    if len(wanted) > 100:  # a whole portfolio's workers: one read of every id
        return wanted & set(conn.execute(select(resources.c.id)).scalars())
    listed = sorted(wanted)
    found: set[str] = set()
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        found.update(
            conn.execute(select(resources.c.id).where(resources.c.id.in_(chunk))).scalars()
        )
    return found


class _Progress(NamedTuple):
    """What following its actuals needs of a task."""

    id: str
    calendar: str | None
    work: int
    actual_start: dt.datetime | None
    percent_complete: int


def _progress_of(conn: Connection, project_id: str, ids: set[str]) -> dict[str, _Progress]:
    listed = sorted(ids)
    found: dict[str, _Progress] = {}
    for start in range(0, len(listed), 500):
        rows = conn.execute(
            select(
                tasks.c.id,
                tasks.c.calendar_name,
                tasks.c.work,
                tasks.c.actual_start,
                tasks.c.percent_complete,
            ).where(tasks.c.project_id == project_id, tasks.c.id.in_(listed[start : start + 500]))
        )
        found.update((row[0], _Progress(*row)) for row in rows)
    return found


def _actuals_of_tasks(
    conn: Connection, project_id: str, task_ids: set[str]
) -> dict[tuple[str, str, dt.date], tuple[int, Decimal, Decimal]]:
    """What the tasks have now, by (task, resource, day)."""
    listed = sorted(task_ids)
    have: dict[tuple[str, str, dt.date], tuple[int, Decimal, Decimal]] = {}
    for start in range(0, len(listed), 500):
        rows = conn.execute(
            select(actuals.c.task_id, actuals.c.resource_id, actuals.c.day,
                   actuals.c.actual_work, actuals.c.actual_cost, actuals.c.revenue)
            .where(actuals.c.project_id == project_id,
                   actuals.c.task_id.in_(listed[start : start + 500]))
        )  # fmt: skip
        for task, resource, day, work, cost, revenue in rows:
            have[(task, resource, day)] = (work, cost, revenue)
    return have


def _insert_actuals(conn: Connection, project_id: str, entries: list[ActualEntry]) -> None:
    if not entries:
        return
    first = reserve_versions(conn, len(entries))
    insert_many(
        conn,
        actuals,
        [
            {
                "task_id": entry.task,
                "resource_id": entry.resource or "",
                "day": entry.day,
                "actual_work": entry.actual_work,
                "actual_cost": entry.actual_cost,
                "revenue": entry.revenue,
                "version": version,
            }
            for version, entry in enumerate(entries, start=first)
        ],
        same={"project_id": project_id},
    )


def _update_actuals(conn: Connection, entries: list[ActualEntry]) -> None:
    if not entries:
        return
    first = reserve_versions(conn, len(entries))
    statement = (
        actuals.update()
        .where(
            actuals.c.project_id == bindparam("key_project"),
            actuals.c.task_id == bindparam("key_task"),
            actuals.c.resource_id == bindparam("key_resource"),
            actuals.c.day == bindparam("key_day"),
        )
        .values(
            actual_work=bindparam("new_work"),
            actual_cost=bindparam("new_cost"),
            revenue=bindparam("new_revenue"),
            version=bindparam("new_version"),
        )
    )
    conn.execute(
        statement,
        [
            {
                "key_project": entry.project,
                "key_task": entry.task,
                "key_resource": entry.resource or "",
                "key_day": entry.day,
                "new_work": entry.actual_work,
                "new_cost": entry.actual_cost,
                "new_revenue": entry.revenue,
                "new_version": first + i,
            }
            for i, entry in enumerate(entries)
        ],
    )


def actuals_of(store: Store, project_id: str) -> list[ActualEntry]:
    """Every actual of a project, by task, day and resource."""
    with store.read() as conn:
        PlanService(store).project_in(conn, project_id)
        return actuals_in(conn, project_id)


def actuals_in(
    conn: Connection, project_id: str, *, by_resource: bool = False
) -> list[ActualEntry]:
    """Every actual of a project, by task, then day and resource (or, with
    ``by_resource``, resource and day: an assignment's days together)."""
    after_task = (
        (actuals.c.resource_id, actuals.c.day)
        if by_resource
        else (actuals.c.day, actuals.c.resource_id)
    )
    rows = conn.execute(
        select(actuals)
        .where(actuals.c.project_id == project_id)
        .order_by(actuals.c.task_id, *after_task)
    )
    return [
        ActualEntry(
            project=r.project_id,
            task=r.task_id,
            resource=r.resource_id or None,
            day=r.day,
            actual_work=r.actual_work,
            actual_cost=r.actual_cost,
            revenue=r.revenue,
        )
        for r in rows
    ]


def actual_totals(conn: Connection, project_id: str) -> dict[str, Totals]:
    """Actual work, cost and revenue of each task of a project (sums over days)."""
    rows = conn.execute(
        select(
            actuals.c.task_id,
            func.sum(actuals.c.actual_work),
            func.sum(actuals.c.actual_cost),
            func.sum(actuals.c.revenue),
        )
        .where(actuals.c.project_id == project_id)
        .group_by(actuals.c.task_id)
    )
    return {
        task: Totals(actual_work=int(work), actual_cost=cost, revenue=revenue)
        for task, work, cost, revenue in rows
    }


def save_baseline(store: Store, project_id: str) -> int:
    """Copy every task's dates, duration, work and cost into its baseline."""
    service = PlanService(store)
    with store.write() as conn:
        costs = _assignment_costs(conn, project_id)
        changed = 0
        for task in service.tasks_in(conn, project_id):
            updated = dataclasses.replace(
                task,
                baseline_start=task.start,
                baseline_finish=task.finish,
                baseline_duration=task.duration,
                baseline_work=task.work,
                baseline_cost=costs.get(task.id, Decimal("0.00")),
            )
            changed += service.write_task(conn, task, updated)
        return changed


def set_budget(store: Store, project_id: str, task_id: str, *, work: int, cost: Decimal) -> None:
    """Budget work (minutes) and cost of a task."""
    if work < 0 or cost < 0:
        raise InputError(
            [Problem(where=f"task {project_id}/{task_id}", what="a budget cannot be negative")]
        )
    service = PlanService(store)
    with store.write() as conn:
        task = service.task_in(conn, project_id, task_id)
        service.write_task(
            conn, task, dataclasses.replace(task, budget_work=work, budget_cost=cost)
        )


def _assignment_costs(conn: Connection, project_id: str) -> dict[str, Decimal]:
    rows = conn.execute(
        select(assignments.c.task_id, func.sum(assignments.c.cost))
        .where(assignments.c.project_id == project_id)
        .group_by(assignments.c.task_id)
    )
    return {task: cost for task, cost in rows}


def _refuse(
    entry: ActualEntry, tasks_of: Mapping[str, _Progress], known_resources: set[str]
) -> None:
    """Refuse an entry that names an unknown task or resource, or negative work."""
    if entry.task not in tasks_of:
        raise refusal(f"task {entry.project}/{entry.task}", "unknown task")
    if entry.resource is not None and entry.resource not in known_resources:
        raise refusal(f"resource {entry.resource}", "unknown resource")
    if entry.actual_work < 0:
        where = f"actuals {entry.project}/{entry.task} {entry.day}"
        raise refusal(where, "actual work cannot be negative")


def _follow_actuals(
    conn: Connection,
    service: PlanService,
    project_id: str,
    project_calendar: str,
    tasks_of: Mapping[str, _Progress],
    first_days: Mapping[str, dt.date],
    per_resource: Mapping[tuple[str, str], tuple[int, Decimal]],
) -> None:
    """Assignments and tasks follow their actuals: actual work and cost per
    resource (``per_resource``: every day of the tasks, as now stored), each
    task's actual start and its percent complete."""
    if not tasks_of:
        return
    for assignment in _assignments_of_tasks(conn, project_id, set(tasks_of)):
        work, cost = per_resource.get((assignment.task, assignment.resource), (0, ZERO))
        service.write_assignment(
            conn, assignment, dataclasses.replace(assignment, actual_work=work, actual_cost=cost)
        )
    work_of: dict[str, int] = {}
    for (task_id, _), (work, _) in per_resource.items():
        work_of[task_id] = work_of.get(task_id, 0) + work
    calendars: dict[str, Calendar] = {}
    progressed: list[_Progress] = []
    for task_id, task in tasks_of.items():
        total_work = work_of.get(task_id, 0)
        start, percent = task.actual_start, task.percent_complete
        if start is None and total_work > 0:
            name = task.calendar or project_calendar
            if name not in calendars:
                calendars[name] = load_calendar(conn, name)
            start = add_working(
                calendars[name], dt.datetime.combine(first_days[task_id], dt.time()), 0
            )
        if task.work > 0:
            percent = max(percent, min(100, total_work * 100 // task.work))
        if start != task.actual_start or percent != task.percent_complete:
            progressed.append(task._replace(actual_start=start, percent_complete=percent))
    _write_progress(conn, project_id, progressed)


def _assignments_of_tasks(
    conn: Connection, project_id: str, task_ids: set[str]
) -> list[PlanAssignment]:
    listed = sorted(task_ids)
    found: list[PlanAssignment] = []
    for start in range(0, len(listed), 500):
        rows = conn.execute(
            select(assignments).where(
                assignments.c.project_id == project_id,
                assignments.c.task_id.in_(listed[start : start + 500]),
            )
        )
        found.extend(records.assignment_from_row(r) for r in rows)
    return found


def _write_progress(conn: Connection, project_id: str, progressed: list[_Progress]) -> None:
    """Tasks' actual start and percent complete, in one statement."""
    if not progressed:
        return
    first = reserve_versions(conn, len(progressed))
    statement = (
        tasks.update()
        .where(tasks.c.project_id == bindparam("key_project"), tasks.c.id == bindparam("key_id"))
        .values(
            actual_start=bindparam("new_actual_start"),
            percent_complete=bindparam("new_percent"),
            version=bindparam("new_version"),
        )
    )
    conn.execute(
        statement,
        [
            {
                "key_project": project_id,
                "key_id": task.id,
                "new_actual_start": task.actual_start,
                "new_percent": task.percent_complete,
                "new_version": first + i,
            }
            for i, task in enumerate(progressed)
        ],
    )
