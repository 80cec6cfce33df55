"""A sync killed at any point and run again converges, with nothing done twice.

The sync runs as a real ``projsync`` process; a failpoint ends it abruptly
(as a kill would: no clean-up) right after an operation was applied on the
plan side and before anything of it was written to the sync's store, the
worst place to die.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

PROJSYNC = [sys.executable, "-m", "projsync.cli.main"]


def projsync(
    home: Path, *args: str, failpoint: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROJSYNC_HOME": str(home)}
    env.pop("PROJSYNC_FAILPOINT", None)
    if failpoint:
        env["PROJSYNC_FAILPOINT"] = failpoint
    return subprocess.run(
        [*PROJSYNC, *args], check=False, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company, integrated, not yet synchronized (copied for each crash)."""
    home = tmp_path_factory.mktemp("prepared")
    for args in (
        ("ledger", "demo"),
        ("settings", "company", "DEMO", "--integrate", "on"),
        ("settings", "project", "PRJ-1000", "--integrate", "on"),
        ("settings", "project", "PRJ-2000", "--integrate", "on"),
        ("ledger", "worker", "integrate", "W-001"),
        ("ledger", "worker", "integrate", "W-004"),
    ):
        done = projsync(home, *args)
        assert done.returncode == 0, done.stderr
    return home


@pytest.mark.parametrize("crash_at", [1, 17, 64, 130])
def test_crash__killed_mid_run_then_run_again_converges_without_duplicates(
    prepared: Path, tmp_path: Path, crash_at: int
) -> None:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(prepared, home)
    killed = projsync(home, "sync", "run", "--json", failpoint=f"record:{crash_at}")
    assert killed.returncode == 137, killed.stdout + killed.stderr
    finished = projsync(home, "sync", "run", "--json")
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout.strip().splitlines()[-1])["failed"] == 0
    quiet = json.loads(projsync(home, "sync", "run", "--json").stdout.strip().splitlines()[-1])
    assert (quiet["created"], quiet["updated"], quiet["deleted"]) == (0, 0, 0)
    check = json.loads(projsync(home, "reconcile", "--json").stdout.strip().splitlines()[-1])
    assert check["differences"] == []
    log = json.loads(projsync(home, "sync", "log", "--limit", "5000", "--json").stdout)
    created = Counter(
        e["entity_key"] for e in log if e["action"] == "create" and e["status"] == "completed"
    )
    assert [key for key, n in created.items() if n > 1] == []
    shown = json.loads(projsync(home, "plan", "show", "PRJ-1000", "--json").stdout)
    ids = [t["id"] for t in shown["tasks"]]
    assert len(ids) == len(set(ids))
