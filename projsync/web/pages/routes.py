"""The pages people open: log in, project center, project page with the Gantt
chart, budget against actual and the S-curve, the plan project's Gantt page
and the resource center."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from projsync.errors import InputError
from projsync.ledger.forecasts import list_forecasts
from projsync.ledger.model import Forecast, ForecastKind, Project, TransactionKind
from projsync.ledger.reports import iter_transactions, project_totals
from projsync.ledger.service import LedgerService
from projsync.ledger.statement import FIGURES, By, statement
from projsync.plan.changes import current_version
from projsync.plan.entities import PlanProject, TaskType
from projsync.plan.scheduling import project_overallocations
from projsync.plan.service import PlanService
from projsync.plan.views import project_view
from projsync.sync.links import plan_keys_of
from projsync.sync.settings import project_settings_of
from projsync.sync.status import overall
from projsync.web.api.plan import task_rows
from projsync.web.api.sync import entity_statuses
from projsync.web.auth import SESSION_COOKIE, context_of, page_user, require
from projsync.web.context import Context
from projsync.web.figures import (
    ZOOMS,
    GanttRow,
    cumulative,
    gantt_svg,
    progress_percent,
    s_curve_svg,
    weekly_allocation,
)
from projsync.web.model import Right, User
from projsync.web.pages.ledger_schedule import ledger_gantt_svg
from projsync.web.pages.render import page, templates
from projsync.web.phasing import planned_cost as planned_cost_by_day
from projsync.web.plan_grid import grid_columns
from projsync.web.scope import (
    plan_companies,
    plan_project_company,
    visible_project,
    visible_projects,
    visible_resources,
)
from projsync.web.weeks import week_window
from projsync.web.work_spans import work_spans

__all__ = ["budget_against_actual", "router"]

router = APIRouter(include_in_schema=False)
_ZERO = Decimal("0.00")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return page(request, "login.html", None, next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    login: str = Form(...),
    password: str = Form(...),
    next: str = Form("/"),
) -> Response:
    context = context_of(request)
    client = request.client.host if request.client else ""
    wait = context.logins.wait(login, client)
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        held = page(
            request,
            "login.html",
            None,
            status_code=429,
            next=_safe_next(next),
            error=f"Too many failed logins: try again in {minutes} minute"
            + ("s." if minutes > 1 else "."),
            login=login,
        )
        held.headers["Retry-After"] = str(math.ceil(wait))
        return held
    user = context.access.authenticate(login, password)
    if user is None:
        context.logins.failed(login, client)
        return page(
            request,
            "login.html",
            None,
            status_code=401,
            next=_safe_next(next),
            error="Unknown login or wrong password.",
            login=login,
        )
    context.logins.succeeded(login)
    secret = context.access.open_session(user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", max_age=12 * 3600)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        context = context_of(request)
        context.access.close_session(secret)
        context.forget(("session", secret))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _safe_next(target: str) -> str:
    """Only a path of this site: never an address elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/")
def home(user: User = Depends(page_user)) -> Response:
    if user.can(Right.LEDGER_READ):
        return RedirectResponse("/projects", status_code=303)
    return RedirectResponse("/portal", status_code=303)


@router.get("/projects", response_class=HTMLResponse)
def project_center(
    request: Request, user: User = Depends(require(Right.LEDGER_READ, page=True))
) -> Response:
    context = context_of(request)
    statuses = entity_statuses(context)
    rows = []
    everything = visible_projects(context, user)
    for project in everything:
        if project.parent is not None:
            continue
        totals = project_totals(context.ledger, project.id)
        rows.append(
            {
                "project": project,
                "totals": totals,
                "sync": _sync_status(statuses, project.id, everything),
            }
        )
    return page(request, "projects.html", user, rows=rows, can_manage=user.can(Right.SYNC_MANAGE))


def _sync_status(
    statuses: dict[tuple[str, str], str], project_id: str, everything: list[Project]
) -> str:
    """A project's sync status with its subprojects': the worst of them
    (``projsync.sync.status.overall``), or "not integrated"."""
    found = [
        statuses[("project", key)]
        for key in _subtree(everything, project_id)
        if ("project", key) in statuses
    ]
    return overall(found) if found else "not integrated"


def _subtree(projects: list[Project], root: str) -> list[str]:
    children: dict[str | None, list[str]] = {}
    for p in projects:
        children.setdefault(p.parent, []).append(p.id)
    found, stack = [], [root]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(sorted(children.get(current, []), reverse=True))
    return found


