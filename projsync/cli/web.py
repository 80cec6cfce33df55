"""``projsync serve``, ``projsync user`` and ``projsync token``: the web server
and who may use it."""

from __future__ import annotations

import secrets
import sys
from functools import cache
from typing import Annotated

import typer

from projsync.cli.output import emit, fail_cleanly, plain, stdout
from projsync.cli.parsing import LARGEST_KEY
from projsync.cli.stores import ledger_store
from projsync.config import load_settings
from projsync.db import Store, open_store
from projsync.errors import InputError, Problem
from projsync.ledger.service import LedgerService
from projsync.web.access import AccessService, new_user_problems
from projsync.web.model import Role

users_app = typer.Typer(help="Users of the web pages and the API.", no_args_is_help=True)
tokens_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@cache
def web_store() -> Store:
    settings = load_settings()
    return open_store(
        "web", settings.web_url, settings.web_schema, busy_timeout=settings.busy_timeout
    )


def _access() -> AccessService:
    return AccessService(web_store())


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65_535)] = 8000,
    sync: Annotated[
        bool, typer.Option("--sync/--no-sync", help="Run the sync in the background.")
    ] = True,
) -> None:
    """Serve the pages and the REST API (/api/v1, docs at /docs); sync in the background."""
    import uvicorn

    from projsync.web.app import create_app
    from projsync.web.context import open_context

    with fail_cleanly():
        context = open_context()
        if load_settings().plan_side == "redmine":  # the plan side the sync talks to
            from projsync.cli.redmine import plan_connector

            context.plan_side = lambda _store: plan_connector()
        if context.access.is_empty():
            password = secrets.token_urlsafe(12)
            context.access.add_user(
                "admin", name="Administrator", role=Role.ADMINISTRATOR, password=password
            )
            stdout.print(
                "First start: created the user admin (change its password with: "
                "projsync user password admin); its password is:",
                highlight=False,
            )
            sys.stdout.write(password + "\n")
            sys.stdout.flush()
        app = create_app(context, background_sync=sync)
        stdout.print(f"projsync on http://{host}:{port}/ (API docs at /docs)")
        try:
            uvicorn.run(app, host=host, port=port, log_level="info")
        finally:
            context.dispose()


@users_app.command("add")
def user_add(
    login: Annotated[str, typer.Argument(metavar="LOGIN")],
    role: Annotated[Role, typer.Option(help="What the user may do.")],
    name: Annotated[str | None, typer.Option(help="Full name (default: the login).")] = None,
    password: Annotated[
        str | None,
        typer.Option(help="Password (default: read from standard input, one line)."),
    ] = None,
    worker: Annotated[
        str | None, typer.Option(help="The ledger worker whose time this user enters.")
    ] = None,
    company: Annotated[
        list[str] | None, typer.Option(help="A company the user may see (repeat for more).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Add a user. A team member is linked to a worker and sees the worker's company."""
    with fail_cleanly():
        secret = password if password is not None else sys.stdin.readline().rstrip("\n")
        ledger = LedgerService(ledger_store())
        companies = set(company or [])
        known = {c.id for c in ledger.companies()}
        problems = new_user_problems(login, role=role, password=secret, worker=worker)
        problems += [
            Problem(where=f"--company {c}", what="unknown company")
            for c in sorted(companies - known)
        ]
        if worker is not None:
            try:
                companies.add(ledger.worker(worker).company)
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        user = _access().add_user(
            login,
            name=name or login,
            role=role,
            password=secret,
            worker=worker,
            companies=companies,
        )
        shown = plain(user) if as_json else {**plain(user), "companies": ",".join(user.companies)}
        emit(shown, as_json=as_json, title="user added")


@users_app.command("password")
def user_password(
    login: Annotated[str, typer.Argument(metavar="LOGIN")],
    password: Annotated[
        str | None,
        typer.Option(help="New password (default: read from standard input, one line)."),
    ] = None,
) -> None:
    """Set a user's password; their open page sessions end."""
    with fail_cleanly():
        secret = password if password is not None else sys.stdin.readline().rstrip("\n")
        _access().set_password(login, secret)
        stdout.print(f"password of {login} changed")


@users_app.command("list")
def user_list(as_json: Json = False) -> None:
    """The users, their roles, workers and companies."""
    with fail_cleanly():
        rows = [{**plain(u), "companies": ",".join(u.companies)} for u in _access().users()]
        if as_json:
            rows = [plain(u) for u in _access().users()]
        emit(
            rows,
            as_json=as_json,
            columns=("login", "name", "role", "worker", "companies"),
            title="users",
        )


Login = Annotated[str, typer.Argument(metavar="LOGIN")]


@users_app.command("disable")
def user_disable(login: Login) -> None:
    """Disable a user: kept with their tokens, let in by neither a password, a
    token nor a session (their sessions end). The last administrator stays."""
    with fail_cleanly():
        _access().set_disabled(login, True)
        stdout.print(f"user {login} disabled")


@users_app.command("enable")
def user_enable(login: Login) -> None:
    """Let a disabled user in again."""
    with fail_cleanly():
        _access().set_disabled(login, False)
        stdout.print(f"user {login} enabled")


@users_app.command("role")
def user_role(
    login: Login,
    role: Annotated[Role, typer.Argument(metavar="ROLE")],
    company: Annotated[
        list[str] | None,
        typer.Option(help="The companies the user sees from now on (repeat for more)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Give a user another role (a team member must be linked to a worker);
    the last administrator keeps the role."""
    with fail_cleanly():
        if company:
            known = {c.id for c in LedgerService(ledger_store()).companies()}
            unknown = sorted(set(company) - known)
            if unknown:
                raise InputError(
                    [Problem(where=f"--company {c}", what="unknown company") for c in unknown]
                )
        user = _access().set_role(login, role, companies=company or None)
        shown = plain(user) if as_json else {**plain(user), "companies": ",".join(user.companies)}
        emit(shown, as_json=as_json, title="user")


@users_app.command("delete")
def user_delete(login: Login) -> None:
    """Delete a user with their tokens and sessions; never the last administrator."""
    with fail_cleanly():
        _access().delete_user(login)
        stdout.print(f"user {login} deleted")


@tokens_app.command("create")
def token_create(
    login: Annotated[str, typer.Argument(metavar="LOGIN")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    days: Annotated[
        int | None,
        typer.Option(help="Valid for this many days (default: no end).", min=1, max=36_500),
    ] = None,
    as_json: Json = False,
) -> None:
    """Create an API bearer token; its secret is printed once and never stored."""
    with fail_cleanly():
        token, secret = _access().create_token(login, name=name, days=days)
        if as_json:
            emit({**plain(token), "token": secret}, as_json=True)
            return
        stdout.print(f"token {token.id} for {login} (shown only now):")
        sys.stdout.write(secret + "\n")


@tokens_app.command("list")
def token_list(
    login: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    as_json: Json = False,
) -> None:
    """API tokens (never their secrets)."""
    with fail_cleanly():
        emit(
            _access().tokens(login),
            as_json=as_json,
            columns=("id", "user", "name", "created_at", "expires_at"),
            title="tokens",
        )


@tokens_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="TOKEN_ID", min=1, max=LARGEST_KEY)],
) -> None:
    """Revoke an API token."""
    with fail_cleanly():
        _access().revoke_token(token_id)
        stdout.print(f"token {token_id} revoked")
