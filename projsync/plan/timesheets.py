"""Timesheets: a resource's hours per task and day, and the status of each
ISO week of them.

A week goes draft → submitted → approved, or from submitted to rejected with
the manager's comment (editable then, and submitted again); a manager may
reopen an approved week, which makes it a draft again. Only the lines of a
draft or rejected week change. A live line's status is its week's. Every
change stamps the lines it touches with a version of the plan's one change
sequence, in its own transaction, so the plan's high water covers them and
``changed_lines`` reads them by range. A line removed after it was once
approved stays as a tombstone (``deleted``), so the posting made of it can be
withdrawn. A refusal lists every problem and writes nothing. This module
never reaches another part's store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.plan import records
from projsync.plan.changes import reserve_versions
from projsync.plan.entities import (
    TimesheetCell,
    TimesheetEntry,
    TimesheetStatus,
    TimesheetWeek,
)
from projsync.plan.service import PlanService
from projsync.plan.tables import assignments, resources, tasks, timesheet_lines, timesheet_weeks

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MOST_HOURS",
    "NOTE_LENGTH",
    "TimesheetService",
    "cell_problems",
    "parse_week",
    "week_name",
    "week_of",
]

MOST_HOURS = Decimal(24)
"""The most hours of one line, and of one resource's lines of one day."""
NOTE_LENGTH = 250
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
"""The days a timesheet takes: the ledger's, which posts its hours."""
_HUNDREDTH = Decimal("0.01")
_ZERO = Decimal("0.00")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_EDITABLE = frozenset({TimesheetStatus.DRAFT, TimesheetStatus.REJECTED})
_S = TimesheetStatus


def week_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def week_name(monday: dt.date) -> str:
    """``2026-W10`` for any day of that ISO week."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str, where: str = "--week") -> dt.date:
    """The Monday of an ISO week written ``YYYY-Www`` (``2026-W10``)."""
    found = _WEEK.fullmatch(text.strip())
    if found is not None:
        try:
            monday = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
        except ValueError:
            pass
        else:
            if FIRST_DAY <= monday <= LAST_DAY:
                return monday
    raise refusal(where, f"{text!r} is not an ISO week from 1900 to 2999 (YYYY-Www, e.g. 2026-W10)")


def cell_problems(cell: TimesheetCell) -> list[str]:
    """What is wrong with a cell's hours and note, seen without the store."""
    found = []
    hours = cell.hours
    shown = f"{hours.normalize():f}" if hours.is_finite() else str(hours)  # 25, not 25.00
    if not hours.is_finite():
        found.append(f"hours {shown} is not a number")
    elif hours < 0:
        found.append(f"hours {shown} cannot be negative")
    elif hours > MOST_HOURS:
        found.append(f"hours {shown} exceed {MOST_HOURS}")
    elif hours != hours.quantize(_HUNDREDTH):
        found.append(f"hours {shown} have more than 2 decimal places")
    if not FIRST_DAY <= cell.day <= LAST_DAY:
        found.append(f"day {cell.day} is outside the timesheets' days ({FIRST_DAY} to {LAST_DAY})")
    found += _text_problems("note", cell.note)
    return found


def _text_problems(what: str, text: str) -> list[str]:
    found = []
    if len(text) > NOTE_LENGTH:
        found.append(f"{what} has {len(text)} characters, more than {NOTE_LENGTH}")
    if not text.isprintable():
        found.append(f"{what} holds a character that is not printable (a line break, a tab, ...)")
    return found


def _where(cell: TimesheetCell) -> str:
    return f"line {cell.day} {cell.project}/{cell.task}"


def _week_where(resource: str, monday: dt.date) -> str:
    return f"week {week_name(monday)} of {resource}"


_LOCKED = {
    _S.SUBMITTED: "is submitted: its hours change again once a manager rejects it",
    _S.APPROVED: "is approved: its hours change again once a manager reopens it",
}

_MOVES: dict[TimesheetStatus, tuple[frozenset[TimesheetStatus], str]] = {
    _S.SUBMITTED: (_EDITABLE, "is {status}: only a draft or a rejected week is submitted"),
    _S.APPROVED: (frozenset({_S.SUBMITTED}), "is {status}, not submitted"),
    _S.REJECTED: (frozenset({_S.SUBMITTED}), "is {status}, not submitted"),
    _S.DRAFT: (
        frozenset({_S.APPROVED}),
        "is {status}, not approved: only an approved week is reopened",
    ),
}
"""Each move of a week: the statuses it goes from, and the refusal from another."""


