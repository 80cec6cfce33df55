"""``projsync ledger statement``: the same figures as JSON, CSV and a
spreadsheet, and clear refusals of bad input.

The stage is the ledger tests' (``tests/ledger/statement_stage.py``); its
figures are worked out by hand in ``tests/ledger/test_statement.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from projsync.cli.stores import ledger_store
from projsync.ledger.statement import FIGURES
from tests.cli.conftest import Run
from tests.ledger.conftest import demo_ledger
from tests.ledger.statement_stage import billed_ledger

COLUMNS = ["project", "key", "name", *FIGURES]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to write spreadsheets in."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def billed(projsync: Run) -> Run:
    billed_ledger(demo_ledger(ledger_store()))
    return projsync


def json_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a JSON statement as the CSV lists them: each group's rows,
    its total, then the statement's total."""
    rows = []
    for group in found["groups"]:
        rows += [*group["rows"], group["total"]]
    return [*rows, found["total"]]


def test_statement_cli__json(billed: Run) -> None:
    outcome = billed("ledger", "statement", "--project", "P1", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    found = outcome.json()
    assert found["head"]["project"] == "P1" and found["head"]["by"] == "activity"
    assert found["head"]["currency"] == "EUR" and found["head"]["completion"] is None
    # 740.45 + 160.00 + 50.00 (see the ledger tests)
    assert found["total"]["actual_cost"] == "950.45"
    assert found["total"]["wip"] == "130.51"
    assert [g["project"] for g in found["groups"]] == ["P1", "P1-1", "P1-1-1"]
    assert found["groups"][0]["rows"][1] == {
        "project": "P1",
        "key": "A2",
        "name": "Review",
        "budget_cost": "260.00",
        "budget_revenue": "3360.00",
        "hours": "5.00",
        "actual_cost": "280.45",
        "billable": "540.51",
        "invoiced": "450.00",
        "recognised": "450.00",
        "wip": "90.51",
    }


def test_statement_cli__csv_parses_back_to_the_json_figures(billed: Run) -> None:
    for by in ("activity", "category", "worker", "period"):
        args = ("ledger", "statement", "--project", "P1", "--by", by)
        as_csv = billed(*args, "--csv")
        assert as_csv.exit_code == 0, as_csv.stderr
        rows = list(csv.reader(io.StringIO(as_csv.stdout)))
        assert rows[0] == COLUMNS
        expected = [[row[c] for c in COLUMNS] for row in json_rows(billed(*args, "--json").json())]
        assert rows[1:] == expected
    worker_rows = list(
        csv.DictReader(io.StringIO(billed(*args[:-2], "--by", "worker", "--csv").stdout))
    )
    assert [(r["project"], r["key"], r["name"]) for r in worker_rows[:3]] == [
        ("P1", "W1", "Ada"),
        ("P1", "W2", "Grace"),
        ("P1", "(none)", ""),
    ]


def test_statement_cli__the_spreadsheet_holds_the_json_figures(billed: Run, out: Path) -> None:
    target = out / "statement.xlsx"
    args = ("ledger", "statement", "--project", "P2", "--by", "period")
    written = billed(*args, "--xlsx", str(target))
    assert written.exit_code == 0, written.stderr
    found = billed(*args, "--json").json()
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.title == "Statement"
    cells = [list(row) for row in sheet.iter_rows()]
    values = [[cell.value for cell in row] for row in cells]
    head = {row[0]: row[1] for row in values[: values.index([None] * len(values[0]))]}
    assert head["Project"] == "P2" and head["Type"] == "fixed-price" and head["By"] == "period"
    assert Decimal(str(head["Contract value"])) == Decimal("10000.00")
    assert Decimal(str(head["Completion %"])) == Decimal("62.50")
    start = values.index(COLUMNS + [None] * (len(values[0]) - len(COLUMNS)))
    table = cells[start + 1 :]
    assert len(table) == len(json_rows(found))
    for row, expected in zip(table, json_rows(found), strict=True):
        assert [c.value or "" for c in row[:3]] == [
            expected["project"],
            expected["key"],
            expected["name"],
        ]
        for cell, figure in zip(row[3 : 3 + len(FIGURES)], FIGURES, strict=True):
            assert isinstance(cell.value, int | float), (figure, cell.value)
            assert cell.number_format == "#,##0.00"
            assert Decimal(str(cell.value)).quantize(Decimal("0.01")) == Decimal(expected[figure])
    # 6,250.00 recognised less 3,000.00 invoiced
    assert json_rows(found)[-1]["wip"] == "3250.00"
    assert [p.name for p in out.iterdir()] == ["statement.xlsx"]  # no temporary left


def test_statement_cli__outputs_go_alone(billed: Run, out: Path) -> None:
    target = out / "s.xlsx"
    for combined in (
        ("--json", "--csv"),
        ("--json", "--xlsx", str(target)),
        ("--csv", "--xlsx", str(target)),
    ):
        outcome = billed("ledger", "statement", "--project", "P1", *combined)
        assert outcome.exit_code == 2, combined
        assert "cannot be combined: choose one output" in outcome.stderr
        assert outcome.stdout == ""
    assert not target.exists()


def test_statement_cli__bad_input_is_refused_clearly(billed: Run, out: Path) -> None:
    cases = (
        (("--project", "NOPE", "--json"), "project NOPE: unknown project"),
        (
            ("--project", "P1", "--from", "2026-04-01", "--to", "2026-03-01"),
            "--from: 2026-04-01 is after --to 2026-03-01",
        ),
        (("--project", "P1", "--from", "1 March"), "--from: '1 March' is not a date (YYYY-MM-DD)"),
        (("--project", "P1", "--xlsx", str(out)), f"--xlsx: {out} is a folder"),
        (
            ("--project", "P1", "--xlsx", str(out / "none" / "s.xlsx")),
            f"--xlsx: no folder {out / 'none'}",
        ),
        (
            ("--project", "NOPE", "--xlsx", str(out / "s.xlsx")),
            "project NOPE: unknown project",
        ),
    )
    for args, message in cases:
        outcome = billed("ledger", "statement", *args)
        assert outcome.exit_code == 1, args
        assert message in " ".join(outcome.stderr.split()), (args, outcome.stderr)
    assert billed("ledger", "statement", "--project", "P1", "--by", "month").exit_code == 2
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_statement_cli__an_unwritable_folder_is_refused(billed: Run, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        outcome = billed("ledger", "statement", "--project", "P1", "--xlsx", str(folder / "s.xlsx"))
    finally:
        folder.chmod(0o700)
    assert outcome.exit_code == 1
    assert "cannot write in" in outcome.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc")
def test_statement_cli__a_folder_nobody_writes_in_is_refused(billed: Run) -> None:
    outcome = billed("ledger", "statement", "--project", "P1", "--xlsx", "/proc/statement.xlsx")
    assert outcome.exit_code == 1
    assert "--xlsx: cannot write in /proc" in " ".join(outcome.stderr.split())


def test_statement_cli__a_failed_save_leaves_the_old_file_whole(
    billed: Run, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "statement.xlsx"
    target.write_bytes(b"the old one")

    def broken(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("openpyxl.Workbook.save", broken)
    outcome = billed("ledger", "statement", "--project", "P1", "--xlsx", str(target))
    assert outcome.exit_code == 1
    assert "No space left on device" in outcome.stderr
    assert target.read_bytes() == b"the old one"
    assert [p.name for p in out.iterdir()] == ["statement.xlsx"]


def test_statement_cli__a_table_for_people(billed: Run) -> None:
    outcome = billed("ledger", "statement", "--project", "P2")
    assert outcome.exit_code == 0, outcome.stderr
    assert "(recognition)" in outcome.stdout and "6250.00" in outcome.stdout
    json.loads(billed("ledger", "statement", "--project", "P2", "--json").stdout)