def budget_against_actual(
    context: Context, project_ids: list[str]
) -> tuple[list[dict[str, Any]], dict[str, list[tuple[dt.date, Decimal]]]]:
    """Forecast against posted hours, hour cost, expenses and revenue of the
    projects given, and the cumulative cost of each over time."""
    planned = {"hours": _ZERO, "hour cost": _ZERO, "expenses": _ZERO, "revenue": _ZERO}
    actual = dict(planned)
    all_forecasts: list[Forecast] = []
    actual_cost: list[tuple[dt.date, Decimal]] = []
    for project_id in project_ids:
        for forecast in list_forecasts(context.ledger, project_id):
            if forecast.kind is ForecastKind.HOUR:
                planned["hours"] += forecast.hours
                planned["hour cost"] += forecast.cost
            elif forecast.kind is ForecastKind.EXPENSE:
                planned["expenses"] += forecast.cost
            planned["revenue"] += forecast.revenue
            all_forecasts.append(forecast)
        for item in iter_transactions(context.ledger, project=project_id):
            if item.kind is TransactionKind.HOUR:
                actual["hours"] += item.hours
                actual["hour cost"] += item.cost
            elif item.kind is TransactionKind.EXPENSE:
                actual["expenses"] += item.cost
            actual["revenue"] += item.revenue
            if item.cost:
                actual_cost.append((item.date, item.cost))
    rows = []
    for name, plan in planned.items():
        done = actual[name]
        rows.append(
            {
                "name": name,
                "planned": plan,
                "actual": done,
                "variance": plan - done,
                "percent": round(100 * done / plan) if plan else None,
            }
        )
    spans = work_spans(context, {(f.project, f.activity) for f in all_forecasts})
    planned_cost = planned_cost_by_day(all_forecasts, spans)
    curves = {"planned cost": cumulative(planned_cost), "actual cost": cumulative(actual_cost)}
    return rows, curves


def _plan_id(context: Context, project_id: str) -> str | None:
    linked = project_settings_of(context.sync).get(project_id)
    plan_id = (linked.plan_project if linked else None) or project_id
    try:
        PlanService(context.plan).project(plan_id)
    except InputError:
        return None
    return plan_id


def _plan_elsewhere(context: Context, project_id: str) -> str | None:
    """Where the plan side shows the project (Redmine's Gantt chart), once the
    sync has linked it there."""
    if context.plan_url is None:
        return None
    with context.sync.read() as conn:
        plan_key = plan_keys_of(conn, "project", [project_id]).get(project_id)
    return None if plan_key is None else context.plan_url(plan_key)


def _gantt(
    context: Context,
    plan_id: str,
    *,
    zoom: str = "fit",
    collapsed: frozenset[str] = frozenset(),
    grid: str | None = None,
) -> tuple[PlanProject, Markup, dict[str, int]]:
    """The plan project, its chart with the task table as HTML, and counts of
    its tasks; the chart is kept per version of the plan store (drawn once per
    change), the version read first so a chart is never older than its key.
    On the plan page (``grid`` "read" or "edit") the table is the grid, each
    summary has a link that collapses or expands it, and the scale is
    ``zoom``'s."""
    with context.plan.read() as conn:
        version = str(current_version(conn))
    project = PlanService(context.plan).project(plan_id)
    today = _today(project.timezone)
    if grid is None:
        zoom, collapsed = "fit", frozenset()

    def draw() -> bytes:
        _project, views, _custom = project_view(context.plan, plan_id)
        rows = task_rows(views)
        service = PlanService(context.plan)
        plan_links = service.links(plan_id)
        links = [
            {"predecessor": link.predecessor, "successor": link.successor, "type": link.type.value}
            for link in plan_links
        ]
        toggle = None
        if grid is not None:
            columns = grid_columns(
                [v.task for v in views], plan_links, service.assignments(plan_id)
            )
            for row in rows:
                row.update(columns[row["id"]])

            def toggle(task_id: str, collapse: bool) -> str:
                wanted = collapsed | {task_id} if collapse else collapsed - {task_id}
                return plan_page_href(plan_id, zoom, wanted)

        chart = gantt_svg(
            [
                GanttRow(
                    id=v.task.id,
                    name=v.task.name,
                    level=row["outline_level"],
                    start=v.task.start,
                    finish=v.task.finish,
                    summary=v.summary,
                    milestone=v.task.milestone,
                    critical=v.task.critical,
                    progress=progress_percent(v.task.percent_complete, v.work, v.actual_work),
                    parent=v.task.parent,
                    baseline_start=v.task.baseline_start,
                    baseline_finish=v.task.baseline_finish,
                )
                for v, row in zip(views, rows, strict=True)
            ],
            links,
            title=f"{project.id} {project.name}",
            today=today,
            zoom=zoom,
            collapsed=collapsed,
            toggle=toggle,
        )
        fragment = templates.get_template("gantt_chart.html").render(
            gantt=chart,
            tasks=rows,
            grid=grid,
            types=[t.value for t in TaskType],
            collapsed=collapsed,
            hidden=_under(rows, collapsed),
            toggle=toggle,
            baselined=any(v.task.baseline_start for v in views),
            today=today,
        )
        counts = {"tasks": len(rows), "critical": sum(1 for r in rows if r["critical"])}
        return json.dumps({"html": fragment, "counts": counts}).encode()

    key = ("gantt", plan_id, version, zoom, ",".join(sorted(collapsed)), grid or "", str(today))
    drawn = json.loads(context.rendered(key, draw))
    return project, Markup(drawn["html"]), drawn["counts"]


