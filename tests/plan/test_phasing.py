"""Time-phased work: an assignment's work over the working days of its task's
span, in whole minutes that add up; no days for a task not scheduled."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from projsync.plan.calendar import STANDARD, working_minutes_between
from projsync.plan.model import Calendar, CalendarException
from projsync.plan.phasing import (
    ScheduledSpan,
    spread_minutes,
    work_by_day,
    working_minutes_by_day,
)

MON = dt.date(2026, 3, 2)
HOLIDAY = dt.date(2026, 3, 11)
WORKS = Calendar(
    name="Works",
    base=STANDARD,
    exceptions=(CalendarException(start=HOLIDAY, finish=HOLIDAY, name="Closed"),),
)
"""The standard calendar, closed on Wednesday 11 March."""


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


TWO_WEEKS = ScheduledSpan(
    start=_at(MON, 8), finish=_at(MON + dt.timedelta(days=11), 17), calendar=WORKS
)
"""Monday 2 March 08:00 to Friday 13 March 17:00: nine working days, the
holiday and the weekend left out."""


def test_phasing__a_two_week_task_with_a_holiday_has_nine_working_days() -> None:
    days = working_minutes_by_day(TWO_WEEKS)
    assert len(days) == 9 and set(days.values()) == {480}
    assert HOLIDAY not in days
    assert {day.weekday() for day in days} == {0, 1, 2, 3, 4}


def test_phasing__eighty_hours_fall_on_the_working_days_and_add_up_to_the_minute() -> None:
    found = work_by_day(80 * 60, TWO_WEEKS)
    assert [day for day, _ in found] == sorted(working_minutes_by_day(TWO_WEEKS))
    assert sum(minutes for _, minutes in found) == 4800
    # 4800 / 9 = 533.3: each day its running share rounded down, the rest on the last
    assert [minutes for _, minutes in found] == [533, 533, 534, 533, 533, 534, 533, 533, 534]


def test_phasing__a_day_takes_work_by_its_working_minutes() -> None:
    span = ScheduledSpan(
        start=_at(MON, 13), finish=_at(MON + dt.timedelta(days=1), 17), calendar=STANDARD
    )
    assert working_minutes_by_day(span) == {MON: 240, MON + dt.timedelta(days=1): 480}
    assert work_by_day(12 * 60, span) == ((MON, 240), (MON + dt.timedelta(days=1), 480))


def test_phasing__an_unscheduled_task_has_no_days() -> None:
    assert work_by_day(4800, None) == ()


def test_phasing__no_work_no_days() -> None:
    assert work_by_day(0, TWO_WEEKS) == ()


def test_phasing__a_milestone_takes_its_work_on_its_day() -> None:
    milestone = ScheduledSpan(start=_at(MON, 17), finish=_at(MON, 17), calendar=STANDARD)
    assert work_by_day(90, milestone) == ((MON, 90),)


def test_phasing__remainders_fall_on_the_last_day() -> None:
    days = {MON + dt.timedelta(days=i): 480 for i in range(3)}
    assert spread_minutes(10, days) == (
        (MON, 3),
        (MON + dt.timedelta(days=1), 3),
        (MON + dt.timedelta(days=2), 4),
    )
    assert spread_minutes(1, days) == ((MON + dt.timedelta(days=2), 1),)  # days of 0 left out


@given(
    work=st.integers(min_value=0, max_value=10**7),
    minutes=st.lists(st.integers(min_value=0, max_value=1440), min_size=1, max_size=120),
)
def test_phasing__a_spread_never_loses_or_makes_a_minute(work: int, minutes: list[int]) -> None:
    days = {MON + dt.timedelta(days=i): m for i, m in enumerate(minutes)}
    found = spread_minutes(work, days)
    if sum(minutes) == 0 or work == 0:
        assert found == ()
    else:
        assert sum(share for _, share in found) == work
        assert all(share > 0 and days[day] > 0 for day, share in found)
        assert [day for day, _ in found] == sorted(day for day, _ in found)
        # no day off its exact share by a minute or more
        total = sum(minutes)
        assert all(abs(share - work * days[day] / total) < 1 + 1e-9 for day, share in found)


@given(
    start=st.integers(min_value=0, max_value=40 * 1440),
    length=st.integers(min_value=0, max_value=40 * 1440),
)
def test_phasing__a_days_minutes_are_the_working_time_between_its_bounds(
    start: int, length: int
) -> None:
    begin = _at(MON, 0) + dt.timedelta(minutes=start)
    span = ScheduledSpan(start=begin, finish=begin + dt.timedelta(minutes=length), calendar=WORKS)
    expected = {}
    day = span.start.date()
    while day <= span.finish.date():
        low = max(span.start, _at(day, 0))
        high = min(span.finish, _at(day + dt.timedelta(days=1), 0))
        if (minutes := working_minutes_between(WORKS, low, high)) > 0:
            expected[day] = minutes
        day += dt.timedelta(days=1)
    assert working_minutes_by_day(span) == expected
