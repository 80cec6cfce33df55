"""Hour forecasts replaced as a whole: one per day, each priced at its day's
prices, all of a worker's forecasts on an activity in one transaction or none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.changefeed import deleted_since
from projsync.errors import InputError
from projsync.ledger.changes import changes_since, current_version
from projsync.ledger.forecasts import add_forecast, hour_forecasts, replace_hour_forecasts
from projsync.ledger.model import Forecast, ForecastKind
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import tombstones

JUNE_30 = dt.date(2026, 6, 30)
JULY_1 = dt.date(2026, 7, 1)
"""W1's prices rise on 1 July: cost 50 → 55.50, sales 120 → 130.25 an hour."""


def _high_water(ledger: LedgerService) -> int:
    with ledger.store.read() as conn:
        return current_version(conn)


def _on_a1(ledger: LedgerService, worker: str = "W1") -> list[Forecast]:
    return hour_forecasts(ledger.store, project="P1", activity="A1", worker=worker)


def _hours(ledger: LedgerService, worker: str, day: dt.date, hours: str) -> Forecast:
    return add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker=worker,
        date=day,
        hours=Decimal(hours),
    )


def test_forecasts__each_day_is_priced_at_its_own_prices(ledger: LedgerService) -> None:
    placed = replace_hour_forecasts(
        ledger.store,
        project="P1",
        activity="A1",
        worker="W1",
        days=[(JULY_1, Decimal("8.00")), (JUNE_30, Decimal("8.00"))],
    )
    assert [(f.date, f.hours, f.cost, f.revenue) for f in placed] == [
        (JUNE_30, Decimal("8.00"), Decimal("400.00"), Decimal("960.00")),
        (JULY_1, Decimal("8.00"), Decimal("444.00"), Decimal("1042.00")),
    ]
    assert placed == _on_a1(ledger)
    assert ledger.activity("P1", "A1").budget_cost == Decimal("844.00")


def test_forecasts__hours_after_the_workers_end_date_are_planned_all_the_same(
    ledger: LedgerService,
) -> None:
    """What the plan asks of a worker beyond their last day is kept, priced as
    any other: the plan's over-allocation report is where it shows."""
    ledger.set_worker_end_date("W1", JUNE_30)
    planned = _hours(ledger, "W1", JULY_1, "8")
    assert (planned.date, planned.cost) == (JULY_1, Decimal("444.00"))
    assert _on_a1(ledger) == [planned]


def test_forecasts__a_replacement_takes_the_place_of_all_the_workers_forecasts(
    ledger: LedgerService,
) -> None:
    grace = _hours(ledger, "W2", JULY_1, "2")
    old = {_hours(ledger, "W1", JUNE_30, "16").id, _hours(ledger, "W1", JULY_1, "4").id}
    cursor = _high_water(ledger)
    placed = replace_hour_forecasts(
        ledger.store, project="P1", activity="A1", worker="W1", days=[(JULY_1, Decimal("10"))]
    )
    assert [(f.date, f.hours) for f in _on_a1(ledger)] == [(JULY_1, Decimal("10.00"))]
    assert _on_a1(ledger, "W2") == [grace]
    assert ledger.activity("P1", "A1").budget_cost == Decimal("555.00") + grace.cost
    # the feed says the old ones are gone and the new one is there, even when
    # the new one has the id of an old one (SQLite hands out the highest again)
    last: dict[str, bool] = {}
    for change in changes_since(ledger.store, "forecast", cursor):
        last[change.key[0]] = change.record is not None
    assert {key for key, alive in last.items() if alive} == {str(placed[0].id)}
    assert {key for key, alive in last.items() if not alive} == {str(i) for i in old} - {
        str(placed[0].id)
    }
    with ledger.store.read() as conn:  # and no deletion of a live one is left behind
        deleted = deleted_since(conn, tombstones, "forecast", 0, current_version(conn))
    assert str(placed[0].id) not in {key for key, _ in deleted}


