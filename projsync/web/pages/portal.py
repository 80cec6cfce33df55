"""The portal timesheet: a team member's week of hours per activity and day,
and expenses. Submitting posts one journal through the ledger's posting: all
or nothing. A refused sheet comes back as typed, each refused cell marked
with the reason the ledger gave, and nothing of it is posted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from projsync.errors import InputError
from projsync.ledger.model import Activity, JournalLine, ProjectStatus, TransactionKind
from projsync.ledger.numbers import HOURS, MONEY, NumberRefused, Quantity, read_decimal
from projsync.ledger.posting import post_journal
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.ledger.validation import date_out_of_range
from projsync.web.auth import context_of, require
from projsync.web.context import Context
from projsync.web.figures import monday
from projsync.web.model import Right, User
from projsync.web.pages.render import page
from projsync.web.scope import visible_projects

__all__ = ["Sheet", "read_sheet", "router"]

router = APIRouter(include_in_schema=False)
BLANK_ROWS = 2
EXPENSE_ROWS = 3


@dataclass(slots=True, kw_only=True)
class Sheet:
    """A week's sheet as typed: hour cells by (row, day), expense rows, and
    the journal line each filled cell became."""

    week: dt.date
    rows: list[str] = field(default_factory=list)
    """The activity of each row, as ``project|number`` ('' for none chosen)."""
    hours: dict[tuple[int, int], str] = field(default_factory=dict)
    expenses: list[dict[str, str]] = field(default_factory=list)
    lines: list[JournalLine] = field(default_factory=list)
    cell_of_line: dict[int, str] = field(default_factory=dict)
    """Journal line number → the cell's name in the form."""
    errors: dict[str, list[str]] = field(default_factory=dict)
    """Cell name → why it was refused."""

    def refuse(self, cell: str, what: str) -> None:
        self.errors.setdefault(cell, []).append(what)


def _number(text: str, quantity: Quantity) -> Decimal:
    """A number as the ledger reads one; a decimal comma is taken for the point."""
    return read_decimal(text.strip().replace(",", ".", 1), quantity)


def read_sheet(form: dict[str, str], week: dt.date, worker: str) -> Sheet:
    """The form's cells as journal lines (one per filled cell), with every
    problem that can be seen without the ledger (a number that is not one)."""
    sheet = Sheet(week=week)
    count = form.get("rows", "0")
    for row in range(min(int(count), 200) if count.isascii() and count.isdigit() else 0):
        activity = form.get(f"r{row}_activity", "")
        sheet.rows.append(activity)
        for day in range(7):
            cell = f"r{row}_d{day}"
            text = form.get(cell, "").strip()
            sheet.hours[(row, day)] = text
            if not text:
                continue
            if not activity:
                sheet.refuse(cell, "choose the activity of this row")
                continue
            try:
                hours = _number(text, HOURS)
            except NumberRefused as exc:
                sheet.refuse(cell, f"hours: {exc}")
                continue
            project, _, number = activity.partition("|")
            line = JournalLine(
                line=len(sheet.lines) + 1,
                kind=TransactionKind.HOUR,
                project=project,
                activity=number,
                date=week + dt.timedelta(days=day),
                worker=worker,
                hours=hours,
            )
            sheet.lines.append(line)
            sheet.cell_of_line[line.line] = cell
    for row in range(EXPENSE_ROWS):
        values = {
            name: form.get(f"e{row}_{name}", "").strip()
            for name in ("activity", "date", "category", "amount")
        }
        sheet.expenses.append(values)
        if not values["amount"]:
            continue
        cell = f"e{row}_amount"
        try:
            amount = _number(values["amount"], MONEY)
        except NumberRefused as exc:
            sheet.refuse(cell, f"amount: {exc}")
            continue
        try:
            spent = dt.date.fromisoformat(values["date"]) if values["date"] else week
        except ValueError:
            sheet.refuse(f"e{row}_date", f"{values['date']!r} is not a date (YYYY-MM-DD)")
            continue
        if not values["activity"]:
            sheet.refuse(cell, "choose the activity of this expense")
            continue
        project, _, number = values["activity"].partition("|")
        line = JournalLine(
            line=len(sheet.lines) + 1,
            kind=TransactionKind.EXPENSE,
            project=project,
            activity=number,
            date=spent,
            worker=worker,
            amount=amount,
            category=values["category"] or None,
        )
        sheet.lines.append(line)
        sheet.cell_of_line[line.line] = cell
    return sheet


def _bookable(context: Context, user: User) -> list[tuple[str, str]]:
    """(``project|number``, label) of every leaf activity of the user's open projects."""
    ledger = LedgerService(context.ledger)
    found = []
    for project in visible_projects(context, user):
        if project.status is ProjectStatus.FINISHED:
            continue
        activities: list[Activity] = ledger.activities(project.id)
        parents = {a.parent for a in activities if a.parent}
        for activity in activities:
            if activity.number not in parents:
                found.append(
                    (
                        f"{project.id}|{activity.number}",
                        f"{project.id} · {activity.number} {activity.name}",
                    )
                )
    return found


