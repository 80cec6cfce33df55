"""What the ledger tells: transactions, and totals of a project with its subprojects.

Totals are computed in SQL (a recursive walk down the project tree, then
GROUP BY), never by loading transactions. Read-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, literal, select

from projsync.db import Store
from projsync.ledger import records
from projsync.ledger.model import ProjectTotals, Transaction, TransactionKind
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import forecasts, journals, projects, transactions

__all__ = ["iter_transactions", "project_totals", "subproject_ids"]

_ZERO = Decimal("0.00")


def subproject_ids(conn: Connection, project_id: str) -> list[str]:
    """The project and all its subprojects, at any depth."""
    tree = select(projects.c.id).where(projects.c.id == project_id).cte("tree", recursive=True)
    tree = tree.union_all(select(projects.c.id).where(projects.c.parent_id == tree.c.id))
    return [r[0] for r in conn.execute(select(tree.c.id))]


def project_totals(
    store: Store,
    project_id: str,
    *,
    subprojects: bool = True,
    activity: str | None = None,
) -> ProjectTotals:
    """Posted and forecast hours, cost and revenue of a project and (unless
    ``subprojects`` is false) its subprojects; ``activity``: of that activity
    number only."""
    with store.read() as conn:
        LedgerService(store).project_in(conn, project_id)
        ids = subproject_ids(conn, project_id) if subprojects else [project_id]
        hours_only = func.sum(transactions.c.hours).filter(
            transactions.c.kind == TransactionKind.HOUR.value
        )
        posted = conn.execute(
            select(
                func.coalesce(hours_only, literal(0)),
                func.coalesce(func.sum(transactions.c.cost), literal(0)),
                func.coalesce(func.sum(transactions.c.revenue), literal(0)),
            ).where(
                transactions.c.project_id.in_(ids),
                *_of_activity(transactions.c.activity_number, activity),
            )
        ).one()
        planned = conn.execute(
            select(
                func.coalesce(func.sum(forecasts.c.hours), literal(0)),
                func.coalesce(func.sum(forecasts.c.cost), literal(0)),
                func.coalesce(func.sum(forecasts.c.revenue), literal(0)),
            ).where(
                forecasts.c.project_id.in_(ids),
                *_of_activity(forecasts.c.activity_number, activity),
            )
        ).one()
    hours, cost, revenue = (_hundredths(v) for v in posted)
    f_hours, f_cost, f_revenue = (_hundredths(v) for v in planned)
    return ProjectTotals(
        project=project_id,
        hours=hours,
        cost=cost,
        revenue=revenue,
        forecast_hours=f_hours,
        forecast_cost=f_cost,
        forecast_revenue=f_revenue,
    )


def _hundredths(value: object) -> Decimal:
    """Sums arrive as the column's integer units (coalesce drops the type)."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return value
    return (Decimal(int(value)) / 100).quantize(_ZERO)  # type: ignore[call-overload]


def _of_activity(column: Any, activity: str | None) -> tuple[Any, ...]:
    return () if activity is None else (column == activity,)


def iter_transactions(
    store: Store,
    *,
    project: str | None = None,
    worker: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
    subprojects: bool = False,
    activity: str | None = None,
) -> Iterator[Transaction]:
    """Posted transactions, oldest first, streamed; of ``project`` (and its
    subprojects with ``subprojects``), of its ``activity`` number."""
    query = (
        select(transactions, journals.c.posted_at)
        .join(journals, journals.c.id == transactions.c.journal_id)
        .order_by(transactions.c.id)
    )
    if project is not None and not subprojects:
        query = query.where(transactions.c.project_id == project)
    if activity is not None:
        query = query.where(transactions.c.activity_number == activity)
    if worker is not None:
        query = query.where(transactions.c.worker_id == worker)
    if since is not None:
        query = query.where(transactions.c.date >= since)
    if until is not None:
        query = query.where(transactions.c.date <= until)
    if limit is not None:
        query = query.limit(limit)
    with store.read() as conn:
        if project is not None:
            LedgerService(store).project_in(conn, project)
            if subprojects:
                query = query.where(transactions.c.project_id.in_(subproject_ids(conn, project)))
        result = conn.execution_options(yield_per=5_000).execute(query)
        try:
            for row in result:
                yield records.transaction_from_row(row)
        finally:
            result.close()
