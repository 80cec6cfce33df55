"""``projsync ledger statement``: the project statement accountants read, as a
table, JSON, CSV or a spreadsheet (rules of the figures: ``projsync.ledger.statement``)."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from projsync.cli.output import emit, fail_cleanly, plain, stderr
from projsync.cli.parsing import parse_date
from projsync.cli.stores import ledger_store
from projsync.errors import refusal
from projsync.ledger.statement import FIGURES, By, Statement, statement

__all__ = ["EXIT_USAGE", "statement_command", "write_xlsx"]

EXIT_USAGE = 2

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
_MONEY_FORMAT = "#,##0.00"


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
    chosen = [name for name, on in (("--json", as_json), ("--csv", as_csv), ("--xlsx", xlsx)) if on]
    if len(chosen) > 1:
        stderr.print(
            f"[bold red]error[/]: {' and '.join(chosen)} cannot be combined: choose one output",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_USAGE)
    with fail_cleanly():
        found = statement(
            ledger_store(),
            project,
            date_from=parse_date(date_from, "--from") if date_from is not None else None,
            date_to=parse_date(date_to, "--to") if date_to is not None else None,
            by=by,
        )
        if xlsx is not None:
            write_xlsx(found, xlsx)
            sys.stdout.write(f"statement of {found.head.project} written to {xlsx}\n")
        elif as_csv:
            _write_csv(found)
        elif as_json:
            emit(found, as_json=True)
        else:
            emit(found.head, as_json=False, title=f"statement of {found.head.project}")
            emit(found.rows(), as_json=False, columns=COLUMNS, title="rows")


def _write_csv(found: Statement) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    for row in found.rows():
        values = plain(row)
        out.writerow([values[column] for column in COLUMNS])


def write_xlsx(found: Statement, path: Path) -> None:
    """The statement as a spreadsheet of one sheet, its head and then its rows,
    amounts as numbers to two places. Written to a file beside ``path`` and
    renamed over it: a failure leaves nothing half-written."""
    from openpyxl import Workbook

    target = Path(path)
    if target.is_dir():
        raise refusal("--xlsx", f"{target} is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise refusal("--xlsx", f"no folder {folder}")
    book = Workbook()
    sheet: Any = book.active
    sheet.title = "Statement"
    head = plain(found.head)
    for label_key, label in _HEAD_LABELS:
        value: Any = getattr(found.head, label_key)
        if not isinstance(value, Decimal):
            value = head[label_key]
        sheet.append([label, value])
        if isinstance(value, Decimal):
            sheet.cell(row=sheet.max_row, column=2).number_format = _MONEY_FORMAT
    sheet.append([])
    sheet.append(list(COLUMNS))
    for row in found.rows():
        sheet.append([row.project, row.key, row.name, *(getattr(row, f) for f in FIGURES)])
        for column in range(4, 4 + len(FIGURES)):
            sheet.cell(row=sheet.max_row, column=column).number_format = _MONEY_FORMAT
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise refusal("--xlsx", f"cannot write in {folder}: {exc.strerror}") from None
    os.close(handle)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        book.save(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise refusal("--xlsx", f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
