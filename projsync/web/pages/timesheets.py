"""The plan server's timesheet pages: a person's week of hours per task and
day on their own resource (saved, then submitted to a manager), and the
approval page where a project manager approves or rejects the submitted
weeks of their companies' resources.

The week page shows the whole week: a line on the page is set, one missing
from it is removed. A row's note goes on each of its lines. Refused cells
come back as typed, each marked with its reason, and nothing is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from projsync.connectors.plan_builtin import PlanConnector
from projsync.errors import InputError
from projsync.ledger.numbers import HOURS, NumberRefused, read_decimal
from projsync.plan.entities import TimesheetCell, TimesheetEntry, TimesheetStatus
from projsync.plan.service import PlanService
from projsync.plan.timesheets import (
    FIRST_DAY,
    LAST_DAY,
    TimesheetService,
    parse_week,
    week_name,
    week_of,
)
from projsync.sync.timesheets import line_outcomes
from projsync.web.auth import context_of, require
from projsync.web.context import Context
from projsync.web.model import Right, User
from projsync.web.pages.render import page
from projsync.web.scope import (
    may_decide,
    own_resource,
    plan_companies,
    timesheet_resources,
)

__all__ = ["WeekForm", "read_week", "router"]

router = APIRouter(include_in_schema=False)
BLANK_ROWS = 2
APPROVED_SHOWN = 25
"""Approved weeks listed to reopen, the latest first."""
MOST_ROWS = 200
_EDITABLE = {TimesheetStatus.DRAFT, TimesheetStatus.REJECTED}


@dataclass(slots=True, kw_only=True)
class Row:
    """A row of the week page: a task (``project|task``, '' for none chosen),
    the hours typed per day, and the note of its lines."""

    task: str = ""
    note: str = ""
    hours: list[str] = field(default_factory=lambda: [""] * 7)

    @property
    def typed(self) -> bool:
        return bool(self.task or self.note or any(self.hours))


@dataclass(slots=True, kw_only=True)
class GridRow:
    """A task's hours of a submitted week, as the approver reads them."""

    task: str
    name: str = ""
    hours: list[Decimal | None] = field(default_factory=lambda: [None] * 7)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((h for h in self.hours if h is not None), Decimal("0.00"))


