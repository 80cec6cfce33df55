"""Totals of a project and all its subprojects, posted and forecast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.db import Store
from projsync.errors import InputError
from projsync.ledger.changes import changes_since, current_version
from projsync.ledger.forecasts import add_forecast, delete_forecast, list_forecasts, update_forecast
from projsync.ledger.model import ForecastKind, JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.reports import project_totals
from projsync.ledger.service import LedgerService

D = dt.date(2026, 3, 2)


def test_totals__include_every_subproject_level(ledger: LedgerService) -> None:
    post_journal(
        ledger.store,
        [
            JournalLine(
                line=1,
                kind=TransactionKind.HOUR,
                project="P1",
                activity="A1",
                worker="W1",
                date=D,
                hours=Decimal("10"),
            ),
            JournalLine(
                line=2,
                kind=TransactionKind.HOUR,
                project="P1-1-1",
                activity="F1",
                worker="W2",
                date=D,
                hours=Decimal("2.5"),
            ),
            JournalLine(
                line=3,
                kind=TransactionKind.EXPENSE,
                project="P1-1",
                activity="C1",
                date=D,
                amount=Decimal("80"),
            ),
            JournalLine(
                line=4,
                kind=TransactionKind.FEE,
                project="P1-1",
                activity="C1",
                date=D,
                amount=Decimal("300"),
            ),
            JournalLine(
                line=5,
                kind=TransactionKind.FEE,
                project="P2",
                activity="B1",
                date=D,
                amount=Decimal("999"),
            ),
        ],
        source="t",
    )
    top = project_totals(ledger.store, "P1")
    assert (top.hours, top.cost, top.revenue) == (
        Decimal("12.50"),
        Decimal("680.00"),
        Decimal("1725.00"),
    )
    middle = project_totals(ledger.store, "P1-1")
    assert (middle.hours, middle.cost, middle.revenue) == (
        Decimal("2.50"),
        Decimal("180.00"),
        Decimal("525.00"),
    )


def test_totals__forecasts_are_priced_like_postings(ledger: LedgerService) -> None:
    store = ledger.store
    add_forecast(
        store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=dt.date(2026, 7, 1),
        hours=Decimal("10"),
    )
    add_forecast(
        store,
        kind=ForecastKind.EXPENSE,
        project="P1-1",
        activity="C1",
        date=D,
        amount=Decimal("200"),
    )
    add_forecast(
        store,
        kind=ForecastKind.REVENUE,
        project="P1-1",
        activity="C1",
        date=D,
        amount=Decimal("5000"),
    )
    totals = project_totals(store, "P1")
    assert (totals.forecast_hours, totals.forecast_cost, totals.forecast_revenue) == (
        Decimal("10.00"),
        Decimal("755.00"),
        Decimal("6302.50"),
    )


def test_forecast__moved_to_another_date_is_repriced_and_can_be_deleted(
    ledger: LedgerService,
) -> None:
    store = ledger.store
    forecast = add_forecast(
        store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=dt.date(2026, 6, 1),
        hours=Decimal("4"),
    )
    assert forecast.cost == Decimal("200.00")
    moved = update_forecast(store, forecast.id, date=dt.date(2026, 8, 1))
    assert moved.cost == Decimal("222.00")
    delete_forecast(store, forecast.id)
    assert list_forecasts(store, "P1") == []


def test_forecast__costs_are_the_activity_budget_and_each_change_is_a_change_of_it(
    ledger: LedgerService,
) -> None:
    store = ledger.store
    hours = add_forecast(
        store, kind=ForecastKind.HOUR, project="P1", activity="A1", worker="W1",
        date=dt.date(2026, 6, 1), hours=Decimal("4"),
    )  # fmt: skip
    add_forecast(
        store, kind=ForecastKind.EXPENSE, project="P1", activity="A1",
        date=D, amount=Decimal("99.50"),
    )  # fmt: skip
    assert ledger.activity("P1", "A1").budget_cost == Decimal("299.50")
    before = _version(store)
    update_forecast(store, hours.id, date=dt.date(2026, 8, 1))  # repriced at 55.50
    assert ledger.activity("P1", "A1").budget_cost == Decimal("321.50")
    changed = changes_since(store, "activity", before)
    assert [c.key for c in changed] == [("P1", "A1")]
    delete_forecast(store, hours.id)
    assert ledger.activity("P1", "A1").budget_cost == Decimal("99.50")
    # a forecast written again at the same cost leaves the activity as it was
    steady = _version(store)
    update_forecast(store, hours.id + 1, amount=Decimal("99.50"))
    assert changes_since(store, "activity", steady) == []
    assert ledger.activity("P1", "A2").budget_cost == Decimal("0.00")


def _version(store: Store) -> int:
    with store.read() as conn:
        return current_version(conn)


def test_forecast__hours_need_a_priced_worker(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="worker W2 has no price on 2026-01-05"):
        add_forecast(
            ledger.store,
            kind=ForecastKind.HOUR,
            project="P1",
            activity="A1",
            worker="W2",
            date=dt.date(2026, 1, 5),
            hours=Decimal("4"),
        )


def test_totals__unknown_project_is_refused(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="project NOPE: unknown project"):
        project_totals(ledger.store, "NOPE")
