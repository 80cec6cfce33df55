"""The scheduling vocabulary of the plan side: calendars, tasks, links, results.

These records are what the calendar arithmetic, the scheduler and the leveller
take and return. They are frozen, slotted and keyword-only, collections are
tuples, and changes go through `dataclasses.replace`. They must never hold
database rows, sessions or anything mutable, and never import SQLAlchemy: the
store turns its rows into these records at its boundary.

Times. Microsoft Project dates are local wall-clock times without a zone, and so
is every `datetime` in these records: it is *naive* and means the project's
local time. The service layer attaches the project's zone on the way out and
takes it off on the way in. Work, durations, lags and slack are integer minutes;
"working minutes" are counted on a calendar, "elapsed minutes" on the clock.

Errors raised by the plan core (every one is a problem with the data given):

    PlanError
    ├── CalendarError            a calendar is malformed or has no working time
    ├── DurationError            a duration text cannot be read (also a ValueError)
    └── ScheduleError            the network cannot be scheduled; `problems` lists all
        └── DependencyCycleError the links form a cycle; `cycle` names its tasks in order
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "CONTOUR_SHARES",
    "Assignment",
    "Calendar",
    "CalendarError",
    "CalendarException",
    "ConstraintType",
    "Dependency",
    "DependencyCycleError",
    "DependencyType",
    "DurationError",
    "LagKind",
    "LevelingResult",
    "Overallocation",
    "PlanError",
    "Project",
    "Resource",
    "Schedule",
    "ScheduleError",
    "Task",
    "TaskDates",
    "WorkBeyondAvailability",
    "WorkContour",
    "WorkingIntervals",
]

WorkingIntervals = tuple[tuple[int, int], ...]
"""Working periods of one day as (start, end) minutes after midnight, sorted, 0..1440."""


# --------------------------------------------------------------------------- errors


class PlanError(Exception):
    """Root of the plan core's errors."""


class CalendarError(PlanError):
    """A calendar is malformed (bad intervals) or has no working time to schedule in."""


class DurationError(PlanError, ValueError):
    """A duration text such as "3d" or "2ed" cannot be read."""


class ScheduleError(PlanError):
    """The task network cannot be scheduled; every problem found is in `problems`."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class DependencyCycleError(ScheduleError):
    """The dependencies (with the outline) form a cycle; `cycle` starts and ends on one task."""

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__(("dependency cycle: " + " → ".join(cycle),))
        self.cycle = cycle


# ------------------------------------------------------------------------ calendars


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarException:
    """Days, `start` to `finish` inclusive, that do not follow the work week.

    No `working_times` means the days are not worked (a holiday); otherwise the
    days are worked in exactly those periods.
    """

    start: date
    finish: date
    working_times: WorkingIntervals = ()
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar:
    """A base calendar, or (with `base`) a resource or task calendar derived from one.

    `week` holds seven entries, Monday first. An entry of None inherits the day
    from `base` (and is a non-working day on a calendar without a base). A day is
    resolved as Microsoft Project does: this calendar's exceptions, then its
    week, then the base calendar's exceptions, then the base's week.
    """

    name: str
    week: tuple[WorkingIntervals | None, ...] = (None, None, None, None, None, None, None)
    exceptions: tuple[CalendarException, ...] = ()
    base: Calendar | None = None


# --------------------------------------------------------------------------- inputs


class ConstraintType(StrEnum):
    """Date constraints of Microsoft Project, by their usual abbreviations."""

    ASAP = "ASAP"  # as soon as possible
    ALAP = "ALAP"  # as late as possible without delaying successors or the project
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than (limits the late dates only)
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than (limits the late dates only)
    MSO = "MSO"  # must start on (pins the task, even against its links)
    MFO = "MFO"  # must finish on (pins the task, even against its links)


class DependencyType(StrEnum):
    """Which end of the predecessor drives which end of the successor."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class LagKind(StrEnum):
    """How a dependency's `lag` is counted."""

    WORKING = "working"  # working minutes on the project calendar
    ELAPSED = "elapsed"  # clock minutes, 24 hours a day
    PERCENT = "percent"  # percent of the predecessor's duration


class WorkContour(StrEnum):
    """How an assignment's work is spread over its span, as in Microsoft Project.

    A pattern divides the span into ten equal parts, each worked at a share of
    the assignment's units; `CONTOURED` is work edited by hand, whose span is
    data (`Assignment.span`) rather than a consequence of work and units.
    """

    FLAT = "flat"
    BACK_LOADED = "back loaded"
    FRONT_LOADED = "front loaded"
    DOUBLE_PEAK = "double peak"
    EARLY_PEAK = "early peak"
    LATE_PEAK = "late peak"
    BELL = "bell"
    TURTLE = "turtle"
    CONTOURED = "contoured"


