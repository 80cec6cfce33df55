"""Posted actuals aggregated the way the plan side keeps them: per project,
activity, worker (none for expenses and fees) and day.

What the sync sends across and what reconciliation compares. Sums are computed
in SQL; only the aggregates asked for are read. Read-only.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    func,
    select,
    tuple_,
    type_coerce,
)

from projsync.columns import from_units
from projsync.db import Store
from projsync.ledger.model import TransactionKind
from projsync.ledger.tables import transactions

__all__ = [
    "ActualKey",
    "DailyActual",
    "DaySums",
    "changed_daily_actuals",
    "changed_daily_sums",
    "daily_actuals",
    "daily_sums",
]


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class ActualKey:
    project: str
    activity: str
    worker: str
    """"" for expenses and fees."""
    day: dt.date

    def text(self) -> str:
        return f"{self.project}/{self.activity}/{self.worker}/{self.day.isoformat()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyActual:
    key: ActualKey
    hours: Decimal
    cost: Decimal
    revenue: Decimal


DaySums = tuple[str, str, str, dt.date, Decimal, Decimal, Decimal]
"""One aggregate as a plain tuple: project, activity, worker ("" for expenses
and fees), day, hours, cost, revenue. What a reader of millions takes, with
no object built per aggregate."""


def daily_actuals(store: Store) -> Iterator[DailyActual]:
    """Every aggregate, ordered by project, activity, day and worker."""
    return map(_daily, daily_sums(store))


def daily_sums(store: Store) -> Iterator[DaySums]:
    """``daily_actuals`` as plain tuples."""
    with store.read() as conn:
        yield from _aggregate(conn, None)


def changed_daily_actuals(
    store: Store, since: int, until: int, *, projects_per_read: int = 20
) -> Iterator[DailyActual]:
    """The aggregates of every project, activity and day with a transaction
    stamped after ``since`` up to ``until``: all workers of such a day, each
    as it is now, ordered by project, activity, day and worker. Read a few
    projects at a time, so memory stays flat however much changed."""
    return map(_daily, changed_daily_sums(store, since, until, projects_per_read=projects_per_read))


def changed_daily_sums(
    store: Store, since: int, until: int, *, projects_per_read: int = 20
) -> Iterator[DaySums]:
    """``changed_daily_actuals`` as plain tuples."""
    stamped = (transactions.c.version > since) & (transactions.c.version <= until)
    with store.read() as conn:
        oldest = conn.execute(select(func.min(transactions.c.version))).scalar()
        # When every transaction is newer than ``since`` (a first run), every
        # day counts: the projects are read whole, with no search for their days.
        every_day = oldest is None or oldest > since
        touched = list(
            conn.execute(
                select(transactions.c.project_id)
                .where(stamped)
                .distinct()
                .order_by(transactions.c.project_id)
            ).scalars()
        )

    def read(chunk: list[str]) -> list[DaySums]:
        wanted = transactions.c.project_id.in_(chunk)
        if every_day:
            # days whose transactions all came after ``until`` are not yet due
            query = _query(wanted, having=func.min(transactions.c.version) <= until)
        else:
            days = select(
                transactions.c.project_id, transactions.c.activity_number, transactions.c.date
            ).where(stamped, wanted)
            place = tuple_(
                transactions.c.project_id, transactions.c.activity_number, transactions.c.date
            )
            query = _query(wanted & place.in_(days))
        with store.read() as conn:
            return _read_whole(conn, query)

    chunks = [
        touched[start : start + projects_per_read]
        for start in range(0, len(touched), projects_per_read)
    ]
    yield from _read_ahead(chunks, read)


def _read_ahead(
    chunks: list[list[str]], read: Callable[[list[str]], list[DaySums]]
) -> Iterator[DaySums]:
    """Each chunk's aggregates, in order; the next chunk is read in a thread of
    its own while the caller works through the current one (on SQLite the
    database does that work with Python's lock released: see ``_read_whole``)."""
    if len(chunks) < 2:
        for chunk in chunks:
            yield from read(chunk)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as ahead:
        try:
            pending = ahead.submit(read, chunks[0])
            for following in chunks[1:]:
                found = pending.result()
                pending = ahead.submit(read, following)
                yield from found
            yield from pending.result()
        finally:
            pending.cancel()


def _query(
    where: ColumnElement[bool] | None, *, having: ColumnElement[bool] | None = None
) -> Select[Any]:
    """The aggregates per project, activity, worker and day, ordered so; the
    sums in the columns' integer units."""
    worker = func.coalesce(transactions.c.worker_id, "")
    hours = func.sum(transactions.c.hours).filter(transactions.c.kind == TransactionKind.HOUR.value)
    query = select(
        transactions.c.project_id,
        transactions.c.activity_number,
        transactions.c.date,
        worker,
        type_coerce(func.coalesce(hours, 0), BigInteger),
        type_coerce(func.sum(transactions.c.cost), BigInteger),
        type_coerce(func.sum(transactions.c.revenue), BigInteger),
    ).group_by(
        transactions.c.project_id, transactions.c.activity_number, transactions.c.date, worker
    )
    if where is not None:
        query = query.where(where)
    if having is not None:
        query = query.having(having)
    return query.order_by(
        transactions.c.project_id, transactions.c.activity_number, transactions.c.date, worker
    )


def _aggregate(conn: Connection, where: ColumnElement[bool] | None) -> Iterator[DaySums]:
    """The aggregates, row by row as the database gives them."""
    yield from _as_sums(conn.execute(_query(where)))


def _read_whole(conn: Connection, query: Select[Any]) -> list[DaySums]:
    """A query's aggregates all at once. On SQLite the database writes them as
    one JSON text: a single call, during which Python's lock is free for the
    caller's other thread (row by row, each row would wait for that lock)."""
    if conn.dialect.name != "sqlite":
        return list(_as_sums(conn.execute(query)))
    inner = query.subquery()
    (text,) = conn.execute(select(func.json_group_array(func.json_array(*inner.c)))).one()
    rows: list[list[Any]] = json.loads(text)
    rows.sort()  # in the query's order whatever order JSON gathered them in
    day_of = functools.lru_cache(maxsize=4096)(dt.date.fromisoformat)
    for row in rows:
        row[2] = day_of(row[2])
    return list(_as_sums(rows))


def _as_sums(rows: Iterable[Sequence[Any]]) -> Iterator[DaySums]:
    """Rows of ``_query`` as ``DaySums``: the worker before the day, the sums
    as decimals."""
    for project, activity, day, who, h, cost, revenue in rows:
        yield project, activity, who, day, _cents(h), _cents(cost), _cents(revenue)


def _cents(units: int) -> Decimal:
    """A sum of one of the two-place columns (hundredths of an hour, cents)."""
    return from_units(int(units), 2)


def _daily(sums: DaySums) -> DailyActual:
    project, activity, worker, day, hours, cost, revenue = sums
    return DailyActual(
        key=ActualKey(project=project, activity=activity, worker=worker, day=day),
        hours=hours,
        cost=cost,
        revenue=revenue,
    )
