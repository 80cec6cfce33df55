"""Posted actuals per project, activity, worker and day: what the plan side gets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.ledger.actuals import (
    changed_daily_actuals,
    changed_daily_sums,
    daily_actuals,
    daily_sums,
)
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


def test_actuals__read_ahead_a_project_at_a_time_gives_what_one_read_gives(
    ledger: LedgerService,
) -> None:
    # hours on three projects, several workers and days, reversals among them;
    # then read one project per read (each next one in a thread of its own)
    lines = [
        JournalLine(
            line=n,
            kind=TransactionKind.HOUR if n % 3 else TransactionKind.EXPENSE,
            project=project,
            activity=activity,
            worker=("W1" if n % 2 else "W2") if n % 3 else None,
            date=D + dt.timedelta(days=n % 4),
            hours=Decimal(n % 5 + 1) / 2 if n % 3 else None,
            amount=None if n % 3 else Decimal(n) + Decimal("0.25"),
        )
        for n, (project, activity) in enumerate(
            [("P1", "A1"), ("P1", "A2"), ("P1-1", "C1"), ("P2", "B1")] * 6, start=1
        )
    ]
    post_journal(ledger.store, lines, source="t")
    now = current_version_of(ledger)
    whole = list(daily_sums(ledger.store))
    assert len({(project, activity) for project, activity, *_ in whole}) == 4
    assert list(changed_daily_sums(ledger.store, -1, now, projects_per_read=1)) == whole
    assert list(changed_daily_sums(ledger.store, -1, now, projects_per_read=2)) == whole
    assert [a.key.day for a in daily_actuals(ledger.store)] == [d for *_, d, _, _, _ in whole]


def current_version_of(ledger: LedgerService) -> int:
    with ledger.store.read() as conn:
        return current_version(conn)
