"""The accountant's forms: projects and subprojects, activities, workers and
their prices, journals of hours, expenses and fees, reversals, forecasts.

Each goes through the service the command line uses (``LedgerService``,
``post_journal``, ``reverse_transaction``, the forecasts' functions): one
transaction, every problem it finds, nothing written when it refuses. The
rights are the role table's (``projsync.web.model``): ``ledger:write`` for
projects, workers, prices and forecasts, ``ledger:activities`` for
activities, ``ledger:post`` for journals and reversals. A user sees and
names only their companies' projects, workers and transactions: another
company's, named in the address, answers 404 as an unknown one does; named
in a field, it is refused in the service's own words for an unknown one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from projsync.errors import InputError, Problem
from projsync.ledger import forecasts as forecast_service
from projsync.ledger.model import (
    Activity,
    ForecastKind,
    JournalLine,
    Project,
    ProjectStatus,
    ProjectType,
    Transaction,
    TransactionKind,
    Worker,
    WorkerPrice,
)
from projsync.ledger.numbers import HOURS, MONEY, PRICE
from projsync.ledger.posting import post_journal, reverse_transaction
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import transactions as transaction_table
from projsync.web.auth import context_of, require
from projsync.web.context import Context
from projsync.web.model import Right, User
from projsync.web.pages.forms import Typed, done, typed
from projsync.web.pages.render import page
from projsync.web.scope import (
    journal_in_scope,
    not_found,
    visible_project,
    visible_projects,
    visible_worker,
    visible_workers,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

JOURNAL_ROWS = 3
MOST_JOURNAL_ROWS = 20
TRANSACTIONS_SHOWN = 30
SOURCE = "web form"
"""The journal source of what the forms post (as the command line's is "command line")."""


def _companies(context: Context, user: User) -> list[str]:
    return [c.id for c in LedgerService(context.ledger).companies() if user.sees(c.id)]


# -- projects -----------------------------------------------------------------

_PROJECT_FIELDS = (
    "id", "name", "company", "parent", "type", "status", "customer", "contract",
    "group", "start", "end", "manager", "contract_value",
)  # fmt: skip


def _project_values(project: Project) -> dict[str, str]:
    found = {name: getattr(project, name) for name in _PROJECT_FIELDS}
    return {k: "" if v is None else str(v) for k, v in found.items()}


def _project_form(
    request: Request,
    user: User,
    values: dict[str, str],
    *,
    editing: Project | None = None,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    context = context_of(request)
    parents = [
        p
        for p in visible_projects(context, user)
        if editing is None or (p.id != editing.id and p.company == editing.company)
    ]
    return page(
        request,
        "forms_project.html",
        user,
        status_code=status_code,
        values=values,
        problems=problems or [],
        editing=editing,
        companies=_companies(context, user),
        parents=parents,
        types=list(ProjectType),
        statuses=list(ProjectStatus),
    )


def _read_project(form: Typed, project_id: str) -> dict[str, Any]:
    """A project's fields as typed; the id and company are the caller's."""
    return {
        "name": form.text("name", "name", most=200, needed=True),
        "parent": form.optional("parent", "parent", most=40),
        "type": form.choice("type", "type", ProjectType, ProjectType.TIME_MATERIAL),
        "status": form.choice("status", "status", ProjectStatus, ProjectStatus.CREATED),
        "customer": form.optional("customer", "customer"),
        "contract": form.optional("contract", "contract"),
        "group": form.optional("group", "group"),
        "start": form.date("start", "start"),
        "end": form.date("end", "end"),
        "manager": form.optional("manager", "manager"),
    }


def _parent_in_scope(context: Context, user: User, project_id: str, parent: str | None) -> None:
    """A parent outside the user's companies refused as the service refuses
    an unknown one."""
    if parent is None:
        return
    try:
        visible_project(context, user, parent)
    except HTTPException:
        where = f"project {project_id}"
        raise InputError([Problem(where=where, what=f"unknown parent project {parent}")]) from None


@router.get("/new-project", response_class=HTMLResponse)
def new_project(
    request: Request,
    parent: str = "",
    user: User = Depends(require(Right.LEDGER_WRITE, page=True)),
) -> Response:
    values = {"type": ProjectType.TIME_MATERIAL.value, "status": ProjectStatus.CREATED.value}
    context = context_of(request)
    if parent:
        above = visible_project(context, user, parent)
        values |= {"parent": above.id, "company": above.company}
    return _project_form(request, user, values)


@router.post("/new-project", response_class=HTMLResponse)
async def add_project(
    request: Request, user: User = Depends(require(Right.LEDGER_WRITE, page=True))
) -> Response:
    values = await typed(request)
    context = context_of(request)
    form = Typed(values)
    project_id = form.text("id", "id", most=40, needed=True)
    company = form.text("company", "company", most=40, needed=True)
    fields = _read_project(form, project_id)
    try:
        form.check()
        if company not in _companies(context, user):
            where = f"project {project_id}"
            raise InputError([Problem(where=where, what=f"unknown company {company}")])
        _parent_in_scope(context, user, project_id, fields["parent"])
        LedgerService(context.ledger).add_project(Project(id=project_id, company=company, **fields))
    except InputError as exc:
        return _project_form(
            request, user, values, status_code=422, problems=[str(p) for p in exc.problems]
        )
    kind = "Subproject" if fields["parent"] else "Project"
    return done(f"/projects/{project_id}", f"{kind} {project_id} created.")


@router.get("/projects/{project_id}/edit", response_class=HTMLResponse)
def edit_project(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_WRITE, page=True)),
) -> Response:
    project = visible_project(context_of(request), user, project_id)
    return _project_form(request, user, _project_values(project), editing=project)


