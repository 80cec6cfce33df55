"""Scheduling a stored project: dates written back, twice changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.errors import InputError
from projsync.plan import calendars
from projsync.plan.changes import changes_since, current_version
from projsync.plan.entities import ActualEntry, PlanLink
from projsync.plan.progress import record_actuals
from projsync.plan.scheduling import level_project, project_overallocations, schedule_project
from projsync.plan.service import PlanService


def dates(plan: PlanService) -> dict[str, tuple[dt.datetime | None, dt.datetime | None]]:
    return {t.id: (t.start, t.finish) for t in plan.tasks("X")}


def test_schedule__writes_dates_and_the_summary_rolls_up(plan: PlanService) -> None:
    outcome = schedule_project(plan.store, "X")
    assert outcome.finish == "2026-03-13T17:00:00"
    assert dates(plan) == {
        "T0": (dt.datetime(2026, 3, 2, 8), dt.datetime(2026, 3, 6, 17)),
        "T1": (dt.datetime(2026, 3, 2, 8), dt.datetime(2026, 3, 4, 17)),
        "T2": (dt.datetime(2026, 3, 5, 8), dt.datetime(2026, 3, 6, 17)),
        "T3": (dt.datetime(2026, 3, 9, 8), dt.datetime(2026, 3, 13, 17)),
    }
    assert all(t.critical and t.total_slack == 0 for t in plan.tasks("X"))


def test_schedule__a_holiday_on_the_standard_calendar_moves_the_work(plan: PlanService) -> None:
    with plan.store.write() as conn:
        calendars.add_exception(conn, "Standard", dt.date(2026, 3, 3), name="Holiday")
    schedule_project(plan.store, "X")
    assert dates(plan)["T1"] == (dt.datetime(2026, 3, 2, 8), dt.datetime(2026, 3, 5, 17))


def test_schedule__twice_changes_nothing_not_even_the_change_feed(plan: PlanService) -> None:
    schedule_project(plan.store, "X")
    with plan.store.read() as conn:
        cursor = current_version(conn)
    again = schedule_project(plan.store, "X")
    assert again.changed == 0
    assert changes_since(plan.store, "task", cursor) == []


def test_schedule__actuals_keep_a_task_where_it_started(plan: PlanService) -> None:
    plan.assign("X", "T3", "ADA")
    record_actuals(
        plan.store,
        [
            ActualEntry(
                project="X",
                task="T3",
                resource="ADA",
                day=dt.date(2026, 3, 2),
                actual_work=480,
                actual_cost=Decimal("400"),
            )
        ],
    )
    schedule_project(plan.store, "X")
    t3 = next(t for t in plan.tasks("X") if t.id == "T3")
    assert t3.actual_start == dt.datetime(2026, 3, 2, 8)
    assert t3.start == dt.datetime(2026, 3, 2, 8)
    assert t3.percent_complete == 20


def test_schedule__levelling_moves_a_task_off_a_busy_resource(plan: PlanService) -> None:
    plan.update_task("X", "T3", [])  # T3 now free to start at once
    plan.assign("X", "T1", "ADA")
    plan.assign("X", "T3", "ADA")
    schedule_project(plan.store, "X")
    assert [o.resource_id for o in project_overallocations(plan.store, "X").periods] == ["ADA"]
    outcome = level_project(plan.store, "X")
    assert outcome.delayed
    assert project_overallocations(plan.store, "X").periods == ()
    t1, t3 = (dates(plan)[t] for t in ("T1", "T3"))
    assert t1[1] is not None and t3[0] is not None
    assert t3[0] >= t1[1] or t1[0] >= t3[1]  # type: ignore[operator]


def test_schedule__bad_network_reports_the_problem(plan: PlanService) -> None:
    with plan.store.write() as conn:  # a cycle slipped in behind the service's back
        from projsync.plan.tables import links

        conn.execute(
            links.insert().values(
                project_id="X",
                predecessor_id="T3",
                successor_id="T1",
                type="FS",
                lag=0,
                lag_kind="working",
                version=999,
            )
        )
    with pytest.raises(InputError, match="dependency cycle"):
        schedule_project(plan.store, "X")


def test_schedule__elapsed_lag_counts_the_weekend(plan: PlanService) -> None:
    from projsync.plan.model import LagKind

    plan.update_task(
        "X",
        "T3",
        [
            PlanLink(
                project="X",
                predecessor="T2",
                successor="T3",
                lag=3 * 1440,
                lag_kind=LagKind.ELAPSED,
            )
        ],
    )
    schedule_project(plan.store, "X")
    # Friday 17:00 + 72 clock hours = Monday 17:00, so Tuesday morning
    # (three working days would have been Thursday).
    assert dates(plan)["T3"][0] == dt.datetime(2026, 3, 10, 8)


def test_schedule__an_assignment_works_on_its_resources_calendar(plan: PlanService) -> None:
    from projsync.plan.entities import CalendarRecord

    with plan.store.write() as conn:  # Ada does not work on Wednesdays
        calendars.add_calendar(
            conn,
            CalendarRecord(
                name="Ada", base="Standard", week=(None, None, (), None, None, None, None)
            ),
        )
    plan.update_resource("ADA", calendar="Ada")
    plan.update_task("X", "T1", [], work=3 * 480)  # three days of work, nothing before it
    plan.assign("X", "T1", "ADA")
    schedule_project(plan.store, "X")
    # Monday, Tuesday, (no Wednesday), Thursday
    assert dates(plan)["T1"] == (dt.datetime(2026, 3, 2, 8), dt.datetime(2026, 3, 5, 17))


def test_schedule__a_task_too_long_for_the_calendar_is_named(plan: PlanService) -> None:
    # 999,999 hours of an 8-hour day run past the two centuries a calendar
    # reaches: the refusal names the task and what makes it long, not an offset.
    plan.update_task("X", "T3", duration=59_999_940)
    with pytest.raises(InputError) as refused:
        schedule_project(plan.store, "X")
    assert [str(p) for p in refused.value.problems] == [
        "project X task T3: 999,999 hours of duration may take the schedule past the two "
        "centuries a calendar reaches"
    ]
    assert dates(plan)["T3"] == (None, None)  # nothing stored


def test_overallocations__work_after_a_resources_last_available_day_is_reported(
    plan: PlanService,
) -> None:
    """T3 (5 days, Monday 9 to Friday 13 March) is Ada's, 40 hours; she is
    available until Tuesday 10: Wednesday to Friday, 24 hours, are beyond."""
    plan.assign("X", "T3", "ADA")
    plan.assign("X", "T1", "BOB")
    assert project_overallocations(plan.store, "X").beyond_availability == ()
    plan.update_resource("ADA", available_until=dt.date(2026, 3, 10))
    plan.update_resource("BOB", available_until=dt.date(2026, 3, 4))  # T1's last day
    report = project_overallocations(plan.store, "X")
    assert report.project == "X" and report.periods == ()
    (found,) = report.beyond_availability
    assert (found.resource_id, found.task_id, found.available_until) == (
        "ADA",
        "T3",
        dt.date(2026, 3, 10),
    )
    assert (found.first_day, found.days, found.work) == (dt.date(2026, 3, 11), 3, 24 * 60)
    assert plan.update_resource("ADA", available_until=None).available_until is None
    assert project_overallocations(plan.store, "X").beyond_availability == ()
