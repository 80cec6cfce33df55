"""Scheduling that agrees with Microsoft Project: reschedule a file's project with
projsync's scheduler and compare every task's start and finish with the dates
Microsoft Project stored in the file, an oracle no one here wrote.

The project is rescheduled from the file's own project start and status date,
on the file's own calendars, each resource working on its own calendar.
Nothing is stored.

Dates are compared at the precision the file stores them. A file in which no
task date has a time of day (every start and finish at midnight: Project 98's
MPX files write "Fri 17/10/14" when their date format has no time) only says
on which day a task starts and finishes, so its tasks are compared by day;
every other file is compared to the minute.

Beside ours, MPXJ's own scheduler may reschedule each file (``mpxj_scheduler``),
compared on exactly the same tasks by the same rule, and each missed task may
be given its class (``misses``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from projsync.errors import InputError, refusal
from projsync.msproject.document import FileCalendar, ProjectDocument
from projsync.msproject.misses import MissClass, TaskFacts, classify, count_classes, task_facts
from projsync.msproject.mpxj_scheduler import Dates, MpxjRun, run_mpxj
from projsync.msproject.reader import read_document
from projsync.plan.model import Calendar, PlanError
from projsync.plan.schedule import schedule
from projsync.plan.scheduling import scheduler_inputs

__all__ = [
    "CheckReport",
    "FileCheck",
    "Mismatch",
    "check_document",
    "check_file",
    "check_paths",
    "project_files",
]

MAX_LISTED = 50
PROJECT_SUFFIXES = {".mpp", ".xml", ".mpx"}
TASKS_DIFFER = "TasksDiffer"
"""MPXJ's error for a file whose second reading did not give the same tasks
with the same stored dates (then nothing of that reading is used)."""

Classes = tuple[tuple[MissClass, int], ...]
"""Missed tasks by class, in the order of ``MissClass``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Mismatch:
    file: str
    task: str
    stored: Dates
    ours: Dates
    mpxj: Dates | None = None
    """MPXJ's dates, when its scheduler ran on the file."""
    kind: MissClass | None = None
    """The class of our miss, when the file was classified."""

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "file": self.file,
            "task": self.task,
            "stored": _iso(self.stored),
            "ours": _iso(self.ours),
        }
        if self.mpxj is not None:
            found["mpxj"] = _iso(self.mpxj)
        if self.kind is not None:
            found["class"] = self.kind.value
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class FileCheck:
    """One file's result: its counts, the classes of its misses, its first mismatches."""

    file: str
    failure: str | None = None
    """Why the file was neither scheduled nor counted (then nothing else is set)."""
    tasks: int = 0
    identical: int = 0
    blank_rows: int = 0
    misses: Classes | None = None
    """None when the file was not classified."""
    mpxj_identical: int | None = None
    """None when MPXJ's scheduler was not asked."""
    mpxj_misses: Classes | None = None
    mpxj_error: str | None = None
    """The class of the exception MPXJ threw; its tasks then count as missed."""
    mpxj_reason: str = ""
    mismatches: tuple[Mismatch, ...] = ()
    """Our first mismatches (at most MAX_LISTED)."""

    def as_json(self) -> str:
        if self.failure is not None:
            return json.dumps({"file": self.file, "failed": self.failure})
        line: dict[str, Any] = {"file": self.file, "tasks": self.tasks, "identical": self.identical}
        if self.misses is not None:
            line["misses"] = {kind.value: n for kind, n in self.misses}
        if self.mpxj_identical is not None:
            line["mpxj_identical"] = self.mpxj_identical
            line["mpxj_misses"] = {kind.value: n for kind, n in self.mpxj_misses or ()}
            line["mpxj_error"] = self.mpxj_error
        return json.dumps(line)


