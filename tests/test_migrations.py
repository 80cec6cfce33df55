"""The Alembic history builds exactly the tables the code declares."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from projsync.db import Store, open_store
from projsync.ledger.tables import metadata as ledger_metadata
from projsync.plan.tables import metadata as plan_metadata
from projsync.sync.tables import metadata as sync_metadata


def test_migrations__ledger_history_matches_its_tables(ledger_store: Store) -> None:
    with ledger_store.engine.connect() as conn:
        assert compare_metadata(_context(conn), ledger_metadata) == []


def test_migrations__upgrade_twice_changes_nothing(ledger_store: Store) -> None:
    ledger_store.upgrade()
    with ledger_store.engine.connect() as conn:
        assert compare_metadata(_context(conn), ledger_metadata) == []


def test_migrations__plan_history_matches_its_tables(plan_store: Store) -> None:
    with plan_store.engine.connect() as conn:
        assert compare_metadata(_context(conn, "plan"), plan_metadata) == []


def test_migrations__sync_history_matches_its_tables(tmp_path: Path) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    with store.engine.connect() as conn:
        assert compare_metadata(_context(conn, "sync"), sync_metadata) == []


def _context(conn: Connection, part: str = "ledger") -> MigrationContext:
    return MigrationContext.configure(conn, opts={"version_table": f"{part}_alembic_version"})
