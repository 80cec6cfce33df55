from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projsync.plan.calendar import (
    STANDARD,
    add_working,
    calendar_index,
    day_intervals,
    public_holidays,
    working_minutes_between,
)
from projsync.plan.model import Calendar, CalendarError, CalendarException


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_calendar__two_hours_from_friday_afternoon_end_monday_morning() -> None:
    assert add_working(STANDARD, at("2024-01-05 16:00"), 120) == at("2024-01-08 09:00")


def test_calendar__three_days_from_monday_morning_finish_wednesday_evening() -> None:
    assert add_working(STANDARD, at("2024-01-01 08:00"), 3 * 480) == at("2024-01-03 17:00")


def test_calendar__a_finish_lands_at_the_end_of_a_period_not_the_next_start() -> None:
    assert add_working(STANDARD, at("2024-01-01 08:00"), 240) == at("2024-01-01 12:00")
    assert add_working(STANDARD, at("2024-01-01 08:00"), 241) == at("2024-01-01 13:01")


def test_calendar__a_start_after_hours_snaps_forward_to_the_next_working_moment() -> None:
    assert add_working(STANDARD, at("2024-01-05 17:00"), 0) == at("2024-01-08 08:00")
    assert add_working(STANDARD, at("2024-01-06 11:00"), 60) == at("2024-01-08 09:00")


def test_calendar__subtracting_working_time_lands_on_a_start() -> None:
    assert add_working(STANDARD, at("2024-01-03 17:00"), -3 * 480) == at("2024-01-01 08:00")
    assert add_working(STANDARD, at("2024-01-08 09:00"), -120) == at("2024-01-05 16:00")


def test_calendar__public_holiday_is_skipped() -> None:
    france = Calendar(name="FR", base=STANDARD, exceptions=public_holidays("FR", [2024]))
    assert any(e.start == date(2024, 5, 1) for e in france.exceptions)
    # Monday 29 April + 3 days, over Labour Day (Wednesday 1 May)
    assert add_working(france, at("2024-04-29 08:00"), 3 * 480) == at("2024-05-02 17:00")


def test_calendar__an_exception_can_change_the_working_times_of_a_day() -> None:
    saturday = CalendarException(
        start=date(2024, 1, 6), finish=date(2024, 1, 6), working_times=((540, 780),)
    )
    calendar = Calendar(name="Busy", base=STANDARD, exceptions=(saturday,))
    assert day_intervals(calendar, date(2024, 1, 6)) == ((540, 780),)
    assert add_working(calendar, at("2024-01-05 16:00"), 120) == at("2024-01-06 10:00")


def test_calendar__resource_calendar_takes_its_own_exceptions_over_the_base() -> None:
    leave = CalendarException(start=date(2024, 1, 2), finish=date(2024, 1, 3), name="leave")
    mornings = ((480, 720),)
    alice = Calendar(
        name="Alice",
        base=STANDARD,
        week=(None, None, None, None, mornings, None, None),
        exceptions=(leave,),
    )
    assert day_intervals(alice, date(2024, 1, 1)) == STANDARD.week[0]
    assert day_intervals(alice, date(2024, 1, 2)) == ()
    assert day_intervals(alice, date(2024, 1, 5)) == mornings
    assert working_minutes_between(alice, at("2024-01-01 00:00"), at("2024-01-08 00:00")) == 1200


def test_calendar__working_minutes_between_counts_only_working_time() -> None:
    week = working_minutes_between(STANDARD, at("2024-01-01 00:00"), at("2024-01-08 00:00"))
    assert week == 2400
    assert working_minutes_between(STANDARD, at("2024-01-05 16:30"), at("2024-01-08 08:30")) == 60
    assert working_minutes_between(STANDARD, at("2024-01-08 08:30"), at("2024-01-05 16:30")) == -60


def test_calendar__far_dates_grow_the_table_in_both_directions() -> None:
    assert add_working(STANDARD, at("2024-01-01 08:00"), 480 * 261 * 30) > at("2053-01-01 00:00")
    assert add_working(STANDARD, at("2024-01-01 08:00"), -480 * 261 * 30) < at("1995-01-01 00:00")
    index = calendar_index(STANDARD)
    offset = index.to_offset(at("1990-06-04 10:00"))
    assert index.start_at(offset) == at("1990-06-04 10:00")


def test_calendar__malformed_working_times_are_refused() -> None:
    broken = Calendar(name="Broken", week=(((600, 500),), (), (), (), (), (), ()))
    with pytest.raises(CalendarError, match="Broken"):
        calendar_index(broken).to_offset(at("2024-01-01 08:00"))


def test_calendar__a_calendar_without_working_time_is_refused() -> None:
    with pytest.raises(CalendarError, match="no working time"):
        add_working(Calendar(name="Never", week=((),) * 7), at("2024-01-01 08:00"), 60)


moments = st.datetimes(
    min_value=datetime.fromisoformat("2020-01-01"), max_value=datetime.fromisoformat("2030-01-01")
).map(lambda moment: moment.replace(second=0, microsecond=0))


@settings(max_examples=200)
@given(start=moments, minutes=st.integers(min_value=1, max_value=480 * 400))
def test_calendar__adding_then_measuring_gives_back_the_minutes(
    start: datetime, minutes: int
) -> None:
    finish = add_working(STANDARD, start, minutes)
    assert working_minutes_between(STANDARD, start, finish) == minutes
    assert finish.weekday() < 5
    assert 8 * 60 < finish.hour * 60 + finish.minute <= 17 * 60
    assert finish - start >= timedelta(minutes=minutes)


@settings(max_examples=200)
@given(finish=moments, minutes=st.integers(min_value=1, max_value=480 * 400))
def test_calendar__subtracting_then_measuring_gives_back_the_minutes(
    finish: datetime, minutes: int
) -> None:
    start = add_working(STANDARD, finish, -minutes)
    assert working_minutes_between(STANDARD, start, finish) == minutes
    assert 8 * 60 <= start.hour * 60 + start.minute < 17 * 60
