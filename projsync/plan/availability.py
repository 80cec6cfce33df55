"""Work assigned beyond a resource's last available day.

A resource available until a day (a worker's end date, as the sync brings
it) does no work after it. `work_beyond_availability` reads a schedule and
reports each assignment whose work falls, in part or whole, after that day:
the days and the minutes of work after it.

An assignment's work is spread over its task's scheduled span as the plan
phases it everywhere else (``phasing.py``): in proportion to each day's
working minutes, on the resource's calendar unless the task keeps a calendar
of its own or runs on elapsed time (then on the task's, else the project's).
Work contours are not read: a back-loaded assignment counts as a flat one.

Never does I/O; records in, records out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from projsync.plan.model import (
    Assignment,
    Calendar,
    Project,
    Schedule,
    Task,
    WorkBeyondAvailability,
)
from projsync.plan.phasing import ScheduledSpan, work_by_day

__all__ = ["work_beyond_availability"]


def work_beyond_availability(
    project: Project,
    tasks: Sequence[Task],
    result: Schedule,
    assignments: Sequence[Assignment],
    available_until: Mapping[str, date],
) -> tuple[WorkBeyondAvailability, ...]:
    """Every assignment with work after its resource's last available day
    (``available_until``, by resource; a resource not named there is always
    available), by resource, then task."""
    dates = {d.task_id: d for d in result.tasks}
    by_id = {t.id: t for t in tasks}
    found: list[WorkBeyondAvailability] = []
    for assignment in assignments:
        last = available_until.get(assignment.resource_id)
        scheduled = dates.get(assignment.task_id)
        task = by_id.get(assignment.task_id)
        if last is None or scheduled is None or task is None or assignment.work <= 0:
            continue
        if scheduled.finish.date() <= last:
            continue  # the common case: done by the last day, whatever the calendar
        span = ScheduledSpan(
            start=scheduled.start,
            finish=scheduled.finish,
            calendar=_calendar_of(project, task, assignment),
        )
        after = [
            (day, minutes) for day, minutes in work_by_day(assignment.work, span) if day > last
        ]
        if after:
            found.append(
                WorkBeyondAvailability(
                    resource_id=assignment.resource_id,
                    task_id=assignment.task_id,
                    available_until=last,
                    first_day=after[0][0],
                    days=len(after),
                    work=sum(minutes for _, minutes in after),
                )
            )
    return tuple(sorted(found, key=lambda w: (w.resource_id, w.task_id)))


def _calendar_of(project: Project, task: Task, assignment: Assignment) -> Calendar:
    """The calendar the assignment's work follows, as ``spans.py`` chooses it."""
    if assignment.calendar is not None and task.calendar is None and not task.elapsed:
        return assignment.calendar
    return task.calendar or project.calendar
