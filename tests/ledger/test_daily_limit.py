"""The 24-hour rule made final on PostgreSQL: hours that another journal
commits while a journal is being posted count, and the locks stay few."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Connection, func, insert, select, text

from projsync.errors import InputError
from projsync.ledger.changes import reserve_versions
from projsync.ledger.daily_limit import LOCK_SLOTS, days_over_limit
from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import transactions
from tests.conftest import BACKENDS

# On SQLite a journal holds the store's lock from its first line: nothing can
# commit meanwhile, and the rule needs no second look.
pytestmark = pytest.mark.parametrize("ledger_store", [BACKENDS[1]], indirect=True)

MARCH_2 = dt.date(2026, 3, 2)


def hours(n: str, day: dt.date, *, worker: str = "W1", line: int = 1) -> JournalLine:
    return JournalLine(
        line=line,
        kind=TransactionKind.HOUR,
        project="P1",
        activity="A2",
        worker=worker,
        date=day,
        hours=Decimal(n),
    )


def test_daily_limit__hours_committed_meanwhile_refuse_the_journals_last_line_on_that_day(
    ledger: LedgerService,
) -> None:
    post_journal(ledger.store, [hours("1", dt.date(2026, 3, 9))], source="earlier")

    def lines() -> Iterator[JournalLine]:
        yield hours("5", MARCH_2, line=1)
        # The journal has read W1's hours (none on 2 March); another commits 14.
        post_journal(ledger.store, [hours("14", MARCH_2)], source="meanwhile")
        yield hours("3", MARCH_2, worker="W2", line=2)
        yield hours("6", MARCH_2, line=3)
        yield hours("1", dt.date(2026, 3, 3), line=4)

    with pytest.raises(InputError) as caught:
        post_journal(ledger.store, lines(), source="late")
    assert [str(problem) for problem in caught.value.problems] == [
        "line 3: worker W1 would have 25.00 hours on 2026-03-02; at most 24 per day"
    ]
    with ledger.store.read() as conn:
        posted = conn.execute(
            select(func.sum(transactions.c.hours)).where(transactions.c.date == MARCH_2)
        ).scalar_one()
    assert posted == Decimal("14.00")


def test_daily_limit__a_journal_on_more_days_than_lock_slots_takes_at_most_that_many_locks(
    ledger: LedgerService,
) -> None:
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(LOCK_SLOTS + 500)]
    with ledger.store.write() as conn:
        first = reserve_versions(conn, len(days))
        _journal_7_written_raw(conn, days, first, hours="8", cost="400", revenue="960")
        over = days_over_limit(conn, journal=7, first_version=first)
        held = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks "
                "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            )
        ).scalar_one()
    assert over == []
    assert LOCK_SLOTS // 2 < held <= LOCK_SLOTS  # spread over the slots, never more


def test_daily_limit__the_days_over_the_limit_come_in_the_order_of_the_journals_lines(
    ledger: LedgerService,
) -> None:
    later, earlier = dt.date(2026, 3, 4), dt.date(2026, 3, 3)
    post_journal(ledger.store, [hours("20", later), hours("20", earlier)], source="first")
    with ledger.store.write() as conn:
        first = reserve_versions(conn, 2)
        _journal_7_written_raw(
            conn, [later, earlier], first, hours="5", cost="250", revenue="600"
        )
        over = days_over_limit(conn, journal=7, first_version=first)
    assert [(day.date, day.hours, day.last_version - first) for day in over] == [
        (later, 2500, 0),
        (earlier, 2500, 1),
    ]


def _journal_7_written_raw(
    conn: Connection, days: list[dt.date], first: int, *, hours: str, cost: str, revenue: str
) -> None:
    """Journal 7's hour lines for W1 on A2, one a day, written without the posting's
    checks (as a writer inside its transaction has them), versions from ``first``."""
    conn.execute(
        insert(transactions),
        [
            {
                "journal_id": 7,
                "kind": TransactionKind.HOUR.value,
                "project_id": "P1",
                "activity_number": "A2",
                "worker_id": "W1",
                "date": day,
                "hours": Decimal(hours),
                "cost": Decimal(cost),
                "revenue": Decimal(revenue),
                "category_id": "Hours",
                "version": first + number,
            }
            for number, day in enumerate(days)
        ],
    )