class TimesheetService:
    """Timesheet lines and weeks; one transaction per call."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.plan = PlanService(store)

    # -- lines -------------------------------------------------------------

    def record(self, resource: str, cells: Sequence[TimesheetCell]) -> list[TimesheetEntry]:
        """Set the hours of each cell, replacing the line's hours and note; zero
        hours removes the line. All of them or, refused, none. The lines as
        they are now (those removed left out)."""
        with self.store.write() as conn:
            return self.record_in(conn, resource, cells)

    def record_in(
        self, conn: Connection, resource: str, cells: Sequence[TimesheetCell]
    ) -> list[TimesheetEntry]:
        _hold(conn, resource)
        weeks = {m: self._week_in(conn, resource, m) for m in {week_of(c.day) for c in cells}}
        have = self._cells_in(conn, resource, {c.day for c in cells})
        problems = self._week_problems(resource, weeks)
        problems += self._task_problems(conn, cells)
        problems += self._day_problems(resource, cells, have)
        if problems:
            raise InputError(problems)
        self._write(conn, resource, cells, have, weeks)
        found = self._cells_in(conn, resource, {c.day for c in cells})
        wanted = {(c.day, c.project, c.task) for c in cells}
        return [
            e for key, e in sorted(found.items()) if key in wanted and e.status is not _S.DELETED
        ]

    def _week_problems(self, resource: str, weeks: dict[dt.date, TimesheetStatus]) -> list[Problem]:
        return [
            Problem(where=_week_where(resource, monday), what=_LOCKED[status])
            for monday, status in sorted(weeks.items())
            if status not in _EDITABLE
        ]

    def _task_problems(self, conn: Connection, cells: Sequence[TimesheetCell]) -> list[Problem]:
        problems: list[Problem] = []
        known: dict[str, tuple[set[str], set[str]] | None] = {}
        seen: set[tuple[dt.date, str, str]] = set()
        for cell in cells:
            where = _where(cell)
            found = [*cell_problems(cell)]
            key = (cell.day, cell.project, cell.task)
            if key in seen:
                found.append("given twice")
            seen.add(key)
            if cell.hours == 0:  # a removal: the task may be gone since the line was recorded
                problems += [Problem(where=where, what=what) for what in found]
                continue
            if cell.project not in known:
                known[cell.project] = self._leaves_in(conn, cell.project)
            leaves = known[cell.project]
            if leaves is None:
                found.append(f"unknown project {cell.project}")
            elif cell.task in leaves[1]:
                found.append(f"task {cell.task} is a summary task; record hours on its subtasks")
            elif cell.task not in leaves[0]:
                found.append(f"unknown task {cell.task}")
            problems += [Problem(where=where, what=what) for what in found]
        return problems

    def _leaves_in(self, conn: Connection, project: str) -> tuple[set[str], set[str]] | None:
        """The project's task ids and its summary tasks' ids; None for no project."""
        if self.plan.find_project(conn, project) is None:
            return None
        rows = conn.execute(
            select(tasks.c.id, tasks.c.parent_id).where(tasks.c.project_id == project)
        ).all()
        return {r.id for r in rows}, {r.parent_id for r in rows if r.parent_id is not None}

    def _day_problems(
        self,
        resource: str,
        cells: Sequence[TimesheetCell],
        have: dict[tuple[dt.date, str, str], TimesheetEntry],
    ) -> list[Problem]:
        hours = {k: e.hours for k, e in have.items() if e.status is not _S.DELETED}
        for cell in cells:  # a cell out of bounds is refused on its own
            if cell.hours.is_finite() and 0 <= cell.hours <= MOST_HOURS:
                hours[(cell.day, cell.project, cell.task)] = cell.hours
        totals: dict[dt.date, Decimal] = {}
        for (day, _project, _task), value in hours.items():
            totals[day] = totals.get(day, _ZERO) + value
        return [
            Problem(
                where=f"day {day} of {resource}",
                what=f"hours add up to {totals[day]}, more than {MOST_HOURS}",
            )
            for day in sorted({c.day for c in cells})
            if totals.get(day, _ZERO) > MOST_HOURS
        ]

    def _write(
        self,
        conn: Connection,
        resource: str,
        cells: Sequence[TimesheetCell],
        have: dict[tuple[dt.date, str, str], TimesheetEntry],
        weeks: dict[dt.date, TimesheetStatus],
    ) -> None:
        version: int | None = None

        def stamp() -> int:
            nonlocal version
            if version is None:  # only a real change takes a version
                version = reserve_versions(conn)
            return version

        for cell in cells:
            line = have.get((cell.day, cell.project, cell.task))
            status = weeks[week_of(cell.day)]
            if cell.hours == 0:
                if line is None or line.status is _S.DELETED:
                    continue
                if line.approved_once:  # its posting is to be withdrawn: a tombstone
                    conn.execute(
                        update(timesheet_lines)
                        .where(timesheet_lines.c.id == line.id)
                        .values(status=_S.DELETED.value, version=stamp())
                    )
                else:
                    conn.execute(delete(timesheet_lines).where(timesheet_lines.c.id == line.id))
                continue
            values = {"hours": cell.hours, "note": cell.note, "status": status.value}
            if line is None:
                conn.execute(
                    insert(timesheet_lines).values(
                        resource_id=resource,
                        project_id=cell.project,
                        task_id=cell.task,
                        day=cell.day,
                        approved_once=False,
                        version=stamp(),
                        **values,
                    )
                )
            elif (line.hours, line.note, line.status) != (cell.hours, cell.note, status):
                conn.execute(
                    update(timesheet_lines)
                    .where(timesheet_lines.c.id == line.id)
                    .values(version=stamp(), **values)
                )

    def _cells_in(
        self, conn: Connection, resource: str, days: Collection[dt.date]
    ) -> dict[tuple[dt.date, str, str], TimesheetEntry]:
        """The resource's lines of these days (tombstones too), by day, project and task."""
        found: dict[tuple[dt.date, str, str], TimesheetEntry] = {}
        listed = sorted(days)
        for start in range(0, len(listed), 500):
            rows = conn.execute(
                select(timesheet_lines).where(
                    timesheet_lines.c.resource_id == resource,
                    timesheet_lines.c.day.in_(listed[start : start + 500]),
                )
            )
            for row in rows:
                entry = records.timesheet_entry_from_row(row)
                found[(entry.day, entry.project, entry.task)] = entry
        return found

    def lines(
        self,
        *,
        resources: Collection[str] | None = None,
        week: dt.date | None = None,
        status: TimesheetStatus | None = None,
    ) -> list[TimesheetEntry]:
        """Lines by resource, day, project and task; tombstones only when
        ``status`` asks for them."""
        query = select(timesheet_lines)
        week = None if week is None else week_of(week)
        if resources is not None:
            query = query.where(timesheet_lines.c.resource_id.in_(sorted(resources)))
        if week is not None:
            query = query.where(timesheet_lines.c.day.between(week, week + dt.timedelta(days=6)))
        if status is None:
            query = query.where(timesheet_lines.c.status != _S.DELETED.value)
        else:
            query = query.where(timesheet_lines.c.status == status.value)
        order = (
            timesheet_lines.c.resource_id,
            timesheet_lines.c.day,
            timesheet_lines.c.project_id,
            timesheet_lines.c.task_id,
        )
        with self.store.read() as conn:
            return [
                records.timesheet_entry_from_row(r) for r in conn.execute(query.order_by(*order))
            ]

    # -- weeks -------------------------------------------------------------

    def week(self, resource: str, monday: dt.date) -> TimesheetWeek:
        """The resource's week (a draft when nothing was ever recorded in it)."""
        with self.store.read() as conn:
            self.plan.resource_in(conn, resource)
            return self._summed(conn, [self._week_record(conn, resource, week_of(monday))])[0]

    def weeks(
        self,
        *,
        resources: Collection[str] | None = None,
        week: dt.date | None = None,
        status: TimesheetStatus | None = None,
    ) -> list[TimesheetWeek]:
        """Weeks that hold lines or were ever submitted, by resource and week,
        with their hours and number of lines."""
        week = None if week is None else week_of(week)
        with self.store.read() as conn:
            query = select(timesheet_weeks)
            if resources is not None:
                query = query.where(timesheet_weeks.c.resource_id.in_(sorted(resources)))
            if week is not None:
                query = query.where(timesheet_weeks.c.week == week)
            stored = {
                (w.resource, w.week): w
                for w in map(records.timesheet_week_from_row, conn.execute(query))
            }
            if status is None or status is _S.DRAFT:  # drafts are the weeks with lines and no row
                lines = select(timesheet_lines.c.resource_id, timesheet_lines.c.day).where(
                    timesheet_lines.c.status == _S.DRAFT.value
                )
                if resources is not None:
                    lines = lines.where(timesheet_lines.c.resource_id.in_(sorted(resources)))
                if week is not None:
                    lines = lines.where(
                        timesheet_lines.c.day.between(week, week + dt.timedelta(days=6))
                    )
                for who, day in conn.execute(lines.distinct()):
                    stored.setdefault(
                        (who, week_of(day)), TimesheetWeek(resource=who, week=week_of(day))
                    )
            chosen = [w for _, w in sorted(stored.items()) if status is None or w.status is status]
            return self._summed(conn, chosen)

    def _summed(self, conn: Connection, weeks: list[TimesheetWeek]) -> list[TimesheetWeek]:
        """The weeks with their hours and number of live lines."""
        if not weeks:
            return []
        first = min(w.week for w in weeks)
        last = max(w.week for w in weeks) + dt.timedelta(days=6)
        day = timesheet_lines.c.day
        rows = conn.execute(
            select(
                timesheet_lines.c.resource_id,
                day,
                func.sum(timesheet_lines.c.hours),  # a Decimal: the column's type
                func.count(),
            )
            .where(
                timesheet_lines.c.resource_id.in_(sorted({w.resource for w in weeks})),
                day.between(first, last),
                timesheet_lines.c.status != _S.DELETED.value,
            )
            .group_by(timesheet_lines.c.resource_id, day)
        )
        sums: dict[tuple[str, dt.date], tuple[Decimal, int]] = {}
        for who, on, hours, count in rows:
            total, lines = sums.get((who, week_of(on)), (_ZERO, 0))
            sums[(who, week_of(on))] = (total + hours, lines + count)
        return [_with_sums(w, *sums.get((w.resource, w.week), (_ZERO, 0))) for w in weeks]

    def submit(self, resource: str, monday: dt.date) -> TimesheetWeek:
        """Hand a draft or rejected week to a manager; it must hold hours."""
        return self._move(resource, monday, _S.SUBMITTED)

    def approve(self, resource: str, monday: dt.date) -> TimesheetWeek:
        """Approve a submitted week: its lines' hours go to the ledger."""
        return self._move(resource, monday, _S.APPROVED)

    def reject(self, resource: str, monday: dt.date, comment: str) -> TimesheetWeek:
        """Send a submitted week back with a comment saying why."""
        return self._move(resource, monday, _S.REJECTED, comment)

    def reopen(self, resource: str, monday: dt.date, comment: str = "") -> TimesheetWeek:
        """Make an approved week a draft again: its postings are withdrawn until
        it is approved again."""
        return self._move(resource, monday, _S.DRAFT, comment)

    def _move(
        self, resource: str, monday: dt.date, to: TimesheetStatus, comment: str | None = None
    ) -> TimesheetWeek:
        monday = week_of(monday)
        where = _week_where(resource, monday)
        with self.store.write() as conn:
            _hold(conn, resource)
            current = self._week_record(conn, resource, monday)
            allowed, refused = _MOVES[to]
            problems = []
            if current.status not in allowed:
                problems.append(refused.format(status=current.status.value))
            if comment is not None:
                problems += _text_problems("comment", comment)
            if to is _S.REJECTED and not (comment or "").strip():
                problems.append("a rejection needs a comment saying why")
            summed = self._summed(conn, [current])[0]
            if to is _S.SUBMITTED and summed.lines == 0:
                problems.append("holds no hours to submit")
            if problems:
                raise InputError([Problem(where=where, what=what) for what in problems])
            said = current.comment if comment is None else comment.strip()
            if to is _S.APPROVED:
                said = ""
            version = reserve_versions(conn)
            self._write_week(conn, current, to, said, version)
            live = and_(
                timesheet_lines.c.resource_id == resource,
                timesheet_lines.c.day.between(monday, monday + dt.timedelta(days=6)),
                timesheet_lines.c.status != _S.DELETED.value,
            )
            changes: dict[str, Any] = {"status": to.value, "version": version}
            if to is _S.APPROVED:
                changes["approved_once"] = True
            conn.execute(update(timesheet_lines).where(live).values(**changes))
        return _with_sums(
            TimesheetWeek(resource=resource, week=monday, status=to, comment=said),
            summed.hours,
            summed.lines,
        )

    def _write_week(
        self,
        conn: Connection,
        current: TimesheetWeek,
        to: TimesheetStatus,
        comment: str,
        version: int,
    ) -> None:
        values = {"status": to.value, "comment": comment, "version": version}
        done = conn.execute(
            update(timesheet_weeks)
            .where(
                timesheet_weeks.c.resource_id == current.resource,
                timesheet_weeks.c.week == current.week,
            )
            .values(**values)
        ).rowcount
        if not done:
            conn.execute(
                insert(timesheet_weeks).values(
                    resource_id=current.resource, week=current.week, **values
                )
            )

    def _week_record(self, conn: Connection, resource: str, monday: dt.date) -> TimesheetWeek:
        row = conn.execute(
            select(timesheet_weeks).where(
                timesheet_weeks.c.resource_id == resource, timesheet_weeks.c.week == monday
            )
        ).first()
        if row is None:
            return TimesheetWeek(resource=resource, week=monday)
        return records.timesheet_week_from_row(row)

    def _week_in(self, conn: Connection, resource: str, monday: dt.date) -> TimesheetStatus:
        return self._week_record(conn, resource, monday).status

    # -- for the sync and the pages ------------------------------------------

    def changed_lines(self, since: int, until: int) -> list[tuple[TimesheetEntry, str]]:
        """Lines whose version is after ``since`` up to ``until`` that are
        approved, or were once (withdrawn now), each with its resource's name;
        oldest first."""
        query = (
            select(timesheet_lines, resources.c.name.label("resource_name"))
            .join(resources, resources.c.id == timesheet_lines.c.resource_id)
            .where(
                timesheet_lines.c.version > since,
                timesheet_lines.c.version <= until,
                (timesheet_lines.c.status == _S.APPROVED.value)
                | timesheet_lines.c.approved_once.is_(True),
            )
            .order_by(timesheet_lines.c.version, timesheet_lines.c.id)
        )
        with self.store.read() as conn:
            return [
                (records.timesheet_entry_from_row(r), r.resource_name) for r in conn.execute(query)
            ]

    def assigned_tasks(self, resource: str, monday: dt.date) -> list[tuple[str, str]]:
        """(project, task) of the tasks the resource is assigned to whose
        scheduled span meets the week, by project and outline position."""
        start = dt.datetime.combine(week_of(monday), dt.time())
        end = start + dt.timedelta(days=7)
        query = (
            select(tasks.c.project_id, tasks.c.id)
            .join(
                assignments,
                and_(
                    assignments.c.project_id == tasks.c.project_id,
                    assignments.c.task_id == tasks.c.id,
                ),
            )
            .where(
                assignments.c.resource_id == resource,
                tasks.c.start < end,
                tasks.c.finish >= start,
            )
            .order_by(tasks.c.project_id, tasks.c.position)
        )
        with self.store.read() as conn:
            return [(p, t) for p, t in conn.execute(query)]


def _hold(conn: Connection, resource: str) -> None:
    """Lock the resource's row until the transaction ends (on PostgreSQL; a
    SQLite writer holds the whole store already): its writers queue, so each
    reads the day totals and week statuses the previous one committed."""
    held = conn.execute(
        select(resources.c.id).where(resources.c.id == resource).with_for_update(key_share=True)
    ).first()
    if held is None:
        raise refusal(f"resource {resource}", "unknown resource")


def _with_sums(week: TimesheetWeek, hours: Decimal, lines: int) -> TimesheetWeek:
    return dataclasses.replace(week, hours=hours, lines=lines)
