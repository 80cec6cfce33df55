"""Contenders: processes of their own that act on one ledger store at the same moment.

Each contender is a separate Python process (started with ``spawn``, so it
shares nothing with the test but the database) that opens the store and, at
each round, carries out one order (post a journal, reverse a transaction, set
a price, add a project, replace forecasts, post an invoice...: see ``_ACTIONS``). The orders
of a round meet at a rendezvous inside their transactions, past their checks
and before their first write, so they really overlap. The rendezvous is at
the first line of a journal, or else just before the first statement that
writes or takes a lock:

- on PostgreSQL every contender waits there until all of them are there:
  each has opened its transaction and read what it checks before any of
  them writes;
- on SQLite a writer holds the store's lock from the start of its transaction,
  so the one inside waits there until every other contender has called in
  (and is queued for the lock) before it goes on.

A contender says whether the rendezvous was met; a test asserts it, as the
proof that the orders overlapped.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.queues
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy import event

from projsync.db import Store, open_store
from projsync.errors import InputError
from projsync.ledger.forecasts import replace_hour_forecasts
from projsync.ledger.invoices import post_proposal, propose
from projsync.ledger.model import JournalLine
from projsync.ledger.posting import post_journal, reverse_transaction
from projsync.ledger.service import LedgerService

__all__ = ["Contenders", "Order", "Outcome"]

_Slots = Any
"""A shared array of integers, one slot per contender (``multiprocessing.Array``)."""

_MEETING_SECONDS = 20.0
"""How long a contender waits for the others at the rendezvous."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """What one contender does in a round: ``action`` names one of
    ``_ACTIONS``, given ``argument`` and the keywords ``options``."""

    action: str
    argument: object = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How a contender's order ended: ``done``, ``refused`` (``detail`` lists the
    problems), or ``failed`` (``detail`` is the traceback)."""

    contender: int
    status: str
    detail: tuple[str, ...]
    met: bool | None
    """Whether the rendezvous inside the transaction was met (see the module);
    ``None`` where the order ended before it came there (on SQLite, an order
    that found the first one's work done and was refused)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Round:
    number: int
    url: str
    schema: str
    order: Order


class Contenders:
    """``count`` contender processes for one test module."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.count = count
        self._rounds = 0
        self._called: _Slots = context.Array("i", count)
        self._inside: _Slots = context.Array("i", count)
        self._results: multiprocessing.queues.Queue[Outcome] = context.Queue()
        self._orders: list[multiprocessing.queues.Queue[_Round | None]] = []
        self._processes: list[multiprocessing.context.SpawnProcess] = []
        for index in range(count):
            orders: multiprocessing.queues.Queue[_Round | None] = context.Queue()
            process = context.Process(
                target=_contend,
                args=(index, self._called, self._inside, orders, self._results),
                name=f"contender-{index}",
                daemon=True,
            )
            process.start()
            self._orders.append(orders)
            self._processes.append(process)

    def __enter__(self) -> Contenders:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for orders in self._orders:
            orders.put(None)
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()

    def run(self, store: Store, schema: str, orders: list[Order]) -> list[Outcome]:
        """Give each contender its order at once; their outcomes, by contender."""
        assert len(orders) == self.count
        self._rounds += 1
        url = store.engine.url.render_as_string(hide_password=False)
        for queue, order in zip(self._orders, orders, strict=True):
            queue.put(_Round(number=self._rounds, url=url, schema=schema, order=order))
        outcomes = [self._results.get(timeout=120) for _ in orders]
        return sorted(outcomes, key=lambda outcome: outcome.contender)


