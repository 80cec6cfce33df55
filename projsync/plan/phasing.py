"""Time-phased work: which day of a scheduled span its work falls on.

A span (a scheduled task's start and finish, and the calendar its work
follows) has so many working minutes on each of its days. Work spread over
the span falls on each day in proportion to them: a full day of an eight-hour
calendar takes 8/80 of a two-week task's work, a half day half of that, a
weekend or a holiday nothing. The plan side of the sync gives an assignment's
work per day this way; the web's S-curve phases planned cost over the same
days.

Pure: records in, days out; never reads a store or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from projsync.plan.calendar import calendar_index
from projsync.plan.model import Calendar

__all__ = ["ScheduledSpan", "WorkByDay", "spread_minutes", "work_by_day", "working_minutes_by_day"]

WorkByDay = tuple[tuple[dt.date, int], ...]
"""Minutes of work per day, days in order, only days with work."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduledSpan:
    """When a task's work is planned: its start and finish (the plan's naive
    local wall-clock times) and the calendar its work follows."""

    start: dt.datetime
    finish: dt.datetime
    calendar: Calendar


def working_minutes_by_day(span: ScheduledSpan) -> dict[dt.date, int]:
    """The working minutes of each day from the span's start to its finish;
    days without working time are left out. Read off the calendar's day table
    (cumulative working minutes at each midnight): no date arithmetic per day."""
    index = calendar_index(span.calendar)
    low, high = index.to_offset(span.start), index.to_offset(span.finish)
    if high <= low:
        return {}
    # both ends converted: the table covers every day between them
    first, cum, _, _ = index.table()
    found: dict[dt.date, int] = {}
    for i in range(span.start.toordinal() - first, span.finish.toordinal() - first + 1):
        minutes = min(high, cum[i + 1]) - max(low, cum[i])
        if minutes > 0:
            found[dt.date.fromordinal(first + i)] = minutes
    return found


def spread_minutes(work: int, minutes_by_day: Mapping[dt.date, int]) -> WorkByDay:
    """``work`` minutes shared among the days by their working minutes, in whole
    minutes that add up to ``work`` exactly. Each day takes its share of the
    running total rounded down, so no day is off by a minute or more and what
    rounding leaves over falls on the last day; a day whose share rounds to
    nothing is left out."""
    days = sorted(day for day, minutes in minutes_by_day.items() if minutes > 0)
    total = sum(minutes_by_day[day] for day in days)
    if work <= 0 or total <= 0:
        return ()
    found: list[tuple[dt.date, int]] = []
    so_far, given = 0, 0
    for day in days:
        so_far += minutes_by_day[day]
        upto = work * so_far // total  # the last day: work, exactly
        if upto > given:
            found.append((day, upto - given))
            given = upto
    return tuple(found)


def work_by_day(work: int, span: ScheduledSpan | None) -> WorkByDay:
    """An assignment's ``work`` over the working days of its task's ``span``.

    Empty when the task is not scheduled yet (no span) or there is no work. A
    span without working time (a milestone, or a calendar with no working time
    in it) takes the whole work on its start day.
    """
    if span is None or work <= 0:
        return ()
    return spread_minutes(work, working_minutes_by_day(span)) or ((span.start.date(), work),)
