"""Integration settings kept in the sync's own store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from projsync.connectors.base import EntityKind
from projsync.db import open_store
from projsync.errors import InputError
from projsync.sync import mapping, settings
from projsync.sync.tables import project_settings


def test_settings__defaults_then_changes_kept(tmp_path: Path) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    assert settings.load_global(store) == settings.GlobalSettings()
    settings.save_global(store, resync_hours=8, webhook_url="https://hooks.example/sync")
    loaded = settings.load_global(store)
    assert (loaded.resync_hours, loaded.webhook_url, loaded.max_attempts) == (
        8,
        "https://hooks.example/sync",
        5,
    )
    with pytest.raises(InputError, match="must be a whole number from 1 to 1,000"):
        settings.save_global(store, max_attempts=0)


@pytest.mark.parametrize(
    ("name", "value"),
    [("max_attempts", None), ("resync_hours", "4"), ("notify_hours", True),
     ("sync_interval_seconds", 8 * 24 * 3600), ("resync_hours", 10**30)],
)  # fmt: skip
def test_settings__a_whole_number_setting_refuses_none_another_type_or_past_its_range(
    tmp_path: Path, name: str, value: object
) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    with pytest.raises(InputError, match="must be a whole number from 1 to "):
        settings.save_global(store, **{name: value})
    assert settings.load_global(store) == settings.GlobalSettings()
    store.dispose()


def test_settings__project_owners_override_the_defaults_only_where_given(tmp_path: Path) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    settings.set_project(store, "P1", integrate=True, owners={"name": "ledger"})
    settings.set_project(store, "P1", owners={"start": "ledger"})
    stored = settings.project_settings_of(store)["P1"]
    assert stored.integrate is True
    assert (stored.owners["name"], stored.owners["start"], stored.owners["hours"]) == (
        "ledger",
        "ledger",
        "plan",
    )
    with pytest.raises(InputError, match="must be ledger, plan or none"):
        settings.set_project(store, "P1", owners={"name": "both"})


def test_settings__an_owner_of_a_field_the_sync_does_not_compare_is_refused_and_nothing_stored(
    tmp_path: Path,
) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    settings.set_project(store, "P1", owners={"start": "ledger"})
    before = settings.settings_version(store)
    with pytest.raises(InputError) as refused:
        settings.set_project(
            store, "P1", integrate=True, owners={"nme": "ledger", "work": "plan", "name": "x"}
        )
    assert [p.where for p in refused.value.problems] == [
        "owner of nme",
        "owner of work",
        "owner of name",
    ]
    owned = "fields with an owner: activity, budget_cost, budget_revenue, category"
    assert owned in refused.value.problems[0].what
    stored = settings.project_settings_of(store)["P1"]
    assert (stored.integrate, stored.own_owners()) == (False, {"start": "ledger"})
    assert settings.settings_version(store) == before


def test_settings__the_fields_with_an_owner_are_those_the_merge_compares() -> None:
    compared = {
        name
        for kind in (EntityKind.PROJECT, EntityKind.TASK, EntityKind.ASSIGNMENT)
        for name in mapping.NEUTRAL[kind]
    }
    assert set(settings.OWNABLE_FIELDS) == compared
    assert set(settings.DEFAULT_OWNERS) <= compared


def test_settings__by_default_the_plan_owns_dates_and_hours_and_names_have_no_owner() -> None:
    owners = settings.DEFAULT_OWNERS
    assert (owners["start"], owners["end"], owners["hours"]) == ("plan", "plan", "plan")
    assert (owners["company"], owners["status"], owners["budget_cost"]) == (
        "ledger",
        "ledger",
        "ledger",
    )
    assert "name" not in owners


def test_settings__owners_stored_under_names_no_longer_compared_are_ignored_when_read(
    tmp_path: Path,
) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    with store.write() as conn:
        conn.execute(
            project_settings.insert().values(
                project="P1",
                integrate=True,
                plan_project=None,
                ownership=json.dumps({"work": "ledger", "duration": "none", "start": "ledger"}),
            )
        )
    read = settings.project_settings_of(store)["P1"]
    assert read.own_owners() == {"start": "ledger"}
    assert "work" not in read.owners and "duration" not in read.owners
    settings.set_project(store, "P1", owners={"name": "plan"})
    with store.read() as conn:
        kept = conn.execute(select(project_settings.c.ownership)).scalar_one()
    assert json.loads(kept) == {"name": "plan", "start": "ledger"}


def test_settings__a_projects_own_dates_are_the_ledgers_its_projected_dates_the_plans() -> None:
    owners = settings.DEFAULT_OWNERS
    assert owners["project_start"] == "ledger" and "project_end" not in owners  # never compared
    assert (owners["projected_start"], owners["projected_end"]) == ("plan", "plan")
    assert (owners["start"], owners["end"]) == ("plan", "plan")  # a task's


@pytest.mark.parametrize("plan_project", ["X" * 41, "P\x00", "P\ud800", " P"])
def test_settings__a_plan_project_no_store_can_key_on_is_refused_and_nothing_stored(
    tmp_path: Path, plan_project: str
) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    with pytest.raises(InputError, match=r"plan project: .* is not a valid id"):
        settings.set_project(store, "P1", integrate=True, plan_project=plan_project)
    assert settings.project_settings_of(store) == {}
    store.dispose()
