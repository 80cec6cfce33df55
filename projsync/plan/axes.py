"""The two time axes of the scheduler's sweeps, and arithmetic on them.

A time on a sweep is an int: working minutes of the project calendar (the
*working* axis, when every detail task is on that calendar and none is
elapsed) or minutes since 0001-01-01 00:00 (the *clock* axis otherwise, each
task's arithmetic going through its own calendar). `Axis` converts between
datetimes and axis values; `ClockTask` is a detail task's arithmetic on the
clock axis (`StaffedTask`, that of one whose resources work on their own
calendars); `Shift` is a lag that is not a plain addition on the axis.
See schedule.py for the rules these implement.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from projsync.plan.calendar import CalendarIndex

__all__ = ["Axis", "ClockTask", "Shift", "StaffedTask", "minutes_of", "moment_of"]

_MINUTE = tuple(timedelta(minutes=m) for m in range(1441))


def minutes_of(moment: datetime) -> int:
    return moment.toordinal() * 1440 + moment.hour * 60 + moment.minute


def moment_of(minutes: int) -> datetime:
    return datetime.fromordinal(minutes // 1440) + _MINUTE[minutes % 1440]


class Axis:
    """Turns datetimes into sweep ints and back, and measures project working time."""

    __slots__ = ("project", "working")

    def __init__(self, project: CalendarIndex, *, working: bool) -> None:
        self.project = project
        self.working = working

    def value(self, moment: datetime) -> int:
        return self.project.to_offset(moment) if self.working else minutes_of(moment)

    def start_moment(self, value: int) -> datetime:
        return self.project.start_at(value) if self.working else moment_of(value)

    def finish_moment(self, value: int) -> datetime:
        return self.project.finish_at(value) if self.working else moment_of(value)

    def span(self, first: int, second: int) -> int:
        """Project working minutes from `first` to `second`."""
        if self.working:
            return second - first
        to_offset = self.project.to_offset
        return to_offset(moment_of(second)) - to_offset(moment_of(first))


class ClockTask:
    """A detail task's arithmetic on the clock axis, through its own calendar."""

    __slots__ = ("duration", "elapsed", "elapsed_delay", "index")

    def __init__(self, index: CalendarIndex, duration: int, *, elapsed: bool) -> None:
        self.index = index
        self.duration = duration
        self.elapsed = elapsed
        # A levelling delay in clock time: work resumes at the next working moment.
        self.elapsed_delay = False

    def snap_start(self, value: int) -> int:
        if self.elapsed:
            return value
        offset = self.index.to_offset(moment_of(value))
        if self.duration == 0 and minutes_of(self.index.finish_at(offset)) == value:
            return value  # a milestone may sit at the end of a working period
        return minutes_of(self.index.start_at(offset))

    def snap_finish(self, value: int) -> int:
        if self.elapsed:
            return value
        offset = self.index.to_offset(moment_of(value))
        if self.duration == 0 and minutes_of(self.index.start_at(offset)) == value:
            return value
        return minutes_of(self.index.finish_at(offset))

    def advance(self, start: int, minutes: int) -> int:
        """Where `minutes` of work begun at `start` end."""
        if self.elapsed:
            return start + minutes
        if minutes == 0:
            return start
        return minutes_of(self.index.finish_at(self.index.to_offset(moment_of(start)) + minutes))

    def finish_from(self, start: int) -> int:
        return self.advance(start, self.duration)

    def start_for(self, finish: int) -> int:
        if self.elapsed:
            return finish - self.duration
        if self.duration == 0:
            return self.snap_start(finish)
        offset = self.index.to_offset(moment_of(finish)) - self.duration
        return minutes_of(self.index.start_at(offset))

    def delayed(self, start: int, minutes: int) -> int:
        if self.elapsed:
            return start + minutes
        if self.elapsed_delay:
            return self.snap_start(start + minutes)
        return minutes_of(self.index.start_at(self.index.to_offset(moment_of(start)) + minutes))

    def span(self, first: int, second: int) -> int:
        if self.elapsed:
            return second - first
        to_offset = self.index.to_offset
        return to_offset(moment_of(second)) - to_offset(moment_of(first))


class StaffedTask(ClockTask):
    """A detail task whose resources work on their own calendars, on the clock axis.

    As in Microsoft Project, each assignment starts at the first working moment
    of its resource's calendar from the task's start and lasts its own working
    minutes there; the task spans its assignments (earliest start, latest
    finish). Progress goes through the assignments too: a share of the task's
    duration is that share of each assignment's minutes. Delays and slack are
    on the task calendar.
    """

    __slots__ = ("staff",)

    def __init__(
        self, index: CalendarIndex, duration: int, staff: list[tuple[CalendarIndex, int]]
    ) -> None:
        super().__init__(index, duration, elapsed=False)
        self.staff = staff  # (resource calendar, working minutes) per assignment

    def snap_start(self, value: int) -> int:
        moment = moment_of(value)
        return min(minutes_of(index.start_at(index.to_offset(moment))) for index, _ in self.staff)

    def snap_finish(self, value: int) -> int:
        moment = moment_of(value)
        return max(minutes_of(index.finish_at(index.to_offset(moment))) for index, _ in self.staff)

    def advance(self, start: int, minutes: int) -> int:
        """Where `minutes` of the task's duration begun at `start` end: each
        assignment does that share of its own minutes on its own calendar."""
        if minutes == 0 or self.duration == 0:
            return start
        moment = moment_of(start)
        return max(
            minutes_of(index.finish_at(index.to_offset(moment) + own * minutes // self.duration))
            for index, own in self.staff
        )

    def finish_from(self, start: int) -> int:
        moment = moment_of(start)
        return max(
            minutes_of(index.finish_at(index.to_offset(moment) + minutes))
            for index, minutes in self.staff
        )

    def start_for(self, finish: int) -> int:
        moment = moment_of(finish)
        return min(
            minutes_of(index.start_at(index.to_offset(moment) - minutes))
            for index, minutes in self.staff
        )


class Shift:
    """A lag that is not a plain addition on the axis (elapsed on working, working on clock).

    `from_finish`/`to_finish` say which ends the link joins. An end of a
    zero-duration task is read as a start moment (Monday 08:00, not Friday 17:00).
    """

    __slots__ = ("axis", "from_finish", "lag", "read_finish", "to_finish", "write_finish")

    def __init__(
        self, axis: Axis, lag: int, ends: tuple[int, int], zero: tuple[bool, bool]
    ) -> None:
        self.axis = axis
        self.lag = lag
        self.from_finish = bool(ends[0])
        self.to_finish = bool(ends[1])
        self.read_finish = self.from_finish and not zero[0]
        self.write_finish = self.to_finish and not zero[1]

    def forward(self, value: int) -> int:
        """The bound on the successor's end, given the predecessor's end."""
        project = self.axis.project
        if self.axis.working:
            moment = project.finish_at(value) if self.read_finish else project.start_at(value)
            return project.to_offset(moment + timedelta(minutes=self.lag))
        offset = project.to_offset(moment_of(value)) + self.lag
        moment = project.finish_at(offset) if self.write_finish else project.start_at(offset)
        return minutes_of(moment)

    def backward(self, value: int) -> int:
        """The bound on the predecessor's end, given the successor's late end."""
        project = self.axis.project
        if self.axis.working:
            moment = project.finish_at(value) if self.write_finish else project.start_at(value)
            return project.to_offset(moment - timedelta(minutes=self.lag))
        offset = project.to_offset(moment_of(value)) - self.lag
        moment = project.finish_at(offset) if self.read_finish else project.start_at(offset)
        return minutes_of(moment)