def _contend(
    index: int,
    called: _Slots,
    inside: _Slots,
    orders: multiprocessing.queues.Queue[_Round | None],
    results: multiprocessing.queues.Queue[Outcome],
) -> None:
    store: Store | None = None
    place: tuple[str, str] | None = None
    meeting = _Meeting(index, called, inside)
    while (job := orders.get()) is not None:
        if place != (job.url, job.schema):
            if store is not None:
                store.dispose()
            store = open_store("ledger", job.url, job.schema, upgrade=False)
            event.listen(store.engine, "before_cursor_execute", meeting.on_statement)
            place = (job.url, job.schema)
        assert store is not None
        meeting.expect(job.number, sqlite=store.is_sqlite)
        status, detail = _carry_out(store, job.order, meeting)
        results.put(Outcome(contender=index, status=status, detail=detail, met=meeting.met))
    if store is not None:
        store.dispose()


_ACTIONS: dict[str, Callable[[Store, Any, dict[str, Any]], object]] = {
    "post": lambda store, lines, options: post_journal(
        store, lines, **{"source": "contender", **options}
    ),
    "reverse": lambda store, transaction, _: reverse_transaction(store, transaction),
    "price": lambda store, price, _: LedgerService(store).set_worker_price(price),
    "category": lambda store, category, _: LedgerService(store).add_category(category),
    "company": lambda store, company, _: LedgerService(store).add_company(company),
    "project": lambda store, project, _: LedgerService(store).add_project(project),
    "worker": lambda store, worker, price: LedgerService(store).add_worker(worker, **price),
    "activity": lambda store, activity, _: LedgerService(store).add_activity(activity),
    "update_project": lambda store, project, changes: LedgerService(store).update_project(
        project, **changes
    ),
    "replace_forecasts": lambda store, _, options: replace_hour_forecasts(store, **options),
    "propose": lambda store, project, options: propose(store, project, **options),
    "post_invoice": lambda store, proposal, _: post_proposal(store, proposal),
}
"""What an order can ask: each takes the store, the order's argument and options."""


def _carry_out(store: Store, order: Order, meeting: _Meeting) -> tuple[str, tuple[str, ...]]:
    argument = meeting.lines(order.argument) if order.action == "post" else order.argument
    meeting.call_in()
    try:
        done = _ACTIONS[order.action](store, argument, order.options)
    except InputError as exc:
        return "refused", tuple(str(problem) for problem in exc.problems)
    except Exception:
        return "failed", (traceback.format_exc(),)
    return "done", (repr(done),)


def _writes_or_locks(statement: str) -> bool:
    return statement.startswith(("INSERT", "UPDATE", "DELETE")) or any(
        lock in statement for lock in ("FOR UPDATE", "FOR NO KEY UPDATE", "pg_advisory")
    )


class _Meeting:
    """The rendezvous of one round, as one contender sees it: each contender
    stamps the round's number in its own slot of ``called`` when it calls in
    and of ``inside`` when it reaches the rendezvous."""

    def __init__(self, index: int, called: _Slots, inside: _Slots) -> None:
        self._index = index
        self._called = called
        self._inside = inside
        self._round = 0
        self._sqlite = False
        self._pending = False
        self.met: bool | None = None

    def expect(self, round_number: int, *, sqlite: bool) -> None:
        self._round = round_number
        self._sqlite = sqlite
        self._pending = True
        self.met = None

    def call_in(self) -> None:
        self._called[self._index] = self._round

    def lines(self, argument: object) -> Iterator[JournalLine]:
        """The journal's lines, the first of them once the others are there."""
        assert isinstance(argument, tuple)
        self.meet()
        for line in argument:
            assert isinstance(line, JournalLine)
            yield line

    def on_statement(self, *event_arguments: Any) -> None:
        statement = event_arguments[2]
        if isinstance(statement, str) and _writes_or_locks(statement):
            self.meet()

    def meet(self) -> None:
        if not self._pending:
            return
        self._pending = False
        self._inside[self._index] = self._round
        slots = self._called if self._sqlite else self._inside
        deadline = time.monotonic() + _MEETING_SECONDS
        while min(slots[:]) < self._round and time.monotonic() < deadline:
            time.sleep(0.001)
        self.met = min(slots[:]) >= self._round
