"""Working-time arithmetic on calendars, with Microsoft Project's conventions.

A `CalendarIndex` maps a moment to its *working offset*: the number of working
minutes between the calendar's origin and that moment, read from a per-day
cumulative table that grows lazily in both directions. Adding working time is
then an addition, and going back to a moment is a binary search: O(log days).
One offset stands for two moments when a working period ends (Friday 17:00 and
Monday 08:00): `start_at` gives the later one (where work starts), `finish_at`
the earlier one (where work ends). So a start snaps forward to the next working
moment and a finish lands at the end of a working period.

Never does I/O, never reads the clock; naive local datetimes only (see model.py).
Holidays are read from the `holidays` package's tables, and only when asked.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from projsync.plan import compiled
from projsync.plan.model import Calendar, CalendarError, CalendarException, WorkingIntervals

__all__ = [
    "STANDARD",
    "STANDARD_DAY",
    "CalendarIndex",
    "add_working",
    "calendar_index",
    "day_intervals",
    "public_holidays",
    "working_minutes_between",
]

MINUTES_PER_DAY = 1440
STANDARD_DAY: WorkingIntervals = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
STANDARD = Calendar(
    name="Standard",
    week=(STANDARD_DAY, STANDARD_DAY, STANDARD_DAY, STANDARD_DAY, STANDARD_DAY, (), ()),
)
"""Monday to Friday, 08:00-12:00 and 13:00-17:00: 480 minutes a day, 2400 a week."""

_CHUNK_DAYS = 366
_SEARCH_LIMIT_DAYS = 366 * 200
_DEFAULT_ORIGIN = date(2000, 1, 3).toordinal()
_MINUTE = tuple(timedelta(minutes=m) for m in range(MINUTES_PER_DAY + 1))


def public_holidays(
    country: str, years: Iterable[int], *, subdivision: str | None = None
) -> tuple[CalendarException, ...]:
    """Non-working exceptions for a country's public holidays (e.g. "FR", range(2024, 2026))."""
    table = holidays.country_holidays(country, subdiv=subdivision, years=list(years))
    return tuple(
        CalendarException(start=day, finish=day, name=str(name))
        for day, name in sorted(table.items())
    )


class _DayPattern:
    """Lookup tables for one distinct working day, so a day costs O(1) to convert."""

    __slots__ = ("before", "finish_delta", "finish_minute", "start_delta", "start_minute", "total")

    def __init__(self, intervals: WorkingIntervals) -> None:
        inside = bytearray(MINUTES_PER_DAY)
        start_minute: list[int] = []
        finish_minute: list[int] = [0]
        for begin, end in intervals:
            inside[begin:end] = b"\x01" * (end - begin)
            start_minute.extend(range(begin, end))
            finish_minute.extend(range(begin + 1, end + 1))
        before = [0] * (MINUTES_PER_DAY + 1)
        worked = 0
        for minute in range(MINUTES_PER_DAY):
            before[minute] = worked
            worked += inside[minute]
        before[MINUTES_PER_DAY] = worked
        self.total = worked
        self.before = before
        self.start_minute = start_minute
        self.finish_minute = finish_minute
        # The same as time since midnight, ready to add to one (bulk conversions).
        self.start_delta = [_MINUTE[minute] for minute in start_minute]
        self.finish_delta = [_MINUTE[minute] for minute in finish_minute]


def _check_intervals(where: str, intervals: WorkingIntervals) -> None:
    previous_end = 0
    for begin, end in intervals:
        if not (0 <= begin < end <= MINUTES_PER_DAY) or begin < previous_end:
            raise CalendarError(f"{where}: working times must be sorted, disjoint, 0..1440")
        previous_end = end


_Layer = tuple[dict[date, WorkingIntervals], tuple[WorkingIntervals | None, ...]]
_State = tuple[int, list[int], list[_DayPattern], list[datetime]]


def _layers(calendar: Calendar) -> tuple[_Layer, ...]:
    """(exceptions by day, week) for the calendar, then its base, and so on."""
    layers: list[_Layer] = []
    current: Calendar | None = calendar
    while current is not None:
        if len(current.week) != 7:
            raise CalendarError(f"calendar {current.name!r}: a week has 7 days")
        by_day: dict[date, WorkingIntervals] = {}
        for day_times in current.week:
            if day_times is not None:
                _check_intervals(f"calendar {current.name!r}", day_times)
        for exception in current.exceptions:
            where = f"calendar {current.name!r}, exception {exception.name!r}"
            _check_intervals(where, exception.working_times)
            day = exception.start
            while day <= exception.finish:
                by_day[day] = exception.working_times
                day += timedelta(days=1)
        layers.append((by_day, current.week))
        current = current.base
    return tuple(layers)


