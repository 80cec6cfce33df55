"""Run ``projsync`` in-process against a fresh home folder."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from projsync.cli.main import app
from projsync.cli.stores import ledger_store, plan_store, sync_store


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout.strip().splitlines()[-1])


Run = Callable[..., Outcome]


def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner for a home folder of its own, the stores opened afresh."""
    monkeypatch.setenv("PROJSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PROJSYNC_LEDGER_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    for opened in (ledger_store, plan_store, sync_store):
        opened.cache_clear()
    return CliRunner()


def close_stores() -> None:
    for opened in (ledger_store, plan_store, sync_store):
        opened().dispose()
        opened.cache_clear()


@pytest.fixture
def projsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    runner = fresh_home(tmp_path, monkeypatch)

    def run(*args: str) -> Outcome:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    yield run
    close_stores()
