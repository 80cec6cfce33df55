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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from projsync.columns import from_units, to_units
from projsync.db import Store
from projsync.errors import InputError, Problem
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions
from projsync.ledger.model import CategoryKind, JournalLine, Transaction, TransactionKind
from projsync.ledger.pricing import amount_for_hours
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import categories, journals, transactions
from projsync.ledger.validation import MAX_HOURS_PER_DAY_UNITS, RULES, Facts, Line

__all__ = ["BATCH_SIZE", "Line", "PostingResult", "post_journal", "reverse_transaction"]

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

_Row = tuple[int, str, str, str, str | None, dt.date, int, int, int, str]
"""journal, kind, project, activity, worker, date, hours, cost, revenue, category"""

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
    progress: Callable[[int], None] | None = None,
) -> PostingResult:
    """Validate and post a journal as a whole; raise ``InputError`` listing every
    problem, with nothing posted, when any line is refused."""
    with store.write() as conn:
        journal_id = _open_journal(conn, source)
        writer = _BatchWriter(conn)
        facts = Facts(conn)
        problems: list[Problem] = []
        extra_problems = 0
        seen = 0
        totals = [0, 0, 0]
        for item in lines:
            seen += 1
            if progress is not None and seen % BATCH_SIZE == 0:
                progress(seen)
            line, found = (None, [item]) if isinstance(item, Problem) else _check(item, facts)
            if found or line is None:
                extra_problems += max(0, len(problems) + len(found) - MAX_PROBLEMS)
                problems.extend(found[: max(0, MAX_PROBLEMS - len(problems))])
                continue
            if problems:
                continue  # keep validating, stop building rows
            row = _priced_row(line, facts, journal_id)
            totals[0] += row[6]
            totals[1] += row[7]
            totals[2] += row[8]
            writer.add(row)
        if problems:
            if extra_problems:
                problems.append(Problem(where="journal", what=f"and {extra_problems} more problems"))
            raise InputError(problems)
        if seen == 0:
            raise InputError([Problem(where=source, what="the journal has no lines")])
        writer.flush()
        conn.execute(update(journals).where(journals.c.id == journal_id).values(lines=seen))
        if progress is not None:
            progress(seen)
    return PostingResult(
        journal=journal_id,
        lines=seen,
        hours=from_units(totals[0], 2),
        cost=from_units(totals[1], 2),
        revenue=from_units(totals[2], 2),
    )


def reverse_transaction(
    store: Store, transaction_id: int, *, date: dt.date | None = None
) -> Transaction:
    """Post the opposite of a transaction; the original stays as it was."""
    where = f"transaction {transaction_id}"
    with store.write() as conn:
        row = conn.execute(
            select(transactions, journals.c.posted_at)
            .join(journals, journals.c.id == transactions.c.journal_id)
            .where(transactions.c.id == transaction_id)
        ).first()
        if row is None:
            raise InputError([Problem(where=where, what="unknown transaction")])
        original = records.transaction_from_row(row)
        if original.reverses is not None:
            raise InputError([Problem(where=where, what=f"is itself the reversal of {original.reverses}")])
        already = conn.execute(
            select(transactions.c.id).where(transactions.c.reverses_id == transaction_id)
        ).scalar()
        if already is not None:
            raise InputError([Problem(where=where, what=f"was already reversed by {already}")])
        project = LedgerService(store).project_in(conn, original.project)
        if project.status == "finished":
            raise InputError([Problem(where=where, what=f"project {project.id} is finished")])
        journal_id = _open_journal(conn, f"reversal of {transaction_id}", lines=1)
        new_id = conn.execute(
            insert(transactions)
            .values(
                journal_id=journal_id,
                kind=original.kind.value,
                project_id=original.project,
                activity_number=original.activity,
                worker_id=original.worker,
                date=date or original.date,
                hours=-original.hours,
                cost=-original.cost,
                revenue=-original.revenue,
                category_id=original.category,
                reverses_id=transaction_id,
                version=reserve_versions(conn),
            )
            .returning(transactions.c.id)
        ).scalar_one()
        reversed_row = conn.execute(
            select(transactions, journals.c.posted_at)
            .join(journals, journals.c.id == transactions.c.journal_id)
            .where(transactions.c.id == new_id)
        ).one()
        return records.transaction_from_row(reversed_row)