def day_intervals(calendar: Calendar, day: date) -> WorkingIntervals:
    """The working periods of `day` on `calendar`, exceptions and base calendars resolved."""
    return calendar_index(calendar).intervals_on(day)


class CalendarIndex:
    """Working offsets of one calendar: see the module docstring. Safe to share between threads."""

    __slots__ = ("_layers", "_lock", "_patterns_by_times", "_state", "calendar")

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._layers = _layers(calendar)
        self._patterns_by_times: dict[WorkingIntervals, _DayPattern] = {}
        self._lock = threading.Lock()
        # (ordinal of day 0, cumulative offsets at each midnight (one more than days),
        #  day patterns, midnights); replaced whole, never mutated, so readers need no lock.
        self._state: _State = (0, [0], [], [])

    def intervals_on(self, day: date) -> WorkingIntervals:
        weekday = day.weekday()
        for by_day, week in self._layers:
            times = by_day.get(day)
            if times is not None:
                return times
            usual = week[weekday]
            if usual is not None:
                return usual
        return ()

    def to_offset(self, moment: datetime) -> int:
        """Working minutes from the origin to `moment` (seconds are ignored)."""
        first, cum, patterns, _ = self._state
        i = moment.toordinal() - first
        if i < 0 or i >= len(patterns):
            first, cum, patterns, _ = self._cover(moment.toordinal(), moment.toordinal())
            i = moment.toordinal() - first
        return cum[i] + patterns[i].before[moment.hour * 60 + moment.minute]

    def start_at(self, offset: int) -> datetime:
        """The moment work resumes at `offset` (snapped forward past non-working time)."""
        _, cum, patterns, midnights = self._state
        i = bisect_right(cum, offset) - 1
        while i < 0 or i >= len(patterns):
            _, cum, patterns, midnights = self._grow(offset, forward=i >= 0)
            i = bisect_right(cum, offset) - 1
        return midnights[i] + _MINUTE[patterns[i].start_minute[offset - cum[i]]]

    def finish_at(self, offset: int) -> datetime:
        """The moment `offset` is reached (the end of a working period, never a later start)."""
        _, cum, patterns, midnights = self._state
        i = bisect_left(cum, offset) - 1
        while i < 0 or i >= len(patterns):
            _, cum, patterns, midnights = self._grow(offset, forward=i >= 0)
            i = bisect_left(cum, offset) - 1
        return midnights[i] + _MINUTE[patterns[i].finish_minute[offset - cum[i]]]

    def table(self) -> _State:
        """The day table as it is now (see `_State`): it grows by replacement, never
        changes in place, so a copy of it stays right where it reaches."""
        return self._state

    def start_moments(self, offsets: Sequence[int]) -> list[datetime]:
        """`start_at` of every offset, in bulk (a schedule converts 400,000 of them)."""
        return self._moments(offsets, finish=False)

    def finish_moments(self, offsets: Sequence[int]) -> list[datetime]:
        """`finish_at` of every offset, in bulk."""
        return self._moments(offsets, finish=True)

    def _moments(self, offsets: Sequence[int], *, finish: bool) -> list[datetime]:
        """Each distinct offset converted once, as `start_at`/`finish_at` do, but in
        increasing order by a walk along the days: no method call and no binary
        search per offset, and the day table is read in order (cache friendly)."""
        if not offsets:
            return []
        at = self.finish_at if finish else self.start_at
        if compiled.sweeps is not None:
            at(min(offsets))  # grow the table over both ends, so over everything between
            at(max(offsets))
            _, cum, patterns, midnights = self._state
            return compiled.sweeps.moments(list(offsets), cum, patterns, midnights, finish)
        ordered = sorted(set(offsets))
        at(ordered[0])
        at(ordered[-1])
        _, cum, patterns, midnights = self._state
        # The day of an offset: the last day starting at or before it (a start; skipping
        # days without work) or strictly before it (a finish, at the end of a period).
        search = bisect_left if finish else bisect_right
        moments: list[datetime] = []
        append = moments.append
        i = -1
        low = high = ordered[0] - 1  # the first offset is past this "day": looked up
        midnight = midnights[0]
        deltas: list[timedelta] = []
        for offset in ordered:
            if offset > high or (offset == high and not finish):
                i = search(cum, offset, i + 1) - 1
                low, high, midnight = cum[i], cum[i + 1], midnights[i]
                deltas = patterns[i].finish_delta if finish else patterns[i].start_delta
            append(midnight + deltas[offset - low])
        return list(map(dict(zip(ordered, moments, strict=True)).__getitem__, offsets))

    # ----------------------------------------------------------------- growing

    def _grow(self, offset: int, *, forward: bool) -> _State:
        first, _, patterns, _ = self._state
        if not patterns:
            return self._cover(_DEFAULT_ORIGIN, _DEFAULT_ORIGIN)
        if len(patterns) > _SEARCH_LIMIT_DAYS:
            name = self.calendar.name
            raise CalendarError(f"calendar {name!r} has no working time near offset {offset}")
        last = first + len(patterns) - 1
        if forward:
            return self._cover(last + 1, last + _CHUNK_DAYS)
        return self._cover(first - _CHUNK_DAYS, first - 1)

    def _cover(self, low: int, high: int) -> _State:
        """Make the table cover days `low`..`high` (ordinals), with a margin, and return it."""
        with self._lock:
            first, cum, patterns, midnights = self._state
            if not patterns:
                first = low - _CHUNK_DAYS
                patterns, midnights, worked = self._days(first, high + _CHUNK_DAYS)
                cum = [0]
                for minutes in worked:
                    cum.append(cum[-1] + minutes)
                self._check_some_work(cum)
            if low < first:
                new_first = low - _CHUNK_DAYS
                more_patterns, more_midnights, worked = self._days(new_first, first - 1)
                head = [cum[0] - sum(worked)]
                for minutes in worked[:-1]:
                    head.append(head[-1] + minutes)
                cum = head + cum
                patterns = more_patterns + patterns
                midnights = more_midnights + midnights
                first = new_first
            last = first + len(patterns) - 1
            if high > last:
                more_patterns, more_midnights, worked = self._days(last + 1, high + _CHUNK_DAYS)
                cum = list(cum)
                for minutes in worked:
                    cum.append(cum[-1] + minutes)
                patterns = patterns + more_patterns
                midnights = midnights + more_midnights
            self._state = (first, cum, patterns, midnights)
            return self._state

    def _days(self, low: int, high: int) -> tuple[list[_DayPattern], list[datetime], list[int]]:
        patterns: list[_DayPattern] = []
        midnights: list[datetime] = []
        for ordinal in range(low, high + 1):
            day = date.fromordinal(ordinal)
            times = self.intervals_on(day)
            pattern = self._patterns_by_times.get(times)
            if pattern is None:
                pattern = self._patterns_by_times[times] = _DayPattern(times)
            patterns.append(pattern)
            midnights.append(datetime(day.year, day.month, day.day))  # noqa: DTZ001
        return patterns, midnights, [p.total for p in patterns]

    def _check_some_work(self, cum: list[int]) -> None:
        if cum[-1] == 0 and not any(_week_has_work(week) for _, week in self._layers):
            raise CalendarError(f"calendar {self.calendar.name!r} has no working time")


def _week_has_work(week: tuple[WorkingIntervals | None, ...]) -> bool:
    return any(times for times in week)


@lru_cache(maxsize=256)
def calendar_index(calendar: Calendar) -> CalendarIndex:
    """The (shared, lazily grown) index of a calendar; equal calendars share one."""
    return CalendarIndex(calendar)


def add_working(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    """The moment `minutes` of working time after `start` (before it, when negative).

    Forward, the result is a finish: the end of a working period rather than the
    next start (Mon 08:00 + 480 min is Mon 17:00). Zero minutes snaps `start`
    forward to the next working moment. Backward, the result is a start:
    Wed 17:00 - 1440 min is Mon 08:00.
    """
    index = calendar_index(calendar)
    offset = index.to_offset(start) + minutes
    if minutes > 0:
        return index.finish_at(offset)
    return index.start_at(offset)


def working_minutes_between(calendar: Calendar, start: datetime, finish: datetime) -> int:
    """Working minutes from `start` to `finish` (negative when `finish` is earlier)."""
    index = calendar_index(calendar)
    return index.to_offset(finish) - index.to_offset(start)
