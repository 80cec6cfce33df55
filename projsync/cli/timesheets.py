"""``projsync plan timesheet``: a resource's hours per task and day, and the
flow of its weeks (submit, approve or reject, reopen)."""

from __future__ import annotations

from typing import Annotated

import typer

from projsync.cli.output import emit, fail_cleanly, plain
from projsync.cli.parsing import parse_date, parse_decimal
from projsync.cli.stores import plan_store
from projsync.errors import refusal
from projsync.ledger.numbers import HOURS
from projsync.plan.entities import TimesheetCell, TimesheetEntry, TimesheetStatus, TimesheetWeek
from projsync.plan.timesheets import TimesheetService, parse_week, week_name

__all__ = ["app"]

app = typer.Typer(
    help="Timesheets: hours per task and day, submitted by the resource, approved by a manager.",
    no_args_is_help=True,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Resource = Annotated[str, typer.Argument(metavar="RESOURCE")]
Week = Annotated[str, typer.Option(help="ISO week, e.g. 2026-W10.")]
_LINE_COLUMNS = (
    "id", "resource", "project", "task", "day", "hours", "status", "note", "ledger", "reason",
)  # fmt: skip
_WEEK_COLUMNS = ("resource", "week", "status", "hours", "lines", "comment")


def _service() -> TimesheetService:
    return TimesheetService(plan_store())


def _line(entry: TimesheetEntry) -> dict[str, object]:
    return {**plain(entry), "week": week_name(entry.day)}


def _week(week: TimesheetWeek) -> dict[str, object]:
    return {**plain(week), "week": week_name(week.week), "monday": week.week.isoformat()}


@app.command("add")
def add(
    resource: Resource,
    project: Annotated[str, typer.Option()],
    task: Annotated[str, typer.Option()],
    date: Annotated[str, typer.Option(help="The day, YYYY-MM-DD.")],
    hours: Annotated[str, typer.Option(help="Hours that day, e.g. 7.5; 0 removes the line.")],
    note: Annotated[str, typer.Option(help="A note on the line (up to 250 characters).")] = "",
    as_json: Json = False,
) -> None:
    """Set the resource's hours on a task and day (replacing what was there)."""
    with fail_cleanly():
        cell = TimesheetCell(
            project=project,
            task=task,
            day=parse_date(date, "--date"),
            hours=parse_decimal(hours, "--hours", HOURS),
            note=note,
        )
        written = _service().record(resource, [cell])
        if not written:
            emit({"removed": f"{cell.day} {project}/{task}"}, as_json=as_json, title="line")
            return
        emit(_line(written[0]), as_json=as_json, title="line")


@app.command("submit")
def submit(resource: Resource, week: Week, as_json: Json = False) -> None:
    """Hand a draft or rejected week to a manager; it can no longer change."""
    with fail_cleanly():
        emit(_week(_service().submit(resource, parse_week(week))), as_json=as_json, title="week")


@app.command("approve")
def approve(
    resource: Resource,
    week: Week,
    reject: Annotated[bool, typer.Option("--reject", help="Send it back instead.")] = False,
    comment: Annotated[
        str | None, typer.Option(help="Why it is rejected (needed with --reject).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Approve a submitted week (its hours go to the ledger), or reject it with a comment."""
    with fail_cleanly():
        monday = parse_week(week)
        if reject:
            done = _service().reject(resource, monday, comment or "")
        elif comment is not None:
            raise refusal("--comment", "a comment goes with --reject (or with reopen)")
        else:
            done = _service().approve(resource, monday)
        emit(_week(done), as_json=as_json, title="week")


@app.command("reopen")
def reopen(
    resource: Resource,
    week: Week,
    comment: Annotated[str, typer.Option(help="Why it is reopened.")] = "",
    as_json: Json = False,
) -> None:
    """Make an approved week a draft again: its hours are withdrawn from the
    ledger until it is approved again."""
    with fail_cleanly():
        reopened = _service().reopen(resource, parse_week(week), comment)
        emit(_week(reopened), as_json=as_json, title="week")


@app.command("list")
def list_lines(
    resource: Annotated[str | None, typer.Option()] = None,
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W10.")] = None,
    status: Annotated[
        TimesheetStatus | None, typer.Option(help="Only lines of this status.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Timesheet lines by resource and day (removed ones only with --status
    deleted), with what the sync made of each in the ledger: posted (its
    journal), withdrawn, or held with the ledger's reason."""
    with fail_cleanly():
        found = _service().lines(
            resources=None if resource is None else [resource],
            week=parse_week(week) if week is not None else None,
            status=status,
        )
        ledger = _in_ledger([e.id for e in found])
        emit(
            [{**_line(e), **ledger.get(e.id, _NOT_YET)} for e in found],
            as_json=as_json,
            columns=_LINE_COLUMNS,
            title="lines",
        )


_NOT_YET = {"ledger": None, "journal": None, "reason": None}


def _in_ledger(ids: list[int]) -> dict[int, dict[str, object]]:
    """What the sync made of each line in the ledger: ``posted`` (in which
    journal), ``withdrawn``, or ``held`` with the ledger's reason."""
    from projsync.cli.stores import sync_store
    from projsync.connectors.plan_builtin import PlanConnector
    from projsync.sync.timesheets import line_outcomes

    told = line_outcomes(sync_store(), PlanConnector.timesheet_source, [str(i) for i in ids])
    return {
        int(key): {"ledger": o.state, "journal": o.journal, "reason": o.reason}
        for key, o in told.items()
    }


@app.command("weeks")
def list_weeks(
    resource: Annotated[str | None, typer.Option()] = None,
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W10.")] = None,
    status: Annotated[
        TimesheetStatus | None, typer.Option(help="Only weeks of this status.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Weeks with hours, with their status and totals: ``--status submitted``
    lists those waiting for a manager."""
    with fail_cleanly():
        found = _service().weeks(
            resources=None if resource is None else [resource],
            week=parse_week(week) if week is not None else None,
            status=status,
        )
        emit([_week(w) for w in found], as_json=as_json, columns=_WEEK_COLUMNS, title="weeks")
