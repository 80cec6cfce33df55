"""``projsync sync`` and ``projsync reconcile``: run the integration, read its log."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated

import typer
from sqlalchemy import select

from projsync.cli.exports import AsCsv, AsXlsx, Sheet, one_output, write_csv, write_xlsx
from projsync.cli.output import EXIT_DIFFERENT, emit, fail_cleanly, plain, stdout
from projsync.cli.parsing import LARGEST_KEY
from projsync.cli.redmine import plan_connector
from projsync.cli.stores import ledger_store, plan_store, sync_store
from projsync.config import load_settings
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.ledger.service import LedgerService
from projsync.sync.engine import SyncEngine
from projsync.sync.log import LogStatus, cancel_entry, entity_word, entries, resync_entry
from projsync.sync.reconcile import reconcile
from projsync.sync.requests import request_resync, resolve_conflict
from projsync.sync.status import record_divergence
from projsync.sync.tables import entity_status, runs

app = typer.Typer(help="The sync between the ledger and the plan server.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_COUNTED = ("created", "updated", "deleted", "failed", "conflicts")


def _engine() -> SyncEngine:
    return SyncEngine(sync_store(), LedgerConnector(ledger_store()), plan_connector())


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
        summary = report.summary()
        if as_json or not dry_run:
            emit(summary, as_json=as_json, title="sync run")
            return
        emit(
            {k: v for k, v in summary.items() if k != "operations"},
            as_json=False,
            title="sync run (dry run: nothing changed)",
        )
        emit(_dry_rows(report.planned), as_json=False, columns=_DRY_COLUMNS, title="would do")


_DRY_COLUMNS = ("to", "kind", "key", "action", "field", "old", "new")


def _dry_rows(planned: list[dict[str, object]]) -> list[dict[str, object]]:
    """A dry run's operations as rows, one per field each would write."""
    rows: list[dict[str, object]] = []
    for line in planned:
        head = {
            "to": line.get("to"),
            "kind": line.get("kind"),
            "key": line.get("key") or line.get("ledger") or line.get("plan"),
            "action": line.get("action"),
        }
        changes = line.get("changes") or [{}]
        assert isinstance(changes, list)
        rows += [{**head, **change} for change in changes]
    return rows


@app.command("log")
def log(
    status: Annotated[LogStatus | None, typer.Option(help="Only entries with this status.")] = None,
    entity: Annotated[
        str | None, typer.Option(help="Only this entity key (or keys under it).")
    ] = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="Only this run.", min=1, max=LARGEST_KEY)
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=LARGEST_KEY)] = 200,
    as_json: Json = False,
    as_csv: AsCsv = False,
    xlsx: AsXlsx = None,
) -> None:
    """The integration log, newest first."""
    one_output(json=as_json, csv=as_csv, xlsx=xlsx)
    with fail_cleanly():
        found = entries(sync_store(), status=status, entity=entity, run=run_id, limit=limit)
        columns = ("id", "run", "entity_type", "entity_key", "action", "status", "error")
        every = (*columns, "origin", "destination", "plan_key", "attempts", "user",
                 "created_at", "updated_at", "payload")  # fmt: skip
        if as_csv:
            write_csv(found, every)
        elif xlsx is not None:
            count = write_xlsx(xlsx, Sheet(title="Integration log", columns=every, rows=found))
            stdout.print(f"{count} log entries written to {xlsx}")
        elif as_json:
            emit(found, as_json=True)
        else:  # in people's words: "subproject", not "hierarchy node"
            shown = [{**plain(e), "entity_type": entity_word(e.entity_type)} for e in found]
            emit(shown, as_json=False, columns=columns, title="integration log")


@app.command("retry")
def retry(entry: Annotated[int, typer.Argument(metavar="LOG_ID", min=1, max=LARGEST_KEY)]) -> None:
    """Resynchronize a failed (or cancelled) entry at the next run."""
    with fail_cleanly():
        resync_entry(sync_store(), entry)
        stdout.print(f"log entry {entry} will be synchronized again at the next run")


