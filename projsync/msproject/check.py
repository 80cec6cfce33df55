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
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from projsync.errors import InputError, refusal
from projsync.msproject.document import FileCalendar, ProjectDocument
from projsync.msproject.reader import read_document
from projsync.plan.model import Calendar, PlanError
from projsync.plan.schedule import schedule
from projsync.plan.scheduling import scheduler_inputs

__all__ = ["CheckReport", "Mismatch", "check_document", "check_paths", "project_files"]

MAX_LISTED = 50
PROJECT_SUFFIXES = {".mpp", ".xml", ".mpx"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Mismatch:
    file: str
    task: str
    stored: tuple[str | None, str | None]
    ours: tuple[str | None, str | None]


@dataclass(slots=True, kw_only=True)
class CheckReport:
    """Agreement over many files: counts, and the first mismatches."""

    files: int = 0
    files_failed: int = 0
    tasks: int = 0
    identical: int = 0
    blank_rows: int = 0
    """Blank rows of the files: not tasks, so neither scheduled nor counted."""
    mismatches: list[Mismatch] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps(
            {
                "files": self.files,
                "files_failed": self.files_failed,
                "tasks": self.tasks,
                "identical": self.identical,
                "blank_rows": self.blank_rows,
                "agreement": round(self.identical / self.tasks, 4) if self.tasks else None,
                "mismatches": [
                    {"file": m.file, "task": m.task, "stored": list(m.stored), "ours": list(m.ours)}
                    for m in self.mismatches[:MAX_LISTED]
                ],
                "failures": [{"file": f, "reason": r} for f, r in self.failures],
            }
        )


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
) -> CheckReport:
    report = CheckReport()
    for path in paths:
        name = str(path.relative_to(root)) if root else path.name
        report.files += 1
        if progress is not None:
            progress(name)
        try:
            document = read_document(path)
            pairs = check_document(document)
        except (InputError, PlanError) as exc:
            report.files_failed += 1
            report.failures.append((name, str(exc)))
            continue
        report.blank_rows += document.blank_rows
        for task_id, stored, ours in pairs:
            report.tasks += 1
            if stored == ours:
                report.identical += 1
            elif len(report.mismatches) < MAX_LISTED:
                report.mismatches.append(
                    Mismatch(file=name, task=task_id, stored=_iso(stored), ours=_iso(ours))
                )
    return report


Dates = tuple[dt.datetime | None, dt.datetime | None]


def check_document(document: ProjectDocument) -> list[tuple[str, Dates, Dates]]:
    """(task, stored start and finish, ours) for every task of the file."""
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
    ours: dict[str, Dates] = {
        d.task_id: (_minute(d.start), _minute(d.finish)) for d in result.tasks
    }
    stored: dict[str, Dates] = {t.id: (_minute(t.start), _minute(t.finish)) for t in document.tasks}
    if _days_only(stored.values()):
        ours = {task: (_day(start), _day(finish)) for task, (start, finish) in ours.items()}
    return [(t.id, stored[t.id], ours[t.id]) for t in document.tasks]


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


def _iso(dates: Dates) -> tuple[str | None, str | None]:
    return tuple(d.isoformat() if d else None for d in dates)  # type: ignore[return-value]
