"""The connector protocol: what the sync engine may ask of one side of the bridge.

A connector is small and declarative. It says which entity kinds it offers,
reads what changed after a cursor (deletions as tombstones), reads everything
(for first runs and reconciliation), and applies operations keyed by the other
side's id, so that applying the same operation twice changes nothing the
second time. It speaks its own side's terms; ``sync/mapping.py`` translates.

The engine, never a connector, owns cursors, the links between ids, merge
bases, retries, ordering and the integration log. A connector never imports
the sync, nor the other side.

Errors a connector raises, grouped by what the engine must do::

    ConnectorError (projsync.errors.ProjsyncError)
    ├── ConnectorUnavailable  (also RetriableError) the side cannot be reached now: retry later
    └── ConnectorRefused      (also SkippableError) the side refused this operation: log it, go on
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Protocol, runtime_checkable

from sqlalchemy.exc import OperationalError

from projsync.errors import InputError, ProjsyncError, RetriableError, SkippableError

__all__ = [
    "Action",
    "ActualRow",
    "Applied",
    "BulkActuals",
    "Connector",
    "ConnectorError",
    "ConnectorRefused",
    "ConnectorUnavailable",
    "DeletionsByComparison",
    "EntityKind",
    "HourLine",
    "HoursPosted",
    "Operation",
    "PostsHours",
    "ReadsByKey",
    "SyncRecord",
    "TakesFields",
    "TimesheetLine",
    "TimesheetSource",
    "actual_fields",
    "actual_operation",
    "actual_row",
    "apply_one",
    "fields_of",
    "read_now",
]


class EntityKind(enum.StrEnum):
    """What travels across, named as the integration log names it."""

    PROJECT = "project"
    """A project header: a ledger project or subproject; a plan project."""
    TASK = "task"
    """A hierarchy node: a ledger activity; a plan task."""
    RESOURCE = "resource"
    """A resource header: an integrated ledger worker; a plan resource."""
    ASSIGNMENT = "assignment"
    """Planned work: a ledger hour forecast; a plan assignment."""
    ACTUAL = "actual"
    """Actuals of one task, resource and day: posted hours, cost and revenue."""


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    MOVE = "move"
    UNLINK = "unlink"
    DELETE = "delete"
    REFRESH = "refresh"


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncRecord:
    """One entity as its side holds it now, or its tombstone."""

    kind: EntityKind
    key: str
    """The side's own key: "P1", "P1/A1", "W1", ..."""
    version: int
    """The side's change version of this state; higher is newer."""
    fields: Mapping[str, object] | None = None
    """Current values in the side's terms; ``None`` for a deletion."""
    parent: str | None = None
    """Key of the record this one hangs under (a task's project or parent task),
    so operations can go parents before children."""

    @property
    def deleted(self) -> bool:
        return self.fields is None


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    """A change to make on a side, keyed for idempotence by the other side's key."""

    kind: EntityKind
    action: Action
    source_key: str
    """The key on the side the change comes from: a replay is recognised by it."""
    target_key: str | None = None
    """The key on this side when the entity exists here already."""
    fields: Mapping[str, object] = field(default_factory=dict)
    parent: str | None = None
    """This side's key of the parent, when the entity hangs under one."""
    header: bool = False
    """A plan task that stands for a ledger subproject (its summary node). Its
    fields are the subproject's: a side with subprojects of its own (Redmine)
    makes one; the built-in plan server makes a summary task of the name."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Applied:
    """What became of one operation."""

    operation: Operation
    target_key: str | None
    """This side's key of the entity after the operation (None when deleted)."""
    version: int | None = None
    """This side's version of the entity after the operation."""
    error: str | None = None
    retriable: bool = False
    defaults: Mapping[str, object] = field(default_factory=dict)
    """Values this side settled itself, in this side's terms: they belong in the
    merge base. A plan project's start, say: chosen where the operation gave
    none, or the one given, it is the project's projected start."""

    @property
    def ok(self) -> bool:
        return self.error is None


class ConnectorError(ProjsyncError):
    """A connector could not do what it was asked."""


class ConnectorUnavailable(ConnectorError, RetriableError):
    """The side cannot be reached now; the same call may work later."""


class ConnectorRefused(ConnectorError, SkippableError):
    """The side refused one operation (bad data); the others may go on."""