@app.command("resolve")
def resolve(
    entry: Annotated[
        int,
        typer.Argument(metavar="LOG_ID", help="The conflict's log entry.", min=1, max=LARGEST_KEY),
    ],
    keep: Annotated[
        str | None,
        typer.Option("--keep", help="ledger or plan: whose value stands.", metavar="SIDE"),
    ] = None,
    value: Annotated[
        str | None, typer.Option("--value", help="The value that stands, on both sides.")
    ] = None,
    now: Annotated[
        bool, typer.Option("--now/--next-run", help="Synchronize at once (default).")
    ] = True,
    as_json: Json = False,
) -> None:
    """Settle a held conflict: keep the ledger's value, the plan's, or a value
    of your own. The next run writes it to the other side and closes the entry."""
    with fail_cleanly():
        decision = resolve_conflict(
            sync_store(), entry, keep=keep, value=value, user=getpass.getuser()
        )
        done: dict[str, object] = {"entry": entry, **decision}
        if now:
            done["sync"] = _engine().run().summary()
            (after,) = entries(sync_store(), entry_id=entry)
            done["status"] = after.status.value
            if after.status is LogStatus.CONFLICT:
                done["error"] = after.error
        emit(done, as_json=as_json, title=f"log entry {entry}")


@app.command("resync")
def resync(
    project: Annotated[str, typer.Option("--project", help="The ledger project.")],
    now: Annotated[
        bool, typer.Option("--now/--next-run", help="Synchronize at once (default).")
    ] = True,
    as_json: Json = False,
) -> None:
    """Resynchronize a project: every field its owner holds and every actual
    sent again, the plan's fields read again, then reconciled."""
    with fail_cleanly():
        entry = request_resync(sync_store(), project, user=getpass.getuser())
        done: dict[str, object] = {"entry": entry, "project": project}
        if now:
            done["sync"] = _engine().run().summary()
            (after,) = entries(sync_store(), entry_id=entry)
            done["status"] = after.status.value
            done["differences"] = after.payload.get("differences")
            if after.error:
                done["error"] = after.error
        emit(done, as_json=as_json, title=f"resynchronize {project}")


@app.command("cancel")
def cancel(entry: Annotated[int, typer.Argument(metavar="LOG_ID", min=1, max=LARGEST_KEY)]) -> None:
    """Stop retrying a failed or waiting entry."""
    with fail_cleanly():
        cancel_entry(sync_store(), entry)
        stdout.print(f"log entry {entry} cancelled")


@app.command("watch")
def watch(
    interval: Annotated[
        float | None, typer.Option(help="Seconds between runs (default: settings).")
    ] = None,
    runs_: Annotated[
        int | None, typer.Option("--runs", help="Stop after this many runs.", min=1)
    ] = None,
) -> None:
    """Synchronize again and again, every interval, until stopped (Ctrl-C)."""
    import time

    from projsync.sync.settings import load_global

    with fail_cleanly():
        pause = (
            interval if interval is not None else load_global(sync_store()).sync_interval_seconds
        )
        done = 0
        try:
            while runs_ is None or done < runs_:
                report = _engine().run()
                done += 1
                counts = report.summary()
                stdout.print(
                    f"run {counts['run']}: "
                    + ", ".join(f"{counts[name]} {name}" for name in _COUNTED)
                )
                if runs_ is None or done < runs_:
                    time.sleep(pause)
        except KeyboardInterrupt:
            stdout.print("stopped")


@app.command("status")
def status(
    entities: Annotated[
        bool, typer.Option("--entities", help="Each project's and resource's sync status instead.")
    ] = False,
    as_json: Json = False,
) -> None:
    """The last runs and what they did (or, with --entities, each compound entity's status)."""
    with fail_cleanly(), sync_store().read() as conn:
        if entities:
            listed = [
                {
                    "kind": r.kind,
                    "key": r.key,
                    "status": r.status,
                    "updated_at": r.updated_at,
                    "see": _entries_of(r.key, r.status),
                }
                for r in conn.execute(
                    select(entity_status).order_by(entity_status.c.kind, entity_status.c.key)
                )
            ]
            emit(
                listed,
                as_json=as_json,
                columns=("kind", "key", "status", "see"),
                title="sync status",
            )
            return
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


