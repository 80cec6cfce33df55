"""Posted actuals per project, activity, worker and day: what the plan side gets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.ledger.actuals import changed_daily_actuals, daily_actuals
from projsync.ledger.changes import current_version
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


def test_actuals__a_reversed_day_comes_back_as_zeros(ledger: LedgerService) -> None:
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
    with ledger.store.read() as conn:
        posted = current_version(conn)
    reverse_transaction(ledger.store, 1)
    with ledger.store.read() as conn:
        reversed_at = current_version(conn)
    (actual,) = changed_daily_actuals(ledger.store, posted, reversed_at)
    assert (actual.key.project, actual.key.worker, actual.key.day) == ("P1", "W1", D)
    assert (actual.hours, actual.cost, actual.revenue) == (Decimal("0.00"),) * 3


def test_actuals__only_days_changed_after_the_cursor_are_read(ledger: LedgerService) -> None:
    lines = [
        JournalLine(
            line=1,
            kind=TransactionKind.HOUR,
            project="P1",
            activity="A1",
            worker="W1",
            date=day,
            hours=Decimal("2"),
        )
        for day in (D, D + dt.timedelta(days=1))
    ]
    post_journal(ledger.store, lines[:1], source="t")
    with ledger.store.read() as conn:
        first = current_version(conn)
    post_journal(ledger.store, lines[1:], source="t")
    with ledger.store.read() as conn:
        now = current_version(conn)
    assert [a.key.day for a in changed_daily_actuals(ledger.store, first, now)] == [lines[1].date]
    assert len(list(changed_daily_actuals(ledger.store, -1, now))) == 2
