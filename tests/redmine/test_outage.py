"""Redmine stopped in the middle of a run, and the API key kept secret."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from projsync.cli.stores import ledger_store, sync_store
from projsync.config import load_settings
from projsync.connectors.base import Applied, EntityKind, Operation
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.redmine import RedmineConnector
from projsync.sync.engine import SyncEngine
from tests.redmine.conftest import Run, Server
from tests.redmine.stories import issues_of


class _StoppedHalfway(RedmineConnector):
    """Redmine, stopped by its administrator after the first few tasks went across."""

    def __init__(self, server: Server, namespace: str) -> None:
        super().__init__(server.client(), namespace=namespace)
        self.server = server
        self.stopped = False

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        tasks = [o for o in operations if o.kind is EntityKind.TASK]
        if self.stopped or len(tasks) < 5:  # not yet the activities
            return super().apply(operations)
        done = super().apply(operations[:3])
        self.server.stop()
        self.stopped = True
        return done + super().apply(operations[3:])


def _integrate_demo(projsync: Run) -> None:
    for args in (
        ("ledger", "demo", "--json"),
        ("settings", "company", "DEMO", "--integrate", "on"),
        ("settings", "project", "PRJ-1000", "--integrate", "on"),
        ("ledger", "worker", "integrate", "W-001"),
    ):
        assert projsync(*args).exit_code == 0


@pytest.mark.slow
def test_redmine__stopped_mid_run_then_resynchronized_with_nothing_duplicated(
    projsync: Run, own_redmine: Server, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROJSYNC_REDMINE_URL", own_redmine.url)
    _integrate_demo(projsync)
    halfway = _StoppedHalfway(own_redmine, namespace)
    try:
        report = SyncEngine(sync_store(), LedgerConnector(ledger_store()), halfway).run()
    finally:
        own_redmine.start()

    assert report.failed > 0 and report.created > 0  # the run ended, with failures
    failed = projsync("sync", "log", "--status", "failed", "--json").json()
    assert len(failed) == report.failed
    assert all("Redmine at http://127.0.0.1" in f["error"] for f in failed)
    assert all("cannot be reached" in f["error"] for f in failed)
    assert {f["entity_type"] for f in failed} >= {"activity", "actuals"}
    assert projsync("sync", "status", "--json").json()[0]["status"] == "failed"
    log = projsync("sync", "log", "--json").stdout
    assert own_redmine.key not in log

    for entry in failed:  # the administrator asks for them again
        assert projsync("sync", "retry", str(entry["id"])).exit_code == 0
    run = projsync("sync", "run", "--json").json()

    assert run["failed"] == 0
    assert projsync("sync", "log", "--status", "failed", "--json").json() == []
    issues = issues_of(halfway.client, f"{namespace}prj-1000")  # refuses duplicates
    activities = len(projsync("ledger", "activity", "list", "PRJ-1000-01", "--json").json())
    activities += len(projsync("ledger", "activity", "list", "PRJ-1000-02", "--json").json())
    assert len(issues) == activities  # in its two subprojects
    assert projsync("reconcile", "--json").json()["differences"] == []
    settled = projsync("sync", "run", "--json").json()
    assert (settled["created"], settled["updated"], settled["failed"]) == (0, 0, 0)


def test_redmine__unreachable_server_is_a_clear_error_without_the_key(
    projsync: Run, redmine: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    _integrate_demo(projsync)
    monkeypatch.setenv("PROJSYNC_REDMINE_URL", "http://127.0.0.1:9")

    run = projsync("sync", "run", "--json")

    assert run.exit_code == 4
    assert "Redmine at http://127.0.0.1:9 cannot be reached" in run.stderr
    assert redmine.key not in run.stdout + run.stderr
    assert redmine.key not in repr(load_settings())


def test_redmine__wrong_key_is_a_configuration_error_that_does_not_show_it(
    projsync: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _integrate_demo(projsync)
    wrong = "0123456789abcdef0123456789abcdef01234567"
    monkeypatch.setenv("PROJSYNC_REDMINE_KEY", wrong)

    run = projsync("sync", "run", "--json")

    assert run.exit_code == 3
    assert "refused the API key" in run.stderr
    assert wrong not in run.stdout + run.stderr
    assert wrong not in projsync("sync", "log", "--json").stdout
