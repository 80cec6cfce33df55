"""Integration settings kept in the sync's own store."""

from __future__ import annotations

from pathlib import Path

import pytest

from projsync.db import open_store
from projsync.errors import InputError
from projsync.sync import settings


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
    with pytest.raises(InputError, match="must be at least 1"):
        settings.save_global(store, max_attempts=0)


def test_settings__project_owners_override_the_defaults_only_where_given(tmp_path: Path) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    settings.set_project(store, "P1", integrate=True, owners={"name": "ledger"})
    settings.set_project(store, "P1", owners={"start": "ledger"})
    stored = settings.project_settings_of(store)["P1"]
    assert stored.integrate is True
    assert (stored.owners["name"], stored.owners["start"], stored.owners["duration"]) == (
        "ledger",
        "ledger",
        "plan",
    )
    with pytest.raises(InputError, match="must be ledger, plan or none"):
        settings.set_project(store, "P1", owners={"name": "both"})


def test_settings__a_projects_own_dates_are_the_ledgers_its_projected_dates_the_plans() -> None:
    owners = settings.DEFAULT_OWNERS
    assert (owners["project_start"], owners["project_end"]) == ("ledger", "ledger")
    assert (owners["projected_start"], owners["projected_end"]) == ("plan", "plan")
    assert (owners["start"], owners["end"]) == ("plan", "plan")  # a task's
