"""The planned cost of a project over time: the S-curve's planned line as a
project manager reads it.

A forecast's cost is the cost of planned work, and the work happens when the
plan schedules it. So where the work of a forecast's activity has a span (the
scheduled plan task, else the activity's own dates: ``projsync.web.work_spans``),
the forecast's cost is spread over the span's working time, by the span's
calendar: each day takes the share of the cost that its working minutes are of
the span's (a full day of an eight-hour calendar 8/80 of a two-week task, a
half day half of that, a weekend or holiday nothing). A forecast whose activity
has no span stays whole on its own date. The line ends at the forecast total,
whichever way each forecast is placed.

Pure: records in, points out; never reads a store or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from projsync.ledger.model import Forecast
from projsync.plan.calendar import calendar_index
from projsync.plan.model import Calendar

__all__ = ["ScheduledSpan", "planned_cost", "spread", "working_minutes_by_day"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduledSpan:
    """When an activity's work is planned: its start and finish (the plan's
    naive local wall-clock times) and the calendar its work follows."""

    start: dt.datetime
    finish: dt.datetime
    calendar: Calendar


def working_minutes_by_day(span: ScheduledSpan) -> dict[dt.date, int]:
    """The working minutes of each day from the span's start to its finish;
    days without working time are left out."""
    index = calendar_index(span.calendar)
    found: dict[dt.date, int] = {}
    day = span.start.date()
    while day <= span.finish.date():
        midnight = dt.datetime.combine(day, dt.time())
        low = max(span.start, midnight)
        high = min(span.finish, midnight + dt.timedelta(days=1))
        minutes = index.to_offset(high) - index.to_offset(low)
        if minutes > 0:
            found[day] = minutes
        day += dt.timedelta(days=1)
    return found


def spread(cost: Decimal, minutes_by_day: Mapping[dt.date, int]) -> list[tuple[dt.date, Decimal]]:
    """``cost`` shared among the days by their minutes, in cents that add up to
    ``cost`` exactly (each day's share is the rounded running total less the
    one before it, so no cent is lost or made)."""
    total = sum(minutes_by_day.values())
    if total <= 0:
        return []
    found: list[tuple[dt.date, Decimal]] = []
    minutes_so_far, given = 0, Decimal("0")
    for day in sorted(minutes_by_day):
        minutes_so_far += minutes_by_day[day]
        if minutes_so_far == total:
            upto = cost
        else:
            upto = (cost * minutes_so_far / total).quantize(CENT, ROUND_HALF_EVEN)
        if upto != given:
            found.append((day, upto - given))
            given = upto
    return found


def planned_cost(
    forecasts: Iterable[Forecast], spans: Mapping[tuple[str, str], ScheduledSpan]
) -> list[tuple[dt.date, Decimal]]:
    """Planned cost per day: each forecast's cost over the span of its
    ``(project, activity)``, or on its own date when it has none."""
    found: list[tuple[dt.date, Decimal]] = []
    for forecast in forecasts:
        if not forecast.cost:
            continue
        span = spans.get((forecast.project, forecast.activity))
        shares = spread(forecast.cost, working_minutes_by_day(span)) if span else []
        if shares:
            found.extend(shares)
        elif span is not None:
            # a milestone, or a span with no working time: the cost falls at its start
            found.append((span.start.date(), forecast.cost))
        else:
            found.append((forecast.date, forecast.cost))
    return found
