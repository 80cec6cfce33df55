"""The ledger's rules hold when people act at the same moment, on both databases.

Each test has two processes of their own (see ``contenders.py``) act on the
same store at once, a few rounds over, and asserts that they overlapped: on
PostgreSQL both had opened their transaction and read the store before either
committed; on SQLite the second was queued for the write lock while the first
held it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from projsync.ledger.model import (
    CategoryKind,
    JournalLine,
    TransactionKind,
)
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import transactions
from tests.ledger.contenders import Contenders, Order, Outcome

ROUNDS = 3

AtOnce = Callable[[list[Order]], list[Outcome]]


@pytest.fixture(scope="module")
def contenders() -> Iterator[Contenders]:
    with Contenders(2) as started:
        yield started


@pytest.fixture
def at_once(
    ledger: LedgerService, contenders: Contenders, request: pytest.FixtureRequest
) -> AtOnce:
    """Carry out one order in each contender at the same moment."""
    store = ledger.store
    schema = "ledger" if store.is_sqlite else request.getfixturevalue("postgres_schema")

    def run(orders: list[Order]) -> list[Outcome]:
        outcomes = contenders.run(store, schema, orders)
        assert overlapped(outcomes, sqlite=store.is_sqlite), f"no overlap: {outcomes}"
        return outcomes

    return run


def overlapped(outcomes: list[Outcome], *, sqlite: bool) -> bool:
    met = [outcome.met for outcome in outcomes]
    if sqlite:  # the first writer waited, holding the lock, until the other had called
        return True in met and False not in met
    return all(met)  # all were inside their transactions, past their checks, at once


def hours(n: str, day: dt.date, *, worker: str = "W1") -> JournalLine:
    return JournalLine(
        line=1,
        kind=TransactionKind.HOUR,
        project="P1",
        activity="A2",
        worker=worker,
        date=day,
        hours=Decimal(n),
    )


def amount(kind: TransactionKind, category: str) -> JournalLine:
    return JournalLine(
        line=1,
        kind=kind,
        project="P1",
        activity="A2",
        date=dt.date(2026, 3, 2),
        amount=Decimal("10"),
        category=category,
    )


def post(*lines: JournalLine) -> Order:
    return Order(action="post", argument=lines)


def statuses(outcomes: list[Outcome]) -> list[str]:
    return sorted(outcome.status for outcome in outcomes)


def refusal_of(outcomes: list[Outcome]) -> tuple[str, ...]:
    return next(outcome.detail for outcome in outcomes if outcome.status == "refused")


def kind_of(ledger: LedgerService, category: str) -> CategoryKind:
    return next(held.kind for held in ledger.categories() if held.id == category)


def day_total(ledger: LedgerService, worker: str, day: dt.date) -> Decimal:
    with ledger.store.read() as conn:
        total = conn.execute(
            select(func.sum(transactions.c.hours)).where(
                transactions.c.worker_id == worker, transactions.c.date == day
            )
        ).scalar_one()
    return Decimal(total or 0)


def test_concurrency__of_two_13_hour_journals_for_one_worker_and_day_one_posts(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        day = dt.date(2026, 3, 2 + round_number)
        outcomes = at_once([post(hours("13", day)), post(hours("13", day))])
        assert statuses(outcomes) == ["done", "refused"], outcomes
        assert refusal_of(outcomes) == (
            f"line 1: worker W1 would have 26.00 hours on {day}; at most 24 per day",
        )
        assert day_total(ledger, "W1", day) == Decimal("13.00")


def test_concurrency__journals_within_the_limit_together_both_post(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        day = dt.date(2026, 3, 2 + round_number)
        post_journal(ledger.store, [hours("4", day)], source="earlier")
        outcomes = at_once([post(hours("10", day)), post(hours("10", day))])
        assert statuses(outcomes) == ["done", "done"], outcomes
        assert day_total(ledger, "W1", day) == Decimal("24.00")


def test_concurrency__journals_of_other_workers_or_days_do_not_hold_each_other_up(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    day = dt.date(2026, 3, 2)
    for round_number in range(ROUNDS):
        other_day = day + dt.timedelta(days=1 + round_number)
        outcomes = at_once(
            [
                post(hours("13", day + dt.timedelta(days=7 * round_number))),
                post(hours("13", other_day, worker="W2")),
            ]
        )
        assert statuses(outcomes) == ["done", "done"], outcomes


def test_concurrency__two_journals_using_the_same_new_category_both_post(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        name = f"Travel{round_number}"
        line = amount(TransactionKind.EXPENSE, name)
        outcomes = at_once([post(line), post(line)])
        assert statuses(outcomes) == ["done", "done"], outcomes
        assert kind_of(ledger, name) is CategoryKind.EXPENSE
        with ledger.store.read() as conn:
            used = conn.execute(
                select(func.count()).where(transactions.c.category_id == name)
            ).scalar_one()
        assert used == 2


def test_concurrency__a_new_category_used_for_two_kinds_at_once_takes_the_first_kind(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        name = f"Mixed{round_number}"
        outcomes = at_once(
            [
                post(amount(TransactionKind.EXPENSE, name)),
                post(amount(TransactionKind.FEE, name)),
            ]
        )
        assert statuses(outcomes) == ["done", "refused"], outcomes
        kind = kind_of(ledger, name)
        other = CategoryKind.FEE if kind is CategoryKind.EXPENSE else CategoryKind.EXPENSE
        assert refusal_of(outcomes) == (
            f"line 1: category {name} is a {kind} category, not {other}",
        )
