"""Posting: journals of hours, expenses and fees become immutable transactions.

A staged pipeline over a stream of lines: parse (the caller's; problems come in
as ``Problem`` records) → convert to units → validate (every rule of
``validation.py``, and the daily limit) → price → insert in batches. The whole
journal is one database transaction: one problem anywhere and nothing of it is
posted, but every problem is still found and reported. Lines are never held
all at once, so memory stays flat however long the journal. Transactions are
never edited: a correction is a reversal, a new transaction of opposite sign.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import sqlite3
import sys
import threading
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from projsync.columns import from_units
from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions
from projsync.ledger.daily_limit import days_over_limit
from projsync.ledger.invoices import invoiced
from projsync.ledger.model import CategoryKind, JournalLine, Transaction, TransactionKind
from projsync.ledger.numbers import HOURS, MONEY, NumberRefused, checked_units
from projsync.ledger.pricing import amount_for_hours
from projsync.ledger.service import LedgerService
from projsync.ledger.sources import base_source, claim_source, family, lock_source, revision_of
from projsync.ledger.tables import journals, transactions
from projsync.ledger.validation import (
    LINE_RULES,
    MAX_HOURS_PER_DAY_UNITS,
    PLACE_RULES,
    WORKER_RULES,
    Facts,
    Line,
    category_fits,
)

__all__ = [
    "BATCH_SIZE",
    "Line",
    "PostingResult",
    "Replaced",
    "post_in_place_of",
    "post_journal",
    "reverse_journal",
    "reverse_transaction",
    "sources_standing",
    "withdraw_source",
]

BATCH_SIZE = 20_000
MAX_PROBLEMS = 1_000
"""Problems listed in full; past this many the rest are counted."""

DEFAULT_CATEGORY = {
    TransactionKind.HOUR: "Hours",
    TransactionKind.EXPENSE: "Expense",
    TransactionKind.FEE: "Fee",
}
_CATEGORY_KIND = {
    TransactionKind.HOUR: CategoryKind.HOUR,
    TransactionKind.EXPENSE: CategoryKind.EXPENSE,
    TransactionKind.FEE: CategoryKind.FEE,
}

_HOUR = TransactionKind.HOUR
_EXPENSE = TransactionKind.EXPENSE
_KIND_TEXT = {kind: kind.value for kind in TransactionKind}

_COLUMNS = (
    "journal_id",
    "kind",
    "project_id",
    "activity_number",
    "worker_id",
    "date",
    "hours",
    "cost",
    "revenue",
    "category_id",
    "text",
    "version",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingResult:
    """What a posted journal added to the ledger."""

    journal: int
    lines: int
    hours: Decimal
    cost: Decimal
    revenue: Decimal


def post_journal(
    store: Store,
    lines: Iterable[JournalLine | Line | Problem],
    *,
    source: str,
    once: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PostingResult:
    """Validate and post a journal as a whole; raise ``InputError`` listing every
    problem, with nothing posted, when any line is refused.

    ``once``: the source names one outside entry, posted at most once. When a
    journal of the source is posted already, or is being posted at this
    moment (this one waits for it to end), ``AlreadyPosted`` is raised and
    nothing is posted."""
    with store.write() as conn:
        if once:
            claim_source(conn, source)
        return _post(conn, lines, source, progress)


def _post(
    conn: Connection,
    lines: Iterable[JournalLine | Line | Problem],
    source: str,
    progress: Callable[[int], None] | None = None,
) -> PostingResult:
    """Post a journal in the caller's transaction, or raise ``InputError``."""
    journal_id = _open_journal(conn, source)
    seen = 0
    with _Poster(conn, journal_id) as poster:
        for item in lines:
            seen += 1
            if progress is not None and seen % BATCH_SIZE == 0:
                progress(seen)
            poster.take(item)
        if poster.problems:
            raise InputError(poster.report())
        if seen == 0:
            raise refusal(source, "the journal has no lines")
    poster.hold_daily_limit()
    if poster.problems:
        raise InputError(poster.report())
    conn.execute(update(journals).where(journals.c.id == journal_id).values(lines=seen))
    if progress is not None:
        progress(seen)
    return PostingResult(
        journal=journal_id,
        lines=seen,
        hours=from_units(poster.hours, 2),
        cost=from_units(poster.cost, 2),
        revenue=from_units(poster.revenue, 2),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Replaced:
    """What posting an outside entry in place of its earlier state did."""

    journal: int | None
    """The journal that holds the entry now (None: withdrawn)."""
    reversed: tuple[int, ...] = ()
    """The transactions of its earlier state, reversed now."""
    changed: bool = True
    """False when the ledger held the entry as it is already."""


def post_in_place_of(store: Store, line: JournalLine, *, source: str) -> Replaced:
    """Post the line of the outside entry that ``source`` names, in place of
    what stands posted under it: nothing when the very line stands already (a
    replay); else the standing transactions reversed and the line posted, in
    one transaction, so that a refusal of either changes nothing."""
    with store.write() as conn:
        source = lock_source(conn, source)
        standing, earlier = _standing(conn, source)
        if len(standing) == 1 and _same(standing[0], line):
            return Replaced(journal=standing[0].journal, changed=False)
        undone = _reverse_standing(conn, store, source, standing)
        posted = _post(conn, [line], revision_of(source, earlier))
        return Replaced(journal=posted.journal, reversed=undone)


def withdraw_source(store: Store, source: str) -> Replaced:
    """Reverse what stands posted under the outside entry ``source`` names
    (nothing standing: nothing changes)."""
    with store.write() as conn:
        source = lock_source(conn, source)
        standing, _ = _standing(conn, source)
        undone = _reverse_standing(conn, store, source, standing)
        return Replaced(journal=None, reversed=undone, changed=bool(undone))


def sources_standing(store: Store, prefix: str) -> set[str]:
    """The outside entries (their sources, without a revision's mark) whose
    postings start with ``prefix`` and stand: not reversed."""
    undone = select(transactions.c.reverses_id).where(transactions.c.reverses_id.is_not(None))
    query = (
        select(journals.c.source)
        .join(transactions, transactions.c.journal_id == journals.c.id)
        .where(
            journals.c.source.startswith(prefix, autoescape=True),
            transactions.c.reverses_id.is_(None),
            transactions.c.id.not_in(undone),
        )
        .distinct()
    )
    with store.read() as conn:
        return {base_source(source) for source in conn.execute(query).scalars()}


def _standing(conn: Connection, source: str) -> tuple[list[Transaction], int]:
    """The transactions posted under ``source`` (any revision) that no
    reversal undid, and how many journals it has had."""
    posted = select(journals.c.id).where(family(source)).scalar_subquery()
    undone = select(transactions.c.reverses_id).where(transactions.c.reverses_id.is_not(None))
    journal_count = conn.execute(
        select(func.count()).select_from(journals).where(family(source))
    ).scalar_one()
    standing = _transactions(
        conn,
        transactions.c.journal_id.in_(posted)
        & transactions.c.reverses_id.is_(None)
        & transactions.c.id.not_in(undone),
    )
    return standing, int(journal_count)


def _same(posted: Transaction, line: JournalLine) -> bool:
    return (
        posted.kind is line.kind
        and (posted.project, posted.activity, posted.worker, posted.date, posted.text)
        == (line.project, line.activity, line.worker, line.date, line.text)
        and posted.hours == (line.hours or Decimal(0))
    )


def _reverse_standing(
    conn: Connection, store: Store, source: str, standing: list[Transaction]
) -> tuple[int, ...]:
    if not standing:
        return ()
    condition = transactions.c.id.in_([t.id for t in standing])
    done = _reverse(conn, store, condition, None, f"reversal of {source}", missing=("", ""))
    return tuple(t.reverses for t in done if t.reverses is not None)


def reverse_transaction(
    store: Store, transaction_id: int, *, date: dt.date | None = None
) -> Transaction:
    """Post the opposite of a transaction; the original stays as it was."""
    with store.write() as conn:
        (reversal,) = _reverse(
            conn,
            store,
            transactions.c.id == transaction_id,
            date,
            f"reversal of {transaction_id}",
            missing=(f"transaction {transaction_id}", "unknown transaction"),
        )
        return reversal


def reverse_journal(
    store: Store, journal_id: int, *, date: dt.date | None = None
) -> list[Transaction]:
    """Post the opposite of every line of a journal, in one journal of their
    own, all or nothing: a line already reversed, itself a reversal, on a
    posted invoice, or on a finished project refuses the whole (every such
    line named)."""
    with store.write() as conn:
        known = conn.execute(select(journals.c.id).where(journals.c.id == journal_id)).first()
        return _reverse(
            conn,
            store,
            transactions.c.journal_id == journal_id,
            date,
            f"reversal of journal {journal_id}",
            missing=(f"journal {journal_id}", "no lines" if known else "unknown journal"),
        )


def _transactions(conn: Connection, condition: Any, *, lock: bool = False) -> list[Transaction]:
    """The transactions that meet ``condition``, by id; with ``lock``, locked
    (a reversal of them at the same moment waits, then finds this one)."""
    query = (
        select(transactions, journals.c.posted_at)
        .join(journals, journals.c.id == transactions.c.journal_id)
        .where(condition)
        .order_by(transactions.c.id)
    )
    if lock:
        query = query.with_for_update(of=transactions, key_share=True)
    return [records.transaction_from_row(row) for row in conn.execute(query)]


def _reverse(
    conn: Connection,
    store: Store,
    condition: Any,
    date: dt.date | None,
    source: str,
    *,
    missing: tuple[str, str],
) -> list[Transaction]:
    """Reverse every transaction that meets ``condition`` in one new journal,
    or none (each that cannot be reversed named; ``missing`` when there is none).

    A transaction that stands on a posted invoice is not reversed: the invoice
    is credited first. The originals are locked before that is asked, so an
    invoice posted at this moment either ended before (and is found) or
    waits for the reversal to end (and refuses the reversed transaction)."""
    originals = _transactions(conn, condition, lock=True)
    if not originals:
        raise refusal(*missing)
    reversed_by = select(transactions.c.id).where(condition).scalar_subquery()
    already = dict(
        conn.execute(
            select(transactions.c.reverses_id, transactions.c.id).where(
                transactions.c.reverses_id.in_(reversed_by)
            )
        ).all()
    )
    billed = invoiced(conn, reversed_by)
    service = LedgerService(store)
    status = {p: service.project_in(conn, p).status for p in {t.project for t in originals}}
    problems: list[Problem] = []
    for original in originals:
        where = f"transaction {original.id}"
        if original.reverses is not None:
            problems.append(
                Problem(where=where, what=f"is itself the reversal of {original.reverses}")
            )
        elif original.id in already:
            problems.append(
                Problem(where=where, what=f"was already reversed by {already[original.id]}")
            )
        elif original.id in billed:
            problems.append(
                Problem(
                    where=where,
                    what=f"is on invoice {billed[original.id]}; credit the invoice first",
                )
            )
        elif status[original.project] == "finished":
            problems.append(Problem(where=where, what=f"project {original.project} is finished"))
    if problems:
        raise InputError(problems)
    journal_id = _open_journal(conn, source, lines=len(originals))
    first = reserve_versions(conn, len(originals))
    conn.execute(
        insert(transactions),
        [
            {
                "journal_id": journal_id,
                "kind": original.kind.value,
                "project_id": original.project,
                "activity_number": original.activity,
                "worker_id": original.worker,
                "date": date or original.date,
                "hours": -original.hours,
                "cost": -original.cost,
                "revenue": -original.revenue,
                "category_id": original.category,
                "reverses_id": original.id,
                "text": original.text,
                "version": first + n,
            }
            for n, original in enumerate(originals)
        ],
    )
    return _transactions(conn, transactions.c.journal_id == journal_id)


def _open_journal(conn: Connection, source: str, lines: int = 0) -> int:
    return int(
        conn.execute(
            insert(journals)
            .values(source=source[:500], lines=lines, posted_at=dt.datetime.now(dt.UTC))
            .returning(journals.c.id)
        ).scalar_one()
    )


def _to_line(item: JournalLine) -> Line:
    """The line in units; ``ValueError`` saying what is wrong with its numbers."""
    if item.kind is TransactionKind.HOUR and item.amount is not None:
        raise ValueError("an hour line takes no amount; its cost comes from the worker's prices")
    if item.kind is not TransactionKind.HOUR and item.hours is not None:
        raise ValueError(f"an {item.kind} line takes no hours")
    if item.kind is not TransactionKind.EXPENSE and item.sales_amount is not None:
        raise ValueError(f"an {item.kind} line takes no sales amount; only an expense has one")
    try:
        sales = checked_units(item.sales_amount, MONEY) if item.sales_amount is not None else 0
    except NumberRefused as exc:
        raise ValueError(f"sales amount: {exc}") from None
    if sales < 0:
        raise ValueError("a sales amount must not be negative")
    try:
        hours = checked_units(item.hours, HOURS) if item.hours is not None else 0
    except NumberRefused as exc:
        raise ValueError(f"hours: {exc}") from None
    try:
        amount = checked_units(item.amount, MONEY) if item.amount is not None else 0
    except NumberRefused as exc:
        raise ValueError(f"amount: {exc}") from None
    return Line(
        line=item.line,
        kind=item.kind,
        project=item.project,
        activity=item.activity,
        worker=item.worker or None,
        date=item.date,
        day=item.date.toordinal(),
        hours=hours,
        amount=amount,
        category=item.category or "",
        text=item.text,
        sales=sales,
    )


def _default_category(line: Line, facts: Facts) -> str:
    """An hour line without a category takes its activity's, as in the WBS."""
    if line.kind is TransactionKind.HOUR:
        project = facts.project(line.project)
        if project is not None and line.activity in project.categories:
            return project.categories[line.activity]
    return DEFAULT_CATEGORY[line.kind]


def _json_field(index: int) -> str:
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"value->>{index}"
    return f"json_extract(value, '$[{index}]')"


class _Poster:
    """Checks, prices and writes lines one at a time.

    Rows go to the database a batch at a time, from a writer thread, while this
    thread reads and checks the next batch: the database's own work (which
    runs without the interpreter lock) overlaps the checking. Only the writer
    touches the connection while a batch is in flight; before this thread reads
    anything (a project's WBS, a worker's prices), it waits for the writer to
    be idle. Each batch takes its versions from a block reserved by the writer
    just before it inserts, so versions follow insertion order. Once a problem
    is found, rows are no longer built but lines are still checked, so the
    person sees every problem at once. On PostgreSQL the daily limit is made
    final once every row is written (``hold_daily_limit``), and the line
    numbers of the rows written are kept for it (a few bytes a line).
    """

    def __init__(self, conn: Connection, journal_id: int) -> None:
        self.conn = conn
        self.journal_id = journal_id
        self.facts = Facts(conn, before_read=self._wait_for_writer)
        self.problems: list[Problem] = []
        self.more_problems = 0
        self.hours = self.cost = self.revenue = 0
        self._places: dict[tuple[object, ...], tuple[tuple[str, ...], str]] = {}
        self._workers: dict[tuple[object, ...], tuple[str, ...]] = {}
        self._dates: dict[int, object] = {}
        self._rows: list[tuple[object, ...]] = []
        self._dates_as_text = conn.dialect.name == "sqlite"
        self._line_numbers: array[int] | None = None if self._dates_as_text else array("q")
        self._written: list[tuple[int, int, int]] = []
        """(first version, first row's place in the journal, rows) of each batch."""
        self._batches: queue.Queue[tuple[int, object] | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._writer = threading.Thread(
            target=self._write_batches, name="journal-writer", daemon=True
        )
        self._writer.start()

    def __enter__(self) -> _Poster:
        # A thread waiting for the interpreter lock gets it only after the
        # switch interval: at the default 5 ms the writer would wake too late
        # to overlap anything. Shortened while the journal posts, then restored.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, 0.0005))
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if error is None:
                self._send(self._rows)
                self._rows = []
        finally:
            self._batches.put(None)
            self._writer.join()
            sys.setswitchinterval(self._switch_interval)
        if error is None and self._failure is not None:
            raise self._failure

    def _write_batches(self) -> None:
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        while (batch := self._batches.get()) is not None:
            try:
                if self._failure is None:
                    self._insert(cursor, *batch)
            except BaseException as exc:  # handed to the posting thread
                self._failure = exc
            finally:
                self._batches.task_done()
        cursor.close()

    def _insert(self, cursor: Any, count: int, rows: object) -> None:
        cursor.execute(
            f"UPDATE change_sequence SET value = value + {count} WHERE id = 1 RETURNING value"
        )
        first = int(cursor.fetchone()[0]) - count + 1
        place = self._written[-1][1] + self._written[-1][2] if self._written else 0
        self._written.append((first, place, count))
        columns = ", ".join(_COLUMNS)
        fields = len(_COLUMNS) - 2  # journal and version are added here
        if self._dates_as_text:
            # One statement for the whole batch: SQLite inserts it without
            # once taking the interpreter lock, so checking goes on meanwhile.
            values = ", ".join(_json_field(i) for i in range(fields))
            cursor.execute(
                f"INSERT INTO transactions ({columns}) "
                f"SELECT {self.journal_id}, {values}, key + {first} FROM json_each(?)",
                (rows,),
            )
        else:
            markers = ", ".join(["%s"] * fields)
            cursor.executemany(
                f"INSERT INTO transactions ({columns}) "
                f"VALUES ({self.journal_id}, {markers}, %s + {first})",
                rows,
            )

    def _send(self, rows: list[tuple[object, ...]]) -> None:
        if self._failure is not None:
            raise self._failure
        if rows:
            # SQLite takes the batch as one JSON text: encoding it here keeps
            # the writer's share of the interpreter lock to a minimum.
            payload: object
            if self._dates_as_text:
                payload = json.dumps(rows)
            else:
                payload = [(*row, index) for index, row in enumerate(rows)]
            self._batches.put((len(rows), payload))

    def _wait_for_writer(self) -> None:
        self._batches.join()
        if self._failure is not None:
            raise self._failure

    def take(self, item: JournalLine | Line | Problem) -> None:
        if isinstance(item, Problem):
            self._refuse([item])
            return
        if isinstance(item, Line):
            line = item
        else:
            try:
                line = _to_line(item)
            except ValueError as exc:
                self._refuse([Problem(where=f"line {item.line}", what=str(exc))])
                return
        facts = self.facts
        found: list[str] = [*self._place_problems(line), *self._worker_problems(line)]
        for rule in LINE_RULES:  # a loop, not a generator: this runs a million times
            what = rule(line, facts)
            if what:
                found.append(what)
        if not found and line.kind is _HOUR:
            limit = _within_daily_limit(line, facts)
            if limit:
                found.append(limit)
        if found:
            self._refuse([Problem(where=f"line {line.line}", what=what) for what in found])
        elif not self.problems:
            self._write(line)
            if self._line_numbers is not None:
                self._line_numbers.append(line.line)

    def hold_daily_limit(self) -> None:
        """On PostgreSQL, once every row is written: refuse the lines that take
        a worker's day past the limit with the hours other journals committed
        since this one read them (see ``daily_limit.py``). The days stay
        locked until this journal commits or rolls back."""
        if self._line_numbers is None or not self._written:
            return
        over = days_over_limit(
            self.conn, journal=self.journal_id, first_version=self._written[0][0]
        )
        for day in over:
            where = f"line {self._line_of(day.last_version)}"
            self._refuse([Problem(where=where, what=_over_limit(day.worker, day.date, day.hours))])

    def _line_of(self, version: int) -> int:
        assert self._line_numbers is not None
        for first, place, count in self._written:
            if first <= version < first + count:
                return self._line_numbers[place + version - first]
        raise LookupError(f"version {version} is none of this journal's")

    def _place_problems(self, line: Line) -> tuple[str, ...]:
        """Problems of where the line goes; also resolves its category."""
        key = (line.kind, line.project, line.activity, line.category)
        known = self._places.get(key)
        if known is None:
            if not line.category:
                line.category = _default_category(line, self.facts)
            verdict = tuple(what for rule in PLACE_RULES if (what := rule(line, self.facts)))
            if not verdict and self.facts.category(line.category) is None:
                # Created here, or a moment ago by another journal, maybe as another kind.
                held = LedgerService.claim_category(
                    self.facts.connection, line.category, _CATEGORY_KIND[line.kind]
                )
                self.facts.note_new_category(line.category, held)
                verdict = tuple(what for what in [category_fits(line, self.facts)] if what)
            known = self._places[key] = (verdict, line.category)
        line.category = known[1]
        return known[0]

    def _worker_problems(self, line: Line) -> tuple[str, ...]:
        key = (line.kind, line.worker)
        verdict = self._workers.get(key)
        if verdict is None:
            verdict = tuple(what for rule in WORKER_RULES if (what := rule(line, self.facts)))
            self._workers[key] = verdict
        return verdict

    def _refuse(self, found: list[Problem]) -> None:
        room = max(0, MAX_PROBLEMS - len(self.problems))
        self.problems.extend(found[:room])
        self.more_problems += len(found) - len(found[:room])

    def report(self) -> list[Problem]:
        if self.more_problems:
            return [
                *self.problems,
                Problem(where="journal", what=f"and {self.more_problems} more problems"),
            ]
        return self.problems

    def _write(self, line: Line) -> None:
        cost = revenue = 0
        if line.kind is _HOUR:
            prices = self.facts.prices(line.worker)  # type: ignore[arg-type]
            cost_price, sales_price = prices.at(line.day)  # type: ignore[union-attr,misc]
            cost = amount_for_hours(line.hours, cost_price)
            revenue = amount_for_hours(line.hours, sales_price)
        elif line.kind is _EXPENSE:
            cost = line.amount
            revenue = line.sales
        else:
            revenue = line.amount
        self.hours += line.hours
        self.cost += cost
        self.revenue += revenue
        rows = self._rows
        rows.append(
            (
                _KIND_TEXT[line.kind],
                line.project,
                line.activity,
                line.worker,
                self._date(line),
                line.hours,
                cost,
                revenue,
                line.category,
                line.text,
            )
        )
        if len(rows) >= BATCH_SIZE:
            self._send(rows)
            self._rows = []

    def _date(self, line: Line) -> object:
        if not self._dates_as_text:
            return line.date
        text = self._dates.get(line.day)
        if text is None:
            text = self._dates[line.day] = line.date.isoformat()
        return text


def _within_daily_limit(line: Line, facts: Facts) -> str | None:
    assert line.worker is not None
    days = facts.day_hours(line.worker)
    day = line.day
    total = days.get(day, 0) + line.hours
    if total > MAX_HOURS_PER_DAY_UNITS:
        return _over_limit(line.worker, line.date, total)
    days[day] = total
    return None


def _over_limit(worker: str, date: dt.date, total: int) -> str:
    return f"worker {worker} would have {from_units(total, 2)} hours on {date}; at most 24 per day"