CONTOUR_SHARES: dict[WorkContour, tuple[int, ...]] = {
    WorkContour.FLAT: (100,) * 10,
    WorkContour.BACK_LOADED: (10, 15, 25, 50, 50, 75, 75, 100, 100, 100),
    WorkContour.FRONT_LOADED: (100, 100, 100, 75, 75, 50, 50, 25, 15, 10),
    WorkContour.DOUBLE_PEAK: (25, 50, 100, 50, 25, 25, 50, 100, 50, 25),
    WorkContour.EARLY_PEAK: (25, 50, 100, 100, 75, 50, 40, 30, 20, 10),
    WorkContour.LATE_PEAK: (10, 20, 30, 40, 50, 75, 100, 100, 50, 25),
    WorkContour.BELL: (10, 20, 40, 80, 100, 100, 80, 40, 20, 10),
    WorkContour.TURTLE: (25, 50, 75, 100, 100, 100, 100, 75, 50, 25),
}
"""Percent of the assignment's units worked in each tenth of its span."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """What the scheduler needs of a project: where it starts and its calendar.

    `status_date`, when given, is the moment up to which progress is reported:
    work not started yet is never scheduled before it.
    """

    start: datetime
    calendar: Calendar
    status_date: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """A task as the scheduler sees it.

    A task is a summary task when another task names it as `parent_id`; its own
    duration, constraint and progress are then ignored and its dates roll up.
    `duration` is in working minutes of the task's calendar (clock minutes when
    `elapsed`). A `milestone` keeps its duration, as in Microsoft Project; one of
    zero duration stays zero whatever work it carries. With assignments, the
    duration stands when their work and units give it, else their longest does
    (see schedule.py); `work` counts when none of them carries work.
    `start`/`finish` are read only for manual tasks (and written back by
    `apply_schedule`). `leveling_delay` is working minutes added to the start
    by levelling (clock minutes when `leveling_delay_elapsed`, Project's
    "edays", the start then resuming at the next working moment). `priority`
    is 0..1000; 1000 means "never delay when levelling". `actual_duration`
    is the working minutes done, as Project keeps them (its percent complete
    is that share of the duration, rounded to a whole percent); None: the
    percent of the duration. `splits` are a split task's parts of work as
    Project stored them (start, finish): the gaps between them keep their
    working time, at the same point of the work, wherever the task moves.
    A `fixed_duration` task lasts its duration whatever its assignments'
    work and units say (Project recalculates them, never the duration).
    """

    id: str
    parent_id: str | None = None
    outline_order: int = 0
    duration: int = 0
    elapsed: bool = False
    work: int = 0
    manual: bool = False
    milestone: bool = False
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    percent_complete: int = 0
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    calendar: Calendar | None = None
    start: datetime | None = None
    finish: datetime | None = None
    priority: int = 500
    leveling_delay: int = 0
    leveling_delay_elapsed: bool = False
    actual_duration: int | None = None
    splits: tuple[tuple[datetime, datetime], ...] = ()
    fixed_duration: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Dependency:
    """A link: the successor waits on the predecessor (`lag` may be negative: a lead)."""

    predecessor_id: str
    successor_id: str
    type: DependencyType = DependencyType.FS
    lag: int = 0
    lag_kind: LagKind = LagKind.WORKING


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """A resource on a task: `units` in percent (100 = one person full time), `work` in minutes.

    `calendar` is the resource's: its work is done in that calendar's working
    time (None: the task's calendar). A patterned `contour` stretches the span
    the work needs (a bell-shaped 40 hours at 100% takes 80 working hours); a
    hand-edited one keeps its `span`, in working minutes. `overtime_work` is
    the part of `work` done in overtime, beyond the calendar's working time:
    it shortens the span the work needs, as in Project.
    """

    task_id: str
    resource_id: str
    units: int = 100
    work: int = 0
    calendar: Calendar | None = None
    contour: WorkContour = WorkContour.FLAT
    span: int | None = None
    overtime_work: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A resource as the leveller sees it: how many units it can give at once."""

    id: str
    max_units: int = 100


# -------------------------------------------------------------------------- outputs


class TaskDates(NamedTuple):
    """The scheduler's answer for one task.

    `start`/`finish` are the scheduled dates (late dates for ALAP tasks, actual
    dates when reported). Slack is in working minutes of the task's calendar
    (the project calendar for summary tasks); `total_slack` is
    min(late start - early start, late finish - early finish).

    A NamedTuple rather than a frozen dataclass, by exception: the scheduler
    makes one per task (100,000 in a large project) and a frozen dataclass
    costs four times as much to build, a quarter of the one-second budget.
    It is as immutable and as typed; build it with keywords all the same.
    """

    task_id: str
    summary: bool
    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    duration: int
    work: int
    total_slack: int
    free_slack: int
    critical: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """A scheduled project: its finish and one `TaskDates` per task, in input order."""

    start: datetime
    finish: datetime
    tasks: tuple[TaskDates, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Overallocation:
    """A period during which a resource is asked for more than its maximum units."""

    resource_id: str
    start: datetime
    finish: datetime
    peak_units: int
    max_units: int
    task_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkBeyondAvailability:
    """An assignment with work after its resource's last available day."""

    resource_id: str
    task_id: str
    available_until: date
    """The resource's last available day."""
    first_day: date
    """The first day of work after it."""
    days: int
    """Days with work after it."""
    work: int
    """Minutes of work after it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelingResult:
    """Levelled tasks (with `leveling_delay` set), their schedule, and what is left over."""

    tasks: tuple[Task, ...]
    schedule: Schedule
    delays: tuple[tuple[str, int], ...]
    remaining: tuple[Overallocation, ...]
