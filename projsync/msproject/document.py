"""A Microsoft Project file's content in the plan server's terms.

The reader fills it from a file, the importer stores it, the writer writes a
stored project back out as one, and the agreement check schedules it. Task ids
are the file's unique ids as text (or the id a file exported by projsync
carries in its ``ProjsyncId`` field); resources are named by their names, so
files share the enterprise pool. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from projsync.plan.entities import (
    CustomField,
    PlanAssignment,
    PlanLink,
    PlanProject,
    PlanResource,
    PlanTask,
)
from projsync.plan.model import CalendarException, WorkingIntervals

__all__ = ["PROJSYNC_ID_FIELD", "FieldValue", "FileCalendar", "ProjectDocument"]

PROJSYNC_ID_FIELD = "ProjsyncId"
"""The alias of the task text field in which exported files keep projsync's task id."""


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
