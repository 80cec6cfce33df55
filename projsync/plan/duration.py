"""Reading and writing durations as people type them: "3d", "24h", "1.5d", "2ew", "-30m".

A day, a week and a month of *working* time are the project's settings
(Microsoft Project's defaults: 480, 2400 and 9600 minutes). An "e" before the
unit makes the duration elapsed: clock time, 24 hours a day, 7 days a week.
A trailing "?" (Project's "estimated") is accepted and reported.
Never touches a calendar: turning minutes into dates is calendar.py's work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from projsync.plan.model import DurationError

__all__ = ["Duration", "DurationSettings", "format_duration", "parse_duration"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DurationSettings:
    """How long a working day, week and month are, in minutes."""

    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    minutes_per_month: int = 9600


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration:
    """A duration in whole minutes: working minutes, or clock minutes when `elapsed`."""

    minutes: int
    elapsed: bool = False
    estimated: bool = False


_UNITS = {
    "m": "minute", "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "d": "day", "dy": "day", "day": "day", "days": "day",
    "w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "mo": "month", "mon": "month", "month": "month", "months": "month",
}  # fmt: skip
_ELAPSED_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080, "month": 43200}
_PATTERN = re.compile(r"^\s*([+-]?)\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(e?)\s*([a-z]*)\s*(\??)\s*$")


def _unit_minutes(unit: str, elapsed: bool, settings: DurationSettings) -> int:
    if elapsed:
        return _ELAPSED_MINUTES[unit]
    return {
        "minute": 1,
        "hour": 60,
        "day": settings.minutes_per_day,
        "week": settings.minutes_per_week,
        "month": settings.minutes_per_month,
    }[unit]


def parse_duration(text: str, settings: DurationSettings | None = None) -> Duration:
    """Read a duration; a bare number is days, as in Microsoft Project.

    Fractions are rounded to the nearest minute (half up): "1.5d" is 720 minutes.
    """
    settings = settings or DurationSettings()
    match = _PATTERN.match(text.lower())
    if match is None:
        raise DurationError(f"cannot read duration {text!r}: expected a number and a unit, like 3d")
    sign, number, elapsed_mark, unit_text, estimated_mark = match.groups()
    unit = _UNITS.get(unit_text or "d")
    if unit is None:
        raise DurationError(f"cannot read duration {text!r}: unknown unit {unit_text!r}")
    elapsed = elapsed_mark == "e"
    try:
        amount = Decimal(number)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise DurationError(f"cannot read duration {text!r}") from error
    minutes = int(
        (amount * _unit_minutes(unit, elapsed, settings)).quantize(Decimal(1), ROUND_HALF_UP)
    )
    return Duration(
        minutes=-minutes if sign == "-" else minutes,
        elapsed=elapsed,
        estimated=estimated_mark == "?",
    )


def format_duration(duration: Duration, settings: DurationSettings | None = None) -> str:
    """The shortest exact text for a duration: 1440 working minutes is "3d", 90 is "1.5h"."""
    settings = settings or DurationSettings()
    prefix = "e" if duration.elapsed else ""
    sign = "-" if duration.minutes < 0 else ""
    minutes = abs(duration.minutes)
    text = f"{minutes}{prefix}m" if minutes else f"0{prefix}d"
    for unit, short in (("week", "w"), ("day", "d"), ("hour", "h")):
        size = _unit_minutes(unit, duration.elapsed, settings)
        amount = Decimal(minutes) / Decimal(size)
        if amount >= 1 and amount == amount.quantize(Decimal("0.01")):
            text = f"{amount.normalize():f}{prefix}{short}"
            break
    return sign + text + ("?" if duration.estimated else "")
