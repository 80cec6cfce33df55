"""Posted actuals per project, activity, worker and day: what the plan side gets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.ledger.actuals import ActualKey, daily_actuals, keys_of_transactions
from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal, reverse_transaction
from projsync.ledger.service import LedgerService

D = dt.date(2026, 3, 2)


def test_actuals__hours_expenses_and_fees_aggregate_per_worker_and_day(
    ledger: LedgerService,
) -> None:
    post_journal(
        ledger.store,
        [
            JournalLine(
                line=1,
                kind=TransactionKind.HOUR,
                project="P1",
                activity="A1",
                worker="W1",
                date=D,
                hours=Decimal("3"),
            ),
            JournalLine(
                line=2,
                kind=TransactionKind.HOUR,
                project="P1",
                activity="A1",
                worker="W1",
                date=D,
                hours=Decimal("2.5"),
            ),
            JournalLine(
                line=3,
                kind=TransactionKind.EXPENSE,
                project="P1",
                activity="A1",
                date=D,
                amount=Decimal("80"),
            ),
            JournalLine(
                line=4,
                kind=TransactionKind.FEE,
                project="P1",
                activity="A1",
                date=D,
                amount=Decimal("300"),
            ),
        ],
        source="t",
    )
    found = {(a.key.worker, a.hours, a.cost, a.revenue) for a in daily_actuals(ledger.store)}
    assert found == {
        ("W1", Decimal("5.50"), Decimal("275.00"), Decimal("660.00")),
        ("", Decimal("0.00"), Decimal("80.00"), Decimal("300.00")),
    }


def test_actuals__a_reversed_key_comes_back_as_zeros(ledger: LedgerService) -> None:
    post_journal(
        ledger.store,
        [
            JournalLine(
                line=1,
                kind=TransactionKind.HOUR,
                project="P1",
                activity="A1",
                worker="W1",
                date=D,
                hours=Decimal("4"),
            ),
        ],
        source="t",
    )
    reversal = reverse_transaction(ledger.store, 1)
    keys = keys_of_transactions(ledger.store, [1, reversal.id])
    assert keys == {ActualKey(project="P1", activity="A1", worker="W1", day=D)}
    (actual,) = daily_actuals(ledger.store, keys)
    assert (actual.hours, actual.cost, actual.revenue) == (Decimal("0.00"),) * 3
    missing = ActualKey(project="P2", activity="B1", worker="", day=D)
    assert [a.cost for a in daily_actuals(ledger.store, [missing])] == [Decimal("0.00")]
