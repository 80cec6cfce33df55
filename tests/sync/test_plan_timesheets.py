"""The plan server's timesheets through the sync, end to end: a team member
records hours, submits the week, the manager approves it, and the next run
posts each line in the ledger; a week reopened and approved again with other
hours replaces the postings; a line the ledger refuses is held with its
reason, which the approver reads back."""

from __future__ import annotations

from decimal import Decimal

from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.plan.entities import TimesheetCell
from projsync.plan.timesheets import TimesheetService, week_of
from projsync.sync.timesheets import line_outcomes
from tests.ledger.conftest import ledger
from tests.sync.conftest import D, engine, integrate, post_hours, stores

__all__ = ["ledger", "stores"]

WEEK = week_of(D)


def hours_of_ada(ledger: LedgerService) -> list[tuple[str, Decimal, Decimal, str]]:
    """Ada's (W1) transactions on P1: activity, hours, cost, text."""
    return [
        (t.activity, t.hours, t.cost, t.text)
        for t in iter_transactions(ledger.store, project="P1")
        if t.worker == "W1"
    ]


def approved_week(plan: Store, *cells: TimesheetCell) -> TimesheetService:
    sheets = TimesheetService(plan)
    sheets.record("W1", list(cells))
    sheets.submit("W1", WEEK)
    sheets.approve("W1", WEEK)
    return sheets


def test_plan_timesheets__an_approved_week_is_posted_once_at_the_next_run(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    sheets = TimesheetService(plan)
    sheets.record("W1", [TimesheetCell(project="P1", task="A1", day=D, hours=Decimal("2.5"),
                                       note="drawings")])  # fmt: skip
    engine(ledger, plan, sync).run()
    assert hours_of_ada(ledger) == []  # a draft is no posting
    sheets.submit("W1", WEEK)
    engine(ledger, plan, sync).run()
    assert hours_of_ada(ledger) == []  # nor a week waiting for approval

    sheets.approve("W1", WEEK)
    engine(ledger, plan, sync).run()
    engine(ledger, plan, sync).run()

    assert hours_of_ada(ledger) == [("A1", Decimal("2.50"), Decimal("125.00"), "drawings")]


def test_plan_timesheets__a_week_reopened_and_approved_with_other_hours_replaces_its_postings(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    sheets = approved_week(plan, TimesheetCell(project="P1", task="A1", day=D, hours=Decimal("2")))
    engine(ledger, plan, sync).run()

    sheets.reopen("W1", WEEK, "A1 was 3 hours")
    engine(ledger, plan, sync).run()
    assert sum(h for _, h, _, _ in hours_of_ada(ledger)) == 0  # withdrawn meanwhile
    sheets.record("W1", [TimesheetCell(project="P1", task="A1", day=D, hours=Decimal("3"))])
    sheets.submit("W1", WEEK)
    sheets.approve("W1", WEEK)
    engine(ledger, plan, sync).run()

    assert [h for _, h, _, _ in hours_of_ada(ledger)] == [
        Decimal("2.00"),
        Decimal("-2.00"),
        Decimal("3.00"),
    ]


def test_plan_timesheets__reopened_and_approved_unchanged_between_runs_posts_nothing_new(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    sheets = approved_week(plan, TimesheetCell(project="P1", task="A1", day=D, hours=Decimal("2")))
    engine(ledger, plan, sync).run()

    sheets.reopen("W1", WEEK)
    sheets.submit("W1", WEEK)
    sheets.approve("W1", WEEK)
    engine(ledger, plan, sync).run()

    assert [h for _, h, _, _ in hours_of_ada(ledger)] == [Decimal("2.00")]


def test_plan_timesheets__a_line_the_ledger_refuses_is_held_and_its_reason_reads_back(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    post_hours(ledger, "A2", "20")  # posted in the ledger directly: Ada's day holds 20 h
    sheets = approved_week(plan, TimesheetCell(project="P1", task="A1", day=D, hours=Decimal("6")))

    report = engine(ledger, plan, sync).run()

    assert report.refused == 1
    (line,) = sheets.lines(resources=["W1"])
    told = line_outcomes(sync, PlanConnector.timesheet_source, [str(line.id)])[str(line.id)]
    assert told.state == "held"
    assert told.reason == (
        f"plan timesheet line {line.id}: worker W1 would have 26.00 hours on 2026-03-02;"
        " at most 24 per day"
    )
    assert [h for _, h, _, _ in hours_of_ada(ledger)] == [Decimal("20.00")]
