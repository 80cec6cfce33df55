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

from projsync.ledger.forecasts import hour_forecasts
from projsync.ledger.invoices import discard, invoice, invoices_of, post_proposal, propose
from projsync.ledger.model import (
    Activity,
    Category,
    CategoryKind,
    InvoiceStatus,
    JournalLine,
    Project,
    TransactionKind,
    Worker,
    WorkerPrice,
)
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import categories, invoice_sequences, transactions, worker_prices
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


def test_concurrency__a_transaction_reversed_twice_at_once_is_reversed_once(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        day = dt.date(2026, 3, 2 + round_number)
        posted = post_journal(ledger.store, [hours("8", day)], source="to reverse")
        with ledger.store.read() as conn:
            original = conn.execute(
                select(transactions.c.id).where(transactions.c.journal_id == posted.journal)
            ).scalar_one()
        outcomes = at_once([Order(action="reverse", argument=original)] * 2)
        assert statuses(outcomes) == ["done", "refused"], outcomes
        (problem,) = refusal_of(outcomes)
        assert problem.startswith(f"transaction {original}: was already reversed by ")
        assert day_total(ledger, "W1", day) == Decimal("0.00")


def test_concurrency__two_prices_of_one_worker_and_date_at_once_leave_one(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        valid_from = dt.date(2026, 8, 1 + round_number)
        prices = [
            WorkerPrice(
                worker="W2",
                valid_from=valid_from,
                cost_price=Decimal(cost),
                sales_price=Decimal("100"),
            )
            for cost in ("41", "42")
        ]
        outcomes = at_once([Order(action="price", argument=price) for price in prices])
        assert statuses(outcomes) == ["done", "done"], outcomes
        with ledger.store.read() as conn:
            held = conn.execute(
                select(worker_prices.c.cost_price).where(
                    worker_prices.c.worker_id == "W2", worker_prices.c.valid_from == valid_from
                )
            ).scalars()
            assert [Decimal(price) for price in held] in ([Decimal("41")], [Decimal("42")])


def test_concurrency__a_category_added_twice_at_once_is_added_once(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        category = Category(id=f"Site{round_number}", kind=CategoryKind.EXPENSE)
        outcomes = at_once([Order(action="category", argument=category)] * 2)
        assert statuses(outcomes) == ["done", "refused"], outcomes
        assert refusal_of(outcomes) == (f"category {category.id}: already exists (expense)",)
        with ledger.store.read() as conn:
            assert (
                conn.execute(
                    select(func.count()).where(categories.c.id == category.id)
                ).scalar_one()
                == 1
            )


def test_concurrency__an_outside_entry_posted_twice_at_once_is_posted_once(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        day = dt.date(2026, 3, 2 + round_number)
        source = f"redmine time entry {round_number}"
        order = Order(
            action="post", argument=(hours("2", day),), options={"source": source, "once": True}
        )
        outcomes = at_once([order, order])
        assert statuses(outcomes) == ["done", "refused"], outcomes
        (problem,) = refusal_of(outcomes)
        assert problem.startswith(f"{source}: was posted already, as journal ")
        assert day_total(ledger, "W1", day) == Decimal("2.00")


def test_concurrency__two_edits_of_one_project_at_once_both_hold(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        name, manager = f"Office move {round_number}", f"Lin {round_number}"
        outcomes = at_once(
            [
                Order(action="update_project", argument="P2", options={"name": name}),
                Order(action="update_project", argument="P2", options={"manager": manager}),
            ]
        )
        assert statuses(outcomes) == ["done", "done"], outcomes
        project = ledger.project("P2")
        assert (project.name, project.manager) == (name, manager)


def test_concurrency__a_project_or_worker_added_twice_at_once_is_added_once(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        project = Project(id=f"P{round_number + 3}", company="DEMO", name="Warehouse")
        outcomes = at_once([Order(action="project", argument=project)] * 2)
        assert statuses(outcomes) == ["done", "refused"], outcomes
        assert refusal_of(outcomes) == (f"project {project.id}: already exists",)
        worker = Worker(id=f"W{round_number + 3}", company="DEMO", name="Kay")
        price = WorkerPrice(
            worker=worker.id,
            valid_from=dt.date(2026, 1, 1),
            cost_price=Decimal("30"),
            sales_price=Decimal("70"),
        )
        outcomes = at_once([Order(action="worker", argument=worker, options={"price": price})] * 2)
        assert statuses(outcomes) == ["done", "refused"], outcomes
        assert refusal_of(outcomes) == (f"worker {worker.id}: already exists",)
        assert len(ledger.worker_prices(worker.id)) == 1


def test_concurrency__an_activity_added_twice_at_once_is_added_once(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        activity = Activity(project="P2", number=f"B{round_number + 2}", name="Boxes")
        outcomes = at_once([Order(action="activity", argument=activity)] * 2)
        assert statuses(outcomes) == ["done", "refused"], outcomes
        assert refusal_of(outcomes) == (f"activity P2/{activity.number}: already exists",)


def test_concurrency__a_workers_forecasts_replaced_twice_at_once_are_one_of_the_two(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    first, second = dt.date(2026, 4, 1), dt.date(2026, 4, 2)
    wanted = {
        "three and four": [(first, Decimal("3")), (second, Decimal("4"))],
        "five": [(first, Decimal("5"))],
    }
    for _ in range(ROUNDS):
        outcomes = at_once(
            [
                Order(
                    action="replace_forecasts",
                    options={"project": "P1", "activity": "A2", "worker": "W1", "days": days},
                )
                for days in wanted.values()
            ]
        )
        assert statuses(outcomes) == ["done", "done"], outcomes
        held = hour_forecasts(ledger.store, project="P1", activity="A2", worker="W1")
        assert [(f.date, f.hours) for f in held] in [
            [(day, hours.quantize(Decimal("0.01"))) for day, hours in days]
            for days in wanted.values()
        ]
        budget = ledger.activity("P1", "A2").budget_cost
        assert budget == sum((f.cost for f in held), Decimal("0.00"))


def fee_proposal(ledger: LedgerService, project: str, activity: str, day: dt.date) -> int:
    """A fee of 10.00 on the project, proposed for billing: the proposal's id."""
    line = JournalLine(
        line=1,
        kind=TransactionKind.FEE,
        project=project,
        activity=activity,
        date=day,
        amount=Decimal("10"),
    )
    post_journal(ledger.store, [line], source="fee")
    return propose(ledger.store, project, date=day).id


def test_concurrency__two_invoices_of_a_company_posted_at_once_take_numbers_without_gaps(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        day = dt.date(2026, 3, 2 + round_number)
        proposals = [fee_proposal(ledger, "P1", "A2", day), fee_proposal(ledger, "P2", "B1", day)]
        outcomes = at_once([Order(action="post_invoice", argument=p) for p in proposals])
        assert statuses(outcomes) == ["done", "done"], outcomes
    numbers = sorted(str(i.number) for i in invoices_of(ledger.store))
    assert numbers == [f"DEMO-{n:06d}" for n in range(1, 2 * ROUNDS + 1)]
    with ledger.store.read() as conn:
        last = conn.execute(select(invoice_sequences.c.last_number)).scalar_one()
    assert last == 2 * ROUNDS


def test_concurrency__a_proposal_posted_twice_at_once_is_posted_once(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        proposal = fee_proposal(ledger, "P1", "A2", dt.date(2026, 3, 2 + round_number))
        outcomes = at_once([Order(action="post_invoice", argument=proposal)] * 2)
        assert statuses(outcomes) == ["done", "refused"], outcomes
        number = f"DEMO-{round_number + 1:06d}"
        assert refusal_of(outcomes) == (f"invoice {number}: is posted already",)
        assert invoice(ledger.store, proposal).number == number


def test_concurrency__an_invoice_posted_as_its_transaction_is_reversed_one_of_them_is_refused(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        proposal = fee_proposal(ledger, "P1", "A2", dt.date(2026, 3, 2 + round_number))
        (line,) = invoice(ledger.store, proposal).lines
        outcomes = at_once(
            [
                Order(action="post_invoice", argument=proposal),
                Order(action="reverse", argument=line.transaction),
            ]
        )
        assert statuses(outcomes) == ["done", "refused"], outcomes
        posted = invoice(ledger.store, proposal).status is InvoiceStatus.POSTED
        refused = refusal_of(outcomes)
        if posted:  # the reversal waited for the posting and found the invoice
            assert refused == (
                f"transaction {line.transaction}: is on invoice "
                f"{invoice(ledger.store, proposal).number}; credit the invoice first",
            )
        else:  # the posting waited for the reversal and found it
            assert refused[0].startswith(f"transaction {line.transaction}: was reversed by ")
            discard(ledger.store, proposal)


def test_concurrency__a_project_proposed_twice_at_once_has_one_open_proposal(
    ledger: LedgerService, at_once: AtOnce
) -> None:
    for round_number in range(ROUNDS):
        day = dt.date(2026, 3, 2 + round_number)
        post_journal(ledger.store, [hours("1", day)], source="to bill")
        order = Order(action="propose", argument="P1", options={"date": day})
        outcomes = at_once([order, order])
        assert statuses(outcomes) == ["done", "refused"], outcomes
        (open_one,) = invoices_of(ledger.store, status=InvoiceStatus.PROPOSAL)
        assert refusal_of(outcomes) == (
            f"project P1: has an open proposal {open_one.id}; post or discard it first",
        )
        post_proposal(ledger.store, open_one.id)
