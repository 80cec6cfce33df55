"""An assignment's work per day as the plan store holds it: over its task's
scheduled working days, on its resource's calendar unless the task keeps its
own; nothing for a task not scheduled yet."""

from __future__ import annotations

import datetime as dt

from projsync.plan import calendars
from projsync.plan.entities import CalendarRecord
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.plan.spans import assignment_work_by_day

WEDNESDAY_OFF = (None, None, (), None, None, None, None)
"""A week like its base calendar's, without Wednesday."""


def _days(plan: PlanService) -> dict[tuple[str, str], tuple[tuple[dt.date, int], ...]]:
    assigned = plan.assignments("X")
    found = assignment_work_by_day(plan.store, assigned)
    return {(a.task, a.resource): days for a, days in zip(assigned, found, strict=True)}


def test_spans__work_falls_on_the_scheduled_working_days_of_the_task(plan: PlanService) -> None:
    plan.assign("X", "T3", "ADA", work=40 * 60)
    plan.assign("X", "T3", "BOB", units=25, work=10 * 60)  # a quarter of his time
    schedule_project(plan.store, "X")  # T3: Monday 9 to Friday 13 March
    week = [dt.date(2026, 3, 9) + dt.timedelta(days=i) for i in range(5)]
    days = _days(plan)
    assert days[("T3", "ADA")] == tuple((day, 480) for day in week)
    assert days[("T3", "BOB")] == tuple(zip(week, (120,) * 5, strict=True))


def test_spans__a_task_not_scheduled_yet_has_no_days(plan: PlanService) -> None:
    plan.assign("X", "T3", "ADA", work=40 * 60)
    assert _days(plan) == {("T3", "ADA"): ()}


def test_spans__an_assignment_works_on_its_resources_calendar(plan: PlanService) -> None:
    with plan.store.write() as conn:
        calendars.add_calendar(
            conn, CalendarRecord(name="Ada", base="Standard", week=WEDNESDAY_OFF)
        )
    plan.update_resource("ADA", calendar="Ada")
    plan.update_task("X", "T1", [], work=3 * 480)
    plan.assign("X", "T1", "ADA")
    schedule_project(plan.store, "X")  # T1: Monday 2 to Thursday 5 March, Wednesday off
    assert _days(plan)[("T1", "ADA")] == (
        (dt.date(2026, 3, 2), 480),
        (dt.date(2026, 3, 3), 480),
        (dt.date(2026, 3, 5), 480),
    )


def test_spans__a_task_on_a_calendar_of_its_own_keeps_its_work_there(plan: PlanService) -> None:
    with plan.store.write() as conn:
        calendars.add_calendar(
            conn, CalendarRecord(name="Ada", base="Standard", week=WEDNESDAY_OFF)
        )
        calendars.add_exception(conn, "Standard", dt.date(2026, 3, 11), name="Closed")
    plan.update_resource("ADA", calendar="Ada")
    plan.update_task("X", "T3", calendar="Standard")  # the scheduler ignores Ada's calendar
    plan.assign("X", "T3", "ADA", work=40 * 60)
    schedule_project(plan.store, "X")  # T3: Monday 9 to Monday 16 March, the 11th closed
    days = dict(_days(plan)[("T3", "ADA")])
    assert dt.date(2026, 3, 11) not in days
    assert dt.date(2026, 3, 12) in days  # Ada's Wednesday off is not the task's
    assert sum(days.values()) == 40 * 60
