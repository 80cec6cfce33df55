"""The mirror of the ledger's project tree and integrated workers in the sync's store."""

from __future__ import annotations

from pathlib import Path

from projsync.connectors.base import EntityKind
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.db import open_store
from projsync.ledger.model import Project
from projsync.ledger.service import LedgerService
from projsync.sync.headers import Header, headers, refresh_headers
from tests.ledger.conftest import ledger

__all__ = ["ledger"]


def test_headers__follow_the_ledger_tree_and_its_integrated_workers(
    ledger: LedgerService, tmp_path: Path
) -> None:
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    connector = LedgerConnector(ledger.store)
    ledger.set_worker_integrated("W1", True)
    refresh_headers(sync, connector, connector.high_water())
    projects = headers(sync, EntityKind.PROJECT)
    assert projects["P1-1-1"] == Header(parent="P1-1", company="DEMO")
    assert projects["P2"] == Header(parent=None, company="DEMO")
    assert set(headers(sync, EntityKind.RESOURCE)) == {"W1"}

    ledger.add_project(Project(id="P3", company="DEMO", name="New", parent="P2"))
    ledger.delete_activity("P1-1-1", "F1")
    ledger.delete_project("P1-1-1")
    ledger.set_worker_integrated("W1", False)
    refresh_headers(sync, connector, connector.high_water())
    projects = headers(sync, EntityKind.PROJECT)
    assert projects["P3"] == Header(parent="P2", company="DEMO")
    assert "P1-1-1" not in projects
    assert headers(sync, EntityKind.RESOURCE) == {}
    sync.dispose()


def test_headers__read_only_up_to_the_version_given(ledger: LedgerService, tmp_path: Path) -> None:
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    connector = LedgerConnector(ledger.store)
    before = connector.high_water()
    ledger.add_project(Project(id="P3", company="DEMO", name="Later"))
    refresh_headers(sync, connector, before)
    assert "P3" not in headers(sync, EntityKind.PROJECT)
    refresh_headers(sync, connector, connector.high_water())
    assert "P3" in headers(sync, EntityKind.PROJECT)
    sync.dispose()
