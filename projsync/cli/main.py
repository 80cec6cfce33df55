"""The ``projsync`` command: one entry point, a sub-command per part."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from projsync import __version__
from projsync.cli import ledger, plan, redmine, sync, web
from projsync.cli import settings as settings_cli
from projsync.cli.output import fail_cleanly, stdout
from projsync.cli.stores import ledger_store, plan_store, sync_store
from projsync.config import load_settings


class _TextArguments(TyperGroup):
    """Refuses, as a usage error, an argument that is not text: what a shell
    hands Python for bytes that are not UTF-8 (``$'\\xff'`` arrives as a lone
    surrogate) can be neither stored nor printed."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise typer.BadParameter(f"{arg!r} is not UTF-8 text", ctx) from None
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_TextArguments,
    help="projsync: project accounting and project scheduling, kept in two-way sync.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(ledger.app, name="ledger")
app.add_typer(plan.app, name="plan")
app.add_typer(settings_cli.app, name="settings")
app.add_typer(sync.app, name="sync")
app.add_typer(redmine.app, name="redmine")
app.command("reconcile")(sync.reconcile_command)
app.command("demo")(sync.demo_command)
app.command("serve")(web.serve)
app.add_typer(web.users_app, name="user")
app.add_typer(web.tokens_app, name="token")


@app.command()
def init() -> None:
    """Create the stores (or bring them to the newest schema)."""
    with fail_cleanly():
        settings = load_settings()
        ledger_store()
        stdout.print(f"ledger store ready: {_shown(settings.ledger_url)}")
        plan_store()
        stdout.print(f"plan store ready: {_shown(settings.plan_url)}")
        sync_store()
        stdout.print(f"sync store ready: {_shown(settings.sync_url)}")
        web.web_store()
        stdout.print(f"web store ready: {_shown(settings.web_url)}")


@app.command()
def version() -> None:
    """Print the version."""
    stdout.print(__version__)


def _shown(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    app()
