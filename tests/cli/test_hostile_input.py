"""The command line over hostile input: numbers in exponent notation, beyond
the range or in other scripts' digits, impossible or extreme dates, ids too
long or not text at all. Every command answers with a message and an exit code
(0 done, 1 refused, 2 usage), never a traceback; a refusal posts nothing.
A store locked by another process's writer is exit 4, saying so."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from projsync.cli.main import app
from projsync.cli.stores import ledger_store
from projsync.ledger.reports import iter_transactions, project_totals
from tests.cli.conftest import close_stores, fresh_home
from tests.cli.test_ledger_cli import SETUP

pytestmark = pytest.mark.slow

NUMBERS = (
    "1e400", "99999999999999999999", "92233720368547758.07", "²", "٥", "７", "1_000",
    "NaN", "Infinity", "-0", "", "-1", "1.005", "0x10", "9223372036854775808",
)  # fmt: skip
DATES = ("0001-01-01", "9999-12-31", "2026-02-30", "", "２０２６-03-02", "2026-3-2")
LONG_ID = "P" * 300
SURROGATE = "P\udcff"
"""What a shell hands Python for a byte that is not UTF-8 (``$'P\\xff'``)."""
IDS = (LONG_ID, SURROGATE, "", " P1", "P/1")


@dataclass(frozen=True)
class Answer:
    args: tuple[str, ...]
    exit_code: int
    output: str
    error: BaseException | None


Hostile = Callable[..., Answer]


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hostile]:
    """Run ``projsync`` in-process on a fresh home, catching what escapes."""
    runner = fresh_home(tmp_path, monkeypatch)

    def run(*args: str) -> Answer:
        result = runner.invoke(app, list(args))
        error = None if isinstance(result.exception, SystemExit) else result.exception
        return Answer(args, result.exit_code, result.output + result.stderr, error)

    for command in SETUP:
        assert run(*command).exit_code == 0, command
    yield run
    close_stores()


def _ledger_state() -> tuple[object, ...]:
    store = ledger_store()
    return (project_totals(store, "P1"), len(list(iter_transactions(store))))


def _misbehaved(hostile: Hostile, commands: Sequence[Sequence[str]]) -> list[str]:
    """Every command that escaped with a traceback, answered another exit code
    than 0, 1 or 2, or changed the ledger while refusing."""
    found = []
    for command in commands:
        before = _ledger_state()
        answer = hostile(*command)
        if answer.error is not None or "Traceback" in answer.output:
            found.append(f"{command}: {type(answer.error).__name__}: {answer.error}")
        elif answer.exit_code not in (0, 1, 2):
            found.append(f"{command}: exit {answer.exit_code}: {answer.output}")
        elif answer.exit_code and _ledger_state() != before:
            found.append(f"{command}: refused (exit {answer.exit_code}) but changed the ledger")
    return found


def test_hostile_input__posting_refuses_every_hostile_number_and_posts_nothing(
    hostile: Hostile,
) -> None:
    place = ("--project", "P1", "--activity", "A1", "--date", "2026-03-02")
    commands = []
    for number in NUMBERS:
        commands += [
            ("ledger", "post", "hours", *place, "--worker", "W1", "--hours", number),
            ("ledger", "post", "expense", *place, "--amount", number),
            ("ledger", "post", "fee", *place, "--amount", number),
        ]
    misbehaved = _misbehaved(hostile, commands)
    assert not misbehaved, "\n".join(misbehaved)
    for number in NUMBERS:
        answer = hostile("ledger", "post", "fee", *place, "--amount", number)
        assert answer.exit_code == 1, (number, answer.output)
    assert _ledger_state() == (project_totals(ledger_store(), "P1"), 0)
    assert project_totals(ledger_store(), "P1").revenue == Decimal("0.00")


def test_hostile_input__the_probes_findings_are_refused_with_line_and_field(
    hostile: Hostile, tmp_path: Path
) -> None:
    journal = tmp_path / "probe.csv"
    journal.write_text(
        "kind,project,activity,worker,date,hours,amount,category\n"
        "expense,P1,A1,,2026-03-02,,1e400,\n"
        "expense,P1,A1,,2026-03-02,,99999999999999999999,\n"
        "expense,P1,A1,,2026-03-02,,92233720368547758.07,\n"
        "hour,P1,A1,W1,2026-03-02,²,,\n"
        "hour,P1,A1,W1,2026-03-03,٥,,\n"
        "hour,P1,A1,W1,2026-03-04,７,,\n"
        "expense,P1,A1,,2026-03-02,,1_000,\n",
        encoding="utf-8",
    )
    answer = hostile("ledger", "journal", "post", str(journal))
    assert (answer.exit_code, answer.error) == (1, None)
    assert "line 2: amount: '1e400' is not a plain decimal number" in answer.output
    assert "line 4: amount: '92233720368547758.07' is out of range" in answer.output
    assert "line 5: hours: '²' is not a plain decimal number" in answer.output
    assert "line 8: amount: '1_000' is not a plain decimal number" in answer.output
    for command in (("ledger", "totals", "--project", "P1"), ("ledger", "transactions")):
        assert hostile(*command).exit_code == 0
    assert _ledger_state() == (project_totals(ledger_store(), "P1"), 0)


def test_hostile_input__a_crafted_journal_file_is_refused_without_a_traceback(
    hostile: Hostile, tmp_path: Path
) -> None:
    header = "kind,project,activity,worker,date,hours,amount,category\n"
    good = ["hour", "P1", "A1", "W1", "2026-03-02", "1", "", ""]
    files = []
    for column, values in ((5, NUMBERS), (4, DATES), (1, IDS), (3, IDS), (7, IDS)):
        for value in values:
            fields = list(good)
            fields[column] = value
            path = tmp_path / f"j{len(files)}.csv"
            path.write_text(
                header + ",".join(fields) + "\n", encoding="utf-8", errors="surrogateescape"
            )
            files.append(path)
    (tmp_path / "bytes.csv").write_bytes(header.encode() + b"hour,P\xff,A1,W1,2026-03-02,1,,\n")
    (tmp_path / "nul.csv").write_bytes(header.encode() + b"hour,P1\x00,A1,W1,2026-03-02,1,,\n")
    (tmp_path / "header-only.csv").write_text(header)
    files += [tmp_path / "bytes.csv", tmp_path / "nul.csv", tmp_path / "header-only.csv"]
    commands = [("ledger", "journal", "post", str(path)) for path in files]
    misbehaved = _misbehaved(hostile, commands)
    assert not misbehaved, "\n".join(misbehaved)


def test_hostile_input__master_data_and_forecasts_refuse_hostile_values(hostile: Hostile) -> None:
    commands: list[tuple[str, ...]] = []
    for number in NUMBERS:
        commands += [
            ("ledger", "forecast", "add", "--project", "P1", "--activity", "A1",
             "--date", "2026-04-01", "--worker", "W1", "--hours", number),
            ("ledger", "forecast", "add", "--project", "P1", "--activity", "A1",
             "--date", "2026-04-01", "--kind", "expense", "--amount", number),
            ("ledger", "worker", "add", "W9", "--company", "DEMO", "--name", "N",
             "--cost-price", number, "--sales-price", "1", "--from", "2026-01-01"),
            ("ledger", "worker", "price", "W1", "--cost-price", "1", "--sales-price", number,
             "--from", "2026-02-01"),
            ("ledger", "activity", "add", "P1", "A9", "--name", "N", "--planned-hours", number),
            ("ledger", "activity", "update", "P1", "A1", "--planned-hours", number),
            ("ledger", "reverse", number),
            ("ledger", "forecast", "delete", number),
            ("ledger", "transactions", "--limit", number),
            ("ledger", "changes", "project", "--since", number),
        ]  # fmt: skip
    for date in DATES:
        commands += [
            ("ledger", "project", "add", "P9", "--company", "DEMO", "--name", "N", "--start", date),
            ("ledger", "activity", "update", "P1", "A1", "--start", date),
            ("ledger", "worker", "price", "W1", "--cost-price", "1", "--sales-price", "1",
             "--from", date),
            ("ledger", "transactions", "--from", date, "--to", date),
            ("ledger", "post", "fee", "--project", "P1", "--activity", "A1", "--date", date,
             "--amount", "1"),
        ]  # fmt: skip
    for bad_id in IDS:
        commands += [
            ("ledger", "company", "add", bad_id, "--name", "N"),
            ("ledger", "project", "add", bad_id, "--company", "DEMO", "--name", "N"),
            ("ledger", "project", "show", bad_id),
            ("ledger", "activity", "add", "P1", bad_id, "--name", "N"),
            ("ledger", "worker", "add", bad_id, "--company", "DEMO", "--name", "N",
             "--cost-price", "1", "--sales-price", "1", "--from", "2026-01-01"),
            ("ledger", "category", "add", bad_id, "--kind", "hour"),
            ("ledger", "post", "fee", "--project", "P1", "--activity", "A1",
             "--date", "2026-03-02", "--amount", "1", "--category", bad_id),
        ]  # fmt: skip
    misbehaved = _misbehaved(hostile, commands)
    assert not misbehaved, "\n".join(misbehaved)


def test_hostile_input__billing_commands_refuse_hostile_values(hostile: Hostile) -> None:
    fee = ("ledger", "post", "fee", "--project", "P1", "--activity", "A1", "--date", "2026-03-02")
    assert hostile(*fee, "--amount", "10").exit_code == 0
    commands: list[tuple[str, ...]] = []
    for number in NUMBERS:
        commands += [
            ("ledger", "milestone", "add", "--project", "P1", "--date", "2026-03-02",
             "--amount", number),
            ("ledger", "project", "update", "P1", "--contract-value", number),
            ("ledger", "invoice", "post", number),
            ("ledger", "invoice", "discard", number),
            ("ledger", "invoice", "credit", number),
            ("ledger", "invoice", "show", number),
            ("ledger", "markup", "set", "--contract", "C", "--category", "Travel",
             "--percent", number),
            ("ledger", "revenue", "reverse", number),
            ("ledger", "post", "expense", "--project", "P1", "--activity", "A1",
             "--date", "2026-03-02", "--amount", "1", "--sales-amount", number),
        ]  # fmt: skip
    for date in DATES:
        commands += [
            ("ledger", "invoice", "propose", "--project", "P1", "--until", date),
            ("ledger", "invoice", "propose", "--project", "P1", "--date", date),
            ("ledger", "milestone", "add", "--project", "P1", "--date", date, "--amount", "1"),
            ("ledger", "revenue", "recognize", "--project", "P1", "--date", date),
            ("ledger", "statement", "--project", "P1", "--from", date),
        ]
    for bad_id in IDS:
        commands += [
            ("ledger", "invoice", "propose", "--project", bad_id),
            ("ledger", "invoice", "show", bad_id),
            ("ledger", "invoice", "credit", bad_id),
            ("ledger", "invoice", "list", "--project", bad_id),
            ("ledger", "milestone", "list", "--project", bad_id),
            ("ledger", "revenue", "recognize", "--project", bad_id, "--date", "2026-03-31"),
            ("ledger", "revenue", "list", "--project", bad_id),
            ("ledger", "statement", "--project", bad_id),
            ("ledger", "transactions", "--project", "P1", "--activity", bad_id),
            (
                "ledger",
                "markup",
                "set",
                "--contract",
                bad_id,
                "--category",
                "Travel",
                "--percent",
                "5",
            ),
        ]
    misbehaved = _misbehaved(hostile, commands)
    assert not misbehaved, "\n".join(misbehaved)


def test_hostile_input__plan_sync_and_settings_commands_refuse_hostile_values(
    hostile: Hostile,
) -> None:
    for command in (
        ("plan", "project", "add", "X", "--name", "Bridge", "--start", "2026-03-02"),
        ("plan", "task", "add", "X", "T1", "--name", "Survey"),
        ("plan", "resource", "add", "R1", "--name", "Crane", "--rate", "10"),
    ):
        assert hostile(*command).exit_code == 0, command
    commands: list[tuple[str, ...]] = []
    for number in NUMBERS:
        commands += [
            ("plan", "task", "add", "X", "T2", "--name", "N", "--duration", number),
            ("plan", "task", "update", "X", "T1", "--duration", number),
            ("plan", "task", "update", "X", "T1", "--work", number + "h"),
            ("plan", "task", "update", "X", "T1", "--percent-complete", number),
            ("plan", "task", "add", "X", "T3", "--name", "N", "--after", f"T1:FS+{number}%"),
            ("plan", "resource", "add", "R2", "--name", "N", "--rate", number),
            ("plan", "assign", "X", "T1", "R1", "--units", number),
            ("plan", "budget", "X", "T1", "--cost", number),
            ("plan", "actual", "X", "T1", "--date", "2026-03-02", "--cost", number),
            ("settings", "global", "--interval", number),
            ("settings", "global", "--max-attempts", number),
            ("settings", "global", "--resync-hours", number),
            ("settings", "global", "--notify-hours", number),
            ("plan", "changes", "task", "--since", number),
            ("plan", "calendar", "holidays", "Standard", "--country", "FR", "--year", number),
            ("sync", "log", "--run", number, "--limit", number),
            ("sync", "retry", number),
            ("sync", "cancel", number),
            ("sync", "resolve", number, "--keep", "ledger"),
            ("token", "create", "admin", "--days", number),
            ("token", "revoke", number),
            ("plan", "timesheet", "add", "R1", "--project", "X", "--task", "T1",
             "--date", "2026-03-02", "--hours", number),
            ("plan", "timesheet", "submit", "R1", "--week", f"2026-W{number}"),
        ]  # fmt: skip
    for date in DATES:
        commands += [
            ("plan", "project", "add", "Y", "--name", "N", "--start", date),
            ("plan", "task", "update", "X", "T1", "--deadline", date),
            ("plan", "task", "update", "X", "T1", "--actual-start", date),
            ("plan", "calendar", "exception", "Standard", date),
            ("plan", "actual", "X", "T1", "--date", date, "--cost", "1"),
            ("plan", "timesheet", "add", "R1", "--project", "X", "--task", "T1",
             "--date", date, "--hours", "1"),
            ("plan", "timesheet", "list", "--week", date),
        ]  # fmt: skip
    for bad_id in IDS:
        commands += [
            ("plan", "project", "add", bad_id, "--name", "N", "--start", "2026-03-02"),
            ("plan", "task", "add", "X", bad_id, "--name", "N"),
            ("plan", "resource", "add", bad_id, "--name", "N"),
            ("settings", "project", bad_id, "--integrate", "on"),
            ("settings", "company", bad_id, "--integrate", "on"),
            ("plan", "timesheet", "add", bad_id, "--project", "X", "--task", "T1",
             "--date", "2026-03-02", "--hours", "1"),
            ("plan", "timesheet", "add", "R1", "--project", bad_id, "--task", bad_id,
             "--date", "2026-03-02", "--hours", "1", "--note", bad_id),
            ("plan", "timesheet", "approve", bad_id, "--week", "2026-W10"),
            ("plan", "timesheet", "list", "--resource", bad_id, "--json"),
        ]  # fmt: skip
    misbehaved = _misbehaved(hostile, commands)
    assert not misbehaved, "\n".join(misbehaved)


def test_hostile_input__a_store_locked_by_another_writer_is_exit_4_after_the_wait(
    hostile: Hostile, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hostile("ledger", "company", "list")  # the store exists, migrated
    monkeypatch.setenv("PROJSYNC_BUSY_TIMEOUT", "0.5")
    ledger_store().dispose()
    ledger_store.cache_clear()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITE_LOCK, str(tmp_path / "home" / "ledger.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        place = ("--project", "P1", "--activity", "A1", "--date", "2026-03-02")
        answer = hostile("ledger", "post", "fee", *place, "--amount", "10")
        assert (answer.exit_code, answer.error) == (4, None), answer.output
        assert "ledger store: the database is locked by another writer" in answer.output
        assert "gave up after waiting 0.5 s" in answer.output
        assert "Traceback" not in answer.output
        assert hostile("ledger", "totals", "--project", "P1").exit_code == 0  # reads go on
    finally:
        holder.communicate("")
    assert hostile("ledger", "post", "fee", *place, "--amount", "10").exit_code == 0


_HOLD_WRITE_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


def test_hostile_input__a_ledger_file_that_is_no_database_is_exit_3_naming_the_store(
    tmp_path: Path,
) -> None:
    # a text file where the ledger's database should be printed a 149-line traceback
    junk = tmp_path / "junk.db"
    junk.write_text("hello, not a database\n")
    answer = subprocess.run(
        [sys.executable, "-m", "projsync.cli.main", "ledger", "company", "list"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PROJSYNC_HOME": str(tmp_path / "home"),
            "PROJSYNC_LEDGER_URL": f"sqlite:///{junk}",
        },
        check=False,
    )
    assert answer.returncode == 3, answer.stderr
    assert "ledger store: the file is not a projsync database" in answer.stderr
    assert "Traceback" not in answer.stderr
