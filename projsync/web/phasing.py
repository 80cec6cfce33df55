"""The planned cost of a project over time: the S-curve's planned line as a
project manager reads it.

A forecast's cost is the cost of planned work, and the work happens when the
plan schedules it. So where the work of a forecast's activity has a span (the
scheduled plan task, else the activity's own dates: ``projsync.web.work_spans``),
the forecast's cost is spread over the span's working time, by the span's
calendar (``projsync.plan.phasing``): each day takes the share of the cost that
its working minutes are of the span's (a full day of an eight-hour calendar
8/80 of a two-week task, a half day half of that, a weekend or holiday
nothing). A forecast whose activity has no span stays whole on its own date.
The line ends at the forecast total, whichever way each forecast is placed.

Pure: records in, points out; never reads a store or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal

from projsync.ledger.model import Forecast
from projsync.plan.phasing import ScheduledSpan, working_minutes_by_day

__all__ = ["planned_cost", "spread"]

CENT = Decimal("0.01")


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
