"""Progress and budgets: time-phased actuals, baselines, budget work and cost.

Actuals are kept per task, resource and day; a task's actual work, actual cost
and revenue are their sums. Recording actuals on a task that has none yet
gives it an actual start on the first day, so the scheduler keeps it there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.plan.calendar import add_working
from projsync.plan.calendars import load_calendar
from projsync.plan.changes import reserve_versions
from projsync.plan.entities import ActualEntry
from projsync.plan.rollup import Totals
from projsync.plan.service import PlanService
from projsync.plan.tables import actuals, assignments

__all__ = [
    "actual_totals",
    "actuals_of",
    "record_actuals",
    "save_baseline",
    "set_budget",
]


def record_actuals(store: Store, entries: Sequence[ActualEntry]) -> int:
    """Set the actuals of each (task, resource, day) given, replacing what was
    there; returns how many rows changed."""
    service = PlanService(store)
    changed = 0
    with store.write() as conn:
        by_task: dict[tuple[str, str], list[ActualEntry]] = {}
        checked: set[tuple[str, str, str | None]] = set()
        for entry in entries:
            if (entry.project, entry.task, entry.resource) not in checked:
                _check_entry(conn, service, entry)
                checked.add((entry.project, entry.task, entry.resource))
            if entry.actual_work < 0:
                where = f"actuals {entry.project}/{entry.task} {entry.day}"
                raise refusal(where, "actual work cannot be negative")
            by_task.setdefault((entry.project, entry.task), []).append(entry)
        for (project_id, task_id), mine in by_task.items():
            changed += _upsert_task(conn, project_id, task_id, mine)
            _follow_actuals(conn, service, project_id, task_id, min(e.day for e in mine))
    return changed


def _upsert_task(conn: Connection, project_id: str, task_id: str, mine: list[ActualEntry]) -> int:
    """One task's actuals: read what it has once, then insert and update in bulk."""
    rows = conn.execute(
        select(actuals.c.resource_id, actuals.c.day, actuals.c.actual_work, actuals.c.actual_cost,
               actuals.c.revenue)
        .where(actuals.c.project_id == project_id, actuals.c.task_id == task_id)
    )  # fmt: skip
    have = {(r.resource_id, r.day): (r.actual_work, r.actual_cost, r.revenue) for r in rows}
    inserts: list[dict[str, object]] = []
    updates: list[ActualEntry] = []
    for entry in mine:
        key = (entry.resource or "", entry.day)
        values = (entry.actual_work, entry.actual_cost, entry.revenue)
        if key not in have:
            inserts.append(
                {
                    "project_id": project_id,
                    "task_id": task_id,
                    "resource_id": key[0],
                    "day": entry.day,
                    "actual_work": entry.actual_work,
                    "actual_cost": entry.actual_cost,
                    "revenue": entry.revenue,
                }
            )
        elif have[key] != values:
            updates.append(entry)
        have[key] = values
    if inserts:
        first = reserve_versions(conn, len(inserts))
        conn.execute(
            insert(actuals), [{**row, "version": first + i} for i, row in enumerate(inserts)]
        )
    for entry in updates:
        _upsert(conn, entry)
    return len(inserts) + len(updates)


def actuals_of(store: Store, project_id: str) -> list[ActualEntry]:
    """Every actual of a project, by task, resource and day."""
    with store.read() as conn:
        PlanService(store).project_in(conn, project_id)
        rows = conn.execute(
            select(actuals)
            .where(actuals.c.project_id == project_id)
            .order_by(actuals.c.task_id, actuals.c.day, actuals.c.resource_id)
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


def _check_entry(conn: Connection, service: PlanService, entry: ActualEntry) -> None:
    service.task_in(conn, entry.project, entry.task)
    if entry.resource is not None:
        service.resource_in(conn, entry.resource)
    if entry.actual_work < 0:
        where = f"actuals {entry.project}/{entry.task} {entry.day}"
        raise refusal(where, "actual work cannot be negative")


def _upsert(conn: Connection, entry: ActualEntry) -> int:
    key = (
        (actuals.c.project_id == entry.project)
        & (actuals.c.task_id == entry.task)
        & (actuals.c.resource_id == (entry.resource or ""))
        & (actuals.c.day == entry.day)
    )
    row = conn.execute(select(actuals).where(key)).first()
    values = {
        "actual_work": entry.actual_work,
        "actual_cost": entry.actual_cost,
        "revenue": entry.revenue,
    }
    if row is not None:
        if (row.actual_work, row.actual_cost, row.revenue) == tuple(values.values()):
            return 0
        conn.execute(actuals.update().where(key).values(**values, version=reserve_versions(conn)))
        return 1
    conn.execute(
        insert(actuals).values(
            project_id=entry.project,
            task_id=entry.task,
            resource_id=entry.resource or "",
            day=entry.day,
            **values,
            version=reserve_versions(conn),
        )
    )
    return 1


def _follow_actuals(
    conn: Connection, service: PlanService, project_id: str, task_id: str, first_day: dt.date
) -> None:
    """Assignments and the task follow their actuals: actual work and cost per
    resource, the task's actual start and its percent complete."""
    sums = conn.execute(
        select(
            actuals.c.resource_id, func.sum(actuals.c.actual_work), func.sum(actuals.c.actual_cost)
        )
        .where(actuals.c.project_id == project_id, actuals.c.task_id == task_id)
        .group_by(actuals.c.resource_id)
    )
    per_resource = {resource: (int(work), cost) for resource, work, cost in sums}
    for assignment in service.assignments_in(conn, project_id, task_id):
        work, cost = per_resource.get(assignment.resource, (0, Decimal("0.00")))
        service.write_assignment(
            conn, assignment, dataclasses.replace(assignment, actual_work=work, actual_cost=cost)
        )
    task = service.task_in(conn, project_id, task_id)
    total_work = sum(work for work, _ in per_resource.values())
    updated = task
    if task.actual_start is None and total_work > 0:
        project = service.project_in(conn, project_id)
        calendar = load_calendar(conn, task.calendar or project.calendar)
        start = add_working(calendar, dt.datetime.combine(first_day, dt.time()), 0)
        updated = dataclasses.replace(updated, actual_start=start)
    if task.work > 0:
        percent = min(100, total_work * 100 // task.work)
        updated = dataclasses.replace(updated, percent_complete=max(task.percent_complete, percent))
    service.write_task(conn, task, updated)
