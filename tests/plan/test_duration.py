import pytest
from hypothesis import given
from hypothesis import strategies as st

from projsync.plan.duration import Duration, DurationSettings, format_duration, parse_duration
from projsync.plan.model import DurationError


@pytest.mark.parametrize(
    ("text", "minutes", "elapsed"),
    [
        ("3d", 1440, False),
        ("24h", 1440, False),
        ("2w", 4800, False),
        ("1.5d", 720, False),
        ("30m", 30, False),
        ("2ed", 2880, True),
        ("1ew", 10080, True),
        ("4", 1920, False),
        ("-1d", -480, False),
        (" 2 days ", 960, False),
        ("0.25h", 15, False),
        ("1mo", 9600, False),
    ],
)
def test_duration__reads_the_usual_texts(text: str, minutes: int, elapsed: bool) -> None:
    assert parse_duration(text) == Duration(minutes=minutes, elapsed=elapsed)


def test_duration__an_estimated_duration_is_marked() -> None:
    assert parse_duration("3d?") == Duration(minutes=1440, estimated=True)


def test_duration__days_follow_the_project_settings() -> None:
    settings = DurationSettings(minutes_per_day=450, minutes_per_week=2250)
    assert parse_duration("2d", settings).minutes == 900
    assert parse_duration("1w", settings).minutes == 2250


@pytest.mark.parametrize("text", ["", "d", "3x", "three days", "1..5d", "--2d"])
def test_duration__unreadable_texts_are_refused(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


def test_duration__formats_in_the_largest_exact_unit() -> None:
    assert format_duration(Duration(minutes=1440)) == "3d"
    assert format_duration(Duration(minutes=2400)) == "1w"
    assert format_duration(Duration(minutes=90)) == "1.5h"
    assert format_duration(Duration(minutes=7)) == "7m"
    assert format_duration(Duration(minutes=2880, elapsed=True)) == "2ed"
    assert format_duration(Duration(minutes=0)) == "0d"


@given(minutes=st.integers(min_value=-(10**6), max_value=10**6), elapsed=st.booleans())
def test_duration__formatting_then_reading_gives_the_same_duration(
    minutes: int, elapsed: bool
) -> None:
    duration = Duration(minutes=minutes, elapsed=elapsed)
    assert parse_duration(format_duration(duration)) == duration
