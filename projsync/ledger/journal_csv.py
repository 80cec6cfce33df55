"""Journal files: CSV lines → posting lines, or problems saying what and where.

The header names the columns, in any order:
``kind,project,activity,worker,date,hours,amount,category``, and ``text``
(what the line is for) and ``sales_amount`` (what an expense bills, where it
is not its cost plus its contract's markup) where the file has them. ``kind`` is
``hour``, ``expense`` or ``fee``; hours and amounts are read as every number
entering the ledger is (``numbers.py``: plain decimals, at most two places);
dates are ISO (``2026-03-02``). The file is read as a stream, a line at a
time. This module parses; it never looks at the ledger.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from projsync.errors import Problem
from projsync.ledger.model import TransactionKind
from projsync.ledger.numbers import HOURS, MONEY, NumberRefused, read_units
from projsync.ledger.validation import Line

__all__ = ["COLUMNS", "read_journal"]

COLUMNS = ("kind", "project", "activity", "worker", "date", "hours", "amount", "category")
OPTIONAL = ("text", "sales_amount")
_KINDS = {kind.value: kind for kind in TransactionKind}


def read_journal(path: Path) -> Iterator[Line | Problem]:
    """Lines of a journal file; a problem for each line that cannot be read."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        yield Problem(where=str(path), what=f"cannot open: {exc.strerror}")
        return
    with handle:
        reader = csv.reader(handle)
        try:
            yield from _lines(reader, path)
        except csv.Error as exc:
            yield Problem(where=f"line {reader.line_num}", what=f"malformed CSV: {exc}")
        except UnicodeDecodeError as exc:
            yield Problem(where=str(path), what=f"not UTF-8 text: {exc.reason} at byte {exc.start}")


def _lines(reader: Iterator[list[str]], path: Path) -> Iterator[Line | Problem]:
    header = next(reader, None)
    if header is None:
        yield Problem(where=str(path), what="the file is empty; it needs a header line")
        return
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    extra = [n for n in names if n not in COLUMNS and n not in OPTIONAL]
    if missing or extra or len(set(names)) != len(names):
        what = (
            "the header must name the columns "
            + ",".join(COLUMNS)
            + " (text and sales_amount may follow)"
        )
        if missing:
            what += f"; missing: {', '.join(missing)}"
        if extra:
            what += f"; unknown: {', '.join(extra)}"
        yield Problem(where="line 1", what=what)
        return
    index = [names.index(c) for c in COLUMNS]
    text_at = names.index("text") if "text" in names else None
    sales_at = names.index("sales_amount") if "sales_amount" in names else None
    in_order = index == list(range(len(COLUMNS)))
    width = len(names)
    dates: dict[str, tuple[dt.date, int]] = {}
    for number, fields in enumerate(reader, start=2):
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # blank line
        if len(fields) != width:
            yield Problem(
                where=f"line {number}", what=f"has {len(fields)} fields, the header {width}"
            )
            continue
        ordered = fields[: len(COLUMNS)] if in_order else [fields[i] for i in index]
        text = "" if text_at is None else fields[text_at].strip()
        sales = "" if sales_at is None else fields[sales_at].strip()
        yield _parse(number, list(map(str.strip, ordered)), dates, text, sales)


def _parse(
    number: int,
    fields: list[str],
    dates: dict[str, tuple[dt.date, int]],
    text: str = "",
    sales_text: str = "",
) -> Line | Problem:
    kind_text, project, activity, worker, date_text, hours_text, amount_text, category = fields
    where = f"line {number}"
    kind = _KINDS.get(kind_text) or _KINDS.get(kind_text.lower())
    if kind is None:
        return Problem(where=where, what=f"kind {kind_text!r} is not hour, expense or fee")
    if not project:
        return Problem(where=where, what="project is empty")
    if not activity:
        return Problem(where=where, what="activity is empty")
    known = dates.get(date_text)
    if known is None:
        try:
            date = dt.date.fromisoformat(date_text)
        except ValueError:
            return Problem(where=where, what=f"date {date_text!r} is not a date (YYYY-MM-DD)")
        known = dates[date_text] = (date, date.toordinal())
    hours = amount = sales = 0
    if sales_text:
        if kind is not TransactionKind.EXPENSE:
            return Problem(where=where, what=f"an {kind} line takes no sales amount")
        try:
            sales = read_units(sales_text, MONEY)
        except NumberRefused as exc:
            return Problem(where=where, what=f"sales amount: {exc}")
        if sales < 0:
            return Problem(where=where, what="a sales amount must not be negative")
    if kind is TransactionKind.HOUR:
        if amount_text:
            return Problem(where=where, what="an hour line takes no amount")
        if not worker:
            return Problem(where=where, what="an hour line needs a worker")
        try:
            hours = read_units(hours_text, HOURS)
        except NumberRefused as exc:
            return Problem(where=where, what=f"hours: {exc}")
    else:
        if hours_text:
            return Problem(where=where, what=f"an {kind} line takes no hours")
        try:
            amount = read_units(amount_text, MONEY)
        except NumberRefused as exc:
            return Problem(where=where, what=f"amount: {exc}")
    return Line(
        line=number,
        kind=kind,
        project=project,
        activity=activity,
        worker=worker or None,
        date=known[0],
        day=known[1],
        hours=hours,
        amount=amount,
        category=category,
        text=text,
        sales=sales,
    )
