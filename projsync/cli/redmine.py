"""``projsync redmine``: Redmine as the plan side; and which plan side a command talks to."""

from __future__ import annotations

from typing import Annotated

import typer

from projsync.cli.output import EXIT_CONFIG, emit, fail_cleanly, stderr, stdout
from projsync.cli.stores import plan_store, sync_store
from projsync.config import Settings, load_settings
from projsync.connectors.base import Connector
from projsync.errors import ConfigurationError

app = typer.Typer(help="Redmine as the plan side.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]

__all__ = ["app", "plan_connector"]


def plan_connector() -> Connector:
    """The plan side in force: the built-in plan server, or Redmine (PROJSYNC_PLAN)."""
    settings = load_settings()
    if settings.plan_side == "redmine":
        return _redmine(settings)
    from projsync.connectors.plan_builtin import PlanConnector

    return PlanConnector(plan_store())


def _redmine(settings: Settings) -> Connector:
    from projsync.connectors.redmine import RedmineConnector
    from projsync.redmine.client import RedmineClient
    from projsync.sync.settings import load_global

    if not settings.redmine_url:
        raise ConfigurationError("the plan side is Redmine but PROJSYNC_REDMINE_URL is not set")
    client = RedmineClient(settings.redmine_url, settings.redmine_key)
    return RedmineConnector(
        client,
        prefix=load_global(sync_store()).custom_field_prefix,
        namespace=settings.redmine_namespace,
    )


@app.command("setup")
def setup(as_json: Json = False) -> None:
    """Create the custom fields projsync needs (bin/rails runner, when Redmine
    runs on this machine), or print what an administrator must create."""
    from projsync.redmine.client import RedmineClient
    from projsync.redmine.setup import set_up
    from projsync.sync.settings import load_global

    with fail_cleanly():
        settings = load_settings()
        if not settings.redmine_url:
            raise ConfigurationError("PROJSYNC_REDMINE_URL is not set")
        client = RedmineClient(settings.redmine_url, settings.redmine_key)
        report = set_up(client, load_global(sync_store()).custom_field_prefix)
        emit(
            {"created": list(report.created), "present": list(report.present),
             "missing": list(report.missing)},
            as_json=as_json, title="redmine custom fields",
        )  # fmt: skip
        if report.missing:
            (stderr if as_json else stdout).print(report.instructions, highlight=False)
            raise typer.Exit(EXIT_CONFIG)
