"""Rendering a page: the templates, and what every page is told (among it the
session's form token, which every form that posts carries)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from projsync.web.auth import SESSION_COOKIE, form_token
from projsync.web.model import Right, User

__all__ = ["money", "page", "templates"]

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def money(amount: Decimal) -> str:
    """An amount as the ledger keeps it, to the cent, with thousands
    separators: ``-12,345.60``."""
    return f"{amount:,.2f}"


templates.env.filters["money"] = money

_NAV = (
    ("/projects", "Projects", Right.LEDGER_READ),
    ("/invoices", "Invoices", Right.LEDGER_READ),
    ("/workers", "Workers", Right.LEDGER_READ),
    ("/journal", "Journal", Right.LEDGER_POST),
    ("/resources", "Resources", Right.PLAN_READ),
    ("/portal", "Hours to the ledger", Right.OWN_TIME),
    ("/timesheet", "Timesheet for approval", Right.OWN_TIME),
    ("/approvals", "Approvals", Right.PLAN_WRITE),
    ("/log", "Integration log", Right.SYNC_READ),
    ("/settings", "Settings", Right.SETTINGS),
    ("/users", "Users", Right.USERS),
)


def page(
    request: Request, name: str, user: User | None, status_code: int = 200, **values: Any
) -> HTMLResponse:
    nav = [(href, label) for href, label, right in _NAV if user is not None and user.can(right)]
    if user is not None and user.worker is None:  # the timesheets are a worker's
        nav = [item for item in nav if item[0] not in ("/portal", "/timesheet")]
    session = request.cookies.get(SESSION_COOKIE)
    token = form_token(session) if session else ""
    return templates.TemplateResponse(
        request,
        name,
        {"user": user, "nav": nav, "path": request.url.path, "form_token": token, **values},
        status_code=status_code,
    )
