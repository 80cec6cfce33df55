"""The project statement, on both databases, with figures worked out by hand.

The stage is ``statement_stage.billed_ledger``. Each row below is one text
of its figures in this order:

    budget_cost budget_revenue hours actual_cost billable invoiced recognised wip
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from projsync.errors import InputError
from projsync.ledger.invoices import post_proposal, propose
from projsync.ledger.milestones import add_milestone
from projsync.ledger.model import ProjectType
from projsync.ledger.reports import project_totals
from projsync.ledger.service import LedgerService
from projsync.ledger.statement import (
    FIGURES,
    MILESTONES,
    NONE,
    RECOGNITION,
    TOTAL,
    By,
    Statement,
    statement,
)
from projsync.ledger.tables import transactions
from tests.ledger.statement_stage import billed_ledger


def table(found: Statement) -> dict[tuple[str, str], str]:
    """(project, key) → the row's figures in the order of ``FIGURES`` as one
    text; totals included."""
    return {
        (row.project, row.key): " ".join(str(getattr(row, f)) for f in FIGURES)
        for row in found.rows()
    }


def totals_add_up(found: Statement) -> None:
    """Every total is the sum of what it totals."""
    for group in found.groups:
        for figure in FIGURES:
            assert getattr(group.total, figure) == sum(
                (getattr(row, figure) for row in group.rows), Decimal("0.00")
            )
    for figure in FIGURES:
        assert getattr(found.total, figure) == sum(
            (getattr(group.total, figure) for group in found.groups), Decimal("0.00")
        )


@pytest.fixture
def billed(ledger: LedgerService) -> LedgerService:
    billed_ledger(ledger)
    return ledger


def test_statement__by_activity_of_a_time_and_material_project(billed: LedgerService) -> None:
    found = statement(billed.store, "P1")
    # P1/A1: forecast 10 h W1 = 500.00 / 1,200.00; H1 8 h 400.00 and E2 60.00 =
    #   460.00 cost; bills 960.00 + 75.00 = 1,035.00, all on invoice 3.
    # P1/A2: forecasts 100.00 + 160.00 = 260.00 cost, 3,000.00 + 360.00 = 3,360.00
    #   revenue; hours 5 + 2 - 2 = 5; cost 200.00 + 100.00 - 100.00 + 80.45 = 280.45;
    #   bills H2 450.00 + E1 90.51 = 540.51 (the reversed pair nothing); invoiced
    #   H2 450.00; work in progress 540.51 - 450.00 = 90.51.
    # P1-1/C1: H4 3 h 120.00 + fee 0.00 + E3 40.00 = 160.00 cost; bills 270.00 +
    #   250.00 + 40.00 = 560.00; invoiced 270.00 + 250.00 = 520.00; wip 40.00.
    # P1-1-1/F1: internal: 1 h, 50.00 cost, nothing billed.
    assert table(found) == {
        ("P1", "A1"): "500.00 1200.00 8.00 460.00 1035.00 1035.00 1035.00 0.00",
        ("P1", "A2"): "260.00 3360.00 5.00 280.45 540.51 450.00 450.00 90.51",
        ("P1", TOTAL): "760.00 4560.00 13.00 740.45 1575.51 1485.00 1485.00 90.51",
        ("P1-1", "C1"): "0.00 0.00 3.00 160.00 560.00 520.00 520.00 40.00",
        ("P1-1", TOTAL): "0.00 0.00 3.00 160.00 560.00 520.00 520.00 40.00",
        ("P1-1-1", "F1"): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        ("P1-1-1", TOTAL): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        # 740.45 + 160.00 + 50.00 = 950.45; 1,575.51 + 560.00 = 2,135.51;
        # 1,485.00 + 520.00 = 2,005.00 (invoice 3's total); 90.51 + 40.00 = 130.51
        (TOTAL, TOTAL): "760.00 4560.00 17.00 950.45 2135.51 2005.00 2005.00 130.51",
    }
    assert [g.project for g in found.groups] == ["P1", "P1-1", "P1-1-1"]
    assert [g.type for g in found.groups] == [
        ProjectType.TIME_MATERIAL,
        ProjectType.TIME_MATERIAL,
        ProjectType.INTERNAL,
    ]
    assert [(r.key, r.name) for r in found.groups[0].rows] == [("A1", "Design"), ("A2", "Review")]
    head = found.head
    assert (head.project, head.name, head.type, head.company, head.currency) == (
        "P1",
        "Plant upgrade",
        ProjectType.TIME_MATERIAL,
        "DEMO",
        "EUR",
    )
    assert (head.contract, head.customer, head.contract_value, head.completion) == (
        "C-100",
        "Plant Owner Inc",
        None,
        None,
    )
    totals_add_up(found)


def test_statement__by_worker(billed: LedgerService) -> None:
    found = statement(billed.store, "P1", by=By.WORKER)
    # W1 on P1: H1 8 h and H3's reversed pair: 8 h, 400.00, bills 960.00, invoiced;
    #   its forecast 500.00 / 1,200.00.
    # W2 on P1: H2 5 h 200.00 bills 450.00, invoiced; its April forecast 160.00 / 360.00.
    # (none) on P1: expenses E1 80.45 + E2 60.00 = 140.45 bill 90.51 + 75.00 =
    #   165.51, invoiced 75.00; the expense and revenue forecasts 100.00 / 3,000.00.
    # P1-1: W2 3 h 120.00 / 270.00 invoiced; (none): the fee (0.00 cost, bills
    #   250.00, invoiced) and E3 40.00 (bills 40.00, not invoiced).
    assert table(found) == {
        ("P1", "W1"): "500.00 1200.00 8.00 400.00 960.00 960.00 960.00 0.00",
        ("P1", "W2"): "160.00 360.00 5.00 200.00 450.00 450.00 450.00 0.00",
        ("P1", NONE): "100.00 3000.00 0.00 140.45 165.51 75.00 75.00 90.51",
        ("P1", TOTAL): "760.00 4560.00 13.00 740.45 1575.51 1485.00 1485.00 90.51",
        ("P1-1", "W2"): "0.00 0.00 3.00 120.00 270.00 270.00 270.00 0.00",
        ("P1-1", NONE): "0.00 0.00 0.00 40.00 290.00 250.00 250.00 40.00",
        ("P1-1", TOTAL): "0.00 0.00 3.00 160.00 560.00 520.00 520.00 40.00",
        ("P1-1-1", "W1"): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        ("P1-1-1", TOTAL): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        (TOTAL, TOTAL): "760.00 4560.00 17.00 950.45 2135.51 2005.00 2005.00 130.51",
    }
    assert [(r.key, r.name) for r in found.groups[0].rows] == [
        ("W1", "Ada"),
        ("W2", "Grace"),
        (NONE, ""),
    ]
    totals_add_up(found)


def test_statement__by_category(billed: LedgerService) -> None:
    found = statement(billed.store, "P1", by=By.CATEGORY)
    # Design: H1 (A1's category) and the hour forecast on A1, under the same category.
    # Hours: H2 and H3's pair (A2 has no category), the April hour forecast on A2.
    # Travel: E1 and E2: 140.45 cost, bills 165.51, 75.00 invoiced.
    # (none): the expense and revenue forecasts, which have no category.
    # P1-1: Fee 250.00 billed and invoiced; Hours H4; Travel E3 not invoiced.
    assert table(found) == {
        ("P1", "Design"): "500.00 1200.00 8.00 400.00 960.00 960.00 960.00 0.00",
        ("P1", "Hours"): "160.00 360.00 5.00 200.00 450.00 450.00 450.00 0.00",
        ("P1", "Travel"): "0.00 0.00 0.00 140.45 165.51 75.00 75.00 90.51",
        ("P1", NONE): "100.00 3000.00 0.00 0.00 0.00 0.00 0.00 0.00",
        ("P1", TOTAL): "760.00 4560.00 13.00 740.45 1575.51 1485.00 1485.00 90.51",
        ("P1-1", "Fee"): "0.00 0.00 0.00 0.00 250.00 250.00 250.00 0.00",
        ("P1-1", "Hours"): "0.00 0.00 3.00 120.00 270.00 270.00 270.00 0.00",
        ("P1-1", "Travel"): "0.00 0.00 0.00 40.00 40.00 0.00 0.00 40.00",
        ("P1-1", TOTAL): "0.00 0.00 3.00 160.00 560.00 520.00 520.00 40.00",
        ("P1-1-1", "Hours"): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        ("P1-1-1", TOTAL): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        (TOTAL, TOTAL): "760.00 4560.00 17.00 950.45 2135.51 2005.00 2005.00 130.51",
    }
    totals_add_up(found)


def test_statement__by_period_and_within_a_range(billed: LedgerService) -> None:
    found = statement(billed.store, "P1", by=By.PERIOD)
    # March on P1: forecasts 500.00 + 100.00 = 600.00 cost, 1,200.00 + 3,000.00 =
    #   4,200.00 revenue; April: the hour forecast 160.00 / 360.00 and H3's pair,
    #   which nets to nothing.
    assert (
        table(found)[("P1", "2026-03")]
        == "600.00 4200.00 13.00 740.45 1575.51 1485.00 1485.00 90.51"
    )
    assert table(found)[("P1", "2026-04")] == "160.00 360.00 0.00 0.00 0.00 0.00 0.00 0.00"
    totals_add_up(found)
    # From 12 to 31 March: P1 keeps E1 (80.45, bills 90.51, not invoiced) and the
    # revenue forecast of 20 March; P1-1's fee, H4 and E3 are all within it.
    within = statement(
        billed.store, "P1", date_from=dt.date(2026, 3, 12), date_to=dt.date(2026, 3, 31)
    )
    assert table(within) == {
        ("P1", "A2"): "0.00 3000.00 0.00 80.45 90.51 0.00 0.00 90.51",
        ("P1", TOTAL): "0.00 3000.00 0.00 80.45 90.51 0.00 0.00 90.51",
        ("P1-1", "C1"): "0.00 0.00 3.00 160.00 560.00 520.00 520.00 40.00",
        ("P1-1", TOTAL): "0.00 0.00 3.00 160.00 560.00 520.00 520.00 40.00",
        ("P1-1-1", "F1"): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        ("P1-1-1", TOTAL): "0.00 0.00 1.00 50.00 0.00 0.00 0.00 0.00",
        (TOTAL, TOTAL): "0.00 3000.00 4.00 290.45 650.51 520.00 520.00 130.51",
    }
    assert (within.head.date_from, within.head.date_to) == (
        dt.date(2026, 3, 12),
        dt.date(2026, 3, 31),
    )


def test_statement__a_fixed_price_project(billed: LedgerService) -> None:
    found = statement(billed.store, "P2")
    # B1: the revenue forecast 10,000.00; 6 h W2 = 240.00 cost; a fixed price bills
    #   no transaction. (milestones): invoice of 31 March, 3,000.00: wip -3,000.00.
    # (recognition): 6,250.00 - 6,250.00 (its reversal) + 6,250.00 = 6,250.00.
    # Total wip: 6,250.00 recognised - 3,000.00 invoiced = 3,250.00.
    assert table(found) == {
        ("P2", "B1"): "0.00 10000.00 6.00 240.00 0.00 0.00 0.00 0.00",
        ("P2", MILESTONES): "0.00 0.00 0.00 0.00 0.00 3000.00 0.00 -3000.00",
        ("P2", RECOGNITION): "0.00 0.00 0.00 0.00 0.00 0.00 6250.00 6250.00",
        ("P2", TOTAL): "0.00 10000.00 6.00 240.00 0.00 3000.00 6250.00 3250.00",
        (TOTAL, TOTAL): "0.00 10000.00 6.00 240.00 0.00 3000.00 6250.00 3250.00",
    }
    # completion (10 x 40 + 30 x 70) / 40 = 62.50
    assert found.head.completion == Decimal("62.50")
    assert found.head.contract_value == Decimal("10000.00")
    by_month = table(statement(billed.store, "P2", by=By.PERIOD))
    # the milestone's line in the month of its invoice, the recognition in its own
    assert by_month[("P2", "2026-03")] == "0.00 10000.00 6.00 240.00 0.00 3000.00 6250.00 3250.00"
    # up to 30 March neither the invoice (31 March) nor the recognition counts
    early = table(statement(billed.store, "P2", date_to=dt.date(2026, 3, 30)))
    assert set(early) == {("P2", "B1"), ("P2", TOTAL), (TOTAL, TOTAL)}
    for by in By:
        assert (
            table(statement(billed.store, "P2", by=by))[(TOTAL, TOTAL)]
            == table(found)[(TOTAL, TOTAL)]
        )


def test_statement__every_dimension_has_the_same_totals(billed: LedgerService) -> None:
    totals = {by: table(statement(billed.store, "P1", by=by))[(TOTAL, TOTAL)] for by in By}
    assert len(set(totals.values())) == 1
    for by in By:
        totals_add_up(statement(billed.store, "P1", by=by))


def test_statement__actual_cost_agrees_with_the_reports_and_the_transactions(
    billed: LedgerService,
) -> None:
    for project in ("P1", "P1-1", "P2"):
        found = statement(billed.store, project)
        assert found.total.actual_cost == project_totals(billed.store, project).cost
    with billed.store.read() as conn:
        cost = conn.execute(
            select(func.sum(transactions.c.cost)).where(
                transactions.c.project_id.in_(["P1", "P1-1", "P1-1-1"])
            )
        ).scalar_one()
    assert statement(billed.store, "P1").total.actual_cost == cost == Decimal("950.45")


def test_statement__a_subproject_alone(billed: LedgerService) -> None:
    found = statement(billed.store, "P1-1")
    assert [g.project for g in found.groups] == ["P1-1", "P1-1-1"]
    assert found.total.invoiced == Decimal("520.00")  # lines of P1's invoice on its transactions


def test_statement__an_empty_project(ledger: LedgerService) -> None:
    found = statement(ledger.store, "P2")
    assert found.groups[0].rows == ()
    assert all(value == Decimal("0.00") for value in found.total.figures().values())


def test_statement__refusals(ledger: LedgerService) -> None:
    with pytest.raises(InputError) as error:
        statement(ledger.store, "NOPE")
    assert [str(p) for p in error.value.problems] == ["project NOPE: unknown project"]
    with pytest.raises(InputError) as error:
        statement(ledger.store, "P1", date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 3, 1))
    assert [str(p) for p in error.value.problems] == ["--from: 2026-04-01 is after --to 2026-03-01"]
    with pytest.raises(InputError) as error:
        statement(ledger.store, "P1", date_from=dt.date(1, 1, 1))
    assert "outside the ledger's dates" in str(error.value.problems[0])


def test_statement__a_time_and_material_milestone_is_recognised_as_invoiced(
    ledger: LedgerService,
) -> None:
    add_milestone(ledger.store, "P2", date=dt.date(2026, 3, 15), amount=Decimal("500"))
    post_proposal(ledger.store, propose(ledger.store, "P2", date=dt.date(2026, 3, 31)).id)
    found = statement(ledger.store, "P2", by=By.WORKER)
    # invoiced 500.00, recognised as invoiced; nothing billable: 0.00 - 500.00 in progress
    assert table(found)[("P2", MILESTONES)] == "0.00 0.00 0.00 0.00 0.00 500.00 500.00 -500.00"
    assert [row.name for row in found.groups[0].rows] == ["milestones invoiced"]
    assert table(statement(ledger.store, "P2", by=By.PERIOD)) == {
        ("P2", "2026-03"): "0.00 0.00 0.00 0.00 0.00 500.00 500.00 -500.00",
        ("P2", TOTAL): "0.00 0.00 0.00 0.00 0.00 500.00 500.00 -500.00",
        (TOTAL, TOTAL): "0.00 0.00 0.00 0.00 0.00 500.00 500.00 -500.00",
    }
