"""Integration settings from the command line, as an administrator sets them."""

from __future__ import annotations

from tests.cli.conftest import Run


def company_and_worker(projsync: Run) -> None:
    for command in (
        ("ledger", "company", "add", "DEMO", "--name", "Demo Ltd"),
        ("ledger", "project", "add", "P1", "--company", "DEMO", "--name", "Plant"),
        (
            "ledger",
            "worker",
            "add",
            "W1",
            "--company",
            "DEMO",
            "--name",
            "Ada",
            "--cost-price",
            "50",
            "--sales-price",
            "120",
            "--from",
            "2026-01-01",
        ),
    ):
        assert projsync(*command).exit_code == 0


def test_cli__global_settings_change_only_what_is_given(projsync: Run) -> None:
    first = projsync("settings", "global", "--json").json()
    assert (first["custom_field_prefix"], first["max_attempts"]) == ("DAX_", 5)
    changed = projsync(
        "settings",
        "global",
        "--custom-field-prefix",
        "AX_",
        "--no-header-projects",
        "--max-attempts",
        "3",
        "--json",
    ).json()
    assert (
        changed["custom_field_prefix"],
        changed["no_header_projects"],
        changed["max_attempts"],
    ) == ("AX_", True, 3)
    assert projsync("settings", "global", "--json").json() == changed
    bad = projsync("settings", "global", "--webhook", "ftp://example")
    assert bad.exit_code == 1 and "--webhook" in bad.stderr


def test_cli__worker_integrates_only_when_its_company_does(projsync: Run) -> None:
    company_and_worker(projsync)
    refused = projsync("ledger", "worker", "integrate", "W1")
    assert refused.exit_code == 1 and "company DEMO is not integrated" in refused.stderr
    assert projsync("settings", "company", "DEMO", "--integrate", "on").exit_code == 0
    assert projsync("ledger", "worker", "integrate", "W1", "--json").json()["integrated"] is True


def test_cli__project_integration_and_field_owners(projsync: Run) -> None:
    company_and_worker(projsync)
    assert projsync("settings", "project", "P1", "--integrate", "on").exit_code == 1
    projsync("settings", "company", "DEMO", "--integrate", "on")
    shown = projsync(
        "settings", "project", "P1", "--integrate", "on", "--owner", "name=plan", "--json"
    ).json()
    assert shown["integrate"] is True
    assert (shown["owners"]["name"], shown["owners"]["company"], shown["owners"]["start"]) == (
        "plan",
        "ledger",
        "plan",
    )


def test_cli__an_owner_of_an_unknown_field_is_refused_with_the_known_ones_and_nothing_stored(
    projsync: Run,
) -> None:
    company_and_worker(projsync)
    projsync("settings", "company", "DEMO", "--integrate", "on")
    refused = projsync(
        "settings", "project", "P1", "--integrate", "on", "--owner", "nme=ledger", "--json"
    )
    assert refused.exit_code == 1
    assert "owner of nme" in refused.stderr and "budget_revenue, category" in refused.stderr
    shown = projsync("settings", "project", "P1", "--json").json()
    assert shown["integrate"] is False and "nme" not in shown["owners"]
    bad_side = projsync("settings", "project", "P1", "--owner", "name=both")
    assert bad_side.exit_code == 1 and "must be ledger, plan or none" in bad_side.stderr
    assert "name" not in projsync("settings", "project", "P1", "--json").json()["owners"]
