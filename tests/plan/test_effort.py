"""Work = Duration × Units, in whole minutes and percents."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from projsync.plan.effort import flat_minutes, length_of, stands, stretched, units_for, work_for
from projsync.plan.model import WorkContour

DAY = 480
FLAT, BELL = WorkContour.FLAT, WorkContour.BELL


def test_effort__half_time_takes_twice_as_long() -> None:
    assert length_of(5 * DAY, 50) == 10 * DAY
    assert work_for(10 * DAY, 50) == 5 * DAY
    assert units_for(5 * DAY, 10 * DAY) == 50


def test_effort__a_bell_contour_takes_twice_as_long_and_holds_half_the_work() -> None:
    # Microsoft Project: 40 hours bell-shaped at 100% peak take 80 working hours.
    assert length_of(5 * DAY, 100, BELL) == 10 * DAY
    assert work_for(10 * DAY, 100, BELL) == 5 * DAY
    assert flat_minutes(stretched(5 * DAY, BELL), BELL) == 5 * DAY


def test_effort__a_hand_edited_contour_lasts_its_span() -> None:
    assert length_of(5 * DAY, 100, WorkContour.CONTOURED, span=7 * DAY) == 7 * DAY


def test_effort__a_duration_stands_when_its_work_and_units_give_it() -> None:
    assert stands(DAY, [(33, 158, FLAT)])  # 8 h at 33 % is 158.4 minutes of work
    assert stands(10 * DAY, [(21, 1000, FLAT)])  # 1,000 minutes in 10 days: 20.83 %
    assert stands(10 * DAY, [(100, 10 * DAY, FLAT), (50, 2 * DAY, FLAT)])  # one ends early


def test_effort__a_duration_the_work_does_not_fill_or_exceeds_does_not_stand() -> None:
    assert not stands(10 * DAY, [(100, 5 * DAY, FLAT)])  # a duration edit not carried to work
    assert not stands(5 * DAY, [(100, 10 * DAY, FLAT)])
    assert not stands(5 * DAY, [(100, 5 * DAY, WorkContour.CONTOURED)])
    assert not stands(0, [(100, 0, FLAT)])


@given(st.integers(1, 100 * DAY), st.integers(1, 1000))
def test_effort__the_work_that_fills_a_duration_gives_it_back(duration: int, units: int) -> None:
    assert stands(duration, [(units, work_for(duration, units), FLAT)])


@given(st.integers(1, 100 * DAY), st.integers(1, 100 * DAY))
def test_effort__the_units_that_spread_work_over_a_duration_give_it_back(
    duration: int, work: int
) -> None:
    units = units_for(work, duration)
    assert units == 0 or stands(duration, [(units, work, FLAT)])
