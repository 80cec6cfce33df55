"""Stores for tests: a fresh SQLite file, and a fresh schema of a real PostgreSQL.

PostgreSQL is the one on 127.0.0.1:5432 (``PROJSYNC_TEST_PG_URL`` to use
another). When it is down the suite starts the local cluster; only when no
PostgreSQL can be had at all are its tests skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from projsync.db import Store, open_store

PG_URL = os.environ.get("PROJSYNC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> bool:
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


@cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or ``None`` when it can."""
    if _pg_reachable():
        return None
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and clusters.is_dir():
        for version in sorted(p.name for p in clusters.iterdir()):
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
                capture_output=True,
            )
        if _pg_reachable():
            return None
        return f"PostgreSQL at {PG_URL} is down and starting the local cluster did not help"
    return f"no PostgreSQL at {PG_URL} and no local cluster to start (pg_ctlcluster not found)"


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store("ledger", f"sqlite:///{tmp_path / 'ledger.db'}", "ledger")
    yield store
    store.dispose()


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A fresh, empty schema, dropped afterwards."""
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield schema
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _store(part: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return open_store(part, f"sqlite:///{tmp_path / f'{part}.db'}", part)
    return open_store(part, PG_URL, request.getfixturevalue("postgres_schema"))


@pytest.fixture(params=BACKENDS)
def ledger_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The ledger's store, once on SQLite and once on PostgreSQL."""
    store = _store("ledger", request, tmp_path)
    yield store
    store.dispose()


@pytest.fixture(params=BACKENDS)
def plan_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The plan server's store, once on SQLite and once on PostgreSQL."""
    store = _store("plan", request, tmp_path)
    yield store
    store.dispose()
