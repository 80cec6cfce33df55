"""Rendering for the command line: JSON for machines, tables for people, errors
to standard error with an exit code that says what kind of failure it was.

Exit codes: 0 done; 1 the input was refused (every reason printed), or a
comparison found differences; 2 usage; 3 configuration; 4 a service could
not be reached (try again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from projsync.errors import ConfigurationError, InputError, RetriableError

__all__ = [
    "EXIT_CONFIG",
    "EXIT_DIFFERENT",
    "EXIT_REFUSED",
    "EXIT_RETRY",
    "emit",
    "fail_cleanly",
    "human",
    "in_hours_or_days",
    "plain",
    "progress_bar",
]

EXIT_REFUSED = 1
EXIT_DIFFERENT = 1
"""A comparison found differences (as ``diff`` answers)."""
EXIT_CONFIG = 3
EXIT_RETRY = 4

T = TypeVar("T")

stdout = Console()
stderr = Console(stderr=True)


def plain(value: Any) -> Any:
    """A record as JSON-ready data: amounts as strings, dates in ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


MINUTES_PER_DAY = 480
"""A day of a duration as people read one: 8 hours, Microsoft Project's default."""

_IN_DAYS = frozenset({"duration", "total_slack", "free_slack", "leveling_delay", "lag", "delay"})
"""Quantities of minutes that people read in days; the others (work) in hours."""


def human(value: Any) -> str:
    """A value as a table cell: nothing for None, mappings as ``name=value``
    pairs, lists as their items, never a Python repr."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{key}={human(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        nested = any(isinstance(item, dict | list | tuple) for item in value)
        return ("; " if nested else ", ").join(_item(item) for item in value)
    return str(value)


def _item(item: Any) -> str:
    """One item of a list: a pair or row as its parts with spaces between."""
    if isinstance(item, list | tuple):
        return " ".join(human(part) for part in item)
    return human(item)


def in_hours_or_days(name: str, minutes: Any) -> str:
    """Minutes as people read them: a duration, lag or slack in days of eight
    hours, work in hours, with at most two decimals (``2400`` → ``5 d``)."""
    if minutes is None or minutes == "":
        return ""
    quantity = Decimal(str(minutes))
    if name in _IN_DAYS:
        return f"{_short(quantity / MINUTES_PER_DAY)} d"
    return f"{_short(quantity / 60)} h"


def _short(number: Decimal) -> str:
    text = f"{number.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _shown(name: str, minutes: Mapping[str, str]) -> tuple[str, Callable[[Any], str]]:
    """A column's header and how its cells read: ``work_minutes`` (or a name
    ``minutes`` lists) as ``work`` in hours or days."""
    if name.endswith("_minutes"):
        quantity = name.removesuffix("_minutes")
        return quantity, lambda value: in_hours_or_days(quantity, value)
    if name in minutes:
        return name, lambda value: in_hours_or_days(minutes[name], value)
    return name, human


def emit(
    data: Any,
    *,
    as_json: bool,
    columns: Sequence[str] | None = None,
    title: str = "",
    minutes: Mapping[str, str] | None = None,
) -> None:
    """Print records as JSON, or as a table of ``columns`` for a person.

    In a table, a field named ``…_minutes`` (or named in ``minutes``, which
    maps it to the quantity it is: ``{"work": "work"}``) reads in hours, or in
    days for a duration, lag or slack; JSON keeps the exact minutes."""
    payload = plain(data)
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    given = minutes or {}
    if isinstance(payload, dict):
        record = Table(title=title or None, show_header=False)
        record.add_column("field", style="bold")
        record.add_column("value")
        for key, value in payload.items():
            header, cell = _shown(key, given)
            record.add_row(header, cell(value))
        stdout.print(record)
        return
    rows = payload
    if not rows:
        stdout.print(f"(no {title or 'rows'})")
        return
    names = list(columns or rows[0].keys())
    shown = [_shown(name, given) for name in names]
    table = Table(title=title or None, show_lines=False)
    for header, _ in shown:
        table.add_column(header)
    for row in rows:
        table.add_row(*(cell(row.get(name)) for name, (_, cell) in zip(names, shown, strict=True)))
    stdout.print(table)


def emit_stream(items: Iterable[Any], *, as_json: bool, columns: Sequence[str], title: str) -> None:
    """Like :func:`emit` for long listings: JSON is written as it is read."""
    if not as_json:
        emit(list(items), as_json=False, columns=columns, title=title)
        return
    out = sys.stdout
    out.write("[")
    for index, item in enumerate(items):
        out.write(("," if index else "") + json.dumps(plain(item), ensure_ascii=False))
    out.write("]\n")


@contextmanager
def fail_cleanly() -> Iterator[None]:
    """Turn projsync's errors into a message on standard error and an exit code."""
    try:
        yield
    except InputError as exc:
        for problem in exc.problems:
            stderr.print(f"[bold red]error[/]: {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_REFUSED) from None
    except ConfigurationError as exc:
        stderr.print(f"[bold red]configuration error[/]: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_CONFIG) from None
    except RetriableError as exc:
        stderr.print(f"[bold red]unavailable[/]: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_RETRY) from None


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; silent when output is not a terminal."""
    if not stderr.is_terminal:
        yield lambda done: None
        return
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=stderr, transient=False) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)
