"""What the plan server stores: projects, tasks, links, resources, assignments,
calendars, custom fields, time-phased actuals and timesheets.

These are the records of the store and its service; the scheduler works on the
leaner records of ``model.py``, and ``service.py`` translates between the two.
Dates and times are the project's local wall-clock times, without a zone, as
Microsoft Project keeps them; the project names its zone (``timezone``) for
anyone who needs an absolute moment. Work, durations and lags are integer
minutes; money is ``Decimal``. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from projsync.plan.effort import nearest
from projsync.plan.model import (
    ConstraintType,
    DependencyType,
    LagKind,
    WorkContour,
    WorkingIntervals,
)

__all__ = [
    "ActualEntry",
    "CalendarRecord",
    "CustomField",
    "FieldEntity",
    "FieldType",
    "LookupValue",
    "PlanAssignment",
    "PlanLink",
    "PlanProject",
    "PlanResource",
    "PlanTask",
    "ResourceType",
    "TaskType",
    "TaskView",
    "TimesheetCell",
    "TimesheetEntry",
    "TimesheetStatus",
    "TimesheetWeek",
]

ZERO = Decimal("0.00")


class ResourceType(enum.StrEnum):
    WORK = "work"
    MATERIAL = "material"
    COST = "cost"


class TaskType(enum.StrEnum):
    """Which of duration, units and work an edit keeps, as in Microsoft Project
    (``task_types.py`` holds the rules)."""

    FIXED_UNITS = "fixed-units"
    FIXED_WORK = "fixed-work"
    FIXED_DURATION = "fixed-duration"


class FieldType(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    COST = "cost"
    DATE = "date"
    FLAG = "flag"
    DURATION = "duration"


class FieldEntity(enum.StrEnum):
    PROJECT = "project"
    TASK = "task"
    RESOURCE = "resource"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanProject:
    """An enterprise project."""

    id: str
    name: str
    start: dt.datetime
    calendar: str = "Standard"
    status_date: dt.datetime | None = None
    timezone: str = "UTC"
    finish: dt.datetime | None = None
    """Set by the scheduler."""
    currency: str | None = None
    """ISO 4217 code of the project's money (a ledger project's: its company's)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanTask:
    """A task as stored: what a planner enters, and what the scheduler wrote."""

    project: str
    id: str
    name: str
    parent: str | None = None
    position: int = 0
    """Order among all the project's tasks (outline order)."""
    duration: int = 480
    elapsed: bool = False
    work: int = 0
    manual: bool = False
    milestone: bool = False
    type: TaskType = TaskType.FIXED_UNITS
    effort_driven: bool = True
    """Adding or removing a resource keeps the task's work (always, for fixed work)."""
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: dt.datetime | None = None
    deadline: dt.datetime | None = None
    percent_complete: int = 0
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None
    calendar: str | None = None
    priority: int = 500
    leveling_delay: int = 0
    leveling_delay_elapsed: bool = False
    actual_duration: int | None = None
    """Working minutes done, as Project keeps them (None: percent x duration)."""
    splits: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    """A split task's parts of work as Project stored them: the gaps between
    them keep their working time when the task moves (see plan/schedule.py)."""
    category: str | None = None
    budget_work: int = 0
    budget_cost: Decimal = ZERO
    baseline_start: dt.datetime | None = None
    baseline_finish: dt.datetime | None = None
    baseline_duration: int | None = None
    baseline_work: int | None = None
    baseline_cost: Decimal | None = None
    start: dt.datetime | None = None
    finish: dt.datetime | None = None
    early_start: dt.datetime | None = None
    early_finish: dt.datetime | None = None
    late_start: dt.datetime | None = None
    late_finish: dt.datetime | None = None
    total_slack: int | None = None
    free_slack: int | None = None
    critical: bool = False

    @property
    def done_duration(self) -> int:
        """Working minutes done: the actual duration, else the percent of the duration."""
        if self.actual_duration is not None:
            return self.actual_duration
        return nearest(self.duration * self.percent_complete, 100)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanLink:
    """A dependency between two tasks of one project."""

    project: str
    predecessor: str
    successor: str
    type: DependencyType = DependencyType.FS
    lag: int = 0
    lag_kind: LagKind = LagKind.WORKING


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanResource:
    """An enterprise resource."""

    id: str
    name: str
    type: ResourceType = ResourceType.WORK
    standard_rate: Decimal = ZERO
    """Per hour for work resources, per unit for material."""
    overtime_rate: Decimal = ZERO
    cost_per_use: Decimal = ZERO
    max_units: int = 100
    calendar: str | None = None
    available_until: dt.date | None = None
    """The resource's last available day (a worker's end date): work assigned
    after it is reported by the over-allocation report."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanAssignment:
    """A resource on a task."""

    project: str
    task: str
    resource: str
    units: int = 100
    work: int = 0
    actual_work: int = 0
    cost: Decimal = ZERO
    actual_cost: Decimal = ZERO
    contour: WorkContour = WorkContour.FLAT
    span: int | None = None
    """Working minutes a hand-edited (contoured) assignment's work spreads over."""
    overtime_work: int = 0
    """The part of `work` done as overtime: it shortens the task (Project's rule)."""

    @property
    def remaining_work(self) -> int:
        return max(0, self.work - self.actual_work)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActualEntry:
    """Actuals of one task (and resource, when given) on one day."""

    project: str
    task: str
    day: dt.date
    resource: str | None = None
    actual_work: int = 0
    actual_cost: Decimal = ZERO
    revenue: Decimal = ZERO


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarRecord:
    """A stored calendar: a base calendar, or one derived from ``base``."""

    name: str
    week: tuple[WorkingIntervals | None, ...]
    base: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LookupValue:
    value: str
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomField:
    """An enterprise custom field, typed, optionally backed by a lookup table."""

    name: str
    entity: FieldEntity
    type: FieldType
    lookup: tuple[LookupValue, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskView:
    """A task with everything a planner looks at: stored fields, rolled-up
    work, cost and actuals, and its custom field values."""

    task: PlanTask
    summary: bool
    work: int
    cost: Decimal
    actual_work: int
    actual_cost: Decimal
    revenue: Decimal
    budget_work: int
    budget_cost: Decimal
    custom_fields: dict[str, object] = field(default_factory=dict)


class TimesheetStatus(enum.StrEnum):
    """Where a resource's week of hours stands. A line's status is its week's,
    but for a line removed after it was approved (``DELETED``)."""

    DRAFT = "draft"
    """Being filled in by the resource."""
    SUBMITTED = "submitted"
    """Handed to a manager; the resource can no longer change it."""
    APPROVED = "approved"
    """Accepted by a manager: its hours go to the ledger."""
    REJECTED = "rejected"
    """Sent back with the manager's comment: editable, and to be submitted again."""
    DELETED = "deleted"
    """A line removed after it was once approved, kept so its posting is withdrawn."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimesheetCell:
    """Hours to set on one task and day of a resource's timesheet; zero hours
    removes the line."""

    project: str
    task: str
    day: dt.date
    hours: Decimal
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimesheetEntry:
    """One line of a timesheet: a resource's hours on one task and day."""

    id: int
    resource: str
    project: str
    task: str
    day: dt.date
    hours: Decimal
    """Hours to the hundredth, more than 0 and at most 24."""
    note: str
    status: TimesheetStatus
    version: int
    """The plan's change version of this state of the line."""
    approved_once: bool = False
    """Whether the line was ever approved: once it was, a change that takes it
    out of approval withdraws its posting."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TimesheetWeek:
    """A resource's ISO week of hours, with its status and what it holds."""

    resource: str
    week: dt.date
    """The Monday of the week."""
    status: TimesheetStatus = TimesheetStatus.DRAFT
    comment: str = ""
    """The manager's words on the last rejection or reopening."""
    hours: Decimal = Decimal("0.00")
    lines: int = 0