@router.post("/projects/{project_id}/edit", response_class=HTMLResponse)
async def save_project(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_WRITE, page=True)),
) -> Response:
    context = context_of(request)
    project = visible_project(context, user, project_id)
    values = await typed(request)
    form = Typed(values)
    fields = _read_project(form, project_id)
    fields["contract_value"] = form.number("contract_value", "contract value", MONEY)
    try:
        form.check()
        _parent_in_scope(context, user, project_id, fields["parent"])
        LedgerService(context.ledger).update_project(project_id, **fields)
    except InputError as exc:
        values |= {"id": project.id, "company": project.company}
        return _project_form(
            request,
            user,
            values,
            editing=project,
            status_code=422,
            problems=[str(p) for p in exc.problems],
        )
    return done(f"/projects/{project_id}", f"Project {project_id} saved.")


# -- activities ---------------------------------------------------------------


def _activity_values(activity: Activity) -> dict[str, str]:
    names = ("number", "name", "parent", "category", "start", "end", "planned_hours")
    found = {name: getattr(activity, name) for name in names}
    return {k: "" if v is None else str(v) for k, v in found.items()}


def _activities_page(
    request: Request,
    user: User,
    project: Project,
    values: dict[str, str],
    *,
    editing: Activity | None = None,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    listed = LedgerService(context_of(request).ledger).activities(project.id)
    return page(
        request,
        "forms_activities.html",
        user,
        status_code=status_code,
        project=project,
        activities=listed,
        editing=editing,
        values=values,
        problems=problems or [],
    )


def _read_activity(form: Typed) -> dict[str, Any]:
    return {
        "name": form.text("name", "name", most=200, needed=True),
        "parent": form.optional("parent", "parent", most=40),
        "category": form.optional("category", "category", most=40),
        "start": form.date("start", "start"),
        "end": form.date("end", "end"),
        "planned_hours": form.number("planned_hours", "planned hours", HOURS),
    }


@router.get("/projects/{project_id}/activities", response_class=HTMLResponse)
def activities_page(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_ACTIVITIES, page=True)),
) -> Response:
    project = visible_project(context_of(request), user, project_id)
    return _activities_page(request, user, project, {})


@router.post("/projects/{project_id}/activities", response_class=HTMLResponse)
async def add_activity(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_ACTIVITIES, page=True)),
) -> Response:
    context = context_of(request)
    project = visible_project(context, user, project_id)
    values = await typed(request)
    form = Typed(values)
    number = form.text("number", "number", most=40, needed=True)
    fields = _read_activity(form)
    fields["planned_hours"] = fields["planned_hours"] or HOURS_ZERO
    try:
        form.check()
        LedgerService(context.ledger).add_activity(
            Activity(project=project_id, number=number, **fields)
        )
    except InputError as exc:
        return _activities_page(
            request, user, project, values, status_code=422, problems=[str(p) for p in exc.problems]
        )
    return done(f"/projects/{project_id}/activities", f"Activity {number} added.")


@router.get("/projects/{project_id}/activities/{number}", response_class=HTMLResponse)
def edit_activity(
    project_id: str,
    number: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_ACTIVITIES, page=True)),
) -> Response:
    context = context_of(request)
    project = visible_project(context, user, project_id)
    activity = _activity_or_404(context, project_id, number)
    return _activities_page(request, user, project, _activity_values(activity), editing=activity)


