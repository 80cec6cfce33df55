"""The sync from the command line: the demo company, integrated, synchronized, reconciled."""

from __future__ import annotations

from tests.cli.conftest import Run


def test_cli__demo_company_synchronizes_and_reconciles_to_the_cent(projsync: Run) -> None:
    assert projsync("ledger", "demo", "--json").exit_code == 0
    assert projsync("settings", "company", "DEMO", "--integrate", "on").exit_code == 0
    assert projsync("settings", "project", "PRJ-1000", "--integrate", "on").exit_code == 0
    assert projsync("ledger", "worker", "integrate", "W-001").exit_code == 0
    before = projsync("reconcile", "--json").json()
    assert before["differences"]
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


def test_cli__the_sync_keeps_the_contract_end_and_lists_the_plans_finish_beside_it(
    projsync: Run,
) -> None:
    """The demo's PRJ-1000 is agreed to end on 30 September; its plan, scheduled,
    finishes on 22 April."""
    assert projsync("demo", "--json").exit_code == 0
    assert projsync("sync", "run", "--json").json()["failed"] == 0
    listed = {p["id"]: p for p in projsync("ledger", "project", "list", "--json").json()}
    dates = ("start", "end", "projected_start", "projected_end")
    assert [listed["PRJ-1000"][k] for k in dates] == [
        "2026-03-02", "2026-09-30", "2026-03-02", "2026-04-22",
    ]  # fmt: skip
    table = projsync("ledger", "project", "list").stdout
    assert "projected_start" in table and "projected_end" in table
