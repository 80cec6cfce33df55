"""Plan values typed on the command line: moments, durations, predecessor lists."""

from __future__ import annotations

import datetime as dt
import re

from projsync.errors import InputError, Problem, refusal
from projsync.plan.duration import parse_duration
from projsync.plan.entities import PlanLink
from projsync.plan.model import DependencyType, DurationError, LagKind

__all__ = ["LONGEST_MINUTES", "MOST_UNITS", "parse_after", "parse_minutes", "parse_moment"]

LONGEST_MINUTES = 60_000_000
"""A million hours: the longest duration, work or lag typed (longer ones
would be scheduled past the calendar's last year)."""
MOST_UNITS = 1_000_000
"""Percent: the most units of a resource or an assignment (ten thousand people)."""
MOST_LAG_PERCENT = 10_000

DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 0)
# A lag follows an explicit type, so task ids may hold "-" and "+": T-1:FS+2d.
_LINK = re.compile(r"^(?P<task>[^:]+?)(?::(?P<type>FS|SS|FF|SF)(?P<lag>[+-].+)?)?$", re.I)


def parse_moment(text: str, option: str, *, end_of_day: bool = False) -> dt.datetime:
    """``2026-03-02T08:00`` or a date alone, which means the day's default start
    (08:00), or its default end (17:00) for finish dates."""
    value = text.strip()
    try:
        if "T" in value or " " in value:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [Problem(where=option, what=f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)")]
        ) from None
    return dt.datetime.combine(day, DAY_END if end_of_day else DAY_START)


def parse_minutes(text: str, option: str) -> tuple[int, bool]:
    """A duration like ``3d``, ``24h``, ``2ed``: (minutes, elapsed)."""
    try:
        duration = parse_duration(text)
    except DurationError as exc:
        raise refusal(option, str(exc)) from None
    if duration.minutes < 0:
        raise refusal(option, f"{text!r} is negative")
    if duration.minutes > LONGEST_MINUTES:
        raise refusal(option, f"{text!r} is longer than a million hours")
    return duration.minutes, duration.elapsed


def parse_after(text: str, project: str, successor: str) -> list[PlanLink]:
    """``T2,T3:SS+1d,T4:FF-2h,T5:FS+50%``: predecessors, each with an optional
    type (FS by default) and, after the type, a lag (working time, ``2ed`` for
    elapsed days, or a percent of the predecessor's duration)."""
    found: list[PlanLink] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        match = _LINK.match(item)
        if match is None:
            raise refusal("--after", f"cannot read predecessor {item!r}")
        lag, kind = _lag(match.group("lag"), item)
        found.append(
            PlanLink(
                project=project,
                predecessor=match.group("task").strip(),
                successor=successor,
                type=DependencyType((match.group("type") or "FS").upper()),
                lag=lag,
                lag_kind=kind,
            )
        )
    return found


def _lag(text: str | None, item: str) -> tuple[int, LagKind]:
    if not text:
        return 0, LagKind.WORKING
    if text.endswith("%"):
        digits = text[1:-1]  # after the sign
        plain = digits.isascii() and digits.isdigit() and len(digits) <= 5
        if not plain or int(digits) > MOST_LAG_PERCENT:
            raise refusal(
                "--after", f"cannot read lag of {item!r} (a percent up to {MOST_LAG_PERCENT:,})"
            )
        return int(text[:-1]), LagKind.PERCENT
    try:
        duration = parse_duration(text)
    except DurationError as exc:
        raise refusal("--after", f"{item!r}: {exc}") from None
    if abs(duration.minutes) > LONGEST_MINUTES:
        raise refusal("--after", f"{item!r}: the lag is longer than a million hours")
    return duration.minutes, LagKind.ELAPSED if duration.elapsed else LagKind.WORKING
