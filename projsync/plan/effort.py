"""Work = Duration × Units: the arithmetic between an assignment's work, its
units and the working minutes it lasts.

The scheduler asks how long an assignment takes and whether a task's stored
duration is the one its assignments give; the task-type rules
(``task_types.py``) ask what work or units fill a duration. Both use these
functions, so an edit and the schedule that follows agree to the minute.
Integer minutes and whole percents, rounded to the nearest (halves away from
zero). Nothing here reads a calendar, a store or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable

from projsync.plan.model import CONTOUR_SHARES, WorkContour

__all__ = ["flat_minutes", "length_of", "nearest", "stands", "stretched", "units_for", "work_for"]

_FULL = 1000
"""The shares of a flat contour's ten tenths, summed (ten times 100 percent)."""


def nearest(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest int, halves away from zero."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -quotient if numerator < 0 else quotient


def stretched(minutes: int, contour: WorkContour, span: int | None = None) -> int:
    """Working minutes that ``minutes`` of flat work take under a contour: a
    pattern works below full units for part of its span (a bell-shaped 40
    hours take 80); a hand-edited contour lasts its ``span`` when it has one."""
    if contour is WorkContour.CONTOURED:
        return minutes if span is None else span
    if contour is WorkContour.FLAT:
        return minutes
    return nearest(minutes * _FULL, sum(CONTOUR_SHARES[contour]))


def flat_minutes(length: int, contour: WorkContour) -> int:
    """Minutes of flat work that a span of ``length`` working minutes holds
    under a pattern (``stretched`` the other way round)."""
    if contour in (WorkContour.FLAT, WorkContour.CONTOURED):
        return length
    return nearest(length * sum(CONTOUR_SHARES[contour]), _FULL)


def length_of(
    work: int, units: int, contour: WorkContour = WorkContour.FLAT, span: int | None = None
) -> int:
    """Working minutes an assignment of ``work`` minutes at ``units`` percent lasts."""
    return stretched(nearest(work * 100, units), contour, span)


def work_for(length: int, units: int, contour: WorkContour = WorkContour.FLAT) -> int:
    """Work that fills ``length`` working minutes at ``units`` percent."""
    return nearest(flat_minutes(length, contour) * units, 100)


def units_for(work: int, length: int, contour: WorkContour = WorkContour.FLAT) -> int:
    """Units, in whole percent, at which ``work`` fills ``length`` working minutes
    (``length`` more than zero)."""
    return nearest(work * 100, flat_minutes(length, contour))


def stands(duration: int, staff: Iterable[tuple[int, int, WorkContour]]) -> bool:
    """Whether ``duration`` is what a task's assignments, as (units, work,
    contour), give it: none needs longer and one needs all of it.

    Work, units and durations are whole numbers, so "needs" is to their
    rounding: work within a minute of duration × units, units within half a
    percent of work / duration (where a rule recalculated the units), or a
    duration within half a minute of work / units (where one recalculated the
    duration). A hand-edited contour keeps its own span, and an assignment
    without units is idle.
    """
    if duration <= 0:
        return False
    filled = False
    for units, work, contour in staff:
        if units <= 0:
            continue
        if contour is WorkContour.CONTOURED:
            return False
        minutes = flat_minutes(duration, contour)
        gap = 100 * work - minutes * units  # in minute-percents
        slack = max(100, minutes // 2, (units + 1) // 2)
        if gap > slack:
            return False
        filled = filled or gap >= -slack
    return filled
