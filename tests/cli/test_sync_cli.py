"""The sync from the command line: the demo company, integrated, synchronized, reconciled."""

from __future__ import annotations

from tests.cli.conftest import Run


def test_cli__demo_company_synchronizes_and_reconciles_to_the_cent(projsync: Run) -> None:
    assert projsync("ledger", "demo", "--json").exit_code == 0
    assert projsync("settings", "company", "DEMO", "--integrate", "on").exit_code == 0
    assert projsync("settings", "project", "PRJ-1000", "--integrate", "on").exit_code == 0
    assert projsync("ledger", "worker", "integrate", "W-001").exit_code == 0
    before = projsync("reconcile", "--json").json()
    assert before["differences"] == []  # nothing synchronized yet: nothing compared
    dry = projsync("sync", "run", "--dry-run", "--json").json()
    assert dry["created"] > 0 and projsync("plan", "project", "list", "--json").json() == []
    first = projsync("sync", "run", "--json").json()
    assert (first["failed"], first["created"]) == (0, dry["created"])
    second = projsync("sync", "run", "--json").json()
    assert (second["created"], second["updated"], second["failed"]) == (0, 0, 0)
    after = projsync("reconcile", "--json").json()
    assert after["differences"] == []
    assert after["totals"]["ledger"] == after["totals"]["plan"]
    assert projsync("sync", "log", "--json").json()
    assert projsync("sync", "log", "--status", "failed", "--json").json() == []
    assert projsync("sync", "status", "--json").json()[0]["status"] == "completed"