@dataclass(slots=True, kw_only=True)
class WeekForm:
    """A week as typed: its rows, the cells they make, and why any was refused."""

    week: dt.date
    rows: list[Row] = field(default_factory=list)
    cells: list[TimesheetCell] = field(default_factory=list)
    cell_names: dict[tuple[dt.date, str, str], str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    """Cell name (``r2_d4``, ``r2_task``, ``r2_note``) → why it was refused."""
    general: list[str] = field(default_factory=list)

    def refuse(self, name: str, what: str) -> None:
        self.errors.setdefault(name, []).append(what)


def read_week(form: dict[str, str], week: dt.date, before: list[TimesheetEntry]) -> WeekForm:
    """The form's rows as cells: each day of a row with a task (empty is 0 h),
    and 0 h for every line of the week no row holds any more."""
    sheet = WeekForm(week=week)
    count = form.get("rows", "0")
    for row in range(min(int(count), MOST_ROWS) if count.isascii() and count.isdigit() else 0):
        task = form.get(f"r{row}_task", "")
        note = form.get(f"r{row}_note", "").strip()
        hours = [form.get(f"r{row}_d{day}", "").strip() for day in range(7)]
        sheet.rows.append(Row(task=task, note=note, hours=hours))
        if not task:
            for day, text in enumerate(hours):
                if text:
                    sheet.refuse(f"r{row}_d{day}", "choose the task of this row")
            continue
        project, _, task_id = task.partition("|")
        for day, text in enumerate(hours):
            name = f"r{row}_d{day}"
            try:
                value = read_decimal(text.replace(",", ".", 1), HOURS) if text else Decimal(0)
            except NumberRefused as exc:
                sheet.refuse(name, f"hours: {exc}")
                continue
            on = week + dt.timedelta(days=day)
            key = (on, project, task_id)
            if key in sheet.cell_names:
                sheet.refuse(f"r{row}_task", "this task has a row already")
                break
            sheet.cell_names[key] = name
            cell = TimesheetCell(project=project, task=task_id, day=on, hours=value, note=note)
            sheet.cells.append(cell)
    for line in before:
        key = (line.day, line.project, line.task)
        if key not in sheet.cell_names:
            sheet.cells.append(
                TimesheetCell(project=line.project, task=line.task, day=line.day, hours=Decimal(0))
            )
    return sheet


def _week(text: str | None) -> dt.date:
    """The Monday of the week named (``2026-W10`` or a day in it); this week
    for none, or for what is neither."""
    today = week_of(dt.datetime.now(dt.UTC).date())
    if not text:
        return today
    try:
        return parse_week(text)
    except InputError:
        pass
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return today
    return week_of(day) if FIRST_DAY <= day <= LAST_DAY else today


def _choices(context: Context, user: User) -> list[tuple[str, str]]:
    """(``project|task``, label) of every task without subtasks of the plan
    projects the user sees."""
    plan = PlanService(context.plan)
    companies = plan_companies(context)
    found = []
    for project in plan.projects():
        if not user.sees(companies.get(project.id, "")):
            continue
        tasks = plan.tasks(project.id)
        parents = {t.parent for t in tasks}
        found += [
            (f"{project.id}|{t.id}", f"{project.id} · {t.id} {t.name}")
            for t in tasks
            if t.id not in parents
        ]
    return found


def _rows(
    sheet: WeekForm, lines: list[TimesheetEntry], assigned: list[tuple[str, str]]
) -> list[Row]:
    """The rows to show: those typed (when a form came back), else the week's
    lines a row per task; then the tasks assigned this week; then blank ones."""
    rows = [r for r in sheet.rows if r.typed]
    if not sheet.rows:
        by_task: dict[str, Row] = {}
        for line in lines:
            row = by_task.setdefault(
                f"{line.project}|{line.task}", Row(task=f"{line.project}|{line.task}")
            )
            row.hours[(line.day - sheet.week).days] = str(line.hours)
            row.note = row.note or line.note
        rows = list(by_task.values())
    shown = {r.task for r in rows}
    rows += [Row(task=f"{p}|{t}") for p, t in assigned if f"{p}|{t}" not in shown]
    return rows + [Row() for _ in range(BLANK_ROWS)]


def _render(
    request: Request,
    user: User,
    resource: str,
    sheet: WeekForm,
    status_code: int = 200,
    **said: str,
) -> Response:
    context = context_of(request)
    sheets = TimesheetService(context.plan)
    week = sheets.week(resource, sheet.week)
    lines = sheets.lines(resources=[resource], week=sheet.week)
    rows = _rows(sheet, lines, sheets.assigned_tasks(resource, sheet.week))
    return page(
        request,
        "timesheet.html",
        user,
        status_code=status_code,
        resource=next(r for r in PlanService(context.plan).resources() if r.id == resource),
        week=week,
        label=week_name(sheet.week),
        editable=week.status in _EDITABLE,
        rows=rows,
        sheet=sheet,
        days=[sheet.week + dt.timedelta(days=n) for n in range(7)],
        choices=_choices(context, user),
        previous=week_name(sheet.week - dt.timedelta(days=7)),
        following=week_name(sheet.week + dt.timedelta(days=7)),
        **said,
    )


def _no_resource(request: Request, user: User) -> Response:
    why = (
        "You are not linked to a worker."
        if user.worker is None
        else "Your worker has no plan resource yet: the sync makes one once the worker is "
        "integrated."
    )
    return page(request, "error.html", user, status_code=403, message=why)


@router.get("/timesheet", response_class=HTMLResponse)
def week_page(
    request: Request,
    week: str | None = None,
    done: str = "",
    user: User = Depends(require(Right.OWN_TIME, page=True)),
) -> Response:
    resource = own_resource(context_of(request), user)
    if resource is None:
        return _no_resource(request, user)
    return _render(request, user, resource, WeekForm(week=_week(week)), done=done)


@router.post("/timesheet", response_class=HTMLResponse)
async def save_week(
    request: Request, user: User = Depends(require(Right.OWN_TIME, page=True))
) -> Response:
    context = context_of(request)
    resource = own_resource(context, user)
    if resource is None:
        return _no_resource(request, user)
    form = {k: str(v) for k, v in (await request.form()).items()}
    monday = _week(form.get("week"))
    sheets = TimesheetService(context.plan)
    sheet = read_week(form, monday, sheets.lines(resources=[resource], week=monday))
    companies = plan_companies(context)
    for (_day, project, _task), name in sheet.cell_names.items():
        if not user.sees(companies.get(project, "")):
            sheet.refuse(name, f"unknown project {project}")
    if not sheet.errors:
        try:
            sheets.record(resource, sheet.cells)
            if form.get("action") == "submit":
                sheets.submit(resource, monday)
        except InputError as exc:
            _place(sheet, exc)
        else:
            said = "Submitted to your manager." if form.get("action") == "submit" else "Saved."
            query = urlencode({"week": week_name(monday), "done": said})
            return RedirectResponse(f"/timesheet?{query}", 303)
    return _render(request, user, resource, sheet, status_code=422, refused="refused")


def _place(sheet: WeekForm, refused: InputError) -> None:
    """Each problem on the cell it names, the others for the whole week."""
    cells = {
        f"line {day} {project}/{task}": n for (day, project, task), n in sheet.cell_names.items()
    }
    for problem in refused.problems:
        name = cells.get(problem.where)
        if name is None:
            sheet.general.append(str(problem))
        else:
            sheet.refuse(name, problem.what)


@router.get("/approvals", response_class=HTMLResponse)
def approvals(
    request: Request,
    show: str = "submitted",
    done: str = "",
    error: str = "",
    user: User = Depends(require(Right.PLAN_WRITE, page=True)),
) -> Response:
    """The submitted weeks to decide on; with ``show=approved``, the latest
    approved weeks, to reopen."""
    context = context_of(request)
    sheets = TimesheetService(context.plan)
    scope = timesheet_resources(context, user)
    approved = show == "approved"
    status = TimesheetStatus.APPROVED if approved else TimesheetStatus.SUBMITTED
    waiting = sheets.weeks(resources=scope, status=status)
    if approved:
        waiting = sorted(waiting, key=lambda w: (w.week, w.resource), reverse=True)[:APPROVED_SHOWN]
    plan = PlanService(context.plan)
    names = {r.id: r.name for r in plan.resources()}
    task_names: dict[tuple[str, str], str] = {}
    read: set[str] = set()
    companies = plan_companies(context)
    weeks = []
    for week in waiting:
        lines = [
            line
            for line in sheets.lines(resources=[week.resource], week=week.week)
            if user.sees(companies.get(line.project, ""))
        ]
        for project in sorted({line.project for line in lines} - read):
            task_names.update(((project, t.id), t.name) for t in plan.tasks(project))
            read.add(project)
        weeks.append(
            {
                "week": week,
                "name": week_name(week.week),
                "days": [week.week + dt.timedelta(days=n) for n in range(7)],
                "rows": _grid(week.week, lines, task_names),
                "ledger": _in_ledger(context, lines) if approved else None,
            }
        )
    return page(
        request,
        "approvals.html",
        user,
        weeks=weeks,
        names=names,
        approved=approved,
        done=done,
        error=error,
    )


def _in_ledger(context: Context, lines: list[TimesheetEntry]) -> dict[str, object]:
    """What the sync made of an approved week's lines: how many are posted,
    and each the ledger refused, with its reason."""
    told = line_outcomes(context.sync, PlanConnector.timesheet_source, [str(x.id) for x in lines])
    held = [
        (line, told[str(line.id)].reason)
        for line in lines
        if str(line.id) in told and told[str(line.id)].state == "held"
    ]
    posted = sum(1 for o in told.values() if o.state == "posted")
    return {"posted": posted, "lines": len(lines), "held": held}


def _grid(
    monday: dt.date, lines: list[TimesheetEntry], task_names: dict[tuple[str, str], str]
) -> list[GridRow]:
    """A row per task: its hours per day and its notes."""
    rows: dict[str, GridRow] = {}
    for line in lines:
        task = f"{line.project}/{line.task}"
        name = task_names.get((line.project, line.task), "")
        row = rows.setdefault(task, GridRow(task=task, name=name))
        row.hours[(line.day - monday).days] = line.hours
        if line.note and line.note not in row.notes:
            row.notes.append(line.note)
    return list(rows.values())


@router.post("/approvals", response_class=HTMLResponse)
def decide(
    request: Request,
    resource: str = Form(...),
    week: str = Form(...),
    decision: str = Form(...),
    comment: str = Form(""),
    user: User = Depends(require(Right.PLAN_WRITE, page=True)),
) -> Response:
    context = context_of(request)
    sheets = TimesheetService(context.plan)
    try:
        monday = parse_week(week, "week")
        may_decide(context, user, resource, monday)
        if decision == "reject":
            sheets.reject(resource, monday, comment)
            said = f"Week {week} of {resource} sent back."
        elif decision == "reopen":
            sheets.reopen(resource, monday, comment)
            said = f"Week {week} of {resource} reopened: a draft again."
        else:
            sheets.approve(resource, monday)
            said = f"Week {week} of {resource} approved."
    except InputError as exc:
        refused = "; ".join(str(p) for p in exc.problems)
        return RedirectResponse(f"/approvals?{urlencode({'error': refused})}", 303)
    back = {"show": "approved"} if decision == "reopen" else {}
    return RedirectResponse(f"/approvals?{urlencode({**back, 'done': said})}", 303)
