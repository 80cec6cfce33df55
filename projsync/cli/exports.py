"""``--csv`` and ``--xlsx FILE`` beside ``--json``: the options, the rule that
one output goes at a time, and the writing (``projsync.exports``)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from projsync.cli.output import stderr
from projsync.exports import Sheet, csv_lines, write_xlsx

__all__ = ["EXIT_USAGE", "AsCsv", "AsXlsx", "Sheet", "one_output", "write_csv", "write_xlsx"]

EXIT_USAGE = 2

AsCsv = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
AsXlsx = Annotated[
    Path | None, typer.Option("--xlsx", metavar="FILE", help="Write a spreadsheet to FILE.")
]


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
    for text in csv_lines(rows, columns):
        sys.stdout.write(text)
