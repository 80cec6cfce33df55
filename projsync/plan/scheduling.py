"""Scheduling and levelling a stored project: read it, hand it to the pure
scheduler, write back only what changed.

The algorithms are ``schedule.py`` and ``level.py``'s; this module is the
glue between them and the store, and never computes a date itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection

from projsync.db import Store
from projsync.errors import InputError, Problem
from projsync.plan.availability import work_beyond_availability
from projsync.plan.calendars import load_calendar
from projsync.plan.entities import (
    PlanAssignment,
    PlanLink,
    PlanProject,
    PlanResource,
    PlanTask,
    TaskType,
)
from projsync.plan.level import level, overallocations
from projsync.plan.model import (
    Assignment,
    Calendar,
    CalendarError,
    Dependency,
    Overallocation,
    PlanError,
    Project,
    Resource,
    Schedule,
    Task,
    TaskDates,
    WorkBeyondAvailability,
)
from projsync.plan.schedule import schedule
from projsync.plan.service import PlanService

__all__ = [
    "OverallocationReport",
    "ScheduleOutcome",
    "level_project",
    "project_overallocations",
    "schedule_project",
    "scheduler_inputs",
]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleOutcome:
    """What a scheduling run did."""

    project: str
    tasks: int
    changed: int
    """Tasks whose dates, slack or duration changed (and were written)."""
    finish: str | None
    critical: int
    delayed: tuple[tuple[str, int], ...] = ()
    """Levelling delays in working minutes, by task."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OverallocationReport:
    """Where a project, as scheduled, asks of its resources what they cannot give."""

    project: str
    periods: tuple[Overallocation, ...]
    """Periods when a resource is asked for more than its maximum units."""
    beyond_availability: tuple[WorkBeyondAvailability, ...]
    """Assignments with work after their resource's last available day."""


@dataclass(frozen=True, slots=True)
class _Loaded:
    project: PlanProject
    tasks: list[PlanTask]
    links: list[PlanLink]
    assignments: list[PlanAssignment]
    calendars: dict[str, Calendar]
    resource_calendars: dict[str, Calendar]
    """Resource id → its calendar, for the resources assigned here that have one."""

    def inputs(self) -> tuple[Project, list[Task], list[Dependency], list[Assignment]]:
        return scheduler_inputs(
            self.project,
            self.tasks,
            self.links,
            self.assignments,
            self.calendars,
            self.resource_calendars,
        )


def scheduler_inputs(
    project: PlanProject,
    tasks: Sequence[PlanTask],
    links: Sequence[PlanLink],
    assignments: Sequence[PlanAssignment],
    calendars: dict[str, Calendar],
    resource_calendars: Mapping[str, Calendar] | None = None,
) -> tuple[Project, list[Task], list[Dependency], list[Assignment]]:
    """The scheduler's records for a plan project, its calendars resolved by name;
    each assignment works on its resource's calendar when it has one."""
    core_project = Project(
        start=project.start,
        calendar=calendars[project.calendar],
        status_date=project.status_date,
    )
    core_tasks = [_core_task(t, calendars) for t in tasks]
    dependencies = [
        Dependency(
            predecessor_id=link.predecessor,
            successor_id=link.successor,
            type=link.type,
            lag=link.lag,
            lag_kind=link.lag_kind,
        )
        for link in links
    ]
    own = resource_calendars or {}
    assigned = [
        Assignment(
            task_id=a.task,
            resource_id=a.resource,
            units=a.units,
            work=a.work,
            calendar=own.get(a.resource),
            contour=a.contour,
            span=a.span,
            overtime_work=a.overtime_work,
        )
        for a in assignments
    ]
    return core_project, core_tasks, dependencies, assigned


def schedule_project(store: Store, project_id: str) -> ScheduleOutcome:
    """Schedule a project and store the dates; running it twice changes nothing."""
    service = PlanService(store)
    with store.write() as conn:
        loaded = _load(conn, service, project_id)
        project, tasks, dependencies, assigned = loaded.inputs()
        result = _run(lambda: schedule(project, tasks, dependencies, assigned), project_id, loaded)
        return _store_result(conn, service, loaded, result, {})


def level_project(store: Store, project_id: str) -> ScheduleOutcome:
    """Delay tasks until their resources are free (within slack first), and store it."""
    service = PlanService(store)
    with store.write() as conn:
        loaded = _load(conn, service, project_id)
        project, tasks, dependencies, assigned = loaded.inputs()
        pool = [Resource(id=r.id, max_units=r.max_units) for r in _resources(conn, service, loaded)]
        levelled = _run(
            lambda: level(project, tasks, dependencies, assigned, pool), project_id, loaded
        )
        delays = {t.id: t.leveling_delay for t in levelled.tasks}
        return _store_result(conn, service, loaded, levelled.schedule, delays)


def project_overallocations(store: Store, project_id: str) -> OverallocationReport:
    """Periods when a resource is asked for more than its maximum units, and
    work after a resource's last available day, as scheduled."""
    service = PlanService(store)
    with store.read() as conn:
        loaded = _load(conn, service, project_id)
        project, tasks, dependencies, assigned = loaded.inputs()
        result = _run(lambda: schedule(project, tasks, dependencies, assigned), project_id, loaded)
        resources = _resources(conn, service, loaded)
    pool = [Resource(id=r.id, max_units=r.max_units) for r in resources]
    until = {r.id: r.available_until for r in resources if r.available_until is not None}
    return OverallocationReport(
        project=project_id,
        periods=overallocations(result, assigned, pool),
        beyond_availability=work_beyond_availability(project, tasks, result, assigned, until),
    )