def fields_of(record: object) -> dict[str, object]:
    """A dataclass record's fields by name, as the side's ``SyncRecord`` carries
    them (the names are found once per class: a run reads records by the
    hundred thousand)."""
    names = _FIELD_NAMES.get(type(record))
    if names is None:
        fields = dataclasses.fields(record)  # type: ignore[arg-type]
        names = _FIELD_NAMES[type(record)] = tuple(f.name for f in fields)
    return {name: getattr(record, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def apply_one(operation: Operation, handler: Callable[[Operation], str | None]) -> Applied:
    """Run one operation through a side's handler and say what became of it:
    refused input is a plain failure, an unreachable side a retriable one."""
    try:
        key = handler(operation)
    except InputError as exc:
        return Applied(operation=operation, target_key=operation.target_key, error=str(exc))
    except (RetriableError, OperationalError) as exc:
        return Applied(
            operation=operation, target_key=operation.target_key, error=str(exc), retriable=True
        )
    return Applied(operation=operation, target_key=key)


@runtime_checkable
class Connector(Protocol):
    """One side of the bridge."""

    side: str
    """"ledger" or "plan"."""

    def kinds(self) -> tuple[EntityKind, ...]:
        """The entity kinds this side offers, parents before children."""
        ...

    def high_water(self) -> int:
        """The newest change version now: a run reads up to here and no further."""
        ...

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        """Records of ``kind`` changed after ``since`` up to ``until``, deletions included.

        The ledger side gives actuals as whole days: for each project, activity
        and day that changed, the aggregates of every worker of that day,
        ordered by project, activity and day (the engine folds them day by
        day as they stream)."""
        ...

    def snapshot(self, kind: EntityKind) -> Iterator[SyncRecord]:
        """Every record of ``kind`` as it is now."""
        ...

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        """Apply operations in order; each result says what became of one."""
        ...


class ActualRow(NamedTuple):
    """Actuals to set on one task, resource and day of the plan side: a batch of
    actuals travels as rows like this one rather than as operations (they
    come by the million, and each is a handful of numbers)."""

    target_key: str
    """The plan side's key: ``project/task/resource/day`` (no resource: empty)."""
    action: Action
    """Create, update, or delete (its figures are then zero)."""
    actual_work: int
    """Minutes."""
    actual_cost: Decimal
    revenue: Decimal


def actual_fields(row: ActualRow) -> dict[str, object]:
    """An actual's figures as the fields of its ``ACTUAL`` operation (none
    when it is deleted)."""
    if row.action is Action.DELETE:
        return {}
    return {"actual_work": row.actual_work, "actual_cost": row.actual_cost, "revenue": row.revenue}


def actual_operation(row: ActualRow, source_key: str) -> Operation:
    """An actual as an ``ACTUAL`` operation, for a side that takes no rows."""
    return Operation(
        kind=EntityKind.ACTUAL,
        action=row.action,
        source_key=source_key,
        target_key=row.target_key,
        fields=actual_fields(row),
    )


def actual_row(operation: Operation) -> ActualRow:
    """An ``ACTUAL`` operation as a row: figures given as decimals or their
    text, a missing one as zero."""
    fields = operation.fields
    return ActualRow(
        str(operation.target_key),
        operation.action,
        int(fields.get("actual_work") or 0),  # type: ignore[call-overload]
        _amount(fields.get("actual_cost")),
        _amount(fields.get("revenue")),
    )


def _amount(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or "0"))


@runtime_checkable
class BulkActuals(Protocol):
    """A side that takes a batch of actuals as rows in one call. The engine
    gives a side without it the same actuals as ``ACTUAL`` operations."""

    def apply_actuals(self, rows: Sequence[ActualRow]) -> list[str | None]:
        """Set each row's actuals, replacing what was there (a replay changes
        nothing twice); each result is that row's error, or None."""
        ...


@runtime_checkable
class DeletionsByComparison(Protocol):
    """A side that keeps no tombstones (Redmine): what it deleted is found by
    comparing what it holds with what the sync linked."""

    def vanished(self, kind: EntityKind, keys: Sequence[str]) -> list[str]:
        """Of these keys of ``kind`` (linked by the sync), those the side no
        longer holds. A key the side cannot see whole (its project is gone or
        hidden) is never said to have vanished."""
        ...


@runtime_checkable
class ReadsByKey(Protocol):
    """A side that reads a few entities by key. The engine reads a side this way
    where it cannot take the side as the merge base says (a conflict is held,
    a write was refused); a side without it is read whole and filtered."""

    def read(self, kind: EntityKind, keys: Sequence[str]) -> Iterator[SyncRecord]:
        """The records of these keys as the side holds them now; a key it does
        not hold comes back as a tombstone."""
        ...


def read_now(side: Connector, kind: EntityKind, keys: Sequence[str]) -> dict[str, SyncRecord]:
    """The given entities as ``side`` holds them now, tombstones for those it
    does not hold, by key."""
    if not keys:
        return {}
    if isinstance(side, ReadsByKey):
        found = {r.key: r for r in side.read(kind, keys)}
    else:
        wanted = set(keys)
        found = {r.key: r for r in side.snapshot(kind) if r.key in wanted}
    version = side.high_water()
    for key in keys:
        found.setdefault(key, SyncRecord(kind=kind, key=key, version=version))
    return found


@runtime_checkable
class TakesFields(Protocol):
    """A side that says which fields its ``apply`` can set. A field it reads but
    cannot set (one it derives, or keeps for the other side) flows one way:
    the engine holds it to the other side's value rather than send the
    side's own edit where it cannot go."""

    def takes(self, kind: EntityKind) -> frozenset[str] | None:
        """The fields, in this side's terms, that an update of ``kind`` sets
        (None: every field it is given)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class TimesheetLine:
    """Hours a person recorded on one task and day, as their side holds them:
    approved (a plan server's timesheet), or simply logged (Redmine)."""

    key: str
    """The side's own key of the line: a timesheet line's id, a time entry's id."""
    version: int
    """The side's change version of this state; a line changed after it was
    posted comes again with a higher one."""
    task: str | None
    """The side's task key (``project/task``), None when the line is on no task."""
    resource: str | None
    """The side's resource key of the person, None for a person the sync did not make."""
    person: str
    """Who recorded the hours, as their side names them (for messages)."""
    day: dt.date
    hours: Decimal
    text: str = ""
    withdrawn: bool = False
    """Approved once, not any more (reopened, rejected, deleted): whatever was
    posted of it is reversed."""


@runtime_checkable
class TimesheetSource(Protocol):
    """A side whose people record their hours: each line becomes one hour
    posting in the ledger, through a side that ``PostsHours``."""

    timesheet_source: str
    """How the ledger names a journal of this side's lines: ``"redmine time
    entry"``, posted as ``"redmine time entry 42"``."""
    timesheets_whole: bool
    """True when ``timesheet_lines`` gives every line whatever it is asked (the
    side cannot tell which changed, nor keeps what it deleted): a line posted
    before and not given now is asked after with ``vanished_lines``."""

    def timesheet_lines(self, since: int, until: int) -> Iterator[TimesheetLine]:
        """The lines whose version is after ``since`` up to ``until``: the
        approved ones, and those withdrawn since they were approved."""
        ...

    def vanished_lines(self, keys: Sequence[str]) -> list[str]:
        """Of these keys of lines not given now, those the side no longer
        holds (a side whose lines are not ``timesheets_whole`` says none: it
        gives a withdrawn line instead). A line the side cannot see is never
        said to have vanished."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class HourLine:
    """One timesheet line in the ledger's terms."""

    project: str
    activity: str
    worker: str
    day: dt.date
    hours: Decimal
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HoursPosted:
    """What became of a timesheet line in the ledger."""

    journal: int | None
    """The journal that holds the line now (None when it was withdrawn)."""
    reversed: tuple[int, ...] = ()
    """The transactions of an earlier state of the line reversed now."""
    changed: bool = True
    """False when the ledger held the line as it is already (a replay)."""


@runtime_checkable
class PostsHours(Protocol):
    """A side that posts outside timesheets as hour transactions: the ledger.

    Each line is posted under a ``source`` that names it for good; posting a
    line again as it stands changes nothing, and a line that changed replaces
    its earlier posting (reversed, then posted anew) in one transaction, so a
    crash or a second run at the same moment never posts a line twice."""

    def post_hours(self, source: str, line: HourLine) -> HoursPosted:
        """Post the line, priced at the worker's prices on its day; raise
        ``ConnectorRefused`` with the ledger's reasons, nothing changed,
        when the ledger refuses it."""
        ...

    def withdraw_hours(self, source: str) -> HoursPosted:
        """Reverse what stands posted under ``source`` (nothing: a replay)."""
        ...

    def hours_standing(self, prefix: str) -> set[str]:
        """The sources starting with ``prefix`` under which hours stand posted
        (not reversed): how a line deleted on a side that keeps nothing of it
        is found, whatever the log says."""
        ...
