"""A Microsoft Project file's content in the plan server's terms.

The reader fills it from a file, the importer stores it, the writer writes a
stored project back out as one, and the agreement check schedules it. Task ids
are the file's unique ids as text (or the id a file exported by projsync
carries in its ``ProjsyncId`` field); resources likewise carry their projsync
id, else an id made from their name, and the importer finds them in the
enterprise pool by id, then by name. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from projsync.plan.entities import (
    ActualEntry,
    CustomField,
    PlanAssignment,
    PlanLink,
    PlanProject,
    PlanResource,
    PlanTask,
)
from projsync.plan.model import CalendarException, WorkingIntervals

__all__ = [
    "BUDGET_COST_FIELD",
    "BUDGET_WORK_FIELD",
    "PROJSYNC_ID_FIELD",
    "FieldValue",
    "FileCalendar",
    "ProjectDocument",
]

PROJSYNC_ID_FIELD = "ProjsyncId"
"""The alias of the task and resource text fields in which exported files keep
projsync's task and resource ids."""
BUDGET_WORK_FIELD = "BudgetWork"
"""The alias of the task duration field that carries a task's budget work
(MSPDI has no budget of its own for a task other than the project's)."""
BUDGET_COST_FIELD = "BudgetCost"
"""The alias of the task cost field that carries a task's budget cost."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FileCalendar:
    """A calendar of the file: base (no ``base``) or derived from another."""

    name: str
    week: tuple[WorkingIntervals | None, ...]
    exceptions: tuple[CalendarException, ...] = ()
    base: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldValue:
    """A custom field's value on the project (``key`` ""), a task or a resource."""

    field: str
    key: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectDocument:
    """Everything the plan server keeps of one project file."""

    source: str
    project: PlanProject
    calendars: tuple[FileCalendar, ...]
    tasks: tuple[PlanTask, ...]
    links: tuple[PlanLink, ...]
    resources: tuple[PlanResource, ...]
    assignments: tuple[PlanAssignment, ...]
    fields: tuple[CustomField, ...] = ()
    values: tuple[FieldValue, ...] = ()
    minutes_per_day: int = 480
    blank_rows: int = 0
    """Blank rows of the file (Project's null tasks): no task, so not imported."""
    pool_ids: frozenset[str] = frozenset()
    """Resources whose projsync id the file carries (``ProjsyncId``): they are
    the pool's resources of that id."""
    actuals: tuple[ActualEntry, ...] = ()
    """The plan's actuals by task, resource and day, written out (time-phased
    where MSPDI can carry it); a file read leaves them empty: actuals come from
    the ledger's postings, never from a file."""
