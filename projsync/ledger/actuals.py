"""Posted actuals aggregated the way the plan side keeps them: per project,
activity, worker (none for expenses and fees) and day.

What the sync sends across and what reconciliation compares. Sums are computed
in SQL; only the aggregates asked for are read. Read-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, and_, func, or_, select

from projsync.db import Store
from projsync.ledger.model import TransactionKind
from projsync.ledger.tables import transactions

__all__ = ["ActualKey", "DailyActual", "daily_actuals", "keys_of_transactions"]


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


def daily_actuals(store: Store, keys: Iterable[ActualKey] | None = None) -> Iterator[DailyActual]:
    """The aggregates of the given keys (all of them when ``keys`` is None);
    a key whose transactions cancel out comes back with zeros."""
    wanted = None if keys is None else sorted(set(keys))
    with store.read() as conn:
        if wanted is None:
            yield from _aggregate(conn, None)
            return
        for start in range(0, len(wanted), 200):
            chunk = wanted[start : start + 200]
            found = {a.key: a for a in _aggregate(conn, chunk)}
            for key in chunk:
                yield found.get(key) or DailyActual(
                    key=key, hours=Decimal("0.00"), cost=Decimal("0.00"), revenue=Decimal("0.00")
                )


def keys_of_transactions(store: Store, ids: Iterable[int]) -> set[ActualKey]:
    """The aggregate keys that the given transactions count in."""
    found: set[ActualKey] = set()
    listed = sorted(set(ids))
    with store.read() as conn:
        for start in range(0, len(listed), 500):
            rows = conn.execute(
                select(
                    transactions.c.project_id,
                    transactions.c.activity_number,
                    transactions.c.worker_id,
                    transactions.c.date,
                ).where(transactions.c.id.in_(listed[start : start + 500]))
            )
            found |= {
                ActualKey(project=p, activity=a, worker=w or "", day=d) for p, a, w, d in rows
            }
    return found


def _aggregate(conn: Connection, keys: list[ActualKey] | None) -> Iterator[DailyActual]:
    worker = func.coalesce(transactions.c.worker_id, "")
    hours = func.sum(transactions.c.hours).filter(transactions.c.kind == TransactionKind.HOUR.value)
    query = select(
        transactions.c.project_id,
        transactions.c.activity_number,
        worker,
        transactions.c.date,
        func.coalesce(hours, 0),
        func.sum(transactions.c.cost),
        func.sum(transactions.c.revenue),
    ).group_by(
        transactions.c.project_id, transactions.c.activity_number, worker, transactions.c.date
    )
    if keys is not None:
        query = query.where(
            or_(
                *(
                    and_(
                        transactions.c.project_id == k.project,
                        transactions.c.activity_number == k.activity,
                        worker == k.worker,
                        transactions.c.date == k.day,
                    )
                    for k in keys
                )
            )
        )
    for project, activity, who, day, h, cost, revenue in conn.execute(
        query.order_by(*query.selected_columns[:4])
    ):
        yield DailyActual(
            key=ActualKey(project=project, activity=activity, worker=who, day=day),
            hours=_cents(h),
            cost=_cents(cost),
            revenue=_cents(revenue),
        )


def _cents(value: object) -> Decimal:
    """Sums of the integer-unit columns, as two-place decimals."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return value
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))  # type: ignore[call-overload]