def _under(rows: list[dict[str, Any]], collapsed: frozenset[str]) -> set[str]:
    """The tasks under a collapsed summary (rows come parents first)."""
    hidden: set[str] = set()
    for row in rows:
        if row["parent"] in collapsed or row["parent"] in hidden:
            hidden.add(row["id"])
    return hidden


def _today(timezone: str) -> dt.date:
    try:
        return dt.datetime.now(ZoneInfo(timezone)).date()
    except (ValueError, ZoneInfoNotFoundError):
        return dt.datetime.now(dt.UTC).date()


def plan_page_href(plan_id: str, zoom: str, collapsed: Iterable[str]) -> str:
    """The plan page's address at a zoom with some summaries collapsed."""
    query = {}
    if zoom != "fit":
        query["zoom"] = zoom
    if collapsed:
        query["collapse"] = ",".join(sorted(collapsed))
    path = f"/plan/{quote(plan_id, safe='')}"
    return f"{path}?{urlencode(query)}" if query else path


def _ledger_gantt(context: Context, tree: list[Project]) -> Markup:
    service = LedgerService(context.ledger)
    svg = ledger_gantt_svg(tree, {p.id: service.activities(p.id) for p in tree})
    return Markup(f'<div class="gantt-wrap">{svg}</div>')


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_READ, page=True)),
) -> Response:
    context = context_of(request)
    project = visible_project(context, user, project_id)
    everything = visible_projects(context, user)
    ids = _subtree(everything, project_id)
    budget, curves = budget_against_actual(context, ids)
    company = next(c for c in LedgerService(context.ledger).companies() if c.id == project.company)
    plan_id, chart, elsewhere = None, None, None
    if not context.plan_in_store:
        if user.can(Right.PLAN_READ):
            by_id = {p.id: p for p in everything}
            chart = _ledger_gantt(context, [by_id[i] for i in ids])
            elsewhere = _plan_elsewhere(context, project_id)
    else:
        # a subproject is a summary task of its root project's plan project
        parent_of = {p.id: p.parent for p in everything}
        root = project_id
        while parent_of.get(root):
            root = parent_of[root] or root
        plan_id = _plan_id(context, project_id) or _plan_id(context, root)
        if plan_id is not None and user.can(Right.PLAN_READ):
            _plan, chart, _counts = _gantt(context, plan_id)
    return page(
        request,
        "project.html",
        user,
        project=project,
        company=company,
        subprojects=[p for p in everything if p.parent == project_id],
        totals=project_totals(context.ledger, project_id),
        budget=budget,
        s_curve=s_curve_svg(curves, currency=company.currency),
        plan_id=plan_id,
        plan_side=context.plan_side_name,
        plan_url=elsewhere,
        gantt=chart,
        sync=_sync_status(entity_statuses(context), project_id, everything),
        can_manage=user.can(Right.SYNC_MANAGE),
    )


@router.get("/projects/{project_id}/statement", response_class=HTMLResponse)
def statement_page(
    project_id: str,
    request: Request,
    by: str = "activity",
    date_from: str = Query("", alias="from"),
    date_to: str = Query("", alias="to"),
    user: User = Depends(require(Right.LEDGER_READ, page=True)),
) -> Response:
    """The project statement (``projsync.ledger.statement``) of a project the
    user may see, by the dimension and over the dates the query asks."""
    context = context_of(request)
    project = visible_project(context, user, project_id)
    problems: list[str] = []
    chosen = next((choice for choice in By if choice.value == by), None)
    if chosen is None:
        problems.append(f"by: {by!r} is not one of {', '.join(b.value for b in By)}")
    dates: dict[str, dt.date | None] = {}
    for name, text in (("from", date_from), ("to", date_to)):
        try:
            dates[name] = dt.date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            problems.append(f"{name}: {text!r} is not a date (YYYY-MM-DD)")
    if not problems and dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        problems.append(f"from: {dates['from']} is after to, {dates['to']}")
    found = None
    if not problems:
        try:
            found = statement(
                context.ledger,
                project.id,
                date_from=dates["from"],
                date_to=dates["to"],
                by=chosen or By.ACTIVITY,
            )
        except InputError as exc:
            # the query's names, not the command line's
            problems = [f"{p.where.removeprefix('--')}: {p.what}" for p in exc.problems]
    return page(
        request,
        "statement.html",
        user,
        status_code=400 if problems else 200,
        project=project,
        found=found,
        problems=problems,
        by=by,
        choices=[b.value for b in By],
        date_from=date_from,
        date_to=date_to,
        figures=FIGURES,
    )


