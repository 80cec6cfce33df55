"""When the work of each activity is planned to happen, as the web server can
tell: the spans the S-curve spreads planned cost over (``projsync.web.phasing``).

Two sources, the better one winning:

1. the plan task the activity is synced to, when the built-in plan server is
   the plan side and has scheduled it: start and finish to the minute, and the
   task's calendar (else its plan project's);
2. the activity's own start and end dates in the ledger, whole days on the
   standard calendar (Monday to Friday). The plan owns these dates and the
   sync brings them back, so with Redmine as the plan side they are the dates
   of its issues as of the last sync; an activity never on a plan keeps the
   dates entered for it.

It reads the ledger, the sync's links and the plan store; it never writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from projsync.ledger.service import LedgerService
from projsync.plan.calendar import STANDARD
from projsync.plan.phasing import ScheduledSpan
from projsync.plan.service import PlanService
from projsync.plan.spans import Calendars, task_spans
from projsync.sync.links import plan_keys_of
from projsync.web.context import Context

__all__ = ["DAY_END", "DAY_START", "activity_spans", "plan_task_spans", "work_spans"]

DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 0)
"""A ledger date as working time: the whole standard day."""

Key = tuple[str, str]
"""A ledger activity: (project, activity number)."""


def work_spans(context: Context, activities: Iterable[Key]) -> dict[Key, ScheduledSpan]:
    """The span of each activity that has one (see the module docstring)."""
    wanted = set(activities)
    spans = activity_spans(context, wanted)
    if context.plan_in_store:
        spans.update(plan_task_spans(context, wanted))
    return spans


def activity_spans(context: Context, activities: set[Key]) -> dict[Key, ScheduledSpan]:
    """The ledger dates of the activities that have a start and an end."""
    service = LedgerService(context.ledger)
    spans: dict[Key, ScheduledSpan] = {}
    for project in sorted({p for p, _ in activities}):
        for activity in service.activities(project):
            key = (project, activity.number)
            if key in activities and activity.start and activity.end:
                spans[key] = ScheduledSpan(
                    start=dt.datetime.combine(activity.start, DAY_START),
                    finish=dt.datetime.combine(activity.end, DAY_END),
                    calendar=STANDARD,
                )
    return spans


def plan_task_spans(context: Context, activities: set[Key]) -> dict[Key, ScheduledSpan]:
    """Through the sync's links from activity to plan task, the scheduled
    start, finish and calendar of the tasks in the plan store."""
    with context.sync.read() as conn:
        linked = plan_keys_of(conn, "task", (f"{p}/{a}" for p, a in activities))
    wanted: dict[str, dict[str, Key]] = {}
    for project, activity in activities:
        plan_key = linked.get(f"{project}/{activity}")
        if plan_key is not None:
            plan_project, task_id = plan_key.split("/", 1)
            wanted.setdefault(plan_project, {})[task_id] = (project, activity)
    service = PlanService(context.plan)
    spans: dict[Key, ScheduledSpan] = {}
    with context.plan.read() as conn:
        calendars = Calendars(conn)
        for plan_id, by_task in wanted.items():
            holder = service.find_project(conn, plan_id)
            if holder is None:
                continue  # linked, but gone from the plan since the last sync
            scheduled = task_spans(holder, service.tasks_in(conn, plan_id), calendars)
            spans.update(
                (key, scheduled[task]) for task, key in by_task.items() if task in scheduled
            )
    return spans
