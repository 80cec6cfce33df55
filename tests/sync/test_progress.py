"""The plan's progress comes back to the ledger; the ledger's billing reaches
the plan. A fixed-price project is recognised from progress that moved twice
in the plan, through real sync runs, figures checked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.db import Store
from projsync.ledger.forecasts import add_forecast
from projsync.ledger.invoices import credit, post_proposal, propose
from projsync.ledger.milestones import add_milestone
from projsync.ledger.model import ForecastKind, ProjectType
from projsync.ledger.revenue import recognise
from projsync.ledger.service import LedgerService
from projsync.plan.fields import field_values, set_field_value
from projsync.plan.service import PlanService
from tests.sync.conftest import D, engine, integrate, post_hours


def fixed_price(ledger: LedgerService, sync: Store) -> None:
    """P1 fixed price at 100,000.00, integrated; Ada (W1) forecast on the leaves
    A1 for 30 h and C1 (of P1-1) for 10 h, so the plan's tasks have that work."""
    integrate(ledger, sync)
    ledger.update_project("P1", type=ProjectType.FIXED_PRICE, contract_value=Decimal("100000"))
    for activity, project, hours in (("A1", "P1", "30"), ("C1", "P1-1", "10")):
        add_forecast(
            ledger.store,
            kind=ForecastKind.HOUR,
            project=project,
            activity=activity,
            date=D,
            worker="W1",
            hours=Decimal(hours),
        )


def set_progress(plan: Store, percent: dict[str, int]) -> None:
    """A project manager's percent complete on P1's tasks in the plan (C1 of
    subproject P1-1 is task ``P1-1.C1`` of plan project P1)."""
    service = PlanService(plan)
    for task, value in percent.items():
        service.update_task("P1", task, percent_complete=value)


def quiet(ledger: LedgerService, plan: Store, sync: Store) -> None:
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated, again.deleted, again.failed) == (0, 0, 0, 0)


def test_progress__each_tasks_percent_complete_and_work_reach_its_activity(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    fixed_price(ledger, sync)
    engine(ledger, plan, sync).run()
    set_progress(plan, {"A1": 40, "P1-1.C1": 100})
    engine(ledger, plan, sync).run()
    a1, c1 = ledger.activity("P1", "A1"), ledger.activity("P1-1", "C1")
    assert (a1.percent_complete, a1.scheduled_hours) == (40, Decimal("30.00"))
    assert (c1.percent_complete, c1.scheduled_hours) == (100, Decimal("10.00"))
    quiet(ledger, plan, sync)


def test_progress__revenue_recognised_after_the_plans_progress_moved_twice(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    fixed_price(ledger, sync)
    post_hours(ledger, "A1", "8")  # 8 h x 50.00 = 400.00 of cost on 2 March
    engine(ledger, plan, sync).run()
    set_progress(plan, {"A1": 20})
    engine(ledger, plan, sync).run()
    first = recognise(ledger.store, "P1", date=dt.date(2026, 3, 31))
    # leaves with work: A1 30 h at 20 %, C1 10 h at 0 %; A2 and F1 have none
    # (30 x 20 + 10 x 0) / 40 = 15.00 %: 15,000.00 earned and recognised
    assert (first.completion, first.amount, first.cost) == (
        Decimal("15.00"),
        Decimal("15000.00"),
        Decimal("400.00"),
    )
    set_progress(plan, {"A1": 60})  # moved once
    engine(ledger, plan, sync).run()
    set_progress(plan, {"A1": 100, "P1-1.C1": 50})  # and again
    engine(ledger, plan, sync).run()
    second = recognise(ledger.store, "P1", date=dt.date(2026, 4, 30))
    # (30 x 100 + 10 x 50) / 40 = 3500 / 40 = 87.50 %: 87,500.00 earned, 72,500.00 more
    assert (second.completion, second.earned, second.amount) == (
        Decimal("87.50"),
        Decimal("87500.00"),
        Decimal("72500.00"),
    )
    engine(ledger, plan, sync).run()
    with plan.read() as conn:
        shown = field_values(conn, ["P1"])["P1"]
    assert (shown["DAX_22_ContractValue"], shown["DAX_24_Recognised"]) == (
        Decimal("100000.00"),
        Decimal("87500.00"),
    )
    quiet(ledger, plan, sync)


def test_progress__invoiced_and_budget_revenue_are_shown_on_the_plan(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    fixed_price(ledger, sync)
    add_forecast(
        ledger.store,
        kind=ForecastKind.REVENUE,
        project="P1",
        activity="A2",
        date=D,
        amount=Decimal("25000.50"),
    )
    add_milestone(ledger.store, "P1", date=D, amount=Decimal("40000"))
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=D).id)
    engine(ledger, plan, sync).run()

    def shown() -> tuple[object, object]:
        with plan.read() as conn:
            values = field_values(conn, ["P1", "P1/A2"])
        return values["P1"]["DAX_23_Invoiced"], values["P1/A2"]["DAX_21_BudgetRevenue"]

    assert shown() == (Decimal("40000.00"), Decimal("25000.50"))
    credit(ledger.store, posted.number or "", date=D)
    engine(ledger, plan, sync).run()
    assert shown() == (Decimal("0.00"), Decimal("25000.50"))
    quiet(ledger, plan, sync)


def test_progress__an_edit_of_a_billing_field_in_the_plan_is_put_back(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    fixed_price(ledger, sync)
    engine(ledger, plan, sync).run()
    set_field_value(plan, "DAX_23_Invoiced", "P1", "999")
    engine(ledger, plan, sync).run()
    with plan.read() as conn:
        assert field_values(conn, ["P1"])["P1"]["DAX_23_Invoiced"] == Decimal("0.00")
    assert ledger.project("P1").invoiced == Decimal("0.00")


def test_progress__the_work_a_forecast_gives_a_task_comes_back_in_the_same_run(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        date=D,
        worker="W1",
        hours=Decimal("11"),
    )
    engine(ledger, plan, sync).run()
    assert ledger.activity("P1", "A1").scheduled_hours == Decimal("11.00")
    quiet(ledger, plan, sync)  # as the model of people and the sync found it did not


def test_progress__a_task_made_in_the_plan_with_work_brings_it_in_the_run_that_makes_it(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    from projsync.plan.entities import PlanTask

    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    service = PlanService(plan)
    service.add_task(PlanTask(project="P1", id="M1", name="Design", position=99))
    service.assign("P1", "M1", "W1", work=60)
    service.update_task("P1", "M1", percent_complete=25)
    engine(ledger, plan, sync).run()
    made = ledger.activity("P1", "M1")
    assert (made.percent_complete, made.scheduled_hours) == (25, Decimal("1.00"))
    quiet(ledger, plan, sync)  # as the model of people and the sync found it did not