def _run(work: Callable[[], _T], project_id: str, loaded: _Loaded) -> _T:
    """Run the scheduler; its data problems become the person's input errors."""
    try:
        return work()
    except CalendarError as exc:
        raise InputError(_beyond_calendars(project_id, loaded, exc)) from exc
    except PlanError as exc:
        problems = getattr(exc, "problems", None) or (str(exc),)
        raise InputError(
            [Problem(where=f"project {project_id}", what=p) for p in problems]
        ) from exc


def _beyond_calendars(project_id: str, loaded: _Loaded, exc: CalendarError) -> list[Problem]:
    """A schedule that runs off its calendars (two centuries of days each way):
    the tasks most likely to blame, the longest by duration or work, named."""
    problems: list[Problem] = []
    for task in sorted(loaded.tasks, key=lambda t: max(t.duration, t.work), reverse=True)[:3]:
        what, minutes = (
            ("duration", task.duration) if task.duration >= task.work else ("work", task.work)
        )
        if minutes >= _LONG:
            problems.append(
                Problem(
                    where=f"project {project_id} task {task.id}",
                    what=f"{minutes // 60:,} hours of {what} may take the schedule past the "
                    "two centuries a calendar reaches",
                )
            )
    return problems or [Problem(where=f"project {project_id}", what=str(exc))]


_LONG = 60 * 8 * 250 * 20
"""Minutes of duration or work worth naming: twenty years of working days."""


def _load(conn: Connection, service: PlanService, project_id: str) -> _Loaded:
    project = service.project_in(conn, project_id)
    tasks = service.tasks_in(conn, project_id)
    assignments = service.assignments_in(conn, project_id)
    names = {project.calendar} | {t.calendar for t in tasks if t.calendar}
    resources = [service.resource_in(conn, r) for r in sorted({a.resource for a in assignments})]
    return _Loaded(
        project=project,
        tasks=tasks,
        links=service.links_in(conn, project_id),
        assignments=assignments,
        calendars={name: load_calendar(conn, name) for name in names},
        resource_calendars={r.id: load_calendar(conn, r.calendar) for r in resources if r.calendar},
    )


def _resources(conn: Connection, service: PlanService, loaded: _Loaded) -> list[PlanResource]:
    return [service.resource_in(conn, r) for r in sorted({a.resource for a in loaded.assignments})]


def _core_task(task: PlanTask, calendars: dict[str, Calendar]) -> Task:
    return Task(
        id=task.id,
        parent_id=task.parent,
        outline_order=task.position,
        duration=task.duration,
        elapsed=task.elapsed,
        work=task.work,
        manual=task.manual,
        milestone=task.milestone,
        constraint=task.constraint,
        constraint_date=task.constraint_date,
        deadline=task.deadline,
        percent_complete=task.percent_complete,
        actual_start=task.actual_start,
        actual_finish=task.actual_finish,
        calendar=calendars.get(task.calendar) if task.calendar else None,
        start=task.start,
        finish=task.finish,
        priority=task.priority,
        leveling_delay=task.leveling_delay,
        leveling_delay_elapsed=task.leveling_delay_elapsed,
        actual_duration=task.actual_duration,
        splits=task.splits,
        fixed_duration=task.type is TaskType.FIXED_DURATION,
    )


def _store_result(
    conn: Connection,
    service: PlanService,
    loaded: _Loaded,
    result: Schedule,
    delays: dict[str, int],
) -> ScheduleOutcome:
    dates = {d.task_id: d for d in result.tasks}
    changed = 0
    for task in loaded.tasks:
        updated = _with_dates(task, dates[task.id], delays)
        changed += service.write_task(conn, task, updated)
    finish = result.finish if loaded.tasks else loaded.project.start
    service.write_project(conn, loaded.project, dataclasses.replace(loaded.project, finish=finish))
    return ScheduleOutcome(
        project=loaded.project.id,
        tasks=len(loaded.tasks),
        changed=changed,
        finish=finish.isoformat(),
        critical=sum(1 for d in result.tasks if d.critical),
        delayed=tuple(sorted((k, v) for k, v in delays.items() if v)),
    )


def _with_dates(task: PlanTask, dates: TaskDates, delays: dict[str, int]) -> PlanTask:
    """The task with its new dates; levelled (in `delays`), with its new delay in
    working minutes, else with the delay it had."""
    levelled = task.id in delays
    return dataclasses.replace(
        task,
        start=dates.start,
        finish=dates.finish,
        early_start=dates.early_start,
        early_finish=dates.early_finish,
        late_start=dates.late_start,
        late_finish=dates.late_finish,
        total_slack=dates.total_slack,
        free_slack=dates.free_slack,
        critical=dates.critical,
        duration=task.duration if dates.summary else dates.duration,
        leveling_delay=delays[task.id] if levelled else task.leveling_delay,
        leveling_delay_elapsed=False if levelled else task.leveling_delay_elapsed,
    )