@router.get("/plan/{plan_id}", response_class=HTMLResponse)
def gantt_page(
    plan_id: str,
    request: Request,
    zoom: str = "fit",
    collapse: str = "",
    user: User = Depends(require(Right.PLAN_READ, page=True)),
) -> Response:
    """A plan project's Gantt chart on its own, at a zoom (fit, days, weeks,
    months), some summaries collapsed, with the grid of its tasks (editable
    by those who may write the plan)."""
    context = context_of(request)
    elsewhere = context.plan_elsewhere()
    if elsewhere is not None:
        return page(request, "error.html", user, status_code=409, message=elsewhere)
    if not user.all_companies:
        company = plan_project_company(context, plan_id)
        if company is None or not user.sees(company):
            return page(request, "error.html", user, status_code=404, message="Unknown project.")
    zoom = zoom if zoom in ZOOMS else "fit"
    collapsed = frozenset(part for part in collapse.split(",")[:1000] if part)
    editable = user.can(Right.PLAN_WRITE)
    project, chart, counts = _gantt(
        context, plan_id, zoom=zoom, collapsed=collapsed, grid="edit" if editable else "read"
    )
    zooms = [(z, plan_page_href(plan_id, z, collapsed)) for z in ZOOMS]
    return page(
        request,
        "gantt.html",
        user,
        project=project,
        gantt=chart,
        counts=counts,
        zoom=zoom,
        zooms=zooms,
        collapsed=collapsed,
        expand_all=plan_page_href(plan_id, zoom, ()),
        editable=editable,
    )


@router.get("/resources", response_class=HTMLResponse)
def resource_center(
    request: Request,
    start: str = Query("", alias="from"),
    user: User = Depends(require(Right.PLAN_READ, page=True)),
) -> Response:
    """Each resource's hours per week, 26 weeks from any week (``from``, any
    day of it; by default the first allocated week)."""
    context = context_of(request)
    elsewhere = context.plan_elsewhere()
    if elsewhere is not None:
        return page(request, "error.html", user, status_code=409, message=elsewhere)
    service = PlanService(context.plan)
    resources = visible_resources(context, user)
    allocation: dict[str, dict[dt.date, int]] = {}
    over: list[Any] = []
    beyond: list[Any] = []
    unscheduled: list[tuple[str, str]] = []
    companies = plan_companies(context)
    for project in service.projects():
        if not user.all_companies and not user.sees(companies.get(project.id, "")):
            continue
        tasks = {t.id: (t.start, t.finish) for t in service.tasks(project.id)}
        assigned = [(a.task, a.resource, a.work) for a in service.assignments(project.id)]
        for resource_id, per_week in weekly_allocation(tasks, assigned).items():
            mine = allocation.setdefault(resource_id, {})
            for week, minutes in per_week.items():
                mine[week] = mine.get(week, 0) + minutes
        try:
            report = project_overallocations(context.plan, project.id)
        except InputError as exc:  # one project that cannot be scheduled hides no other
            unscheduled.extend((project.id, str(p)) for p in exc.problems)
            continue
        over.extend((project.id, o) for o in report.periods)
        beyond.extend((project.id, b) for b in report.beyond_availability)
    window = week_window(
        start, (w for found in allocation.values() for w in found), dt.datetime.now(dt.UTC).date()
    )
    weeks = window.weeks
    rows = []
    for resource in resources:
        capacity = 40 * 60 * resource.max_units // 100
        cells = []
        for week in weeks:
            minutes = allocation.get(resource.id, {}).get(week, 0)
            cells.append(
                {
                    "hours": minutes / 60,
                    "over": minutes > capacity,
                    "load": min(150, round(100 * minutes / capacity)) if capacity else 0,
                }
            )
        rows.append({"resource": resource, "capacity": capacity / 60, "cells": cells})
    return page(
        request,
        "resources.html",
        user,
        rows=rows,
        weeks=weeks,
        overallocations=over,
        beyond_availability=beyond,
        unscheduled=unscheduled,
        this_week=window.this_week,
        window=window,
    )