@dataclass(slots=True, kw_only=True)
class CheckReport:
    """Agreement over many files: counts, and the first mismatches."""

    mpxj: bool = False
    """Whether MPXJ's scheduler ran beside ours (the mpxj_ figures mean something)."""
    classified: bool = False
    files: int = 0
    files_failed: int = 0
    tasks: int = 0
    identical: int = 0
    blank_rows: int = 0
    """Blank rows of the files: not tasks, so neither scheduled nor counted."""
    mpxj_identical: int = 0
    misses: Counter[MissClass] = field(default_factory=Counter)
    mpxj_misses: Counter[MissClass] = field(default_factory=Counter)
    mismatches: list[Mismatch] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    mpxj_failures: list[tuple[str, str, str]] = field(default_factory=list)
    """(file, exception class, reason) of each file MPXJ's scheduler failed on."""

    def add(self, checked: FileCheck) -> None:
        self.files += 1
        if checked.failure is not None:
            self.files_failed += 1
            self.failures.append((checked.file, checked.failure))
            return
        self.tasks += checked.tasks
        self.identical += checked.identical
        self.blank_rows += checked.blank_rows
        self.misses.update(dict(checked.misses or ()))
        self.mpxj_identical += checked.mpxj_identical or 0
        self.mpxj_misses.update(dict(checked.mpxj_misses or ()))
        if checked.mpxj_error is not None:
            self.mpxj_failures.append((checked.file, checked.mpxj_error, checked.mpxj_reason))
        self.mismatches.extend(checked.mismatches[: MAX_LISTED - len(self.mismatches)])

    def as_json(self) -> str:
        summary: dict[str, Any] = {
            "files": self.files,
            "files_failed": self.files_failed,
            "tasks": self.tasks,
            "identical": self.identical,
            "blank_rows": self.blank_rows,
            "agreement": _share(self.identical, self.tasks),
        }
        if self.mpxj:
            summary["mpxj_identical"] = self.mpxj_identical
            summary["mpxj_agreement"] = _share(self.mpxj_identical, self.tasks)
            summary["mpxj_files_failed"] = len(self.mpxj_failures)
        if self.classified:
            summary["misses"] = _by_class(self.misses)
        if self.mpxj:
            summary["mpxj_misses"] = _by_class(self.mpxj_misses)
            summary["mpxj_failures"] = [
                {"file": f, "error": e, "reason": r} for f, e, r in self.mpxj_failures
            ]
        summary["mismatches"] = [m.as_dict() for m in self.mismatches[:MAX_LISTED]]
        summary["failures"] = [{"file": f, "reason": r} for f, r in self.failures]
        return json.dumps(summary)


def project_files(path: Path) -> list[Path]:
    """The project files at a path: the file itself, or every one under a folder."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in PROJECT_SUFFIXES)
    return [path]


def check_paths(
    paths: Iterable[Path],
    *,
    root: Path | None = None,
    progress: Callable[[str], None] | None = None,
    each: Callable[[FileCheck], None] | None = None,
    mpxj: bool = False,
    classify: bool = False,
) -> CheckReport:
    """Check every file (see ``check_file``); ``each`` sees every file's result."""
    report = CheckReport(mpxj=mpxj, classified=classify or mpxj)
    for path in paths:
        name = str(path.relative_to(root)) if root else path.name
        if progress is not None:
            progress(name)
        checked = check_file(path, name=name, mpxj=mpxj, classify=classify)
        report.add(checked)
        if each is not None:
            each(checked)
    return report


def check_file(
    path: Path, *, name: str | None = None, mpxj: bool = False, classify: bool = False
) -> FileCheck:
    """One file rescheduled by us; with ``mpxj`` by MPXJ's scheduler too, from
    the same project start; with ``classify`` (implied by ``mpxj``) each missed
    task gets its class. A file MPXJ cannot schedule is reported, not raised."""
    name = name or path.name
    try:
        document = read_document(path)
        compared = _compare(document)
    except (InputError, PlanError) as exc:
        return FileCheck(file=name, failure=str(exc))
    if not (mpxj or classify):
        return _ours_only(name, document, compared)
    theirs = run_mpxj(path, start=document.project.start if mpxj else None)
    return _beside_mpxj(name, document, compared, theirs, mpxj=mpxj)


def check_document(document: ProjectDocument) -> list[tuple[str, Dates, Dates]]:
    """(task, stored start and finish, ours) for every task of the file."""
    compared = _compare(document)
    return list(zip(compared.tasks, compared.stored, compared.ours, strict=True))


@dataclass(frozen=True, slots=True)
class _Compared:
    """A file's task ids, their stored dates and ours, at the file's precision."""

    tasks: tuple[str, ...]
    stored: tuple[Dates, ...]
    ours: tuple[Dates, ...]
    by_day: bool

    def precise(self, dates: Sequence[Dates]) -> tuple[Dates, ...]:
        """Dates at the precision this file's tasks are compared."""
        return _at_precision(dates, by_day=self.by_day)

    def missed(self, dates: Sequence[Dates]) -> set[str]:
        return {t for t, s, d in zip(self.tasks, self.stored, dates, strict=True) if s != d}


def _compare(document: ProjectDocument) -> _Compared:
    calendars = _calendars(document.calendars)
    default = calendars.get(document.project.calendar) or next(iter(calendars.values()), None)
    if default is None:
        raise refusal(document.source, "the file has no calendar")
    calendars.setdefault(document.project.calendar, default)
    # Each resource works on its own calendar (the file's calendar of that name).
    own = {
        r.id: found
        for r in document.resources
        if r.calendar and (found := calendars.get(r.calendar)) is not None
    }
    project, tasks, links, assigned = scheduler_inputs(
        document.project, document.tasks, document.links, document.assignments, calendars, own
    )
    result = schedule(project, tasks, links, assigned)
    ours = {d.task_id: (d.start, d.finish) for d in result.tasks}
    stored: list[Dates] = [(t.start, t.finish) for t in document.tasks]
    by_day = _days_only(_at_precision(stored, by_day=False))
    return _Compared(
        tasks=tuple(t.id for t in document.tasks),
        stored=_at_precision(stored, by_day=by_day),
        ours=_at_precision([ours[t.id] for t in document.tasks], by_day=by_day),
        by_day=by_day,
    )


