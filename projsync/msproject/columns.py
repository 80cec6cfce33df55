"""The task fields of a whole file in three calls to the JVM.

``io.projsync.TaskColumns`` (``java/``, compiled by ``make``) reads, for every
task of an MPXJ file, the fields the reader models into flat arrays: one call
instead of some thirty a task, each of which costs a microsecond or two
through JPype. Without the compiled class the reader asks task by task, with
the same results (a test compares both on the corpus).
"""

from __future__ import annotations

import array
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from projsync.msproject.jvm import java_classes
from projsync.plan.effort import nearest
from projsync.plan.entities import PlanLink, PlanTask, TaskType
from projsync.plan.model import ConstraintType, DependencyType, LagKind

__all__ = [
    "FINISH_CONSTRAINTS",
    "TASK_TYPES",
    "WIDTH",
    "ColumnTasks",
    "Columns",
    "actual_duration",
    "as_duration",
    "as_minutes",
    "populated_among",
    "read_columns",
]

WIDTH = 36
"""Numbers a task; the layout is TaskColumns.numbers()'s."""
(
    UID, PARENT, DURATION, CONSTRAINT, CONSTRAINT_DATE, DELAY, WORK, MANUAL,
    MILESTONE, EFFORT_DRIVEN, DEADLINE, PERCENT, ACTUAL_START, ACTUAL_FINISH, PRIORITY,
    BASELINE_START, BASELINE_FINISH, BASELINE_DURATION, BASELINE_WORK, BASELINE_COST,
    START, FINISH, EARLY_START, EARLY_FINISH, LATE_START, LATE_FINISH, CRITICAL, BLANK, TYPE,
    ACTUAL_DURATION,
) = (0, 1, 2, 4, 5, 6, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 24,
     25, 26, 27, 28, 29, 30, 31, 32, 33, 34)  # fmt: skip
"""Offsets in a task's numbers; a duration takes two (amount, unit ordinal)."""

_EPOCH = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - a file's dates are local, as they read
_NONE = "\x00"


FINISH_CONSTRAINTS = {ConstraintType.FNET, ConstraintType.FNLT, ConstraintType.MFO}
TASK_TYPES = {
    "FIXED_UNITS": TaskType.FIXED_UNITS,
    "FIXED_WORK": TaskType.FIXED_WORK,
    "FIXED_DURATION": TaskType.FIXED_DURATION,
    "FIXED_DURATION_AND_UNITS": TaskType.FIXED_DURATION,  # Primavera's; Project has none
}
"""MPXJ's TaskType names; a task without one is fixed units, Project's default."""


@dataclass(frozen=True, slots=True)
class Columns:
    numbers: array.array[float]
    """WIDTH numbers a task, in the file's task order; NaN for no value."""
    names: list[str | None]
    calendars: list[str | None]
    links: array.array[float]
    """Five numbers a link: successor's index, predecessor's unique id,
    type ordinal, lag, lag unit ordinal."""
    splits: dict[int, tuple[tuple[dt.datetime, dt.datetime], ...]]
    """The parts of work of each split task, by its index."""

    def __len__(self) -> int:
        return len(self.names)

    def column(self, offset: int) -> list[float]:
        """One number of every task."""
        return list(self.numbers[offset::WIDTH])

    def moment(self, index: int, offset: int) -> dt.datetime | None:
        value = self.numbers[index * WIDTH + offset]
        return None if math.isnan(value) else _EPOCH + dt.timedelta(microseconds=int(value))