def test_forecasts__a_replay_writes_nothing(ledger: LedgerService) -> None:
    days = [(JUNE_30, Decimal("3.33")), (JULY_1, Decimal("3.34"))]
    first = replace_hour_forecasts(
        ledger.store, project="P1", activity="A1", worker="W1", days=days
    )
    cursor = _high_water(ledger)
    again = replace_hour_forecasts(
        ledger.store, project="P1", activity="A1", worker="W1", days=days
    )
    assert again == first
    assert _high_water(ledger) == cursor


def test_forecasts__a_bad_day_refuses_the_whole_replacement(ledger: LedgerService) -> None:
    held = [_hours(ledger, "W2", dt.date(2026, 3, 2), "8")]
    cursor = _high_water(ledger)
    with pytest.raises(InputError) as refused:
        replace_hour_forecasts(
            ledger.store,
            project="P1",
            activity="A1",
            worker="W2",  # priced from 1 March 2026
            days=[
                (dt.date(2026, 2, 27), Decimal("4")),
                (dt.date(2026, 3, 2), Decimal("4")),
                (dt.date(2026, 3, 3), Decimal("0")),
                (dt.date(2026, 3, 4), Decimal("0.125")),
            ],
        )
    assert [p.what for p in refused.value.problems] == [
        "worker W2 has no price on 2026-02-27",
        "hours on 2026-03-03 must be more than zero",
        "hours on 2026-03-04: '0.125' has more than 2 decimal places",
    ]
    assert _on_a1(ledger, "W2") == held
    assert _high_water(ledger) == cursor


def test_forecasts__a_day_given_twice_is_refused(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="given twice"):
        replace_hour_forecasts(
            ledger.store,
            project="P1",
            activity="A1",
            worker="W1",
            days=[(JULY_1, Decimal("1")), (JULY_1, Decimal("2"))],
        )
    assert _on_a1(ledger) == []


def test_forecasts__no_days_delete_the_workers_forecasts(ledger: LedgerService) -> None:
    _hours(ledger, "W1", JUNE_30, "16")
    _hours(ledger, "W1", JULY_1, "4")
    assert (
        replace_hour_forecasts(ledger.store, project="P1", activity="A1", worker="W1", days=[])
        == []
    )
    assert _on_a1(ledger) == []
    assert ledger.activity("P1", "A1").budget_cost == Decimal("0.00")


def test_forecasts__an_unknown_activity_or_worker_is_refused(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="unknown activity"):
        replace_hour_forecasts(
            ledger.store, project="P1", activity="ZZ", worker="W1", days=[(JULY_1, Decimal(1))]
        )
    with pytest.raises(InputError, match="unknown worker"):
        replace_hour_forecasts(
            ledger.store, project="P1", activity="A1", worker="W9", days=[(JULY_1, Decimal(1))]
        )


def test_forecasts__hours_or_amounts_beyond_the_range_are_refused(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match=r"hours on 2026-06-30: '1E\+22' is out of range"):
        _hours(ledger, "W1", JUNE_30, "1E+22")
    with pytest.raises(InputError, match=r"come to more than 999,999,999,999\.99"):
        _hours(ledger, "W1", JUNE_30, "999999999999.99")  # hours at 50 an hour
    with pytest.raises(InputError, match="date 9999-12-31 is outside the ledger's dates"):
        _hours(ledger, "W1", dt.date(9999, 12, 31), "8")
    with pytest.raises(InputError, match="amount: 'NaN' is not a plain decimal number"):
        _expense(ledger, "NaN")
    assert _on_a1(ledger) == []


def test_forecasts__a_budget_beyond_the_range_is_refused(ledger: LedgerService) -> None:
    _expense(ledger, "999999999999.99")
    with pytest.raises(InputError, match="the cost of its forecasts would come to"):
        _expense(ledger, "0.01")
    (activity,) = [a for a in ledger.activities("P1") if a.number == "A1"]
    assert activity.budget_cost == Decimal("999999999999.99")


def _expense(ledger: LedgerService, amount: str) -> Forecast:
    return add_forecast(
        ledger.store,
        kind=ForecastKind.EXPENSE,
        project="P1",
        activity="A1",
        date=JUNE_30,
        amount=Decimal(amount),
    )
