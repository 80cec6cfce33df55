"""Bulk inserts: every row lands with its own values and the values all share,
converted by the columns' types, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from projsync.db import Store, insert_many
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
