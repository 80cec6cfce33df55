"""A small billed ledger for the statement's tests (ledger, command line, web).

On the ``conftest.py`` stage (P1 with P1-1 and P1-1-1, P2; W1 at 50.00 cost /
120.00 sales an hour until 30 June; W2 at 40.00 / 90.00):

- P1 time and material, contract C-100 with a 12.5 % markup on Travel; P1-1
  time and material without a contract; P1-1-1 internal.
- P2 fixed price, contract value 10,000.00, activities B1 (40 % of 10 h) and
  B2 (70 % of 30 h), milestones of 3,000.00 (15 March, invoiced on 31 March)
  and 2,500.00 (15 April, not invoiced), a recognition of 31 March reversed
  and made again.

The figures each test expects are worked out by hand beside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select, update

from projsync.ledger.forecasts import add_forecast
from projsync.ledger.invoices import credit, post_proposal, propose
from projsync.ledger.markups import set_markup
from projsync.ledger.milestones import add_milestone
from projsync.ledger.model import (
    Activity,
    Category,
    CategoryKind,
    ForecastKind,
    JournalLine,
    ProjectType,
    TransactionKind,
)
from projsync.ledger.posting import post_journal, reverse_transaction
from projsync.ledger.revenue import recognise, reverse
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import transactions

D = dt.date


def _post(ledger: LedgerService, line: JournalLine) -> int:
    journal = post_journal(ledger.store, [line], source="test").journal
    with ledger.store.read() as conn:
        return int(
            conn.execute(
                select(transactions.c.id).where(transactions.c.journal_id == journal)
            ).scalar_one()
        )


def _hours(project: str, activity: str, worker: str, day: dt.date, count: str) -> JournalLine:
    return JournalLine(
        line=1,
        kind=TransactionKind.HOUR,
        project=project,
        activity=activity,
        worker=worker,
        date=day,
        hours=Decimal(count),
    )


def _amount(
    kind: TransactionKind, project: str, activity: str, day: dt.date, value: str, category: str
) -> JournalLine:
    return JournalLine(
        line=1,
        kind=kind,
        project=project,
        activity=activity,
        date=day,
        amount=Decimal(value),
        category=category,
    )


def billed_ledger(ledger: LedgerService) -> None:
    """The stage above, on the ``conftest.py`` ledger."""
    store = ledger.store
    ledger.update_project("P1", contract="C-100", customer="Plant Owner Inc")
    ledger.update_project("P1-1-1", type=ProjectType.INTERNAL)
    ledger.add_category(Category(id="Travel", kind=CategoryKind.EXPENSE))
    set_markup(store, "C-100", "Travel", Decimal("12.5"))

    # P1: H1 8 h W1 = 400.00 cost / 960.00 sales; H2 5 h W2 = 200.00 / 450.00;
    # H3 2 h W1 in April = 100.00 / 240.00, reversed on its own date;
    # E1 Travel 80.45 (bills 80.45 + 12.5 % = 80.45 + 10.05625 = 90.50625 -> 90.51);
    # E2 Travel 60.00 with a sales amount of 75.00 (bills 75.00, no markup).
    _post(ledger, _hours("P1", "A1", "W1", D(2026, 3, 2), "8"))
    _post(ledger, _hours("P1", "A2", "W2", D(2026, 3, 3), "5"))
    h3 = _post(ledger, _hours("P1", "A2", "W1", D(2026, 4, 6), "2"))
    reverse_transaction(store, h3)
    _post(ledger, _amount(TransactionKind.EXPENSE, "P1", "A2", D(2026, 3, 20), "80.45", "Travel"))
    e2 = _post(ledger, _amount(TransactionKind.EXPENSE, "P1", "A1", D(2026, 3, 11), "60", "Travel"))
    # Posting gives an expense no sales amount yet; the billing rule takes one
    # where a transaction has it (``amount_billed``), so it is written here.
    with store.write() as conn:
        conn.execute(
            update(transactions).where(transactions.c.id == e2).values(revenue=Decimal("75.00"))
        )
    # P1-1: a fee of 250.00, H4 3 h W2 = 120.00 / 270.00, E3 Travel 40.00 at
    # cost (P1-1 has no contract, so no markup). P1-1-1: H5 1 h W1 = 50.00 / 120.00.
    _post(ledger, _amount(TransactionKind.FEE, "P1-1", "C1", D(2026, 3, 12), "250", "Fee"))
    _post(ledger, _hours("P1-1", "C1", "W2", D(2026, 3, 12), "3"))
    _post(ledger, _amount(TransactionKind.EXPENSE, "P1-1", "C1", D(2026, 3, 13), "40", "Travel"))
    _post(ledger, _hours("P1-1-1", "F1", "W1", D(2026, 3, 16), "1"))

    # Invoice 1 (up to 5 March: H1 + H2 = 1,410.00) posted and credited: neither
    # it nor its credit note stands. Invoice 3 (up to 12 March): H1 960.00,
    # H2 450.00, E2 75.00, the fee 250.00, H4 270.00 = 2,005.00 stands.
    first = post_proposal(store, propose(store, "P1", until=D(2026, 3, 5), date=D(2026, 3, 5)).id)
    assert first.total == Decimal("1410.00")
    credit(store, first.id, date=D(2026, 3, 6))
    third = post_proposal(store, propose(store, "P1", until=D(2026, 3, 12), date=D(2026, 3, 12)).id)
    assert third.total == Decimal("2005.00")

    # forecasts of P1: 10 h W1 on A1 (500.00 / 1,200.00); an expense of 100.00
    # and revenue of 3,000.00 on A2 in March; 4 h W2 on A2 in April (160.00 / 360.00)
    add_forecast(
        store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        date=D(2026, 3, 2),
        worker="W1",
        hours=Decimal("10"),
    )
    add_forecast(
        store,
        kind=ForecastKind.EXPENSE,
        project="P1",
        activity="A2",
        date=D(2026, 3, 10),
        amount=Decimal("100"),
    )
    add_forecast(
        store,
        kind=ForecastKind.REVENUE,
        project="P1",
        activity="A2",
        date=D(2026, 3, 20),
        amount=Decimal("3000"),
    )
    add_forecast(
        store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A2",
        date=D(2026, 4, 7),
        worker="W2",
        hours=Decimal("4"),
    )

    # P2, fixed price
    ledger.update_project(
        "P2", type=ProjectType.FIXED_PRICE, contract="FP-9", contract_value=Decimal("10000")
    )
    ledger.add_activity(Activity(project="P2", number="B2", name="Unpacking"))
    ledger.update_activity("P2", "B1", percent_complete=40, scheduled_hours=Decimal("10"))
    ledger.update_activity("P2", "B2", percent_complete=70, scheduled_hours=Decimal("30"))
    _post(ledger, _hours("P2", "B1", "W2", D(2026, 3, 5), "6"))
    add_forecast(
        store,
        kind=ForecastKind.REVENUE,
        project="P2",
        activity="B1",
        date=D(2026, 3, 1),
        amount=Decimal("10000"),
    )
    add_milestone(store, "P2", date=D(2026, 3, 15), amount=Decimal("3000"), text="Packed")
    add_milestone(store, "P2", date=D(2026, 4, 15), amount=Decimal("2500"), text="Moved")
    milestone_invoice = post_proposal(store, propose(store, "P2", date=D(2026, 3, 31)).id)
    assert milestone_invoice.total == Decimal("3000.00")
    # completion (10 x 40 + 30 x 70) / 40 = 2,500 / 40 = 62.50 %: earned 6,250.00
    made = recognise(store, "P2", date=D(2026, 3, 31))
    assert made.amount == Decimal("6250.00")
    reverse(store, made.id)
    assert recognise(store, "P2", date=D(2026, 3, 31)).amount == Decimal("6250.00")
