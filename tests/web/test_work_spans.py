"""When an activity's work is planned: the scheduled task of the built-in plan
server, else the activity's own dates (the plan's as of the last sync, which
is all there is with Redmine as the plan side)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from projsync.ledger.service import LedgerService
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.sync.settings import set_company, set_project
from projsync.web.context import Context
from projsync.web.work_spans import work_spans
from tests.web.conftest import open_context, two_companies

WORK = ("PA", "1")
"""Activity 1 of project PA, synced to plan task PA/1."""


@pytest.fixture
def context(tmp_path: Path) -> Iterator[Context]:
    """PA on the plan, its task scheduled over two weeks from Monday 2 March."""
    context = open_context(tmp_path)
    two_companies(LedgerService(context.ledger))
    set_company(context.sync, "ACME", integrate=True)
    set_project(context.sync, "PA", integrate=True)
    assert context.run_sync().summary()["failed"] == 0
    plan = PlanService(context.plan)
    plan.update_project("PA", start=dt.datetime(2026, 3, 2, 8))  # noqa: DTZ001 (plan wall clock)
    plan.update_task("PA", "1", duration=10 * 480 - 240)  # ends Friday at noon
    schedule_project(context.plan, "PA")
    yield context
    context.dispose()


def test_work_spans__the_scheduled_plan_task_to_the_minute(context: Context) -> None:
    span = work_spans(context, {WORK})[WORK]
    assert (span.start, span.finish) == (dt.datetime(2026, 3, 2, 8), dt.datetime(2026, 3, 13, 12))  # noqa: DTZ001
    assert span.calendar.name == "Standard"


def test_work_spans__without_the_plan_store_the_dates_the_sync_brought_back(
    context: Context,
) -> None:
    assert context.run_sync().summary()["failed"] == 0  # the plan's dates back to the ledger
    activity = LedgerService(context.ledger).activity(*WORK)
    assert (activity.start, activity.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 13))
    # the plan side moves the work to April; the plan store (not the plan) still says March
    LedgerService(context.ledger).update_activity(
        *WORK, start=dt.date(2026, 4, 6), end=dt.date(2026, 4, 10)
    )
    context.plan_side_name = "redmine"
    span = work_spans(context, {WORK})[WORK]
    assert (span.start, span.finish) == (dt.datetime(2026, 4, 6, 8), dt.datetime(2026, 4, 10, 17))  # noqa: DTZ001
    context.plan_side_name = "builtin"
    assert work_spans(context, {WORK})[WORK].start == dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001


def test_work_spans__an_activity_off_the_plan_keeps_its_own_dates_or_has_none(
    context: Context,
) -> None:
    LedgerService(context.ledger).update_activity(
        "PB", "1", start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 5)
    )
    found = work_spans(context, {("PB", "1"), ("PA", "missing")})
    assert list(found) == [("PB", "1")]
    assert (found["PB", "1"].start, found["PB", "1"].finish) == (
        dt.datetime(2026, 5, 4, 8),  # noqa: DTZ001
        dt.datetime(2026, 5, 5, 17),  # noqa: DTZ001
    )
