"""The sync from the command line: the demo company, integrated, synchronized, reconciled."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.cli.conftest import Run


def test_cli__demo_company_synchronizes_and_reconciles_to_the_cent(projsync: Run) -> None:
    assert projsync("ledger", "demo", "--json").exit_code == 0
    assert projsync("settings", "company", "DEMO", "--integrate", "on").exit_code == 0
    assert projsync("settings", "project", "PRJ-1000", "--integrate", "on").exit_code == 0
    assert projsync("ledger", "worker", "integrate", "W-001").exit_code == 0
    before = projsync("reconcile", "--json")
    assert before.exit_code == 0  # nothing synchronized yet: nothing compared
    assert before.json()["differences"] == []
    dry = projsync("sync", "run", "--dry-run", "--json").json()
    assert dry["created"] > 0 and projsync("plan", "project", "list", "--json").json() == []
    first = projsync("sync", "run", "--json").json()
    assert (first["failed"], first["created"]) == (0, dry["created"])
    second = projsync("sync", "run", "--json").json()
    assert (second["created"], second["updated"], second["failed"]) == (0, 0, 0)
    reconciled = projsync("reconcile", "--json")
    assert reconciled.exit_code == 0
    after = reconciled.json()
    assert after["differences"] == []
    assert after["totals"]["ledger"] == after["totals"]["plan"]
    assert projsync("sync", "log", "--json").json()
    assert projsync("sync", "log", "--status", "failed", "--json").json() == []
    assert projsync("sync", "status", "--json").json()[0]["status"] == "completed"


def test_cli__reconcile_exits_1_with_differences_and_says_why_while_the_demo_only_reports(
    projsync: Run,
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    clean = projsync("reconcile")
    assert clean.exit_code == 0 and "0 difference(s)" in clean.stdout
    actual = projsync("plan", "actuals", "PRJ-2000", "--json").json()[0]
    resource = ["--resource", actual["resource"]] if actual["resource"] else []
    tampered = projsync(
        "plan", "actual", "PRJ-2000", actual["task"], "--date", actual["day"],
        "--work", f"{actual['actual_work']}m", "--cost", str(Decimal(actual["actual_cost"]) + 1),
        "--revenue", actual["revenue"], *resource,
    )  # fmt: skip
    assert tampered.exit_code == 0, tampered.stderr
    found = projsync("reconcile", "--json")
    assert found.exit_code == 1
    (difference,) = found.json()["differences"]
    assert difference["key"] == (
        f"PRJ-2000/{actual['task']}/{actual['resource'] or ''}/{actual['day']}"
    )
    assert (difference["reason"], difference["project"]) == ("figures differ", "PRJ-2000")
    assert set(difference) >= {"key", "ledger", "plan", "ledger_key"}
    told = projsync("reconcile")
    assert told.exit_code == 1 and "figures differ" in told.stdout
    assert projsync("reconcile", "--project", "PRJ-1000", "--json").exit_code == 0
    unknown = projsync("reconcile", "--project", "NOPE")
    assert unknown.exit_code == 1 and "NOPE" in unknown.stderr
    demo = projsync("demo", "--json")
    assert demo.exit_code == 0 and demo.json()["differences"] == 1


def test_cli__the_sync_keeps_the_contract_end_and_lists_the_plans_finish_beside_it(
    projsync: Run,
) -> None:
    """The demo's PRJ-1000 is agreed to end on 30 September; its plan, scheduled
    with its links and the electrical installation's slip, finishes on 1 July."""
    assert projsync("demo", "--json").exit_code == 0
    assert projsync("sync", "run", "--json").json()["failed"] == 0
    listed = {p["id"]: p for p in projsync("ledger", "project", "list", "--json").json()}
    dates = ("start", "end", "projected_start", "projected_end")
    assert [listed["PRJ-1000"][k] for k in dates] == [
        "2026-03-02", "2026-09-30", "2026-03-02", "2026-07-01",
    ]  # fmt: skip
    table = projsync("ledger", "project", "list").stdout
    assert "projected_start" in table and "projected_end" in table


