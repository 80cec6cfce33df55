"""Posting: journals become immutable transactions, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from projsync.db import Store
from projsync.errors import InputError
from projsync.ledger.model import JournalLine, ProjectStatus, TransactionKind, WorkerPrice
from projsync.ledger.posting import post_journal, reverse_journal, reverse_transaction
from projsync.ledger.reports import iter_transactions, project_totals
from projsync.ledger.service import LedgerService
from projsync.ledger.sources import AlreadyPosted
from projsync.ledger.tables import journals, transactions

MARCH_2 = dt.date(2026, 3, 2)


def hours(
    n: str,
    *,
    project: str = "P1",
    activity: str = "A1",
    worker: str = "W1",
    date: dt.date = MARCH_2,
    line: int = 1,
    category: str | None = None,
) -> JournalLine:
    return JournalLine(
        line=line,
        kind=TransactionKind.HOUR,
        project=project,
        activity=activity,
        worker=worker,
        date=date,
        hours=Decimal(n),
        category=category,
    )


def amount(
    kind: TransactionKind,
    n: str,
    *,
    project: str = "P1",
    activity: str = "A1",
    line: int = 1,
    category: str | None = None,
) -> JournalLine:
    return JournalLine(
        line=line,
        kind=kind,
        project=project,
        activity=activity,
        date=MARCH_2,
        amount=Decimal(n),
        category=category,
    )


def count_rows(store: Store) -> tuple[int, int]:
    with store.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(transactions)).scalar_one(),
            conn.execute(select(func.count()).select_from(journals)).scalar_one(),
        )


def refused(store: Store, lines: list[JournalLine]) -> list[str]:
    """Post lines that must be refused; return the problems, checking nothing was posted."""
    before = count_rows(store)
    with pytest.raises(InputError) as caught:
        post_journal(store, lines, source="test")
    assert count_rows(store) == before
    return [str(p) for p in caught.value.problems]


def test_posting__hours_take_the_workers_prices_of_their_date(ledger: LedgerService) -> None:
    store = ledger.store
    result = post_journal(
        store,
        [
            hours("10", date=dt.date(2026, 6, 30), line=1),
            hours("10", date=dt.date(2026, 7, 1), line=2),
        ],
        source="test",
    )
    assert result.cost == Decimal("1055.00")  # 10 × 50 + 10 × 55.5
    assert result.revenue == Decimal("2502.50")  # 10 × 120 + 10 × 130.25
    costs = [t.cost for t in iter_transactions(store, project="P1")]
    assert costs == [Decimal("500.00"), Decimal("555.00")]


def test_posting__cost_is_rounded_half_up_to_the_cent(ledger: LedgerService) -> None:
    post_journal(ledger.store, [hours("0.33", date=dt.date(2026, 7, 1))], source="test")
    (t,) = iter_transactions(ledger.store, project="P1")
    assert t.cost == Decimal("18.32")  # 0.33 × 55.5 = 18.315
    assert t.revenue == Decimal("42.98")  # 0.33 × 130.25 = 42.9825


def test_posting__expenses_and_fees_carry_their_amounts(ledger: LedgerService) -> None:
    post_journal(
        ledger.store,
        [
            amount(TransactionKind.EXPENSE, "80", category="Travel", line=1),
            amount(TransactionKind.FEE, "300", line=2),
        ],
        source="test",
    )
    expense, fee = iter_transactions(ledger.store, project="P1")
    assert (expense.cost, expense.revenue, expense.category) == (
        Decimal("80.00"),
        Decimal("0.00"),
        "Travel",
    )
    assert (fee.cost, fee.revenue, fee.category) == (Decimal("0.00"), Decimal("300.00"), "Fee")


def test_posting__hour_line_takes_its_activitys_category(ledger: LedgerService) -> None:
    post_journal(ledger.store, [hours("1"), hours("1", activity="A2", line=2)], source="test")
    categories = [t.category for t in iter_transactions(ledger.store, project="P1")]
    assert categories == ["Design", "Hours"]


def test_posting__reversal_restores_zero_balance_and_keeps_the_original(
    ledger: LedgerService,
) -> None:
    store = ledger.store
    post_journal(store, [hours("8")], source="test")
    (original,) = iter_transactions(store)
    reversal = reverse_transaction(store, original.id)
    assert reversal.reverses == original.id
    assert (reversal.hours, reversal.cost, reversal.revenue) == (
        -original.hours,
        -original.cost,
        -original.revenue,
    )
    assert next(iter(list(iter_transactions(store)))) == original
    totals = project_totals(store, "P1")
    assert (totals.hours, totals.cost, totals.revenue) == (Decimal("0.00"),) * 3


def test_posting__a_transaction_is_reversed_at_most_once(ledger: LedgerService) -> None:
    post_journal(ledger.store, [hours("8")], source="test")
    reversal = reverse_transaction(ledger.store, 1)
    with pytest.raises(InputError, match="already reversed"):
        reverse_transaction(ledger.store, 1)
    with pytest.raises(InputError, match="is itself the reversal"):
        reverse_transaction(ledger.store, reversal.id)
    with pytest.raises(InputError, match="unknown transaction"):
        reverse_transaction(ledger.store, 999)


def test_posting__a_journal_is_reversed_whole_in_one_journal_of_its_own(
    ledger: LedgerService,
) -> None:
    store = ledger.store
    posted = post_journal(store, [hours("8"), hours("2", worker="W2")], source="test")
    originals = list(iter_transactions(store))
    reversals = reverse_journal(store, posted.journal, date=dt.date(2026, 3, 31))
    assert [r.reverses for r in reversals] == [t.id for t in originals]
    assert {r.journal for r in reversals} == {reversals[0].journal} != {posted.journal}
    assert {r.date for r in reversals} == {dt.date(2026, 3, 31)}
    assert [r.cost for r in reversals] == [-t.cost for t in originals]
    totals = project_totals(store, "P1")
    assert (totals.hours, totals.cost, totals.revenue) == (Decimal("0.00"),) * 3


def test_posting__a_journal_with_a_line_already_reversed_is_refused_whole(
    ledger: LedgerService,
) -> None:
    # all or nothing: every line that cannot be reversed is named, none is
    store = ledger.store
    posted = post_journal(store, [hours("8"), hours("2", worker="W2")], source="test")
    _, second = list(iter_transactions(store))
    reverse_transaction(store, second.id)
    before = list(iter_transactions(store))
    with pytest.raises(InputError, match=f"transaction {second.id}: was already reversed"):
        reverse_journal(store, posted.journal)
    assert list(iter_transactions(store)) == before
    with pytest.raises(InputError, match="journal 999: unknown journal"):
        reverse_journal(store, 999)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (hours("1", project="NOPE"), "line 1: unknown project NOPE"),
        (hours("1", activity="ZZ"), "line 1: unknown activity ZZ in project P1"),
        (hours("1", activity="B1"), "line 1: activity B1 belongs to project P2, not P1"),
        (hours("1", worker="W9"), "line 1: unknown worker W9"),
        (hours("0"), "line 1: hours must be more than zero"),
        (hours("-2"), "line 1: hours must be more than zero"),
        (hours("25"), "line 1: worker W1 would have 25.00 hours on 2026-03-02; at most 24 per day"),
        (
            hours("1", worker="W2", date=dt.date(2026, 2, 27)),
            "line 1: worker W2 has no price on 2026-02-27 (first price from 2026-03-01)",
        ),
        (
            hours("1", activity="A0"),
            "line 1: activity A0 has child activities; post to one of them",
        ),
        (amount(TransactionKind.EXPENSE, "0"), "line 1: amount must be more than zero"),
        (hours("1", category="Travel"), None),
    ],
)
def test_posting__bad_line_is_refused_with_its_reason(
    ledger: LedgerService, line: JournalLine, message: str | None
) -> None:
    if message is None:  # a category used for expenses cannot be an hour category
        post_journal(
            ledger.store, [amount(TransactionKind.EXPENSE, "5", category="Travel")], source="t"
        )
        message = "line 1: category Travel is a expense category, not hour"
    assert refused(ledger.store, [line]) == [message]


def test_posting__a_journal_of_an_outside_entry_is_posted_once(ledger: LedgerService) -> None:
    source = "redmine time entry 42"
    first = post_journal(ledger.store, [hours("2")], source=source, once=True)
    before = count_rows(ledger.store)
    with pytest.raises(AlreadyPosted) as caught:
        post_journal(ledger.store, [hours("2")], source=source, once=True)
    assert caught.value.journal == first.journal
    assert [str(p) for p in caught.value.problems] == [
        f"{source}: was posted already, as journal {first.journal}"
    ]
    assert count_rows(ledger.store) == before
    post_journal(ledger.store, [hours("2")], source=source)  # not once: any number of times


def test_posting__finished_project_takes_no_postings(ledger: LedgerService) -> None:
    ledger.update_project("P2", status=ProjectStatus.FINISHED)
    assert refused(ledger.store, [hours("1", project="P2", activity="B1")]) == [
        "line 1: project P2 is finished and takes no postings"
    ]


def test_posting__daily_limit_counts_hours_already_posted(ledger: LedgerService) -> None:
    post_journal(ledger.store, [hours("20")], source="first")
    problems = refused(ledger.store, [hours("3", activity="A2", line=1), hours("2", line=2)])
    assert problems == [
        "line 2: worker W1 would have 25.00 hours on 2026-03-02; at most 24 per day"
    ]


def test_posting__one_bad_line_refuses_the_whole_journal_and_lists_every_problem(
    ledger: LedgerService,
) -> None:
    problems = refused(
        ledger.store,
        [
            hours("8", line=2),
            hours("1", project="NOPE", line=3),
            hours("8", line=4),
            hours("-1", line=5),
        ],
    )
    assert problems == ["line 3: unknown project NOPE", "line 5: hours must be more than zero"]
    assert project_totals(ledger.store, "P1").hours == Decimal("0.00")


def test_posting__an_empty_journal_is_refused(ledger: LedgerService) -> None:
    assert refused(ledger.store, []) == ["test: the journal has no lines"]


def test_posting__transactions_are_stamped_with_increasing_versions(ledger: LedgerService) -> None:
    post_journal(
        ledger.store,
        [hours("1", line=i, date=MARCH_2 + dt.timedelta(days=i)) for i in range(1, 6)],
        source="test",
    )
    with ledger.store.read() as conn:
        versions = list(
            conn.execute(select(transactions.c.version).order_by(transactions.c.id)).scalars()
        )
    assert versions == sorted(set(versions)) and len(versions) == 5


def test_posting__many_batches_arrive_whole_and_in_version_order(
    ledger: LedgerService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from projsync.ledger import posting

    monkeypatch.setattr(posting, "BATCH_SIZE", 3)
    lines = [
        hours(
            "1.25",
            line=i,
            date=MARCH_2 + dt.timedelta(days=i % 20),
            activity="A1" if i % 2 else "A2",
        )
        for i in range(1, 41)
    ]
    result = post_journal(ledger.store, lines, source="test")
    assert (result.lines, result.hours) == (40, Decimal("50.00"))
    posted = list(iter_transactions(ledger.store))
    assert len(posted) == 40
    with ledger.store.read() as conn:
        versions = list(
            conn.execute(select(transactions.c.version).order_by(transactions.c.id)).scalars()
        )
    assert versions == sorted(set(versions))


def test_posting__a_failed_batch_leaves_nothing_behind(
    ledger: LedgerService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from projsync.ledger import posting

    monkeypatch.setattr(posting, "BATCH_SIZE", 2)
    good = [hours("1", line=i, date=MARCH_2 + dt.timedelta(days=i)) for i in range(1, 8)]
    problems = refused(ledger.store, [*good, hours("1", project="NOPE", line=8)])
    assert problems == ["line 8: unknown project NOPE"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (amount(TransactionKind.EXPENSE, "Infinity"), "line 1: amount: 'Infinity' is not a plain"),
        (amount(TransactionKind.FEE, "NaN"), "line 1: amount: 'NaN' is not a plain"),
        (amount(TransactionKind.EXPENSE, "1E+400"), "line 1: amount: '1E+400' is out of range"),
        (
            amount(TransactionKind.EXPENSE, "92233720368547758.07"),
            "line 1: amount: '92233720368547758.07' is out of range",
        ),
        (hours("1E+22"), "line 1: hours: '1E+22' is out of range"),
        (hours("7.125"), "line 1: hours: '7.125' has more than 2 decimal places"),
    ],
)
def test_posting__numbers_beyond_the_ledgers_range_are_refused_whatever_the_door(
    ledger: LedgerService, line: JournalLine, message: str
) -> None:
    (problem,) = refused(ledger.store, [line])
    assert problem.startswith(message)


def test_posting__the_largest_amount_posts_and_totals_to_the_cent(ledger: LedgerService) -> None:
    post_journal(
        ledger.store, [amount(TransactionKind.FEE, "999999999999.99")] * 3, source="largest"
    )
    assert project_totals(ledger.store, "P1").revenue == Decimal("2999999999999.97")


def test_posting__an_hour_priced_beyond_the_range_is_refused(ledger: LedgerService) -> None:
    ledger.set_worker_price(
        WorkerPrice(
            worker="W2",
            valid_from=dt.date(2026, 3, 1),
            cost_price=Decimal("40"),
            sales_price=Decimal("999999999999.9999"),
        )
    )
    lines = [hours("1.5", worker="W2"), hours("0.5", worker="W2", line=2)]
    assert refused(ledger.store, lines) == [
        "line 1: 1.50 hours at 999999999999.9999 an hour come to more than 999,999,999,999.99"
    ]
    post_journal(ledger.store, lines[1:], source="half an hour")
    assert project_totals(ledger.store, "P1").revenue == Decimal("500000000000.00")


@pytest.mark.parametrize("date", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(9999, 12, 31)])
def test_posting__a_date_outside_the_ledgers_dates_is_refused(
    ledger: LedgerService, date: dt.date
) -> None:
    assert refused(ledger.store, [hours("1", date=date)]) == [
        f"line 1: date {date} is outside the ledger's dates (1900-01-01 to 2999-12-31)"
    ]


@pytest.mark.parametrize("category", ["C" * 300, "Travel/Hotel", " Travel"])
def test_posting__a_new_category_the_store_cannot_key_on_is_refused(
    ledger: LedgerService, category: str
) -> None:
    (problem,) = refused(ledger.store, [amount(TransactionKind.EXPENSE, "5", category=category)])
    assert problem.startswith("line 1: category ")
    assert problem.endswith("is not a valid id (1-40 characters, no '/', no spaces at the ends)")


def test_posting__hours_after_the_workers_end_date_are_refused_up_to_it_posted(
    ledger: LedgerService,
) -> None:
    ledger.set_worker_end_date("W1", dt.date(2026, 3, 31))
    post_journal(ledger.store, [hours("8", date=dt.date(2026, 3, 31))], source="last day")
    problems = refused(
        ledger.store,
        [
            hours("8", date=dt.date(2026, 3, 30), line=1),
            hours("8", date=dt.date(2026, 4, 1), line=2),
            hours("4", worker="W2", date=dt.date(2026, 4, 1), line=3),
        ],
    )
    assert problems == ["line 2: worker W1's last day is 2026-03-31; no hours on 2026-04-01"]


def test_posting__an_end_date_cleared_takes_hours_after_it_again(ledger: LedgerService) -> None:
    ledger.set_worker_end_date("W1", dt.date(2026, 3, 31))
    late = hours("8", date=dt.date(2026, 4, 1))
    assert refused(ledger.store, [late]) == [
        "line 1: worker W1's last day is 2026-03-31; no hours on 2026-04-01"
    ]
    ledger.set_worker_end_date("W1", None)
    assert post_journal(ledger.store, [late], source="after").hours == Decimal("8.00")