@router.post("/projects/{project_id}/activities/{number}", response_class=HTMLResponse)
async def save_activity(
    project_id: str,
    number: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_ACTIVITIES, page=True)),
) -> Response:
    context = context_of(request)
    project = visible_project(context, user, project_id)
    activity = _activity_or_404(context, project_id, number)
    values = await typed(request)
    form = Typed(values)
    fields = _read_activity(form)
    fields["planned_hours"] = fields["planned_hours"] or HOURS_ZERO
    try:
        form.check()
        LedgerService(context.ledger).update_activity(project_id, number, **fields)
    except InputError as exc:
        return _activities_page(
            request,
            user,
            project,
            values | {"number": number},
            editing=activity,
            status_code=422,
            problems=[str(p) for p in exc.problems],
        )
    return done(f"/projects/{project_id}/activities", f"Activity {number} saved.")


def _activity_or_404(context: Context, project_id: str, number: str) -> Activity:
    try:
        return LedgerService(context.ledger).activity(project_id, number)
    except InputError:
        raise not_found(f"activity {project_id}/{number}") from None


HOURS_ZERO = Decimal("0.00")


# -- workers ------------------------------------------------------------------


def _workers_page(
    request: Request,
    user: User,
    values: dict[str, str],
    *,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    context = context_of(request)
    ledger = LedgerService(context.ledger)
    today = dt.datetime.now(dt.UTC).date()
    rows = []
    for worker in visible_workers(context, user):
        prices = ledger.worker_prices(worker.id)
        current = [p for p in prices if p.valid_from <= today] or prices[:1]
        rows.append({"worker": worker, "price": current[-1] if current else None})
    return page(
        request,
        "forms_workers.html",
        user,
        status_code=status_code,
        rows=rows,
        companies=_companies(context, user),
        values=values,
        problems=problems or [],
        may_write=user.can(Right.LEDGER_WRITE),
    )


def _read_price(form: Typed, worker_id: str) -> WorkerPrice | None:
    valid_from = form.date("valid_from", "valid from", needed=True)
    cost = form.number("cost_price", "cost price", PRICE, needed=True)
    sales = form.number("sales_price", "sales price", PRICE, needed=True)
    if valid_from is None or cost is None or sales is None:
        return None
    return WorkerPrice(worker=worker_id, valid_from=valid_from, cost_price=cost, sales_price=sales)


@router.get("/workers", response_class=HTMLResponse)
def workers_page(
    request: Request, user: User = Depends(require(Right.LEDGER_READ, page=True))
) -> Response:
    return _workers_page(request, user, {"calendar": "Standard"})


@router.post("/workers", response_class=HTMLResponse)
async def add_worker(
    request: Request, user: User = Depends(require(Right.LEDGER_WRITE, page=True))
) -> Response:
    context = context_of(request)
    values = await typed(request)
    form = Typed(values)
    worker_id = form.text("id", "id", most=40, needed=True)
    company = form.text("company", "company", most=40, needed=True)
    name = form.text("name", "name", most=200, needed=True)
    calendar = form.text("calendar", "calendar", most=60) or "Standard"
    end = form.date("end_date", "last working day")
    price = _read_price(form, worker_id)
    try:
        form.check()
        assert price is not None
        if company not in _companies(context, user):
            where = f"worker {worker_id}"
            raise InputError([Problem(where=where, what=f"unknown company {company}")])
        worker = Worker(id=worker_id, company=company, name=name, calendar=calendar, end_date=end)
        LedgerService(context.ledger).add_worker(worker, price)
    except InputError as exc:
        return _workers_page(
            request, user, values, status_code=422, problems=[str(p) for p in exc.problems]
        )
    return done("/workers", f"Worker {worker_id} added with prices from {price.valid_from}.")


def _worker_page(
    request: Request,
    user: User,
    worker: Worker,
    values: dict[str, str],
    *,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    prices = LedgerService(context_of(request).ledger).worker_prices(worker.id)
    return page(
        request,
        "forms_worker.html",
        user,
        status_code=status_code,
        worker=worker,
        prices=prices,
        values=values,
        problems=problems or [],
        may_write=user.can(Right.LEDGER_WRITE),
    )


@router.get("/workers/{worker_id}", response_class=HTMLResponse)
def worker_page(
    worker_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_READ, page=True)),
) -> Response:
    worker = visible_worker(context_of(request), user, worker_id)
    return _worker_page(request, user, worker, {})