def test_cli__a_conflict_shown_resolved_and_a_project_resynchronized(projsync: Run) -> None:
    """The finding's story: a name edited on both sides, hours posted, syncs run;
    the conflict stays held and shows; a person resolves it; a tampered plan
    actual is repaired by a resynchronization."""
    assert projsync("demo", "--json").exit_code == 0
    projsync("ledger", "activity", "update", "PRJ-1000-01", "1.1", "--name", "Survey (ledger)")
    projsync("plan", "task", "update", "PRJ-1000", "PRJ-1000-01.1.1", "--name", "Survey (plan)")
    assert projsync("sync", "run", "--json").json()["conflicts"] == 1
    projsync(
        "ledger", "post", "hours", "--project", "PRJ-1000-01", "--activity", "1.1",
        "--worker", "W-001", "--date", "2026-03-20", "--hours", "3",
    )  # fmt: skip
    for _ in range(2):
        projsync("sync", "run", "--json")
    (entry,) = projsync("sync", "log", "--status", "conflict", "--json").json()
    assert statuses_of(projsync)["PRJ-1000-01"] == "conflict"
    retried = projsync("sync", "retry", str(entry["id"]))
    assert retried.exit_code == 1 and "projsync sync resolve" in retried.stderr
    resolved = projsync("sync", "resolve", str(entry["id"]), "--keep", "ledger", "--json")
    assert resolved.exit_code == 0, resolved.stderr
    assert resolved.json()["status"] == "completed"
    names = {
        t["id"]: t["name"] for t in projsync("plan", "show", "PRJ-1000", "--json").json()["tasks"]
    }
    assert names["PRJ-1000-01.1.1"] == "Survey (ledger)"
    twice = projsync("sync", "resolve", str(entry["id"]), "--keep", "plan")
    assert twice.exit_code == 1 and "resolved already by" in twice.stderr
    actual = projsync("plan", "actuals", "PRJ-2000", "--json").json()[0]
    resource = ["--resource", actual["resource"]] if actual["resource"] else []
    projsync(
        "plan", "actual", "PRJ-2000", actual["task"], "--date", actual["day"],
        "--work", "1m", "--cost", "1", "--revenue", "0", *resource,
    )  # fmt: skip
    assert projsync("reconcile", "--json").exit_code == 1
    assert statuses_of(projsync)["PRJ-2000"] == "diverged"
    repaired = projsync("sync", "resync", "--project", "PRJ-2000", "--json")
    assert repaired.exit_code == 0, repaired.stderr
    assert (repaired.json()["status"], repaired.json()["differences"]) == ("completed", 0)
    assert projsync("reconcile", "--json").exit_code == 0
    assert statuses_of(projsync)["PRJ-2000"] == "idle"
    unknown = projsync("sync", "resync", "--project", "NOPE")
    assert unknown.exit_code == 1 and "NOPE" in unknown.stderr


def statuses_of(projsync: Run) -> dict[str, str]:
    listed = projsync("sync", "status", "--entities", "--json").json()
    return {s["key"]: s["status"] for s in listed}


def test_cli__a_file_published_as_a_new_project_of_a_company_becomes_its_ledger_project(
    projsync: Run, tmp_path: Path
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    plan = tmp_path / "plan.xml"
    assert projsync("plan", "export", "PRJ-2000", str(plan), "--json").exit_code == 0
    tasks = projsync("plan", "show", "PRJ-2000", "--json").json()["tasks"]

    published = projsync(
        "plan", "import", str(plan), "--as-project", "PUB-1", "--company", "DEMO",
        "--type", "fixed-price", "--contract", "CT-0057", "--json",
    )  # fmt: skip
    assert published.exit_code == 0, published.stderr
    run = projsync("sync", "run", "--json").json()

    assert run["refused"] == 0 and run["failed"] == 0
    shown = projsync("ledger", "project", "show", "PUB-1", "--json").json()
    assert (shown["company"], shown["type"], shown["contract"]) == (
        "DEMO",
        "fixed-price",
        "CT-0057",
    )
    activities = projsync("ledger", "activity", "list", "PUB-1", "--json").json()
    assert len(activities) == len(tasks)
    projsync("sync", "run", "--json")
    assert projsync("reconcile", "--json").json()["differences"] == []


def test_cli__ledger_facts_of_a_published_file_are_checked_before_anything_is_stored(
    projsync: Run, tmp_path: Path
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    plan = tmp_path / "plan.xml"
    assert projsync("plan", "export", "PRJ-2000", str(plan), "--json").exit_code == 0

    alone = projsync("plan", "import", str(plan), "--company", "DEMO")
    typed = projsync(
        "plan", "import", str(plan), "--as-project", "PUB-2", "--company", "DEMO", "--type", "gift"
    )

    assert (
        alone.exit_code != 0 and "--company: a new project (--as-project) takes it" in alone.stderr
    )
    assert typed.exit_code != 0 and "--type: must be one of time-material" in typed.stderr
    listed = [p["id"] for p in projsync("plan", "project", "list", "--json").json()]
    assert "PUB-2" not in listed and "PUB-3" not in listed


def test_cli__a_dry_run_shows_field_old_and_new_value_in_a_table(projsync: Run) -> None:
    assert projsync("ledger", "demo", "--json").exit_code == 0
    assert projsync("settings", "company", "DEMO", "--integrate", "on").exit_code == 0
    assert projsync("settings", "project", "PRJ-2000", "--integrate", "on").exit_code == 0
    assert projsync("sync", "run").exit_code == 0
    renamed = ("ledger", "activity", "update", "PRJ-2000", "1", "--name", "Analysis and design")
    assert projsync(*renamed).exit_code == 0
    shown = projsync("sync", "run", "--dry-run")
    assert shown.exit_code == 0
    row = next(line for line in shown.stdout.splitlines() if "PRJ-2000/1" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "plan",
        "task",
        "PRJ-2000/1",
        "update",
        "name",
        "Analysis",
        "Analysis and design",
    ]
    assert "{" not in shown.stdout and "[" not in shown.stdout  # no Python reprs


def test_cli__the_log_speaks_peoples_words(projsync: Run) -> None:
    assert projsync("ledger", "demo", "--json").exit_code == 0
    assert projsync("settings", "company", "DEMO", "--integrate", "on").exit_code == 0
    assert projsync("settings", "project", "PRJ-1000", "--integrate", "on").exit_code == 0
    assert projsync("sync", "run").exit_code == 0
    shown = projsync("sync", "log", "--limit", "1000").stdout
    assert "subproject" in shown and "hierarchy node" not in shown
    kept = {e["entity_type"] for e in projsync("sync", "log", "--limit", "1000", "--json").json()}
    assert "hierarchy node" in kept  # JSON keeps the log's own names
