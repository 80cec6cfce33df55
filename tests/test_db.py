"""Stores: bulk inserts land every row with its own values and the values all
share, on SQLite and on PostgreSQL; a store out of reach (locked past its wait,
a file that cannot be opened, a server that does not answer) is a retriable
error naming the store, and every other database error keeps its class."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from projsync.db import Store, insert_many, open_store
from projsync.errors import RetriableError
from projsync.plan.entities import PlanProject, PlanTask
from projsync.plan.service import PlanService
from projsync.plan.tables import actuals
from projsync.sync.tables import log
from tests.conftest import BACKENDS, _store
from tests.plan.conftest import MONDAY


@pytest.fixture(params=BACKENDS)
def sync_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store = _store("sync", request, tmp_path)
    yield store
    store.dispose()


def test_insert_many__shared_values_land_in_every_row(sync_store: Store) -> None:
    moment = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    shared = {
        "run_id": 7,
        "origin": "ledger",
        "destination": "plan",
        "attempts": 1,
        "created_at": moment,
        "updated_at": moment,
        "notified_at": None,
        "user": "sync",
    }
    rows = [
        {
            "entity_type": "actuals",
            "entity_key": f"P1/A{i}/W1/2026-03-02",
            "action": "create",
            "entity_version": i,
            "status": "completed" if i % 2 else "failed",
            "next_attempt_at": None if i % 2 else moment + dt.timedelta(minutes=1),
            "payload": f'{{"n": {i}}}',
            "error": None if i % 2 else f"refused {i}",
        }
        for i in range(1, 6)
    ]
    with sync_store.write() as conn:
        insert_many(conn, log, rows, same=shared)
    with sync_store.read() as conn:
        found = conn.execute(select(log).order_by(log.c.entity_version)).mappings().all()
    assert len(found) == 5
    for row, wanted in zip(found, rows, strict=True):
        for name in ("run_id", "origin", "destination", "attempts", "notified_at", "user"):
            assert row[name] == shared[name]
        assert _utc(row["created_at"]) == _utc(row["updated_at"]) == moment
        for name in ("entity_key", "entity_version", "status", "payload", "error"):
            assert row[name] == wanted[name]
        after = row["next_attempt_at"]
        assert (after and _utc(after)) == wanted["next_attempt_at"]


def test_insert_many__shared_decimal_is_converted_for_every_row(plan_store: Store) -> None:
    plan = PlanService(plan_store)
    plan.add_project(PlanProject(id="P1", name="Bridge", start=MONDAY))
    plan.add_tasks("P1", [PlanTask(project="P1", id=f"T{i}", name=f"T{i}") for i in (1, 2, 3)], [])
    rows = [
        {"task_id": f"T{i}", "day": dt.date(2026, 3, i), "actual_work": 60 * i} for i in (1, 2, 3)
    ]
    shared = {
        "project_id": "P1",
        "resource_id": "",
        "actual_cost": Decimal("12.50"),
        "revenue": Decimal("0"),
        "version": 3,
    }
    with plan_store.write() as conn:
        insert_many(conn, actuals, rows, same=shared)
    with plan_store.read() as conn:
        found = conn.execute(select(actuals).order_by(actuals.c.task_id)).mappings().all()
    assert [(r["task_id"], r["day"], r["actual_work"]) for r in found] == [
        ("T1", dt.date(2026, 3, 1), 60),
        ("T2", dt.date(2026, 3, 2), 120),
        ("T3", dt.date(2026, 3, 3), 180),
    ]
    assert {(r["project_id"], r["actual_cost"], r["revenue"]) for r in found} == {
        ("P1", Decimal("12.50"), Decimal("0.00"))
    }


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def test_open_store__a_store_locked_by_another_writer_is_retriable_after_the_wait(
    tmp_path: Path,
) -> None:
    store = open_store("ledger", f"sqlite:///{tmp_path / 'ledger.db'}", "ledger", busy_timeout=0.2)
    other = sqlite3.connect(tmp_path / "ledger.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(RetriableError) as caught, store.write() as conn:
            conn.execute(text("UPDATE change_sequence SET value = value"))
        assert time.monotonic() - started >= 0.2
        assert str(caught.value) == (
            "ledger store: the database is locked by another writer; gave up after waiting 0.2 s"
        )
        with store.read() as conn:  # readers are not held up
            assert conn.execute(text("SELECT count(*) FROM companies")).scalar_one() == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    with store.write() as conn:
        conn.execute(text("UPDATE change_sequence SET value = value"))
    store.dispose()


def test_open_store__a_file_that_cannot_be_opened_is_retriable(tmp_path: Path) -> None:
    with pytest.raises(RetriableError, match="plan store: cannot open the database file"):
        open_store("plan", f"sqlite:///{tmp_path}", "plan")  # a folder, not a file


def test_open_store__an_unreachable_postgresql_is_retriable_naming_the_store() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1
    with pytest.raises(RetriableError, match="sync store: cannot reach the database"):
        open_store("sync", url, "sync", busy_timeout=2)


def test_open_store__other_database_errors_keep_their_own_class(tmp_path: Path) -> None:
    store = open_store("ledger", f"sqlite:///{tmp_path / 'ledger.db'}", "ledger")
    with pytest.raises(OperationalError, match="no such table"), store.read() as conn:
        conn.execute(text("SELECT * FROM no_such_table"))
    store.dispose()
