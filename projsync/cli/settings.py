"""``projsync settings``: what is integrated, and how."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from projsync.cli.output import emit, fail_cleanly
from projsync.cli.stores import ledger_store, sync_store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger.model import ProjectType
from projsync.ledger.service import LedgerService
from projsync.sync import settings as sync_settings

app = typer.Typer(
    help="Integration settings: global, per company, per project.", no_args_is_help=True
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OnOff = Annotated[str | None, typer.Option(help="on or off.")]


def _switch(value: str | None, option: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("on", "yes", "true", "1"):
        return True
    if value.lower() in ("off", "no", "false", "0"):
        return False
    raise refusal(option, f"{value!r} is not on or off")


@app.command("global")
def global_settings(
    custom_field_prefix: Annotated[str | None, typer.Option()] = None,
    no_header_projects: Annotated[
        bool | None, typer.Option("--no-header-projects/--header-projects")
    ] = None,
    show_worker_rates: Annotated[
        bool | None, typer.Option("--show-worker-rates/--hide-worker-rates")
    ] = None,
    interval: Annotated[int | None, typer.Option(help="Seconds between sync runs.")] = None,
    max_attempts: Annotated[int | None, typer.Option()] = None,
    resync_hours: Annotated[int | None, typer.Option()] = None,
    notify_hours: Annotated[int | None, typer.Option()] = None,
    webhook: Annotated[str | None, typer.Option(help="URL told of failures.")] = None,
    delete_rule: Annotated[str | None, typer.Option(help="unlink or delete.")] = None,
    as_json: Json = False,
) -> None:
    """Show the global settings, changing the ones given."""
    with fail_cleanly():
        changes = {
            "custom_field_prefix": custom_field_prefix,
            "no_header_projects": no_header_projects,
            "show_worker_rates": show_worker_rates,
            "sync_interval_seconds": interval,
            "max_attempts": max_attempts,
            "resync_hours": resync_hours,
            "notify_hours": notify_hours,
            "webhook_url": webhook,
            "delete_rule": delete_rule,
        }
        given = {k: v for k, v in changes.items() if v is not None}
        store = sync_store()
        current = (
            sync_settings.save_global(store, **given) if given else sync_settings.load_global(store)
        )
        emit(current, as_json=as_json, title="global settings")


@app.command("company")
def company(
    company_id: Annotated[str, typer.Argument(metavar="COMPANY")],
    integrate: OnOff = None,
    project_type: Annotated[
        str | None,
        typer.Option(help="Type of a project born on the plan side that names none ('' clears)."),
    ] = None,
    contract: Annotated[
        str | None, typer.Option(help="Its contract where it names none ('' clears).")
    ] = None,
    customer: Annotated[
        str | None, typer.Option(help="Its customer where it names none ('' clears).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Integrate a company's projects and workers (or stop), and say what a
    project born on the plan side takes where its plan says nothing."""
    with fail_cleanly():
        known = {c.id for c in LedgerService(ledger_store()).companies()}
        if company_id not in known:
            raise refusal(f"company {company_id}", "unknown company")
        if project_type and project_type not in {t.value for t in ProjectType}:
            raise refusal(
                "--project-type", f"must be one of {', '.join(t.value for t in ProjectType)}"
            )
        switch = _switch(integrate, "--integrate")
        defaults = {"project_type": project_type, "contract": contract, "customer": customer}
        if switch is None and all(v is None for v in defaults.values()):
            found = sync_settings.company_settings_of(sync_store(), company_id)
        else:
            found = sync_settings.set_company(
                sync_store(), company_id, integrate=switch, **defaults
            )
        emit(dataclasses.asdict(found), as_json=as_json, title="company")


@app.command("project")
def project(
    project_id: Annotated[str, typer.Argument(metavar="PROJECT")],
    integrate: OnOff = None,
    plan_project: Annotated[
        str | None, typer.Option(help="The plan project it is linked to.")
    ] = None,
    owner: Annotated[
        list[str] | None, typer.Option(help="FIELD=ledger|plan|none; repeat for several.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Integrate a project (or stop), link it, and choose who owns which field."""
    with fail_cleanly():
        ledger = LedgerService(ledger_store())
        found = ledger.project(project_id)
        switch = _switch(integrate, "--integrate")
        if switch and not sync_settings.company_integrated(sync_store(), found.company):
            raise InputError(
                [
                    Problem(
                        where=f"project {project_id}",
                        what=f"company {found.company} is not integrated "
                        f"(projsync settings company {found.company} --integrate on)",
                    )
                ]
            )
        owners: dict[str, str] = {}
        for item in owner or []:
            name, _, side = item.partition("=")
            if not name or not side:
                raise refusal("--owner", f"{item!r} is not FIELD=SIDE")
            owners[name.strip()] = side.strip()
        updated = sync_settings.set_project(
            sync_store(), project_id, integrate=switch, plan_project=plan_project, owners=owners
        )
        emit(
            {
                "project": updated.project,
                "integrate": updated.integrate,
                "plan_project": updated.plan_project,
                "owners": dict(updated.owners),
            },
            as_json=as_json,
            title="project",
        )
