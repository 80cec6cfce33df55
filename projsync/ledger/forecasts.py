"""Forecasts: planned hours of a worker on an activity, planned expenses and revenue.

An hour forecast is priced like an hour posting, at the worker's prices on its
date, so forecast cost and revenue compare with actuals on equal terms. The
cost of an activity's forecasts is its budget cost, kept on the activity in
the same transaction: a forecast written is a change of its activity too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select, update

from projsync.columns import from_units, to_units
from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions, tombstone
from projsync.ledger.model import Forecast, ForecastKind
from projsync.ledger.pricing import amount_for_hours
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import activities, forecasts
from projsync.ledger.validation import Facts

__all__ = ["add_forecast", "delete_forecast", "list_forecasts", "update_forecast"]


def add_forecast(
    store: Store,
    *,
    kind: ForecastKind,
    project: str,
    activity: str,
    date: dt.date,
    worker: str | None = None,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
) -> Forecast:
    """Plan hours (``kind=hour``, with a worker) or an expense or revenue amount."""
    draft = Forecast(id=0, kind=kind, project=project, activity=activity, date=date, worker=worker)
    with store.write() as conn:
        priced = _priced(conn, store, draft, hours, amount)
        new_id = conn.execute(
            insert(forecasts)
            .values(**_values(priced), version=reserve_versions(conn))
            .returning(forecasts.c.id)
        ).scalar_one()
        _restate_budget(conn, project, activity)
    return dataclasses.replace(priced, id=int(new_id))


def update_forecast(
    store: Store,
    forecast_id: int,
    *,
    date: dt.date | None = None,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
) -> Forecast:
    """Move a forecast to another date or change its quantity; re-priced."""
    with store.write() as conn:
        current = _forecast_in(conn, forecast_id)
        draft = dataclasses.replace(current, date=date or current.date)
        if current.kind is ForecastKind.HOUR:
            hours = hours if hours is not None else current.hours
        else:
            amount = amount if amount is not None else current.cost or current.revenue
        priced = _priced(conn, store, draft, hours, amount)
        if priced != current:
            conn.execute(
                update(forecasts)
                .where(forecasts.c.id == forecast_id)
                .values(**_values(priced), version=reserve_versions(conn))
            )
            _restate_budget(conn, current.project, current.activity)
    return priced


def delete_forecast(store: Store, forecast_id: int) -> None:
    with store.write() as conn:
        gone = _forecast_in(conn, forecast_id)
        conn.execute(forecasts.delete().where(forecasts.c.id == forecast_id))
        tombstone(conn, "forecast", str(forecast_id), reserve_versions(conn))
        _restate_budget(conn, gone.project, gone.activity)


def list_forecasts(store: Store, project: str) -> list[Forecast]:
    with store.read() as conn:
        LedgerService(store).project_in(conn, project)
        rows = conn.execute(
            select(forecasts).where(forecasts.c.project_id == project).order_by(forecasts.c.id)
        )
        return [records.forecast_from_row(r) for r in rows]


def _restate_budget(conn: Connection, project: str, activity: str) -> None:
    """The activity's budget cost summed again from its forecasts; when it
    moved, the activity takes a new version."""
    of_activity = (activities.c.project_id == project) & (activities.c.number == activity)
    total = conn.execute(
        select(func.sum(forecasts.c.cost)).where(
            forecasts.c.project_id == project, forecasts.c.activity_number == activity
        )
    ).scalar_one()
    total = Decimal("0.00") if total is None else total
    if conn.execute(select(activities.c.budget_cost).where(of_activity)).scalar_one() != total:
        conn.execute(
            update(activities)
            .where(of_activity)
            .values(budget_cost=total, version=reserve_versions(conn))
        )


def _forecast_in(conn: Connection, forecast_id: int) -> Forecast:
    row = conn.execute(select(forecasts).where(forecasts.c.id == forecast_id)).first()
    if row is None:
        raise refusal(f"forecast {forecast_id}", "unknown forecast")
    return records.forecast_from_row(row)


def _priced(
    conn: Connection,
    store: Store,
    draft: Forecast,
    hours: Decimal | None,
    amount: Decimal | None,
) -> Forecast:
    where = f"forecast {draft.project}/{draft.activity}"
    LedgerService(store).activity_in(conn, draft.project, draft.activity)
    if draft.kind is ForecastKind.HOUR:
        if draft.worker is None or hours is None:
            raise InputError(
                [Problem(where=where, what="an hour forecast needs a worker and hours")]
            )
        if hours <= 0:
            raise refusal(where, "hours must be more than zero")
        prices = Facts(conn).prices(draft.worker)
        if prices is None:
            raise refusal(where, f"unknown worker {draft.worker}")
        price = prices.at(draft.date.toordinal())
        if price is None:
            raise InputError(
                [Problem(where=where, what=f"worker {draft.worker} has no price on {draft.date}")]
            )
        units = to_units(hours, 2)
        return dataclasses.replace(
            draft,
            hours=from_units(units, 2),
            cost=from_units(amount_for_hours(units, price[0]), 2),
            revenue=from_units(amount_for_hours(units, price[1]), 2),
        )
    if amount is None or amount <= 0 or draft.worker is not None:
        raise InputError(
            [
                Problem(
                    where=where,
                    what=f"a {draft.kind} forecast needs a positive amount and no worker",
                )
            ]
        )
    value = from_units(to_units(amount, 2), 2)
    if draft.kind is ForecastKind.EXPENSE:
        return dataclasses.replace(draft, cost=value)
    return dataclasses.replace(draft, revenue=value)


def _values(forecast: Forecast) -> dict[str, object]:
    return {
        "kind": forecast.kind.value,
        "project_id": forecast.project,
        "activity_number": forecast.activity,
        "worker_id": forecast.worker,
        "date": forecast.date,
        "hours": forecast.hours,
        "cost": forecast.cost,
        "revenue": forecast.revenue,
    }
