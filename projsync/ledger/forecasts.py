"""Forecasts: planned hours of a worker on an activity, planned expenses and revenue.

An hour forecast is priced like an hour posting, at the worker's prices on its
date, so forecast cost and revenue compare with actuals on equal terms. The
cost of an activity's forecasts is its budget cost, kept on the activity in
the same transaction: a forecast written is a change of its activity too, and
locks it first, so that writes of one activity's forecasts follow one another
on PostgreSQL as on SQLite. A worker's hour forecasts on an activity can be
replaced as a whole, by one per day, in one transaction: all of them or none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, func, insert, select, update

from projsync.columns import from_units
from projsync.db import Store, insert_many
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions, tombstone, untombstone_all
from projsync.ledger.model import Forecast, ForecastKind
from projsync.ledger.numbers import HOURS, MONEY, NumberRefused, checked_units
from projsync.ledger.pricing import PriceList, amount_for_hours
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import activities, forecasts
from projsync.ledger.validation import Facts, date_out_of_range

__all__ = [
    "add_forecast",
    "delete_forecast",
    "hour_forecasts",
    "list_forecasts",
    "replace_hour_forecasts",
    "update_forecast",
]


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
        current = _forecast_locked(conn, store, forecast_id)
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
        gone = _forecast_locked(conn, store, forecast_id)
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


def hour_forecasts(store: Store, *, project: str, activity: str, worker: str) -> list[Forecast]:
    """A worker's hour forecasts on an activity, by date."""
    with store.read() as conn:
        return _pair_in(conn, project, activity, worker)


def replace_hour_forecasts(
    store: Store,
    *,
    project: str,
    activity: str,
    worker: str,
    days: Sequence[tuple[dt.date, Decimal]],
) -> list[Forecast]:
    """Replace all of a worker's hour forecasts on an activity by one forecast
    per day given, each priced at the worker's prices of its day, in one
    transaction; returns the forecasts now held, by date. No days: the worker's
    forecasts on the activity are deleted.

    A day refused (a date twice, hours not more than zero or finer than a
    hundredth, no price of the worker yet) refuses the whole replacement,
    with every problem: nothing is written. When the forecasts held are those
    wanted already, nothing is written either (a replay changes nothing).
    """
    with store.write() as conn:
        LedgerService(store).activity_in(conn, project, activity, lock=True)
        wanted = _priced_days(conn, project, activity, worker, days)
        held = _pair_in(conn, project, activity, worker)
        if [_figures(f) for f in held] == [_figures(f) for f in wanted]:
            return held
        if held:
            conn.execute(forecasts.delete().where(*_of_pair(project, activity, worker)))
            first = reserve_versions(conn, len(held))
            for version, gone in enumerate(held, start=first):
                tombstone(conn, "forecast", str(gone.id), version)
        if wanted:
            first = reserve_versions(conn, len(wanted))
            insert_many(
                conn,
                forecasts,
                [
                    {**_values(forecast), "version": version}
                    for version, forecast in enumerate(wanted, start=first)
                ],
            )
        placed = _pair_in(conn, project, activity, worker)
        untombstone_all(conn, "forecast", [str(f.id) for f in placed])
        _restate_budget(conn, project, activity)
    return placed


def _priced_days(
    conn: Connection,
    project: str,
    activity: str,
    worker: str,
    days: Sequence[tuple[dt.date, Decimal]],
) -> list[Forecast]:
    """A priced hour forecast for each day, by date, or every problem at once."""
    prices = Facts(conn).prices(worker)
    if prices is None:
        raise refusal(f"forecast {project}/{activity}", f"unknown worker {worker}")
    found: list[Forecast] = []
    problems: list[Problem] = []
    seen: set[dt.date] = set()
    for day, hours in sorted(days):
        draft = Forecast(
            id=0,
            kind=ForecastKind.HOUR,
            project=project,
            activity=activity,
            date=day,
            worker=worker,
        )
        priced = _priced_hours(draft, hours, prices)
        if day in seen:
            priced = Problem(where=_where(draft), what=f"{day} is given twice")
        seen.add(day)
        if isinstance(priced, Problem):
            problems.append(priced)
        else:
            found.append(priced)
    if problems:
        raise InputError(problems)
    return found


def _pair_in(conn: Connection, project: str, activity: str, worker: str) -> list[Forecast]:
    rows = conn.execute(
        select(forecasts)
        .where(*_of_pair(project, activity, worker))
        .order_by(forecasts.c.date, forecasts.c.id)
    )
    return [records.forecast_from_row(r) for r in rows]


