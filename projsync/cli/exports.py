"""Listings as CSV or as a spreadsheet, for the commands that offer ``--csv``
and ``--xlsx FILE`` beside ``--json``.

CSV goes to standard output with a header row, values as JSON gives them
(amounts as plain decimals, dates in ISO 8601). A spreadsheet is written with
openpyxl: one sheet, an optional head of label and value pairs, then a header
row and the rows; amounts are numbers shown to two places, dates are dates.
It is written beside the file and renamed over it, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from projsync.cli.output import human, plain, stderr
from projsync.errors import refusal

__all__ = [
    "EXIT_USAGE",
    "AsCsv",
    "AsXlsx",
    "Sheet",
    "one_output",
    "write_csv",
    "write_xlsx",
]

EXIT_USAGE = 2

AsCsv = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
AsXlsx = Annotated[
    Path | None, typer.Option("--xlsx", metavar="FILE", help="Write a spreadsheet to FILE.")
]

_MONEY_FORMAT = "#,##0.00"
_DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True, slots=True, kw_only=True)
class Sheet:
    """What a spreadsheet holds: a title, a head of (label, value) pairs, and rows."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Any]
    """Records or mappings; each gives a value for each column."""
    head: Sequence[tuple[str, Any]] = ()


def one_output(**given: object) -> None:
    """Refuse (exit 2) more than one of the outputs given, named as options:
    ``one_output(json=as_json, csv=as_csv, xlsx=xlsx)``."""
    chosen = [f"--{name}" for name, value in given.items() if value]
    if len(chosen) > 1:
        stderr.print(
            f"[bold red]error[/]: {' and '.join(chosen)} cannot be combined: choose one output",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_USAGE)


def write_csv(rows: Iterable[Any], columns: Sequence[str]) -> None:
    """Rows to standard output as CSV with a header row, a row at a time."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(columns)
    for row in rows:
        values = _values(row)
        out.writerow([_csv_cell(values.get(column)) for column in columns])


def write_xlsx(path: Path, sheet: Sheet) -> int:
    """The sheet written to ``path`` whole or not at all; the number of rows."""
    from openpyxl import Workbook

    target = Path(path)
    if target.is_dir():
        raise refusal("--xlsx", f"{target} is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise refusal("--xlsx", f"no folder {folder}")
    book = Workbook()
    written: Any = book.active
    written.title = sheet.title[:31]
    for label, value in sheet.head:
        _append(written, [label, value])
    if sheet.head:
        written.append([])
    written.append(list(sheet.columns))
    count = 0
    for row in sheet.rows:
        values = _values(row)
        _append(written, [values.get(column) for column in sheet.columns])
        count += 1
    _save(book, target, folder)
    return count


def _append(sheet: Any, values: list[Any]) -> None:
    """A row of cells: amounts as numbers shown to two places, dates as dates
    (a moment in UTC: a spreadsheet keeps no time zone), the rest as text."""
    sheet.append([_xlsx_value(value) for value in values])
    for column, value in enumerate(values, start=1):
        if isinstance(value, Decimal):
            sheet.cell(row=sheet.max_row, column=column).number_format = _MONEY_FORMAT
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            sheet.cell(row=sheet.max_row, column=column).number_format = _DATE_FORMAT


def _values(row: Any) -> Mapping[str, Any]:
    """A row's values by column, amounts and dates kept as they are."""
    if isinstance(row, Mapping):
        return row
    return {name: getattr(row, name) for name in getattr(row, "__dataclass_fields__", {})}


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    found = plain(value)
    return found if isinstance(found, str) else human(found)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | str | Decimal | dt.date):
        return value
    return _csv_cell(value)


def _save(book: Any, target: Path, folder: Path) -> None:
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
