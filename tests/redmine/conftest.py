"""A real Redmine for the Redmine tests, started with the project's own script.

``scripts/redmine.sh`` installs Debian's Redmine when it is missing (about a
minute), starts it on 127.0.0.1:$REDMINE_PORT (3000 unless set) and prints its
URL and an administrator's API key. The server is started once per session
and stopped afterwards when this session started it. Each test works in its
own namespace: fresh Redmine projects and users, never a reinstall.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from projsync.cli.main import app
from projsync.cli.stores import ledger_store, plan_store, sync_store
from projsync.redmine.client import RedmineClient
from projsync.redmine.setup import set_up

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "redmine.sh"


@dataclass(frozen=True)
class Server:
    url: str
    key: str

    def client(self) -> RedmineClient:
        return RedmineClient(self.url, self.key)

    def start(self) -> None:
        _run_script()

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop"], check=True, capture_output=True, text=True)


def _why_no_redmine() -> str | None:
    if Path("/etc/redmine/default/database.yml").exists():
        return None if os.geteuid() == 0 or shutil.which("sudo") else "not root and no sudo"
    if shutil.which("apt-get") is None:
        return "Redmine is not installed and there is no apt-get to install it"
    if os.geteuid() != 0 and shutil.which("sudo") is None:
        return "Redmine is not installed and installing it needs root (or sudo)"
    return None


def _run_script() -> tuple[str, str]:
    done = subprocess.run([str(SCRIPT)], check=False, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/redmine.sh failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    url = lines[-2].removeprefix("REDMINE_URL=")
    key = lines[-1].removeprefix("REDMINE_KEY=")
    return url, key


@pytest.fixture(scope="session")
def redmine() -> Iterator[Server]:
    reason = _why_no_redmine()
    if reason:
        pytest.skip(f"no Redmine for these tests: {reason}")
    already = subprocess.run([str(SCRIPT), "status"], capture_output=True, check=False)
    url, key = _run_script()
    server = Server(url=url, key=key)
    client = server.client()
    report = set_up(client, "DAX_")
    client.close()
    assert not report.missing, report.instructions
    yield server
    if already.returncode != 0:  # this session started it: stop it
        server.stop()


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout.strip().splitlines()[-1])


Run = Callable[..., Outcome]


@pytest.fixture
def namespace() -> str:
    return f"t{uuid.uuid4().hex[:8]}-"


@pytest.fixture
def projsync(
    redmine: Server, namespace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Run]:
    """``projsync`` in-process, with a fresh home and Redmine as the plan side."""
    monkeypatch.setenv("PROJSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PROJSYNC_LEDGER_URL", raising=False)
    monkeypatch.setenv("PROJSYNC_PLAN", "redmine")
    monkeypatch.setenv("PROJSYNC_REDMINE_URL", redmine.url)
    monkeypatch.setenv("PROJSYNC_REDMINE_KEY", redmine.key)
    monkeypatch.setenv("PROJSYNC_REDMINE_NAMESPACE", namespace)
    monkeypatch.setenv("COLUMNS", "200")
    for opened in (ledger_store, plan_store, sync_store):
        opened.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> Outcome:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    yield run
    for opened in (ledger_store, plan_store, sync_store):
        opened().dispose()
        opened.cache_clear()


@pytest.fixture
def rest(redmine: Server) -> Iterator[RedmineClient]:
    """Redmine's REST API, for what a person does in Redmine."""
    client = redmine.client()
    yield client
    client.close()