def _ours_only(name: str, document: ProjectDocument, compared: _Compared) -> FileCheck:
    missed = compared.missed(compared.ours)
    return FileCheck(
        file=name,
        tasks=len(compared.tasks),
        identical=len(compared.tasks) - len(missed),
        blank_rows=document.blank_rows,
        mismatches=_mismatches(name, compared, missed, mpxj=None, facts=None),
    )


def _beside_mpxj(
    name: str, document: ProjectDocument, compared: _Compared, theirs: MpxjRun, *, mpxj: bool
) -> FileCheck:
    """Our counts and, with ``mpxj``, MPXJ's on the same tasks; both sides'
    misses by class."""
    tasks, error, reason = compared.tasks, theirs.error, theirs.reason
    paired = compared.precise(theirs.stored) == compared.stored
    if not paired and error is None:
        error, reason = TASKS_DIFFER, "MPXJ's second reading gave other tasks or dates"
    facts = task_facts(
        document,
        split={tasks[i] for i in theirs.split} if paired else set(),
        overtime={tasks[i] for i in theirs.overtime} if paired else set(),
    )
    ours_missed = compared.missed(compared.ours)
    dates = None
    if mpxj and error is None and theirs.scheduled is not None:
        dates = compared.precise(theirs.scheduled)
    checked = FileCheck(
        file=name,
        tasks=len(tasks),
        identical=len(tasks) - len(ours_missed),
        blank_rows=document.blank_rows,
        misses=_classes(facts, ours_missed),
        mismatches=_mismatches(name, compared, ours_missed, mpxj=dates, facts=facts),
    )
    if not mpxj:
        return checked
    if dates is None:  # MPXJ threw on the file: its tasks all count as missed
        failed = ((MissClass.NOT_SCHEDULED, len(tasks)),) if tasks else ()
        return dataclasses.replace(
            checked, mpxj_identical=0, mpxj_misses=failed, mpxj_error=error, mpxj_reason=reason
        )
    mpxj_missed = compared.missed(dates)
    return dataclasses.replace(
        checked,
        mpxj_identical=len(tasks) - len(mpxj_missed),
        mpxj_misses=_classes(facts, mpxj_missed),
    )


def _mismatches(
    name: str,
    compared: _Compared,
    missed: set[str],
    *,
    mpxj: tuple[Dates, ...] | None,
    facts: dict[str, TaskFacts] | None,
) -> tuple[Mismatch, ...]:
    found: list[Mismatch] = []
    for i, task in enumerate(compared.tasks):
        if task not in missed:
            continue
        found.append(
            Mismatch(
                file=name,
                task=task,
                stored=compared.stored[i],
                ours=compared.ours[i],
                mpxj=None if mpxj is None else mpxj[i],
                kind=None if facts is None else classify(facts[task], missed),
            )
        )
        if len(found) == MAX_LISTED:
            break
    return tuple(found)


def _classes(facts: dict[str, TaskFacts], missed: set[str]) -> Classes:
    return tuple(count_classes(facts, missed).items())


def _by_class(counts: Counter[MissClass]) -> dict[str, int]:
    return {kind.value: counts[kind] for kind in MissClass if counts[kind]}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _at_precision(dates: Sequence[Dates], *, by_day: bool) -> tuple[Dates, ...]:
    minutes = tuple((_minute(start), _minute(finish)) for start, finish in dates)
    if not by_day:
        return minutes
    return tuple((_day(start), _day(finish)) for start, finish in minutes)


def _days_only(stored: Iterable[Dates]) -> bool:
    """Whether the file stores days without a time of day (see the module docstring)."""
    moments = [moment for dates in stored for moment in dates if moment is not None]
    return bool(moments) and all(moment.time() == dt.time(0) for moment in moments)


def _minute(moment: dt.datetime | None) -> dt.datetime | None:
    """The moment to the minute: the scheduler counts whole minutes, and Project
    shows none finer, though a contour may leave seconds in a stored finish (and
    a manually scheduled task keeps them)."""
    return None if moment is None else moment.replace(second=0, microsecond=0)


def _day(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else dt.datetime.combine(moment.date(), dt.time(0))


def _calendars(found: Iterable[FileCalendar]) -> dict[str, Calendar]:
    by_name = {c.name: c for c in found}
    built: dict[str, Calendar] = {}

    def build(name: str, seen: frozenset[str]) -> Calendar:
        if name in built:
            return built[name]
        record = by_name[name]
        base = None
        if record.base and record.base in by_name and record.base not in seen:
            base = build(record.base, seen | {name})
        week = record.week if base is not None else tuple(day or () for day in record.week)
        built[name] = Calendar(name=name, week=week, exceptions=record.exceptions, base=base)
        return built[name]

    for name in by_name:
        build(name, frozenset())
    return built


def _iso(dates: Dates) -> list[str | None]:
    return [d.isoformat() if d else None for d in dates]
