"""A window of weeks to page through: the resource center's 26 weeks from any
Monday, with the links to the windows before and after it and to this week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from projsync.web.figures import monday

__all__ = ["WEEKS_SHOWN", "WeekWindow", "week_window"]

WEEKS_SHOWN = 26
"""Weeks in one window: half a year."""
_LAST_MONDAY = monday(dt.date.max) - dt.timedelta(weeks=WEEKS_SHOWN)
"""The latest first week of a window whose weeks and links the calendar holds."""


@dataclass(frozen=True)
class WeekWindow:
    weeks: list[dt.date]
    """Each Monday of the window, the weeks without allocation among them."""
    previous: dt.date
    following: dt.date | None
    """The first week of the next window, if the calendar goes that far."""
    this_week: dt.date
    first_allocated: dt.date | None
    last_allocated: dt.date | None
    problem: str | None = None
    """Why the week asked for is not the one shown."""


def week_window(
    asked: str, allocated: Iterable[dt.date], today: dt.date, size: int = WEEKS_SHOWN
) -> WeekWindow:
    """The window from the week of ``asked`` (YYYY-MM-DD, any day of it), or,
    with none, from the first allocated week (this week when nothing is)."""
    weeks = sorted(set(allocated))
    this_week = monday(today)
    start = weeks[0] if weeks else this_week
    problem = None
    if asked:
        try:
            start = monday(dt.date.fromisoformat(asked))
        except (ValueError, OverflowError):
            problem = f"from {asked!r} is not a date (YYYY-MM-DD): the weeks below start elsewhere"
        else:
            if start > _LAST_MONDAY:
                problem = f"from {asked!r} is too far ahead: the calendar ends on 9999-12-31"
                start = _LAST_MONDAY
    start = min(start, _LAST_MONDAY)
    step = dt.timedelta(weeks=size)
    return WeekWindow(
        weeks=[start + dt.timedelta(weeks=n) for n in range(size)],
        previous=start - step if start - dt.date.min >= step else monday(dt.date.min),
        following=start + step if start + step <= _LAST_MONDAY else None,
        this_week=this_week,
        first_allocated=weeks[0] if weeks else None,
        last_allocated=weeks[-1] if weeks else None,
        problem=problem,
    )
