"""``projsync sync`` and ``projsync reconcile``: run the integration, read its log."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from sqlalchemy import select

from projsync.cli.output import emit, fail_cleanly, plain, stdout
from projsync.cli.stores import ledger_store, plan_store, sync_store
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.sync.engine import SyncEngine
from projsync.sync.log import LogStatus, entries
from projsync.sync.reconcile import reconcile
from projsync.sync.tables import runs

app = typer.Typer(help="The sync between the ledger and the plan server.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _engine() -> SyncEngine:
    return SyncEngine(sync_store(), LedgerConnector(ledger_store()), PlanConnector(plan_store()))


@app.command("run")
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Tell what would change; change nothing.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Synchronize once: ledger changes go to the plan server."""
    with fail_cleanly():
        report = _engine().run(dry_run=dry_run)
        emit(report.summary(), as_json=as_json, title="sync run")


@app.command("log")
def log(
    status: Annotated[LogStatus | None, typer.Option(help="Only entries with this status.")] = None,
    entity: Annotated[
        str | None, typer.Option(help="Only this entity key (or keys under it).")
    ] = None,
    run_id: Annotated[int | None, typer.Option("--run", help="Only this run.")] = None,
    limit: Annotated[int, typer.Option()] = 200,
    as_json: Json = False,
) -> None:
    """The integration log, newest first."""
    with fail_cleanly():
        found = entries(sync_store(), status=status, entity=entity, run=run_id, limit=limit)
        columns = ("id", "run", "entity_type", "entity_key", "action", "status", "error")
        emit(found, as_json=as_json, columns=columns, title="integration log")


@app.command("status")
def status(as_json: Json = False) -> None:
    """The last runs and what they did."""
    with fail_cleanly(), sync_store().read() as conn:
        rows = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(20))
        found = [
            {
                "run": r.id,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "status": r.status,
                **json.loads(r.counts),
            }
            for r in rows
        ]
        emit(found, as_json=as_json, columns=("run", "started_at", "status", "created", "failed"))


def reconcile_command(as_json: Json = False) -> None:
    """Posted hours, cost and revenue against the plan side's actuals, to the cent."""
    with fail_cleanly():
        report = reconcile(
            sync_store(), LedgerConnector(ledger_store()), PlanConnector(plan_store())
        )
        payload = {
            "differences": [
                {"key": d.plan_key, "ledger": plain(dict(d.ledger)), "plan": plain(dict(d.plan))}
                for d in report.differences
            ],
            "totals": plain(report.totals),
        }
        if as_json:
            sys.stdout.write(json.dumps(payload) + "\n")
            return
        stdout.print(f"{len(report.differences)} difference(s)")
        emit(payload["totals"], as_json=False, title="totals")