def _week(text: str | None) -> dt.date:
    """The Monday of the week named; this week for none, or for a date that is
    not one or is outside the ledger's dates."""
    today = dt.datetime.now(dt.UTC).date()
    try:
        day = dt.date.fromisoformat(text) if text else today
    except ValueError:
        day = today
    return monday(day if date_out_of_range(day) is None else today)


def _posted(context: Context, worker: str, week: dt.date) -> dict[tuple[str, int], Decimal]:
    """Hours already posted by the worker in the week, per activity and day."""
    found: dict[tuple[str, int], Decimal] = {}
    for item in iter_transactions(
        context.ledger, worker=worker, since=week, until=week + dt.timedelta(days=6)
    ):
        if item.kind is TransactionKind.HOUR:
            key = (f"{item.project}|{item.activity}", (item.date - week).days)
            found[key] = found.get(key, Decimal("0")) + item.hours
    return found


def _render(
    request: Request, user: User, sheet: Sheet, *, status_code: int = 200, **values: object
) -> Response:
    context = context_of(request)
    worker = LedgerService(context.ledger).worker(user.worker or "")
    posted = _posted(context, worker.id, sheet.week)
    # the rows typed (a blank one only if something in it was typed), the
    # activities posted to this week, then room for more
    typed = [
        (
            sheet.rows[r],
            [(sheet.hours.get((r, d), ""), sheet.errors.get(f"r{r}_d{d}", [])) for d in range(7)],
        )
        for r in range(len(sheet.rows))
    ]
    typed = [(a, cells) for a, cells in typed if a or any(v or why for v, why in cells)]
    for activity, _day in sorted(posted):
        if activity not in {a for a, _cells in typed}:
            typed.append((activity, [("", [])] * 7))
    typed.extend([("", [("", [])] * 7)] * BLANK_ROWS)
    rows = [
        {
            "activity": activity,
            "cells": [
                {
                    "name": f"r{r}_d{d}",
                    "value": value,
                    "why": why,
                    "posted": posted.get((activity, d)) if activity else None,
                }
                for d, (value, why) in enumerate(cells)
            ],
        }
        for r, (activity, cells) in enumerate(typed)
    ]
    days = [sheet.week + dt.timedelta(days=n) for n in range(7)]
    return page(
        request,
        "portal.html",
        user,
        status_code=status_code,
        worker=worker,
        sheet=sheet,
        rows=rows,
        days=days,
        posted=posted,
        bookable=_bookable(context, user),
        previous=sheet.week - dt.timedelta(days=7),
        following=sheet.week + dt.timedelta(days=7),
        **values,
    )


@router.get("/portal", response_class=HTMLResponse)
def timesheet(
    request: Request,
    week: str | None = None,
    posted: str = "",
    user: User = Depends(require(Right.OWN_TIME, page=True)),
) -> Response:
    if user.worker is None:
        return page(
            request, "error.html", user, status_code=403, message="You are not linked to a worker."
        )
    return _render(request, user, Sheet(week=_week(week)), done=posted)


@router.post("/portal", response_class=HTMLResponse)
async def submit(
    request: Request, user: User = Depends(require(Right.OWN_TIME, page=True))
) -> Response:
    if user.worker is None:
        return page(
            request, "error.html", user, status_code=403, message="You are not linked to a worker."
        )
    form = {k: str(v) for k, v in (await request.form()).items()}
    sheet = read_sheet(form, _week(form.get("week")), user.worker)
    context = context_of(request)
    allowed = {p.id for p in visible_projects(context, user)}
    for line in sheet.lines:
        if line.project not in allowed:
            sheet.refuse(sheet.cell_of_line[line.line], f"project {line.project}: unknown")
    general: list[str] = []
    if not sheet.errors and not sheet.lines:
        general.append("The sheet is empty: enter hours or an expense.")
    if not sheet.errors and sheet.lines:
        try:
            result = post_journal(
                context.ledger, sheet.lines, source=f"timesheet {user.login} {sheet.week}"
            )
        except InputError as exc:
            for problem in exc.problems:
                number = problem.where.removeprefix("line ")
                cell = sheet.cell_of_line.get(int(number)) if number.isdigit() else None
                if cell is None:
                    general.append(str(problem))
                else:
                    sheet.refuse(cell, problem.what)
        else:
            said = (
                f"Posted journal {result.journal}: {result.lines} lines, "
                f"{result.hours} hours, cost {result.cost}."
            )
            return RedirectResponse(
                f"/portal?{urlencode({'week': sheet.week.isoformat(), 'posted': said})}", 303
            )
    return _render(
        request,
        user,
        sheet,
        status_code=422,
        general=general,
        refused=True,
    )