def _open_journal(conn: Connection, source: str, lines: int = 0) -> int:
    return int(
        conn.execute(
            insert(journals)
            .values(source=source[:500], lines=lines, posted_at=dt.datetime.now(dt.UTC))
            .returning(journals.c.id)
        ).scalar_one()
    )


def _check(item: JournalLine | Line, facts: Facts) -> tuple[Line | None, list[Problem]]:
    """The line in units with its category resolved, and what is wrong with it."""
    where = f"line {item.line}"
    try:
        line = item if isinstance(item, Line) else _to_line(item)
    except ValueError as exc:
        return None, [Problem(where=where, what=str(exc))]
    if not line.category:
        line.category = _default_category(line, facts)
    found = [Problem(where=where, what=what) for rule in RULES if (what := rule(line, facts))]
    if not found and line.kind is TransactionKind.HOUR:
        what = _within_daily_limit(line, facts)
        if what:
            found.append(Problem(where=where, what=what))
    if not found and facts.category(line.category) is None:
        kind = _CATEGORY_KIND[line.kind]
        facts.note_new_category(line.category, kind)
        _create_category(facts, line.category, kind)
    return line, found


def _to_line(item: JournalLine) -> Line:
    hours = to_units(item.hours, 2) if item.hours is not None else 0
    amount = to_units(item.amount, 2) if item.amount is not None else 0
    if item.kind is TransactionKind.HOUR and item.amount is not None:
        raise ValueError("an hour line takes no amount; its cost comes from the worker's prices")
    if item.kind is not TransactionKind.HOUR and item.hours is not None:
        raise ValueError(f"an {item.kind} line takes no hours")
    return Line(
        line=item.line,
        kind=item.kind,
        project=item.project,
        activity=item.activity,
        worker=item.worker or None,
        date=item.date,
        hours=hours,
        amount=amount,
        category=item.category or "",
    )


def _default_category(line: Line, facts: Facts) -> str:
    """An hour line without a category takes its activity's, as in the WBS."""
    if line.kind is TransactionKind.HOUR:
        project = facts.project(line.project)
        if project is not None and line.activity in project.categories:
            return project.categories[line.activity]
    return DEFAULT_CATEGORY[line.kind]


def _within_daily_limit(line: Line, facts: Facts) -> str | None:
    assert line.worker is not None
    days = facts.day_hours(line.worker)
    day = line.date.toordinal()
    total = days.get(day, 0) + line.hours
    if total > MAX_HOURS_PER_DAY_UNITS:
        return (
            f"worker {line.worker} would have {from_units(total, 2)} hours on {line.date}; "
            "at most 24 per day"
        )
    days[day] = total
    return None


def _create_category(facts: Facts, category_id: str, kind: CategoryKind) -> None:
    conn = facts.connection
    conn.execute(
        insert(categories).values(id=category_id, kind=kind.value, version=reserve_versions(conn))
    )


def _priced_row(line: Line, facts: Facts, journal_id: int) -> _Row:
    cost = revenue = 0
    if line.kind is TransactionKind.HOUR:
        assert line.worker is not None
        prices = facts.prices(line.worker)
        assert prices is not None
        price = prices.at(line.date.toordinal())
        assert price is not None  # checked by priced_on_date
        cost = amount_for_hours(line.hours, price[0])
        revenue = amount_for_hours(line.hours, price[1])
    elif line.kind is TransactionKind.EXPENSE:
        cost = line.amount
    else:
        revenue = line.amount
    return (
        journal_id,
        line.kind.value,
        line.project,
        line.activity,
        line.worker,
        line.date,
        line.hours,
        cost,
        revenue,
        line.category,
    )


class _BatchWriter:
    """Inserts priced rows with one ``executemany`` per batch, each batch
    stamped with a block of versions reserved in the same transaction."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._rows: list[_Row] = []
        self._dates_as_text = conn.dialect.name == "sqlite"
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self._sql = (
            f"INSERT INTO transactions ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join([marker] * len(_COLUMNS))})"
        )

    def add(self, row: _Row) -> None:
        self._rows.append(row)
        if len(self._rows) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        first = reserve_versions(self._conn, len(self._rows))
        rows: list[tuple[object, ...]]
        if self._dates_as_text:
            rows = [
                (*row[:5], row[5].isoformat(), *row[6:], first + i)
                for i, row in enumerate(self._rows)
            ]
        else:
            rows = [(*row, first + i) for i, row in enumerate(self._rows)]
        self._conn.exec_driver_sql(self._sql, rows)
        self._rows.clear()
