"""Posted actuals aggregated the way the plan side keeps them: per project,
activity, worker (none for expenses and fees) and day.

What the sync sends across and what reconciliation compares. Sums are computed
in SQL; only the aggregates asked for are read. Read-only.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
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
    for start in range(0, len(touched), projects_per_read):
        chunk = touched[start : start + projects_per_read]
        days = select(
            transactions.c.project_id, transactions.c.activity_number, transactions.c.date
        ).where(stamped, transactions.c.project_id.in_(chunk))
        place = tuple_(
            transactions.c.project_id, transactions.c.activity_number, transactions.c.date
        )
        wanted = transactions.c.project_id.in_(chunk)
        with store.read() as conn:
            if every_day:
                # days whose transactions all came after ``until`` are not yet due
                found = list(
                    _aggregate(conn, wanted, having=func.min(transactions.c.version) <= until)
                )
            else:
                found = list(_aggregate(conn, wanted & place.in_(days)))
        yield from found


def _aggregate(
    conn: Connection,
    where: ColumnElement[bool] | None,
    *,
    having: ColumnElement[bool] | None = None,
) -> Iterator[DaySums]:
    worker = func.coalesce(transactions.c.worker_id, "")
    hours = func.sum(transactions.c.hours).filter(transactions.c.kind == TransactionKind.HOUR.value)
    query = select(
        transactions.c.project_id,
        transactions.c.activity_number,
        worker,
        transactions.c.date,
        # the sums in the columns' integer units, made decimals below
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
    ordered = query.order_by(
        transactions.c.project_id, transactions.c.activity_number, transactions.c.date, worker
    )
    # every sum is of a two-place column (hundredths of an hour, cents)
    cents = functools.partial(from_units, places=2)
    for project, activity, who, day, h, cost, revenue in conn.execute(ordered):
        yield project, activity, who, day, cents(int(h)), cents(int(cost)), cents(int(revenue))


def _daily(sums: DaySums) -> DailyActual:
    project, activity, worker, day, hours, cost, revenue = sums
    return DailyActual(
        key=ActualKey(project=project, activity=activity, worker=worker, day=day),
        hours=hours,
        cost=cost,
        revenue=revenue,
    )