def _entries_of(key: str, status: str) -> str | None:
    """The command that lists what is behind a status other than idle."""
    if status in ("conflict", "failed"):
        return f"projsync sync log --entity {key} --status {status}"
    if status == "diverged":
        return f"projsync sync log --entity {key} --status refused; projsync reconcile"
    return None


def reconcile_command(
    project: Annotated[
        str | None,
        typer.Option(help="Only this ledger project and its subprojects."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Posted hours, cost and revenue against the plan side's actuals, to the cent,
    and workers' end dates against their resources' availability.
    Exit code 1 when there are differences, 0 when there are none."""
    with fail_cleanly():
        if project is not None:
            LedgerService(ledger_store()).project(project)
        report = reconcile(
            sync_store(), LedgerConnector(ledger_store()), plan_connector(), project=project
        )
        record_divergence(sync_store(), report.counts())  # the projects' sync status
        payload = report.summary()
        if as_json:
            sys.stdout.write(json.dumps(payload) + "\n")
        else:
            stdout.print(f"{len(report.differences) + len(report.resources)} difference(s)")
            if report.differences:
                emit(
                    payload["differences"],
                    as_json=False,
                    columns=("project", "reason", "key", "ledger_key"),
                    title="differences",
                )
            if report.resources:
                emit(payload["resources"], as_json=False, title="end dates")
            emit(payload["totals"], as_json=False, title="totals")
    if not report.agrees:
        raise typer.Exit(EXIT_DIFFERENT)


def demo_command(as_json: Json = False) -> None:
    """The demo company, integrated and synchronized, then reconciled: a short story."""
    from projsync.ledger.demo import DEMO_COMPANY, ROOT_PROJECTS, load_demo
    from projsync.plan.demo import shape_demo_plan
    from projsync.plan.scheduling import schedule_project
    from projsync.sync import settings as sync_settings

    with fail_cleanly():
        ledger = LedgerService(ledger_store())
        story: list[str] = []
        loaded = ledger.is_empty()
        if loaded:
            load_demo(ledger_store())
            story.append(
                "Loaded the demo company DEMO: three projects, four workers, six weeks of postings."
            )
        sync_settings.set_company(sync_store(), DEMO_COMPANY, integrate=True)
        for project in ROOT_PROJECTS:
            sync_settings.set_project(sync_store(), project, integrate=True)
        for worker in ledger.workers():
            if worker.company == DEMO_COMPANY and not worker.integrated:
                ledger.set_worker_integrated(worker.id, True)
        story.append(f"Integrated company {DEMO_COMPANY}, its projects and its workers.")
        report = _engine().run()
        story.append(
            f"Synchronized (run {report.run}): {report.created} created, {report.updated} updated, "
            f"{report.failed} failed, {report.conflicts} conflicts."
        )
        if load_settings().plan_side == "builtin":  # Redmine schedules nothing
            for project in ROOT_PROJECTS:
                schedule_project(plan_store(), project)
            story.append("Scheduled the plan projects.")
            planned = shape_demo_plan(plan_store())
            if planned:
                story += planned
                again = _engine().run()  # the milestones become activities, dates flow back
                story.append(
                    f"Synchronized the schedule (run {again.run}): {again.created} created, "
                    f"{again.updated} updated, {again.failed} failed, {again.conflicts} conflicts."
                )
        check = reconcile(sync_store(), LedgerConnector(ledger_store()), plan_connector())
        record_divergence(sync_store(), check.counts())
        totals = check.totals["ledger"]
        story.append(
            f"Reconciled: {len(check.differences)} differences; posted {totals['hours']} hours, "
            f"cost {totals['cost']}, revenue {totals['revenue']} on both sides."
        )
        if as_json:
            sys.stdout.write(
                json.dumps(
                    {
                        "loaded": loaded,
                        "sync": report.summary(),
                        "differences": len(check.differences),
                        "totals": check.summary()["totals"],
                    }
                )
                + "\n"
            )
            return
        for line in story:
            stdout.print(line)
