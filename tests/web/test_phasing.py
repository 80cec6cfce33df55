"""The S-curve's planned line: a forecast's cost over the working days of its
scheduled task, in cents that add up; on its own date when nothing is scheduled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projsync.ledger.model import Forecast, ForecastKind
from projsync.plan.calendar import STANDARD
from projsync.plan.model import Calendar, CalendarException
from projsync.plan.phasing import ScheduledSpan
from projsync.web.figures import cumulative, monday
from projsync.web.phasing import planned_cost, spread

MON = dt.date(2026, 3, 2)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _forecast(cost: str, activity: str = "1", date: dt.date = MON) -> Forecast:
    return Forecast(
        id=1, kind=ForecastKind.HOUR, project="P", activity=activity, date=date, cost=Decimal(cost)
    )


def _weekly(points: list[tuple[dt.date, Decimal]]) -> dict[dt.date, Decimal]:
    weeks: dict[dt.date, Decimal] = {}
    for day, amount in points:
        weeks[monday(day)] = weeks.get(monday(day), Decimal("0")) + amount
    return weeks


TWO_WEEKS = ScheduledSpan(
    start=_at(MON, 8), finish=_at(MON + dt.timedelta(days=11), 17), calendar=STANDARD
)
"""Monday 2 March 08:00 to Friday 13 March 17:00: ten working days."""


def test_phasing__a_task_of_two_weeks_puts_half_its_cost_in_each_week() -> None:
    points = planned_cost([_forecast("1000.00")], {("P", "1"): TWO_WEEKS})
    assert _weekly(points) == {MON: Decimal("500.00"), dt.date(2026, 3, 9): Decimal("500.00")}
    assert {amount for _, amount in points} == {Decimal("100.00")}
    assert {day.weekday() for day, _ in points} == {0, 1, 2, 3, 4}  # no weekend
    assert cumulative(points)[4] == (dt.date(2026, 3, 6), Decimal("500.00"))
    assert cumulative(points)[-1] == (dt.date(2026, 3, 13), Decimal("1000.00"))


def test_phasing__a_holiday_of_the_tasks_calendar_takes_no_cost() -> None:
    holiday = dt.date(2026, 3, 11)
    calendar = Calendar(
        name="Works",
        base=STANDARD,
        exceptions=(CalendarException(start=holiday, finish=holiday, name="Closed"),),
    )
    span = ScheduledSpan(start=TWO_WEEKS.start, finish=TWO_WEEKS.finish, calendar=calendar)
    points = planned_cost([_forecast("900.00")], {("P", "1"): span})
    assert holiday not in dict(points)
    assert _weekly(points) == {MON: Decimal("500.00"), dt.date(2026, 3, 9): Decimal("400.00")}


def test_phasing__a_day_counts_by_its_working_minutes() -> None:
    span = ScheduledSpan(
        start=_at(MON, 13), finish=_at(MON + dt.timedelta(days=1), 17), calendar=STANDARD
    )
    points = planned_cost([_forecast("300.00")], {("P", "1"): span})
    assert points == [(MON, Decimal("100.00")), (MON + dt.timedelta(days=1), Decimal("200.00"))]


def test_phasing__cents_add_up_to_the_cost() -> None:
    days = {MON + dt.timedelta(days=i): 480 for i in range(3)}
    # the rounded running totals are 33.33, 66.67 and 100.00
    assert [amount for _, amount in spread(Decimal("100.00"), days)] == [
        Decimal("33.33"),
        Decimal("33.34"),
        Decimal("33.33"),
    ]


@given(
    cents=st.integers(min_value=0, max_value=10**9),
    minutes=st.lists(st.integers(min_value=0, max_value=1440), min_size=1, max_size=60),
)
def test_phasing__a_spread_never_loses_or_makes_a_cent(cents: int, minutes: list[int]) -> None:
    cost = Decimal(cents).scaleb(-2)
    days = {MON + dt.timedelta(days=i): m for i, m in enumerate(minutes)}
    shares = spread(cost, days)
    if sum(minutes) == 0:
        assert shares == []
    else:
        assert sum(amount for _, amount in shares) == cost
        assert all(amount > 0 and days[day] > 0 for day, amount in shares)


def test_phasing__without_a_scheduled_task_the_cost_stays_on_the_forecasts_date() -> None:
    later = dt.date(2026, 4, 15)
    milestone = ScheduledSpan(start=_at(MON, 17), finish=_at(MON, 17), calendar=STANDARD)
    points = planned_cost(
        [_forecast("70.00", "unscheduled", later), _forecast("30.00", "M", later), _forecast("0")],
        {("P", "M"): milestone},
    )
    assert points == [(later, Decimal("70.00")), (MON, Decimal("30.00"))]
