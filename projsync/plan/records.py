"""Rows of the plan server's tables turned into records, and records into rows.

The only place where the plan store's column names meet its vocabulary.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Row

from projsync.plan.entities import (
    CalendarRecord,
    PlanAssignment,
    PlanLink,
    PlanProject,
    PlanResource,
    PlanTask,
    ResourceType,
    TaskType,
    TimesheetEntry,
    TimesheetStatus,
    TimesheetWeek,
)
from projsync.plan.model import (
    ConstraintType,
    DependencyType,
    LagKind,
    WorkContour,
    WorkingIntervals,
)

__all__ = [
    "assignment_from_row",
    "calendar_from_row",
    "link_from_row",
    "project_from_row",
    "project_values",
    "resource_from_row",
    "resource_values",
    "task_from_row",
    "task_values",
    "timesheet_entry_from_row",
    "timesheet_week_from_row",
    "week_from_text",
    "week_text",
]


def week_text(week: tuple[WorkingIntervals | None, ...]) -> str:
    return json.dumps([None if day is None else [list(p) for p in day] for day in week])


def week_from_text(text: str) -> tuple[WorkingIntervals | None, ...]:
    days = json.loads(text)
    return tuple(None if day is None else tuple((a, b) for a, b in day) for day in days)


def calendar_from_row(row: Row[Any]) -> CalendarRecord:
    return CalendarRecord(name=row.name, base=row.base_name, week=week_from_text(row.week))


def project_from_row(row: Row[Any]) -> PlanProject:
    return PlanProject(
        id=row.id,
        name=row.name,
        start=row.start,
        finish=row.finish,
        status_date=row.status_date,
        calendar=row.calendar_name,
        timezone=row.timezone,
        currency=row.currency,
    )


def project_values(project: PlanProject) -> dict[str, object]:
    return {
        "id": project.id,
        "name": project.name,
        "start": project.start,
        "finish": project.finish,
        "status_date": project.status_date,
        "calendar_name": project.calendar,
        "timezone": project.timezone,
        "currency": project.currency,
    }


_TASK_COLUMNS = {
    "project": "project_id",
    "parent": "parent_id",
    "constraint": "constraint_type",
    "calendar": "calendar_name",
}


_TASK_FIELDS = tuple(
    (name, _TASK_COLUMNS.get(name, name)) for name in PlanTask.__dataclass_fields__
)


def task_values(task: PlanTask) -> dict[str, object]:
    values = {column: getattr(task, name) for name, column in _TASK_FIELDS}
    values["constraint_type"] = task.constraint.value
    values["type"] = task.type.value
    values["splits"] = _splits_text(task.splits)
    return values


def task_from_row(row: Row[Any]) -> PlanTask:
    data = row._mapping
    values = {name: data[_TASK_COLUMNS.get(name, name)] for name in PlanTask.__dataclass_fields__}
    values["constraint"] = ConstraintType(values["constraint"])
    values["type"] = TaskType(values["type"])
    values["splits"] = _splits_of(values["splits"])
    return PlanTask(**values)


def _splits_text(splits: tuple[tuple[dt.datetime, dt.datetime], ...]) -> str | None:
    """A split task's parts as stored: JSON pairs of ISO dates (None: not split)."""
    if not splits:
        return None
    return json.dumps([[start.isoformat(), finish.isoformat()] for start, finish in splits])


def _splits_of(text: str | None) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    if not text:
        return ()
    return tuple(
        (dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(finish))
        for start, finish in json.loads(text)
    )


def link_from_row(row: Row[Any]) -> PlanLink:
    return PlanLink(
        project=row.project_id,
        predecessor=row.predecessor_id,
        successor=row.successor_id,
        type=DependencyType(row.type),
        lag=row.lag,
        lag_kind=LagKind(row.lag_kind),
    )


def resource_from_row(row: Row[Any]) -> PlanResource:
    return PlanResource(
        id=row.id,
        name=row.name,
        type=ResourceType(row.type),
        standard_rate=row.standard_rate,
        overtime_rate=row.overtime_rate,
        cost_per_use=row.cost_per_use,
        max_units=row.max_units,
        calendar=row.calendar_name,
        available_until=row.available_until,
    )


def resource_values(resource: PlanResource) -> dict[str, object]:
    return {
        "id": resource.id,
        "name": resource.name,
        "type": resource.type.value,
        "standard_rate": resource.standard_rate,
        "overtime_rate": resource.overtime_rate,
        "cost_per_use": resource.cost_per_use,
        "max_units": resource.max_units,
        "calendar_name": resource.calendar,
        "available_until": resource.available_until,
    }


def assignment_from_row(row: Row[Any]) -> PlanAssignment:
    return PlanAssignment(
        project=row.project_id,
        task=row.task_id,
        resource=row.resource_id,
        units=row.units,
        work=row.work,
        actual_work=row.actual_work,
        cost=row.cost,
        actual_cost=row.actual_cost,
        contour=WorkContour(row.contour),
        span=row.span,
        overtime_work=row.overtime_work,
    )


def timesheet_entry_from_row(row: Row[Any]) -> TimesheetEntry:
    return TimesheetEntry(
        id=row.id,
        resource=row.resource_id,
        project=row.project_id,
        task=row.task_id,
        day=row.day,
        hours=row.hours,
        note=row.note,
        status=TimesheetStatus(row.status),
        version=row.version,
        approved_once=bool(row.approved_once),
    )


def timesheet_week_from_row(row: Row[Any]) -> TimesheetWeek:
    return TimesheetWeek(
        resource=row.resource_id,
        week=row.week,
        status=TimesheetStatus(row.status),
        comment=row.comment,
    )
