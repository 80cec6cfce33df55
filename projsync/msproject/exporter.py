"""A stored plan project as a ``ProjectDocument``, ready to be written as a file.

It takes the project's tasks, links, assignments, the resources and calendars
they use, its actuals, and its task custom fields with their values. A summary
task goes out with the duration Microsoft Project computes for it, the working
time of the project calendar between its start and finish (the plan keeps its
own, the basis of percent lags on it), except where its dates carry no time of
day (a file that keeps days only, such as old MPX): there the duration the
file gave is the better one. Read-only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Connection, select

from projsync.db import Store
from projsync.msproject.document import FieldValue, FileCalendar, ProjectDocument
from projsync.plan.calendar import day_intervals, working_minutes_between
from projsync.plan.calendars import load_calendar
from projsync.plan.entities import FieldEntity, PlanTask
from projsync.plan.fields import field_in
from projsync.plan.model import Calendar
from projsync.plan.progress import actuals_in
from projsync.plan.service import PlanService
from projsync.plan.tables import custom_values

__all__ = ["document_from_store"]


def document_from_store(store: Store, project_id: str) -> ProjectDocument:
    service = PlanService(store)
    with store.read() as conn:
        project = service.project_in(conn, project_id)
        tasks = service.tasks_in(conn, project_id)
        assignments = service.assignments_in(conn, project_id)
        resources = [
            service.resource_in(conn, r) for r in sorted({a.resource for a in assignments})
        ]
        names = {project.calendar} | {t.calendar for t in tasks if t.calendar}
        names |= {r.calendar for r in resources if r.calendar}
        calendars: dict[str, FileCalendar] = {}
        for name in sorted(n for n in names if n):
            _flatten(load_calendar(conn, name), calendars)
        keys = [f"{project_id}/{t.id}" for t in tasks]
        fields = [
            found
            for name in sorted(_field_names(conn, keys))
            if (found := field_in(conn, name)) is not None and found.entity is FieldEntity.TASK
        ]
        raw = _raw_values(conn, keys)
        links = service.links_in(conn, project_id)
        tasks = _with_summary_durations(tasks, load_calendar(conn, project.calendar))
        entries = actuals_in(conn, project_id, by_resource=True)
    # Calendars go out under the names they had in their file ("X:Standard" → "Standard").
    prefix = f"{project_id}:"

    def own(name: str | None) -> str | None:
        return name[len(prefix) :] if name and name.startswith(prefix) else name

    return ProjectDocument(
        source=f"{project_id}.xml",
        project=dataclasses.replace(project, calendar=own(project.calendar) or "Standard"),
        calendars=tuple(
            dataclasses.replace(c, name=own(c.name) or c.name, base=own(c.base))
            for c in calendars.values()
        ),
        tasks=tuple(dataclasses.replace(t, calendar=own(t.calendar)) for t in tasks),
        links=tuple(links),
        resources=tuple(dataclasses.replace(r, calendar=own(r.calendar)) for r in resources),
        assignments=tuple(assignments),
        fields=tuple(fields),
        values=tuple(
            FieldValue(field=name, key=key.split("/", 1)[1], value=value)
            for key, name, value in raw
        ),
        actuals=tuple(entries),
    )


def _flatten(calendar: Calendar, found: dict[str, FileCalendar]) -> None:
    if calendar.base is not None:
        _flatten(calendar.base, found)
    found.setdefault(
        calendar.name,
        FileCalendar(
            name=calendar.name,
            week=calendar.week,
            exceptions=calendar.exceptions,
            base=calendar.base.name if calendar.base else None,
        ),
    )


def _with_summary_durations(tasks: list[PlanTask], calendar: Calendar) -> list[PlanTask]:
    summaries = {t.parent for t in tasks if t.parent is not None}
    return [
        dataclasses.replace(
            t, duration=max(0, working_minutes_between(calendar, t.start, t.finish)), elapsed=False
        )
        if t.id in summaries
        and t.start is not None
        and t.finish is not None
        and not (_day_only(t.start, calendar) and _day_only(t.finish, calendar))
        else t
        for t in tasks
    ]


def _day_only(moment: dt.datetime, calendar: Calendar) -> bool:
    """A date without its time: midnight, on a day the calendar does not work at midnight."""
    if moment.time() != dt.time(0):
        return False
    return all(start > 0 for start, _ in day_intervals(calendar, moment.date()))


def _field_names(conn: Connection, keys: list[str]) -> set[str]:
    return {name for _, name, _ in _raw_values(conn, keys)}


def _raw_values(conn: Connection, keys: list[str]) -> list[tuple[str, str, str]]:
    wanted = set(keys)
    rows = conn.execute(
        select(custom_values.c.entity_key, custom_values.c.field_name, custom_values.c.value)
    )
    return [(k, f, v) for k, f, v in rows if k in wanted]
