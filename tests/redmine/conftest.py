"""A real Redmine for the Redmine tests, started with the project's own script.

``scripts/redmine.sh`` installs Debian's Redmine when it is missing (about a
minute), starts it on 127.0.0.1:$REDMINE_PORT (3000 unless set) and prints its
URL and an administrator's API key. The server is started once and left
running (``scripts/redmine.sh stop`` stops it): test sessions that run side
by side share it, and one must not stop it under another. Each test works in
its own namespace: fresh Redmine projects and users, never a reinstall.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    environ: dict[str, str] = field(default_factory=dict)
    """REDMINE_PORT and REDMINE_STATE of a server of its own, if it is one."""

    def client(self) -> RedmineClient:
        return RedmineClient(self.url, self.key)

    def start(self) -> None:
        _run_script(self.environ)

    def stop(self) -> None:
        subprocess.run(
            [str(SCRIPT), "stop"], check=True, capture_output=True, text=True,
            env={**os.environ, **self.environ},
        )  # fmt: skip


def _why_no_redmine() -> str | None:
    if Path("/etc/redmine/default/database.yml").exists():
        return None if os.geteuid() == 0 or shutil.which("sudo") else "not root and no sudo"
    if shutil.which("apt-get") is None:
        return "Redmine is not installed and there is no apt-get to install it"
    if os.geteuid() != 0 and shutil.which("sudo") is None:
        return "Redmine is not installed and installing it needs root (or sudo)"
    return None


def _run_script(environ: dict[str, str] | None = None) -> tuple[str, str]:
    done = subprocess.run(
        [str(SCRIPT)], check=False, capture_output=True, text=True, timeout=900,
        env={**os.environ, **(environ or {})},
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"scripts/redmine.sh failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    url = lines[-2].removeprefix("REDMINE_URL=")
    key = lines[-1].removeprefix("REDMINE_KEY=")
    return url, key


@pytest.fixture(scope="session")
def redmine() -> Server:
    reason = _why_no_redmine()
    if reason:
        pytest.skip(f"no Redmine for these tests: {reason}")
    url, key = _run_script()
    server = Server(url=url, key=key)
    client = server.client()
    report = set_up(client, "DAX_")
    client.close()
    assert not report.missing, report.instructions
    return server


@pytest.fixture
def own_redmine(redmine: Server) -> Iterator[Server]:
    """A second server process on the same installation and database, on a free
    port, for a test that stops Redmine: the shared one stays up for the others."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state = Path(tempfile.mkdtemp(prefix="redmine-"))
    state.chmod(0o755)  # www-data writes its pid file under it
    environ = {"REDMINE_PORT": str(port), "REDMINE_STATE": str(state)}
    url, key = _run_script(environ)
    server = Server(url=url, key=key, environ=environ)
    yield server
    server.stop()
    shutil.rmtree(state, ignore_errors=True)


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
