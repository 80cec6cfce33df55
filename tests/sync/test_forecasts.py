"""A resource put on a task in the plan becomes hour forecasts of its worker,
one per working day of the task, each priced at that day's prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.db import Store
from projsync.ledger.forecasts import hour_forecasts
from projsync.ledger.service import LedgerService
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from tests.sync.conftest import engine, integrate


def test_forecasts__an_assignment_in_the_plan_becomes_forecasts_priced_by_day(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    ledger.update_project("P1", start=dt.date(2026, 6, 22))
    engine(ledger, plan, sync).run()
    tasks = PlanService(plan)
    tasks.update_task("P1", "A1", duration=10 * 480)  # 22 June to 3 July
    schedule_project(plan, "P1")
    tasks.assign("P1", "A1", "W1", work=80 * 60)
    report = engine(ledger, plan, sync).run()
    assert (report.failed, report.refused) == (0, 0)
    days = [(f.date, f.hours, f.cost) for f in hour_forecasts(
        ledger.store, project="P1", activity="A1", worker="W1"
    )]  # fmt: skip
    assert [d for d, _, _ in days] == [
        dt.date(2026, 6, 22) + dt.timedelta(days=n) for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)
    ]
    assert {h for _, h, _ in days} == {Decimal("8.00")}
    # W1's cost price is 50 until 30 June and 55.50 from 1 July
    assert [c for _, _, c in days] == [Decimal("400.00")] * 7 + [Decimal("444.00")] * 3
    budget = {t.id: t for t in tasks.tasks("P1")}["A1"].budget_cost
    assert budget == Decimal("4132.00")  # the forecasts' cost, back on the task in the same run
    quiet = engine(ledger, plan, sync).run()
    assert (quiet.created, quiet.updated) == (0, 0)
    tasks.assign("P1", "A1", "W1", work=40 * 60)
    engine(ledger, plan, sync).run()
    halved = hour_forecasts(ledger.store, project="P1", activity="A1", worker="W1")
    assert sum(f.hours or 0 for f in halved) == Decimal("40.00") and len(halved) == 10