def _of_pair(project: str, activity: str, worker: str) -> tuple[ColumnElement[bool], ...]:
    return (
        forecasts.c.project_id == project,
        forecasts.c.activity_number == activity,
        forecasts.c.worker_id == worker,
        forecasts.c.kind == ForecastKind.HOUR.value,
    )


def _figures(forecast: Forecast) -> tuple[object, ...]:
    """What a replacement compares: a forecast but for its id."""
    return (forecast.date, forecast.hours, forecast.cost, forecast.revenue)


def _restate_budget(conn: Connection, project: str, activity: str) -> None:
    """The activity's budget cost and revenue summed again from its forecasts;
    when either moved, the activity takes a new version."""
    of_activity = (activities.c.project_id == project) & (activities.c.number == activity)
    cost, revenue = conn.execute(
        select(func.sum(forecasts.c.cost), func.sum(forecasts.c.revenue)).where(
            forecasts.c.project_id == project, forecasts.c.activity_number == activity
        )
    ).one()
    totals = {
        "budget_cost": Decimal("0.00") if cost is None else cost,
        "budget_revenue": Decimal("0.00") if revenue is None else revenue,
    }
    for name, total in totals.items():
        if abs(total) > MONEY.limit:
            what = name.removeprefix("budget_")
            raise refusal(
                f"activity {project}/{activity}",
                f"the {what} of its forecasts would come to {total:,}, more than {MONEY.limit:,}",
            )
    held = conn.execute(
        select(activities.c.budget_cost, activities.c.budget_revenue).where(of_activity)
    ).one()
    if (held.budget_cost, held.budget_revenue) != (totals["budget_cost"], totals["budget_revenue"]):
        conn.execute(
            update(activities).where(of_activity).values(**totals, version=reserve_versions(conn))
        )


def _forecast_locked(conn: Connection, store: Store, forecast_id: int) -> Forecast:
    """A forecast as it is once its activity is locked (it may be gone by then)."""
    found = _forecast_in(conn, forecast_id)
    LedgerService(store).activity_in(conn, found.project, found.activity, lock=True)
    return _forecast_in(conn, forecast_id)


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
    LedgerService(store).activity_in(conn, draft.project, draft.activity, lock=True)
    if what := date_out_of_range(draft.date):
        raise refusal(where, what)
    if draft.kind is ForecastKind.HOUR:
        if draft.worker is None or hours is None:
            raise InputError(
                [Problem(where=where, what="an hour forecast needs a worker and hours")]
            )
        prices = Facts(conn).prices(draft.worker)
        if prices is None:
            raise refusal(where, f"unknown worker {draft.worker}")
        priced = _priced_hours(draft, hours, prices)
        if isinstance(priced, Problem):
            raise InputError([priced])
        return priced
    try:
        units = None if amount is None else checked_units(amount, MONEY)
    except NumberRefused as exc:
        raise refusal(where, f"amount: {exc}") from None
    if units is None or units <= 0 or draft.worker is not None:
        raise InputError(
            [
                Problem(
                    where=where,
                    what=f"a {draft.kind} forecast needs a positive amount and no worker",
                )
            ]
        )
    value = from_units(units, 2)
    if draft.kind is ForecastKind.EXPENSE:
        return dataclasses.replace(draft, cost=value)
    return dataclasses.replace(draft, revenue=value)


def _priced_hours(draft: Forecast, hours: Decimal, prices: PriceList) -> Forecast | Problem:
    """Hours of a worker on the draft's date at the prices of that date."""
    if what := date_out_of_range(draft.date):
        return Problem(where=_where(draft), what=what)
    try:
        units = checked_units(hours, HOURS)
    except NumberRefused as exc:
        return Problem(where=_where(draft), what=f"hours on {draft.date}: {exc}")
    if units <= 0:
        return Problem(where=_where(draft), what=f"hours on {draft.date} must be more than zero")
    price = prices.at(draft.date.toordinal())
    if price is None:
        return Problem(
            where=_where(draft), what=f"worker {draft.worker} has no price on {draft.date}"
        )
    cost, revenue = (amount_for_hours(units, each) for each in price)
    if max(cost, revenue) > MONEY.limit_units:
        what = (
            f"hours on {draft.date} ({from_units(units, 2)}) at the worker's prices "
            f"come to more than {MONEY.limit:,}"
        )
        return Problem(where=_where(draft), what=what)
    return dataclasses.replace(
        draft,
        hours=from_units(units, 2),
        cost=from_units(cost, 2),
        revenue=from_units(revenue, 2),
    )


def _where(draft: Forecast) -> str:
    return f"forecast {draft.project}/{draft.activity}"


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
