"""The administrator's forms: users (add, disable or enable, change role,
delete) and API tokens (create, its secret shown once on the page that
answers, never again; revoke). All need the right ``users``, which only the
administrator's role holds; they go through ``AccessService``, as
``projsync user`` and ``projsync token`` do.

An administrator does not disable, demote or delete themselves here (the
page would lock them out mid-way); the service keeps the last enabled
administrator whoever asks.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from projsync.errors import InputError, Problem
from projsync.ledger.service import LedgerService
from projsync.web.access import new_user_problems
from projsync.web.auth import context_of, require
from projsync.web.model import Right, Role, User
from projsync.web.pages.forms import Typed, done, typed
from projsync.web.pages.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
MOST_TOKEN_DAYS = 36_500


def _users_page(
    request: Request,
    user: User,
    *,
    values: dict[str, str] | None = None,
    problems: list[str] | None = None,
    secret: str | None = None,
    status_code: int = 200,
) -> Response:
    context = context_of(request)
    ledger = LedgerService(context.ledger)
    access = context.access
    return page(
        request,
        "forms_users.html",
        user,
        status_code=status_code,
        users=access.users(),
        disabled=access.disabled_logins(),
        tokens=access.tokens(),
        roles=list(Role),
        companies=[c.id for c in ledger.companies()],
        workers=ledger.workers(),
        values=values or {"role": Role.PROJECT_MANAGER.value},
        problems=problems or [],
        secret=secret,
    )


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: User = Depends(require(Right.USERS, page=True))) -> Response:
    return _users_page(request, user)


@router.post("/users", response_class=HTMLResponse)
async def add_user(
    request: Request, user: User = Depends(require(Right.USERS, page=True))
) -> Response:
    """A new user, with their companies (a team member's worker's company
    added, as the command line adds it)."""
    context = context_of(request)
    values = await typed(request)
    chosen = {k.partition(":")[2] for k, v in values.items() if k.startswith("company:") and v}
    form = Typed(values)
    login = form.text("login", "login", most=60, needed=True)
    name = form.text("name", "name", most=200) or login
    role = form.choice("role", "role", Role, Role.TEAM_MEMBER)
    worker = form.optional("worker", "worker", most=40)
    password = values.get("password", "")
    ledger = LedgerService(context.ledger)
    known = {c.id for c in ledger.companies()}
    problems = [*form.problems]
    problems += new_user_problems(login, role=role, password=password, worker=worker)
    problems += [
        Problem(where=f"company {c}", what="unknown company") for c in sorted(chosen - known)
    ]
    if worker is not None:
        try:
            chosen.add(ledger.worker(worker).company)
        except InputError as exc:
            problems += exc.problems
    try:
        if problems:
            raise InputError(problems)
        context.access.add_user(
            login, name=name, role=role, password=password, worker=worker, companies=chosen
        )
    except InputError as exc:
        kept = {k: v for k, v in values.items() if k != "password"}
        kept |= {f"company:{c}": "on" for c in chosen}
        return _users_page(
            request, user, values=kept, problems=[str(p) for p in exc.problems], status_code=422
        )
    return done("/users", f"User {login} added ({role}).")


def _not_oneself(user: User, login: str, what: str) -> None:
    if login == user.login:
        raise InputError([Problem(where=f"user {login}", what=f"you cannot {what} yourself")])


def _known(request: Request, login: str) -> User:
    try:
        return context_of(request).access.user(login)
    except InputError:
        raise HTTPException(404, f"user {login}: unknown") from None


def _told(error: InputError) -> Response:
    return done("/users", "; ".join(str(p) for p in error.problems), key="error")


@router.post("/users/{login}/disable", response_class=HTMLResponse)
def disable_user(
    login: str, request: Request, user: User = Depends(require(Right.USERS, page=True))
) -> Response:
    _known(request, login)
    try:
        _not_oneself(user, login, "disable")
        context_of(request).access.set_disabled(login, True)
    except InputError as exc:
        return _told(exc)
    return done("/users", f"User {login} disabled: their sessions ended, their tokens refused.")


@router.post("/users/{login}/enable", response_class=HTMLResponse)
def enable_user(
    login: str, request: Request, user: User = Depends(require(Right.USERS, page=True))
) -> Response:
    _known(request, login)
    context_of(request).access.set_disabled(login, False)
    return done("/users", f"User {login} enabled.")


@router.post("/users/{login}/role", response_class=HTMLResponse)
async def change_role(
    login: str, request: Request, user: User = Depends(require(Right.USERS, page=True))
) -> Response:
    _known(request, login)
    form = Typed(await typed(request))
    role = form.choice("role", "role", Role, Role.TEAM_MEMBER)
    try:
        form.check()
        if role is not Role.ADMINISTRATOR:
            _not_oneself(user, login, "take the administrator's role from")
        context_of(request).access.set_role(login, role)
    except InputError as exc:
        return _told(exc)
    return done("/users", f"User {login} is now {role}.")


@router.post("/users/{login}/delete", response_class=HTMLResponse)
def delete_user(
    login: str, request: Request, user: User = Depends(require(Right.USERS, page=True))
) -> Response:
    _known(request, login)
    try:
        _not_oneself(user, login, "delete")
        context_of(request).access.delete_user(login)
    except InputError as exc:
        return _told(exc)
    return done("/users", f"User {login} deleted, with their tokens.")


@router.post("/tokens", response_class=HTMLResponse)
async def create_token(
    request: Request, user: User = Depends(require(Right.USERS, page=True))
) -> Response:
    """A new token: the page that answers shows its secret, once (it is not
    in the address, and no later page shows it)."""
    values = await typed(request)
    form = Typed(values)
    login = form.text("token_user", "user", most=60, needed=True)
    name = form.text("token_name", "token name", most=100) or "api"
    days_text = values.get("token_days", "").strip()
    days = None
    if days_text:
        if days_text.isascii() and days_text.isdigit() and 1 <= int(days_text) <= MOST_TOKEN_DAYS:
            days = int(days_text)
        else:
            form.refuse("days", f"a whole number of days from 1 to {MOST_TOKEN_DAYS:,}")
    try:
        form.check()
        token, secret = context_of(request).access.create_token(login, name=name, days=days)
    except InputError as exc:
        return _users_page(
            request, user, values=values, problems=[str(p) for p in exc.problems], status_code=422
        )
    response = _users_page(request, user, secret=secret, values={"created_token": str(token.id)})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(
    token_id: int, request: Request, user: User = Depends(require(Right.USERS, page=True))
) -> Response:
    access = context_of(request).access
    if token_id not in {t.id for t in access.tokens()}:
        raise HTTPException(404, f"token {token_id}: unknown")
    access.revoke_token(token_id)
    return done("/users", f"Token {token_id} revoked.")
