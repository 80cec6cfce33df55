"""Listings as CSV or as a spreadsheet: for the command line (``--csv``,
``--xlsx FILE``) and for the pages' downloads.

CSV has a header row; amounts are plain decimals, dates and moments ISO 8601,
mappings ``name=value`` pairs. A spreadsheet is written with openpyxl: one
sheet, an optional head of label and value pairs, then a header row and the
rows; amounts are numbers shown to two places, dates are dates, moments are
in UTC (a spreadsheet keeps no time zone). A file is written beside its
place and renamed over it, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from projsync.errors import refusal

__all__ = ["Sheet", "csv_lines", "write_xlsx", "xlsx_bytes"]

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


def csv_lines(rows: Iterable[Any], columns: Sequence[str]) -> Iterator[str]:
    """Rows as lines of CSV, the header first, a row at a time."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(columns)
    for row in rows:
        values = _values(row)
        out.writerow([_text(values.get(column)) for column in columns])
        yield _taken(buffer)
    yield _taken(buffer)


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as the bytes of a spreadsheet file."""
    buffer = io.BytesIO()
    _book(sheet)[0].save(buffer)
    return buffer.getvalue()


def write_xlsx(path: Path, sheet: Sheet, *, option: str = "--xlsx") -> int:
    """The sheet written to ``path`` whole or not at all; the number of rows.
    A refusal names ``option``, where the path was given."""
    target = Path(path)
    if target.is_dir():
        raise refusal(option, f"{target} is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise refusal(option, f"no folder {folder}")
    book, count = _book(sheet)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise refusal(option, f"cannot write in {folder}: {exc.strerror}") from None
    os.close(handle)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        book.save(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise refusal(option, f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def _book(sheet: Sheet) -> tuple[Any, int]:
    from openpyxl import Workbook

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
    return book, count


def _append(sheet: Any, values: list[Any]) -> None:
    sheet.append([_cell(value) for value in values])
    for column, value in enumerate(values, start=1):
        if isinstance(value, Decimal):
            sheet.cell(row=sheet.max_row, column=column).number_format = _MONEY_FORMAT
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            sheet.cell(row=sheet.max_row, column=column).number_format = _DATE_FORMAT


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | str | Decimal | dt.date):
        return value
    return _text(value)


def _values(row: Any) -> Mapping[str, Any]:
    """A row's values by column, amounts and dates kept as they are."""
    if isinstance(row, Mapping):
        return row
    return {name: getattr(row, name) for name in getattr(row, "__dataclass_fields__", {})}


def _text(value: Any) -> str:
    """A value as CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