class ColumnTasks:
    """The reader's tasks and links from the columns: the same fields and the
    same rules as its task-by-task reading (mixed into its converter, which
    provides what is declared here)."""

    constraints: dict[int, ConstraintType]
    relations: dict[int, DependencyType]
    task_types: dict[int, TaskType]

    def _measured(self, value: float, unit: Any) -> tuple[int, LagKind]:
        raise NotImplementedError

    def _at_start(self, moment: dt.datetime | None) -> dt.datetime | None:
        raise NotImplementedError

    def _at_finish(self, moment: dt.datetime | None) -> dt.datetime | None:
        raise NotImplementedError

    def _task_at(
        self, table: Columns, index: int, task_id: str, ids: dict[int, str], position: int
    ) -> PlanTask:
        """``_task`` from the columns TaskColumns read: the same fields, the same rules."""
        row = table.numbers[index * WIDTH : (index + 1) * WIDTH]
        moment = table.moment

        def at(offset: int) -> dt.datetime | None:
            return moment(index, offset)

        def measured(offset: int) -> tuple[int, LagKind]:
            return self._measured(row[offset], row[offset + 1])

        parent_unique = int(row[PARENT])
        duration, elapsed = as_duration(*measured(DURATION))
        constraint = (
            ConstraintType.ASAP if row[CONSTRAINT] < 0 else self.constraints[int(row[CONSTRAINT])]
        )
        delay, delay_elapsed = as_duration(*measured(DELAY))
        percent, priority, baseline_cost = row[PERCENT], row[PRIORITY], row[BASELINE_COST]
        kind = TaskType.FIXED_UNITS if row[TYPE] < 0 else self.task_types[int(row[TYPE])]
        done, _ = as_duration(*measured(ACTUAL_DURATION))
        percent_complete = 0 if math.isnan(percent) else min(100, max(0, round(percent)))
        return PlanTask(
            project="",
            id=task_id,
            name=(table.names[index] or f"Task {task_id}")[:250],
            parent=ids.get(parent_unique) if parent_unique else None,
            position=position,
            duration=max(0, duration),
            elapsed=elapsed,
            work=max(0, as_minutes(*measured(WORK))),
            manual=bool(row[MANUAL]),
            milestone=bool(row[MILESTONE]),
            type=kind,
            effort_driven=bool(row[EFFORT_DRIVEN]) or kind is TaskType.FIXED_WORK,
            constraint=constraint,
            constraint_date=(
                self._at_finish(at(CONSTRAINT_DATE))
                if constraint in FINISH_CONSTRAINTS
                else self._at_start(at(CONSTRAINT_DATE))
            )
            if constraint not in (ConstraintType.ASAP, ConstraintType.ALAP)
            else None,
            deadline=self._at_finish(at(DEADLINE)),
            percent_complete=percent_complete,
            actual_start=self._at_start(at(ACTUAL_START)),
            actual_finish=self._at_finish(at(ACTUAL_FINISH)),
            calendar=table.calendars[index],
            priority=500 if math.isnan(priority) else min(1000, max(0, int(priority))),
            leveling_delay=max(0, delay),
            leveling_delay_elapsed=delay_elapsed and delay > 0,
            actual_duration=actual_duration(done, max(0, duration), percent_complete),
            splits=table.splits.get(index, ()),
            budget_work=0,
            baseline_start=at(BASELINE_START),
            baseline_finish=at(BASELINE_FINISH),
            baseline_duration=as_minutes(*measured(BASELINE_DURATION)) or None,
            baseline_work=as_minutes(*measured(BASELINE_WORK)) or None,
            baseline_cost=None
            if math.isnan(baseline_cost)
            else (Decimal(str(baseline_cost)).quantize(Decimal("0.01")) or None),
            start=at(START),
            finish=at(FINISH),
            early_start=at(EARLY_START),
            early_finish=at(EARLY_FINISH),
            late_start=at(LATE_START),
            late_finish=at(LATE_FINISH),
            critical=bool(row[CRITICAL]),
        )

    def _links_at(
        self, table: Columns, uids: list[int], kept: set[int], ids: dict[int, str]
    ) -> Iterator[PlanLink]:
        """``_links`` from the columns TaskColumns read."""
        seen: set[tuple[str, str]] = set()
        links = table.links
        for at in range(0, len(links), 5):
            successor = int(links[at])
            predecessor = int(links[at + 1])
            if successor not in kept or predecessor not in ids:
                continue
            pair = (ids[predecessor], ids[uids[successor]])
            if pair in seen or pair[0] == pair[1]:
                continue
            seen.add(pair)
            lag, kind = self._measured(links[at + 3], links[at + 4])
            yield PlanLink(
                project="",
                predecessor=pair[0],
                successor=pair[1],
                type=self.relations[int(links[at + 2])],
                lag=lag,
                lag_kind=kind,
            )


def actual_duration(done: int, duration: int, percent: int) -> int | None:
    """The actual duration worth keeping: None where it is only the percent of
    the duration (Project's percent is the actual duration's share, rounded)."""
    if done <= 0 or done == nearest(duration * percent, 100):
        return None
    return min(done, duration)


def as_duration(minutes: int, kind: LagKind) -> tuple[int, bool]:
    return (0, False) if kind is LagKind.PERCENT else (minutes, kind is LagKind.ELAPSED)


def as_minutes(minutes: int, kind: LagKind) -> int:
    return 0 if kind is LagKind.PERCENT else minutes


def populated_among(project_file: Any, wanted: list[Any]) -> Any:
    """Those of the wanted task fields that some task has a value for (MPXJ's
    rule), or None when TaskColumns is not built."""
    helper = _helper()
    if helper is None:
        return None
    (java_list,) = java_classes("java.util.ArrayList")
    fields = java_list()
    for field in wanted:
        fields.add(field)
    return helper.populated(project_file.getTasks(), fields)


def read_columns(tasks: Any, populated: Any) -> Columns | None:
    """The columns of MPXJ's task list, or None when TaskColumns is not built
    (or a name holds the separator U+0001)."""
    helper = _helper()
    if helper is None:
        return None
    numbers = _floats(helper.numbers(tasks, populated))
    texts = str(helper.texts(tasks, populated)).split("\x01")
    count = len(numbers) // WIDTH
    if len(texts) != 2 * count + 1:
        return None
    strings = [None if t == _NONE else t for t in texts[:-1]]
    return Columns(
        numbers=numbers,
        names=strings[0::2],
        calendars=strings[1::2],
        links=_floats(helper.links(tasks)),
        splits=_splits(_floats(helper.splits(tasks))),
    )


def _splits(flat: array.array[float]) -> dict[int, tuple[tuple[dt.datetime, dt.datetime], ...]]:
    """TaskColumns.splits()'s numbers as parts of work by task index."""
    found: dict[int, tuple[tuple[dt.datetime, dt.datetime], ...]] = {}
    at = 0
    while at < len(flat):
        index, count = int(flat[at]), int(flat[at + 1])
        values = flat[at + 2 : at + 2 + 2 * count]
        moments = [_EPOCH + dt.timedelta(microseconds=int(v)) for v in values]
        found[index] = tuple(zip(moments[0::2], moments[1::2], strict=True))
        at += 2 + 2 * count
    return found


_HELPER: list[Any] = []


def _helper() -> Any:
    if not _HELPER:
        try:
            (found,) = java_classes("io.projsync.TaskColumns")
            _HELPER.append(found if int(found.WIDTH) == WIDTH else None)
        except Exception:  # JPype's class-not-found: the class is not built
            _HELPER.append(None)
    return _HELPER[0]


def _floats(values: Any) -> array.array[float]:
    found = array.array("d")
    found.frombytes(memoryview(values).cast("B"))
    return found
