"""When the stored plan does its work: the span of each scheduled task, and
each assignment's work per day over it.

A task's span is its scheduled start and finish on the calendar it is
scheduled on: its own, else its project's. An assignment's work follows its
resource's calendar when the resource has one, as the scheduler does, unless
the task keeps to a calendar of its own or runs on elapsed time (the
scheduler then ignores resource calendars). A task the scheduler has not
dated yet has no span, and its assignments no days.

It reads the store and never writes; the arithmetic is
``projsync.plan.phasing``'s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select

from projsync.db import Store
from projsync.plan.calendars import load_calendar
from projsync.plan.entities import PlanAssignment, PlanProject, PlanTask
from projsync.plan.model import Calendar
from projsync.plan.phasing import ScheduledSpan, WorkByDay, work_by_day
from projsync.plan.service import PlanService
from projsync.plan.tables import resources

__all__ = ["Calendars", "assignment_work_by_day", "task_spans"]


class Calendars:
    """Stored calendars by name, each read once per instance (a portfolio's
    tasks share a handful)."""

    __slots__ = ("_conn", "_loaded")

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._loaded: dict[str, Calendar] = {}

    def __getitem__(self, name: str) -> Calendar:
        found = self._loaded.get(name)
        if found is None:
            found = self._loaded[name] = load_calendar(self._conn, name)
        return found


def task_spans(
    project: PlanProject, tasks: Iterable[PlanTask], calendars: Calendars
) -> dict[str, ScheduledSpan]:
    """The span of each scheduled task of ``project``, by task id."""
    return {
        task.id: ScheduledSpan(
            start=task.start,
            finish=task.finish,
            calendar=calendars[task.calendar or project.calendar],
        )
        for task in tasks
        if task.start is not None and task.finish is not None
    }


def assignment_work_by_day(store: Store, assignments: Sequence[PlanAssignment]) -> list[WorkByDay]:
    """The work per day of each assignment, in the order given: its work over
    the working days of its task's span (empty when the task is not scheduled
    or gone). Reads each project's tasks and each resource once, in one
    transaction."""
    if not assignments:
        return []
    with store.read() as conn:
        return _work_by_day_in(conn, PlanService(store), assignments)


def _work_by_day_in(
    conn: Connection, service: PlanService, assignments: Sequence[PlanAssignment]
) -> list[WorkByDay]:
    calendars = Calendars(conn)
    of_resource = _resource_calendars(conn, {a.resource for a in assignments})
    spans: dict[str, tuple[dict[str, ScheduledSpan], set[str]]] = {}
    found: list[WorkByDay] = []
    for assignment in assignments:
        if assignment.project not in spans:
            spans[assignment.project] = _project_spans(conn, service, assignment.project, calendars)
        by_task, own_calendar = spans[assignment.project]
        span = by_task.get(assignment.task)
        resource_calendar = of_resource.get(assignment.resource)
        if span is not None and resource_calendar and assignment.task not in own_calendar:
            span = dataclasses.replace(span, calendar=calendars[resource_calendar])
        found.append(work_by_day(assignment.work, span))
    return found


def _resource_calendars(conn: Connection, wanted: set[str]) -> dict[str, str]:
    """The calendar of each resource wanted that has one of its own."""
    query = select(resources.c.id, resources.c.calendar_name).where(
        resources.c.calendar_name.is_not(None)
    )
    if len(wanted) > 500:  # a portfolio's: one read of every resource with a calendar
        return {r: c for r, c in conn.execute(query) if r in wanted}
    return {r: c for r, c in conn.execute(query.where(resources.c.id.in_(sorted(wanted))))}


def _project_spans(
    conn: Connection, service: PlanService, project_id: str, calendars: Calendars
) -> tuple[dict[str, ScheduledSpan], set[str]]:
    """The spans of a project's scheduled tasks, and the tasks that keep to
    their own calendar whoever works on them; nothing for a project gone."""
    project = service.find_project(conn, project_id)
    if project is None:
        return {}, set()
    tasks = service.tasks_in(conn, project_id)
    own = {task.id for task in tasks if task.calendar is not None or task.elapsed}
    return task_spans(project, tasks, calendars), own