@router.post("/workers/{worker_id}/prices", response_class=HTMLResponse)
async def set_price(
    worker_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_WRITE, page=True)),
) -> Response:
    context = context_of(request)
    worker = visible_worker(context, user, worker_id)
    values = await typed(request)
    form = Typed(values)
    price = _read_price(form, worker_id)
    try:
        form.check()
        assert price is not None
        LedgerService(context.ledger).set_worker_price(price)
    except InputError as exc:
        return _worker_page(
            request, user, worker, values, status_code=422, problems=[str(p) for p in exc.problems]
        )
    return done(f"/workers/{worker_id}", f"Prices of {worker_id} from {price.valid_from} set.")


# -- journals and reversals ---------------------------------------------------

_LINE_FIELDS = ("kind", "project", "activity", "worker", "date", "hours", "amount", "category")
_TYPED_FIELDS = ("activity", "worker", "hours", "amount", "category")
"""What makes a row of the journal a line: the rest is filled in beforehand."""


def _journal_page(
    request: Request,
    user: User,
    values: dict[str, str],
    rows: int,
    *,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    context = context_of(request)
    projects = visible_projects(context, user)
    shown = request.query_params.get("project") or values.get("r0_project") or ""
    posted: list[Transaction] = []
    if shown in {p.id for p in projects}:
        posted = list(iter_transactions(context.ledger, project=shown))[-TRANSACTIONS_SHOWN:]
        posted.reverse()
    reversed_ids = {t.reverses for t in posted if t.reverses is not None}
    return page(
        request,
        "forms_journal.html",
        user,
        status_code=status_code,
        values=values,
        rows=range(rows),
        kinds=list(TransactionKind),
        projects=projects,
        workers=visible_workers(context, user),
        shown=shown,
        posted=posted,
        reversed_ids=reversed_ids,
        problems=problems or [],
    )


def _rows(text: str | None) -> int:
    count = int(text) if text and text.isascii() and text.isdigit() and len(text) < 4 else 0
    return min(max(count, JOURNAL_ROWS), MOST_JOURNAL_ROWS)


@router.get("/journal", response_class=HTMLResponse)
def journal_page(
    request: Request,
    rows: str = "",
    project: str = "",
    user: User = Depends(require(Right.LEDGER_POST, page=True)),
) -> Response:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    values = {f"r{n}_date": today for n in range(_rows(rows))}
    values |= {f"r{n}_project": project for n in range(_rows(rows))} if project else {}
    return _journal_page(request, user, values, _rows(rows))


def _read_lines(form: Typed, rows: int) -> list[JournalLine]:
    """The rows with anything typed in them, each a journal line numbered by
    its row; a row's problems named by its row."""
    lines = []
    for row in range(rows):
        cell = {name: form.form.get(f"r{row}_{name}", "").strip() for name in _LINE_FIELDS}
        text = form.form.get(f"r{row}_text", "").strip()
        if not any(cell[k] for k in _TYPED_FIELDS) and not text:
            continue  # the kind, project and date come filled in
        where = f"line {row + 1}"
        kind = form.choice(f"r{row}_kind", f"{where} kind", TransactionKind, TransactionKind.HOUR)
        day = form.date(f"r{row}_date", f"{where} date", needed=True)
        hours = form.number(f"r{row}_hours", f"{where} hours", HOURS)
        amount = form.number(f"r{row}_amount", f"{where} amount", MONEY)
        form.text(f"r{row}_text", f"{where} text", most=250)
        for name in ("project", "activity", "worker", "category"):
            form.text(f"r{row}_{name}", f"{where} {name}", most=40)
        if day is None:
            continue
        lines.append(
            JournalLine(
                line=row + 1,
                kind=kind,
                project=cell["project"],
                activity=cell["activity"],
                worker=cell["worker"] or None,
                date=day,
                hours=hours,
                amount=amount,
                category=cell["category"] or None,
                text=text,
            )
        )
    return lines


@router.post("/journal", response_class=HTMLResponse)
async def post_lines(
    request: Request, user: User = Depends(require(Right.LEDGER_POST, page=True))
) -> Response:
    context = context_of(request)
    values = await typed(request)
    rows = _rows(values.get("rows"))
    form = Typed(values)
    lines = _read_lines(form, rows)
    try:
        form.check()
        if not lines:
            raise InputError([Problem(where="journal", what="no line is filled in")])
        result = post_journal(context.ledger, journal_in_scope(context, user, lines), source=SOURCE)
    except InputError as exc:
        return _journal_page(
            request, user, values, rows, status_code=422, problems=[str(p) for p in exc.problems]
        )
    said = (
        f"Posted journal {result.journal}: {result.lines} line(s), {result.hours} hours, "
        f"cost {result.cost}, revenue {result.revenue}."
    )
    return done(f"/projects/{lines[0].project}", said)


@router.post("/transactions/{transaction_id}/reverse", response_class=HTMLResponse)
async def reverse(
    transaction_id: int,
    request: Request,
    user: User = Depends(require(Right.LEDGER_POST, page=True)),
) -> Response:
    """Reverse one transaction of the user's companies, on its own date or
    the one given; refused in the service's words (already reversed, a
    reversal itself, invoiced, on a finished project) on the journal page."""
    context = context_of(request)
    project = _transaction_project(context, transaction_id)
    if project is None or project not in {p.id for p in visible_projects(context, user)}:
        raise not_found(f"transaction {transaction_id}")
    values = await typed(request)
    form = Typed(values)
    on = form.date("date", "date of the reversal")
    target = f"/journal?project={project}"
    try:
        form.check()
        reversal = reverse_transaction(context.ledger, transaction_id, date=on)
    except InputError as exc:
        return done(target, "; ".join(str(p) for p in exc.problems), key="error")
    return done(target, f"Transaction {transaction_id} reversed by {reversal.id}.")


def _transaction_project(context: Context, transaction_id: int) -> str | None:
    if not 0 < transaction_id < 2**63:
        return None
    query = select(transaction_table.c.project_id).where(transaction_table.c.id == transaction_id)
    with context.ledger.read() as conn:
        found: str | None = conn.execute(query).scalar()
    return found


# -- forecasts ----------------------------------------------------------------


def _forecasts_page(
    request: Request,
    user: User,
    project: Project,
    values: dict[str, str],
    *,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Response:
    context = context_of(request)
    return page(
        request,
        "forms_forecasts.html",
        user,
        status_code=status_code,
        project=project,
        forecasts=forecast_service.list_forecasts(context.ledger, project.id),
        activities=LedgerService(context.ledger).activities(project.id),
        workers=[w for w in visible_workers(context, user) if w.company == project.company],
        kinds=list(ForecastKind),
        values=values,
        problems=problems or [],
    )


@router.get("/projects/{project_id}/forecasts", response_class=HTMLResponse)
def forecasts_page(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_WRITE, page=True)),
) -> Response:
    project = visible_project(context_of(request), user, project_id)
    return _forecasts_page(request, user, project, {"kind": ForecastKind.HOUR.value})


