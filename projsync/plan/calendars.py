"""Stored calendars: base calendars, derived resource calendars, exceptions and
public holidays, turned into the scheduler's ``Calendar`` records.

The arithmetic on working time is ``calendar.py``'s; this module only keeps
calendars and reads them back.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, insert, select

from projsync.errors import InputError, Problem, refusal
from projsync.plan import records
from projsync.plan.calendar import public_holidays
from projsync.plan.changes import reserve_versions
from projsync.plan.entities import CalendarRecord
from projsync.plan.model import Calendar, CalendarException, WorkingIntervals
from projsync.plan.tables import calendar_exceptions, calendars

__all__ = [
    "STANDARD",
    "add_calendar",
    "add_exception",
    "add_public_holidays",
    "calendar_names",
    "load_calendar",
]

STANDARD = "Standard"


def calendar_names(conn: Connection) -> list[str]:
    return list(conn.execute(select(calendars.c.name).order_by(calendars.c.name)).scalars())


def add_calendar(conn: Connection, record: CalendarRecord) -> CalendarRecord:
    where = f"calendar {record.name}"
    if not record.name.strip():
        raise refusal("calendar", "name is empty")
    if conn.execute(select(calendars.c.name).where(calendars.c.name == record.name)).first():
        raise refusal(where, "already exists")
    if record.base is not None and record.base not in calendar_names(conn):
        raise refusal(where, f"unknown base calendar {record.base}")
    if len(record.week) != 7:
        raise refusal(where, "a week has seven days")
    for day in record.week:
        _check_intervals(where, day or ())
    conn.execute(
        insert(calendars).values(
            name=record.name,
            base_name=record.base,
            week=records.week_text(record.week),
            version=reserve_versions(conn),
        )
    )
    return record


def add_exception(
    conn: Connection,
    calendar: str,
    start: dt.date,
    finish: dt.date | None = None,
    *,
    name: str = "",
    working_times: WorkingIntervals = (),
) -> CalendarException:
    """Make days non-working (no ``working_times``) or worked in other hours."""
    where = f"calendar {calendar}"
    if calendar not in calendar_names(conn):
        raise refusal(where, "unknown calendar")
    last = finish or start
    if last < start:
        raise refusal(where, "the exception ends before it starts")
    _check_intervals(where, working_times)
    conn.execute(
        calendar_exceptions.delete().where(
            calendar_exceptions.c.calendar_name == calendar,
            calendar_exceptions.c.start == start,
        )
    )
    conn.execute(
        insert(calendar_exceptions).values(
            calendar_name=calendar,
            start=start,
            finish=last,
            working_times=json.dumps([list(p) for p in working_times]),
            name=name,
            version=reserve_versions(conn),
        )
    )
    return CalendarException(start=start, finish=last, working_times=working_times, name=name)


def add_public_holidays(conn: Connection, calendar: str, country: str, years: range) -> int:
    """Add a country's public holidays (``holidays`` package) as non-working days."""
    try:
        found = public_holidays(country, years)
    except (KeyError, NotImplementedError) as exc:
        raise InputError(
            [Problem(where="--country", what=f"no public holidays known for {country!r}")]
        ) from exc
    for holiday in found:
        add_exception(conn, calendar, holiday.start, holiday.finish, name=holiday.name)
    return len(found)


def load_calendar(conn: Connection, name: str) -> Calendar:
    """The named calendar with its base chain and exceptions, ready to schedule on."""
    row = conn.execute(select(calendars).where(calendars.c.name == name)).first()
    if row is None:
        raise refusal(f"calendar {name}", "unknown calendar")
    record = records.calendar_from_row(row)
    base = load_calendar(conn, record.base) if record.base else None
    exceptions = tuple(
        CalendarException(
            start=r.start,
            finish=r.finish,
            working_times=tuple((a, b) for a, b in json.loads(r.working_times)),
            name=r.name,
        )
        for r in conn.execute(
            select(calendar_exceptions)
            .where(calendar_exceptions.c.calendar_name == name)
            .order_by(calendar_exceptions.c.start)
        )
    )
    return Calendar(name=name, week=record.week, exceptions=exceptions, base=base)


def _check_intervals(where: str, intervals: WorkingIntervals) -> None:
    previous = 0
    for start, end in intervals:
        if not 0 <= start < end <= 1440 or start < previous:
            raise InputError(
                [
                    Problem(
                        where=where,
                        what=f"working times {intervals} are not ordered periods of a day",
                    )
                ]
            )
        previous = end
