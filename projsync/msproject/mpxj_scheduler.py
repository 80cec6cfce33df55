"""MPXJ's own scheduler, ``MicrosoftScheduler``, on a project file, to compare
with ours on the same tasks.

The file is read again with MPXJ; each task's stored start and finish are
remembered, then MicrosoftScheduler reschedules the file in memory from the
start it is given (ours: the file's project start; it takes no status date)
and its dates are read back. The tasks are the reader's: every row but the
project summary (unique id 0) and blank rows, in file order, so that they pair
with a document's tasks by position. It must never write the file, and a file
the scheduler refuses is an answer (the exception's class), not an error.

MicrosoftScheduler refuses a task without an actual and a remaining duration,
which MPX files and some old .mpp files do not store; where one is missing it
is filled in as Microsoft Project derives it, from the percent complete
(actual = duration × percent, remaining = the rest).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projsync.msproject.jvm import java_classes, start_jvm

__all__ = ["Dates", "MpxjRun", "run_mpxj"]

Dates = tuple[dt.datetime | None, dt.datetime | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class MpxjRun:
    """One file as MPXJ read and, when asked, scheduled it; tasks by position."""

    stored: tuple[Dates, ...] = ()
    """Start and finish of each task as the file stores them."""
    split: frozenset[int] = frozenset()
    """Positions of the tasks whose work is in more than one piece."""
    overtime: frozenset[int] = frozenset()
    """Positions of the tasks with overtime work."""
    scheduled: tuple[Dates, ...] | None = None
    """MicrosoftScheduler's start and finish of each task; None when not asked,
    or when it failed."""
    error: str | None = None
    """The class of the exception MPXJ threw (reading or scheduling)."""
    reason: str = ""


def run_mpxj(path: Path, *, start: dt.datetime | None) -> MpxjRun:
    """Read the file with MPXJ, and schedule it from ``start`` unless None."""
    start_jvm()
    import jpype

    reader, scheduler, local = java_classes(
        "org.mpxj.reader.UniversalProjectReader",
        "org.mpxj.cpm.MicrosoftScheduler",
        "java.time.LocalDateTime",
    )
    try:
        project_file = reader().read(str(path))
    except jpype.JException as exc:
        return _failed(exc)
    if project_file is None:
        return MpxjRun(error="Unreadable", reason="MPXJ could not read the file again")
    tasks = [t for t in project_file.getTasks() if _int(t.getUniqueID()) != 0 and not t.getNull()]
    read = MpxjRun(
        stored=tuple(_dates(t) for t in tasks),
        split=frozenset(i for i, t in enumerate(tasks) if _split(t)),
        overtime=frozenset(i for i, t in enumerate(tasks) if _overtime(t)),
    )
    if start is None:
        return read
    try:
        _fill_progress_durations(project_file)
        at = local.of(start.year, start.month, start.day, start.hour, start.minute)
        scheduler().schedule(project_file, at)
    except jpype.JException as exc:
        failed = _failed(exc)
        return MpxjRun(
            stored=read.stored,
            split=read.split,
            overtime=read.overtime,
            error=failed.error,
            reason=failed.reason,
        )
    return MpxjRun(
        stored=read.stored,
        split=read.split,
        overtime=read.overtime,
        scheduled=tuple(_dates(t) for t in tasks),
    )


def _fill_progress_durations(project_file: Any) -> None:
    """Actual and remaining durations where the file has none (see the module)."""
    (duration_class,) = java_classes("org.mpxj.Duration")
    for task in project_file.getTasks():
        duration = task.getDuration()
        if duration is None:
            continue
        if task.getActualDuration() is not None and task.getRemainingDuration() is not None:
            continue
        percent = task.getPercentageComplete()
        share = 0.0 if percent is None else min(100.0, float(percent.doubleValue())) / 100
        total, units = float(duration.getDuration()), duration.getUnits()
        if task.getActualDuration() is None:
            task.setActualDuration(duration_class.getInstance(total * share, units))
        if task.getRemainingDuration() is None:
            task.setRemainingDuration(duration_class.getInstance(total * (1 - share), units))


def _failed(exc: Any) -> MpxjRun:
    name = str(exc.getClass().getSimpleName())
    return MpxjRun(error=name, reason=str(exc.getMessage() or name)[:200])


def _split(task: Any) -> bool:
    pieces = task.getWorkSplits()
    return pieces is not None and int(pieces.size()) > 1


def _overtime(task: Any) -> bool:
    work = task.getOvertimeWork()
    return work is not None and float(work.getDuration()) > 0


def _dates(task: Any) -> Dates:
    return _moment(task.getStart()), _moment(task.getFinish())


def _moment(value: Any) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(str(value.toString()))


def _int(value: Any) -> int:
    return 0 if value is None else int(value)
