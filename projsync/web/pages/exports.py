"""Downloads of what the pages show, as CSV or a spreadsheet: a project's
transactions (with its subprojects'), its statement, a plan project's tasks
and the integration log as filtered. Each follows its page's right and
company scope: what a user may not see answers as unknown."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from projsync.errors import InputError
from projsync.exports import Sheet, csv_lines, xlsx_bytes
from projsync.ledger.reports import iter_transactions
from projsync.ledger.statement import FIGURES, By, statement
from projsync.plan.views import project_view, task_rows
from projsync.web import log_view
from projsync.web.auth import context_of, require
from projsync.web.model import Right, User
from projsync.web.scope import entity_filter, not_found, plan_project_company, visible_project

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_TRANSACTION_COLUMNS = (
    "id", "journal", "kind", "project", "activity", "worker", "date", "hours", "cost",
    "revenue", "category", "reverses", "text", "posted_at",
)  # fmt: skip
_LOG_COLUMNS = (
    "id", "run", "entity_type", "entity_key", "plan_key", "action", "status", "origin",
    "destination", "attempts", "user", "created_at", "updated_at", "error", "payload",
)  # fmt: skip
_MOST_LOG_ENTRIES = 100_000
"""A log download holds at most this many entries, the newest."""


def _download(name: str, fmt: str, sheet: Sheet) -> Response:
    """The sheet as a file to save: ``name.csv`` streamed, or ``name.xlsx``."""
    if fmt not in _TYPES:
        raise not_found("format")
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "export"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"; '
        f"filename*=UTF-8''{quote(filename)}.{fmt}"
    }
    if fmt == "csv":
        return StreamingResponse(
            csv_lines(sheet.rows, sheet.columns), media_type=_TYPES[fmt], headers=headers
        )
    return Response(xlsx_bytes(sheet), media_type=_TYPES[fmt], headers=headers)


@router.get("/projects/{project_id}/transactions.{fmt}")
def transactions_download(
    project_id: str,
    fmt: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_READ, page=True)),
) -> Response:
    """A project's posted transactions with its subprojects', oldest first."""
    context = context_of(request)
    project = visible_project(context, user, project_id)
    rows = list(iter_transactions(context.ledger, project=project.id, subprojects=True))
    sheet = Sheet(title="Transactions", columns=_TRANSACTION_COLUMNS, rows=rows)
    return _download(f"{project.id}-transactions", fmt, sheet)


@router.get("/projects/{project_id}/statement.{fmt}")
def statement_download(
    project_id: str,
    fmt: str,
    request: Request,
    by: str = "activity",
    date_from: str = Query("", alias="from"),
    date_to: str = Query("", alias="to"),
    user: User = Depends(require(Right.LEDGER_READ, page=True)),
) -> Response:
    """The project statement as the page shows it for the same query."""
    context = context_of(request)
    project = visible_project(context, user, project_id)
    chosen = next((choice for choice in By if choice.value == by), None)
    try:
        if chosen is None:
            raise ValueError(f"by: {by!r} is not one of {', '.join(b.value for b in By)}")
        found = statement(
            context.ledger,
            project.id,
            date_from=_day(date_from, "from"),
            date_to=_day(date_to, "to"),
            by=chosen,
        )
    except ValueError as exc:
        return Response(f"{exc}\n", status_code=400, media_type="text/plain")
    except InputError as exc:
        said = "; ".join(f"{p.where.removeprefix('--')}: {p.what}" for p in exc.problems)
        return Response(f"{said}\n", status_code=400, media_type="text/plain")
    head = found.head
    sheet = Sheet(
        title="Statement",
        columns=("project", "key", "name", *FIGURES),
        rows=found.rows(),
        head=[
            ("Project", head.project),
            ("Name", head.name),
            ("Currency", head.currency),
            ("From", head.date_from),
            ("To", head.date_to),
            ("By", head.by),
        ],
    )
    return _download(f"{project.id}-statement-{chosen.value}", fmt, sheet)


@router.get("/plan/{plan_id}/tasks.{fmt}")
def tasks_download(
    plan_id: str,
    fmt: str,
    request: Request,
    user: User = Depends(require(Right.PLAN_READ, page=True)),
) -> Response:
    """A plan project's tasks, every field, durations and work in minutes."""
    context = context_of(request)
    if not user.all_companies:
        company = plan_project_company(context, plan_id)
        if company is None or not user.sees(company):
            raise not_found("project")
    try:
        record, views, _ = project_view(context.plan, plan_id)
    except InputError:
        raise not_found("project") from None
    rows = task_rows(views)
    columns: Sequence[str] = list(rows[0]) if rows else ("id", "name")
    sheet = Sheet(title="Tasks", columns=columns, rows=rows, head=[("Project", record.id)])
    return _download(f"{record.id}-tasks", fmt, sheet)


@router.get("/log.{fmt}")
def log_download(
    fmt: str,
    request: Request,
    status: list[str] = Query([]),
    entity_type: list[str] = Query([]),
    origin: list[str] = Query([]),
    destination: list[str] = Query([]),
    run: str = "",
    entity: str = "",
    since: str = "",
    until: str = "",
    user: User = Depends(require(Right.SYNC_READ, page=True)),
) -> Response:
    """The integration log as the page filters it, newest first, in the
    user's scope (at most the newest 100,000 entries)."""
    wanted, problems = log_view.read_filters(
        status=status,
        entity_type=entity_type,
        origin=origin,
        destination=destination,
        direction="",
        run=run,
        entity=entity,
        since=since,
        until=until,
    )
    if problems:
        return Response("; ".join(problems) + "\n", status_code=400, media_type="text/plain")
    context = context_of(request)
    found = log_view.entries_in_scope(
        context, wanted, visible=entity_filter(context, user), most=_MOST_LOG_ENTRIES
    )
    rows: list[dict[str, Any]] = [
        {
            **{name: getattr(entry, name) for name in _LOG_COLUMNS if name != "entity_type"},
            "entity_type": log_view.entity_word(entry.entity_type),
        }
        for entry in found
    ]
    return _download("integration-log", fmt, Sheet(title="Log", columns=_LOG_COLUMNS, rows=rows))


def _day(text: str, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from None