@router.post("/projects/{project_id}/forecasts", response_class=HTMLResponse)
async def add_forecast(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_WRITE, page=True)),
) -> Response:
    context = context_of(request)
    project = visible_project(context, user, project_id)
    values = await typed(request)
    form = Typed(values)
    kind = form.choice("kind", "kind", ForecastKind, ForecastKind.HOUR)
    activity = form.text("activity", "activity", most=40, needed=True)
    day = form.date("date", "date", needed=True)
    worker = form.optional("worker", "worker", most=40)
    hours = form.number("hours", "hours", HOURS)
    amount = form.number("amount", "amount", MONEY)
    try:
        form.check()
        assert day is not None
        if worker is not None and worker not in {w.id for w in visible_workers(context, user)}:
            where = f"forecast {project_id}/{activity}"
            raise InputError([Problem(where=where, what=f"unknown worker {worker}")])
        made = forecast_service.add_forecast(
            context.ledger,
            kind=kind,
            project=project_id,
            activity=activity,
            date=day,
            worker=worker if kind is ForecastKind.HOUR else None,
            hours=hours if kind is ForecastKind.HOUR else None,
            amount=amount if kind is not ForecastKind.HOUR else None,
        )
    except InputError as exc:
        return _forecasts_page(
            request, user, project, values, status_code=422, problems=[str(p) for p in exc.problems]
        )
    return done(f"/projects/{project_id}/forecasts", f"Forecast {made.id} added.")


@router.post("/projects/{project_id}/forecasts/{forecast_id}/delete", response_class=HTMLResponse)
def delete_forecast(
    project_id: str,
    forecast_id: int,
    request: Request,
    user: User = Depends(require(Right.LEDGER_WRITE, page=True)),
) -> Response:
    context = context_of(request)
    visible_project(context, user, project_id)
    listed = {f.id for f in forecast_service.list_forecasts(context.ledger, project_id)}
    if forecast_id not in listed:
        raise not_found(f"forecast {forecast_id}")
    forecast_service.delete_forecast(context.ledger, forecast_id)
    return done(f"/projects/{project_id}/forecasts", f"Forecast {forecast_id} deleted.")
