"""``projsync ledger statement``: the project statement accountants read, as a
table, JSON, CSV or a spreadsheet (rules of the figures: ``projsync.ledger.statement``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projsync.cli.exports import Sheet, one_output, write_csv, write_xlsx
from projsync.cli.output import emit, fail_cleanly
from projsync.cli.parsing import parse_date
from projsync.cli.stores import ledger_store
from projsync.ledger.statement import FIGURES, By, Statement, statement

__all__ = ["statement_command", "write_statement"]

COLUMNS = ("project", "key", "name", *FIGURES)
"""The columns of a row, in CSV and in the spreadsheet."""

_HEAD_LABELS = (
    ("project", "Project"),
    ("name", "Name"),
    ("type", "Type"),
    ("company", "Company"),
    ("currency", "Currency"),
    ("contract", "Contract"),
    ("customer", "Customer"),
    ("contract_value", "Contract value"),
    ("date_from", "From"),
    ("date_to", "To"),
    ("by", "By"),
    ("completion", "Completion %"),
)


def statement_command(
    project: Annotated[str, typer.Option(help="Project; its subprojects are included.")],
    date_from: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: the first).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: the last).")
    ] = None,
    by: Annotated[
        By, typer.Option(help="The rows: one per activity, category, worker or month.")
    ] = (By.ACTIVITY),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")] = False,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", metavar="FILE", help="Write a spreadsheet to FILE."),
    ] = None,
) -> None:
    """The project statement: budget, hours, cost, billable, invoiced,
    recognised and work in progress of a project and each subproject."""
    one_output(json=as_json, csv=as_csv, xlsx=xlsx)
    with fail_cleanly():
        found = statement(
            ledger_store(),
            project,
            date_from=parse_date(date_from, "--from") if date_from is not None else None,
            date_to=parse_date(date_to, "--to") if date_to is not None else None,
            by=by,
        )
        if xlsx is not None:
            write_statement(found, xlsx)
            sys.stdout.write(f"statement of {found.head.project} written to {xlsx}\n")
        elif as_csv:
            write_csv(found.rows(), COLUMNS)
        elif as_json:
            emit(found, as_json=True)
        else:
            emit(found.head, as_json=False, title=f"statement of {found.head.project}")
            emit(found.rows(), as_json=False, columns=COLUMNS, title="rows")


def write_statement(found: Statement, path: Path) -> None:
    """The statement as a spreadsheet of one sheet, its head and then its rows,
    amounts as numbers to two places, written whole or not at all."""
    head = [(label, getattr(found.head, key)) for key, label in _HEAD_LABELS]
    write_xlsx(path, Sheet(title="Statement", columns=COLUMNS, rows=found.rows(), head=head))
