"""Listings exported as CSV and as spreadsheets: each read back equals the JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.conftest import Run


def demo(projsync: Run) -> None:
    for command in (
        ("ledger", "demo", "--json"),
        ("settings", "company", "DEMO", "--integrate", "on"),
        ("settings", "project", "PRJ-2000", "--integrate", "on"),
        ("sync", "run"),
    ):
        outcome = projsync(*command)
        assert outcome.exit_code == 0, (command, outcome.stderr)


def sheet_rows(path: Path) -> list[list[object]]:
    book = load_workbook(path, read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_exports__transactions_as_csv_and_xlsx_equal_their_json(
    projsync: Run, tmp_path: Path
) -> None:
    demo(projsync)
    filters = ("--project", "PRJ-1000", "--activity", "1.1")
    as_json = projsync("ledger", "transactions", *filters, "--json").json()
    assert as_json and {row["activity"] for row in as_json} == {"1.1"}
    assert {row["project"] for row in as_json} == {"PRJ-1000-01"}  # a subproject's, with it
    alone = projsync("ledger", "transactions", *filters, "--no-subprojects", "--json")
    assert alone.json() == []
    read = list(
        csv.DictReader(io.StringIO(projsync("ledger", "transactions", *filters, "--csv").stdout))
    )
    assert [(r["id"], r["cost"], r["date"]) for r in read] == [
        (str(row["id"]), row["cost"], row["date"]) for row in as_json
    ]
    path = tmp_path / "transactions.xlsx"
    written = projsync("ledger", "transactions", *filters, "--xlsx", str(path))
    assert written.exit_code == 0 and f"{len(as_json)} transactions written" in written.stdout
    header, *rows = sheet_rows(path)
    assert header[:3] == ["id", "journal", "kind"]
    cost, day = header.index("cost"), header.index("date")
    assert [
        (row[0], Decimal(str(row[cost])).quantize(Decimal("0.01")), row[day]) for row in rows
    ] == [(r["id"], Decimal(r["cost"]), dt.datetime.fromisoformat(r["date"])) for r in as_json]


def test_exports__totals_plan_tasks_and_the_log(projsync: Run, tmp_path: Path) -> None:
    demo(projsync)
    totals = projsync("ledger", "totals", "--project", "PRJ-2000", "--json").json()
    (row,) = list(
        csv.DictReader(
            io.StringIO(projsync("ledger", "totals", "--project", "PRJ-2000", "--csv").stdout)
        )
    )
    assert row == {key: str(value) for key, value in totals.items()}
    tasks = projsync("plan", "show", "PRJ-2000", "--json").json()["tasks"]
    read = list(csv.DictReader(io.StringIO(projsync("plan", "show", "PRJ-2000", "--csv").stdout)))
    assert [(r["id"], r["work_minutes"]) for r in read] == [
        (t["id"], str(t["work_minutes"])) for t in tasks
    ]
    path = tmp_path / "log.xlsx"
    assert projsync("sync", "log", "--xlsx", str(path)).exit_code == 0
    logged = projsync("sync", "log", "--json").json()
    header, *rows = sheet_rows(path)
    assert [row[0] for row in rows] == [entry["id"] for entry in logged]
    assert "payload" in header


def test_exports__outputs_go_alone_and_a_file_is_written_whole_or_not_at_all(
    projsync: Run, tmp_path: Path
) -> None:
    demo(projsync)
    both = projsync("ledger", "transactions", "--csv", "--json")
    assert both.exit_code == 2 and "--json and --csv cannot be combined" in both.stderr
    folder = projsync("sync", "log", "--xlsx", str(tmp_path))
    assert folder.exit_code == 1 and "is a folder" in folder.stderr
    missing = projsync("plan", "show", "PRJ-2000", "--xlsx", str(tmp_path / "no" / "t.xlsx"))
    assert missing.exit_code == 1 and "no folder" in missing.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]
