"""Links and merge bases, read by key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from projsync.db import open_store
from projsync.sync.links import base_fields, base_text, bases_of, ledger_keys_of, plan_keys_of
from projsync.sync.tables import links, merge_bases


def test_links__a_merge_base_keeps_its_types() -> None:
    fields = {
        "cost": Decimal("12.50"),
        "day": dt.date(2026, 3, 2),
        "start": dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),
        "name": "Design",
        "parent": None,
        "minutes": 90,
    }
    assert base_fields(base_text(fields)) == fields


def test_links__read_by_key_in_both_directions_past_one_in_list(tmp_path: Path) -> None:
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    now = dt.datetime.now(dt.UTC)
    with sync.write() as conn:
        conn.execute(
            insert(links),
            [{"kind": "task", "ledger_key": f"P/{i}", "plan_key": f"X/{i}"} for i in range(1200)],
        )
        conn.execute(
            insert(merge_bases),
            [
                {
                    "kind": "task",
                    "ledger_key": f"P/{i}",
                    "fields": base_text({"n": i}),
                    "synced_at": now,
                }
                for i in range(1200)
            ],
        )
    wanted = [f"P/{i}" for i in range(0, 1300, 2)]
    with sync.read() as conn:
        linked = plan_keys_of(conn, "task", wanted)
        back = ledger_keys_of(conn, "task", [f"X/{i}" for i in range(1100, 1300)])
        bases = bases_of(conn, "task", wanted)
    assert len(linked) == 600 and linked["P/1198"] == "X/1198"
    assert set(back) == {f"X/{i}" for i in range(1100, 1200)}
    assert bases["P/8"] == {"n": 8} and "P/1202" not in bases
    sync.dispose()


def test_links__bases_of_many_projects_read_whole_or_by_key_alike(tmp_path: Path) -> None:
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    now = dt.datetime.now(dt.UTC)
    stored = [f"P1/{i}" for i in range(300)] + [f"P10/{i}" for i in range(300)]
    stored += [f"Q/{i}" for i in range(5)] + ["R", "P1"]
    with sync.write() as conn:
        for kind in ("actual", "task"):  # the same keys under another kind stay out
            conn.execute(
                insert(merge_bases),
                [
                    {"kind": kind, "ledger_key": key, "fields": base_text({kind: key}),
                     "synced_at": now}
                    for key in stored
                ],
            )  # fmt: skip
    # P1 and P10 asked for in hundreds (ranges), Q and the bare keys by name,
    # every other key of P10 and keys that have no base at all
    wanted = [f"P1/{i}" for i in range(400)] + [f"P10/{i}" for i in range(0, 300, 2)]
    wanted += ["Q/1", "Q/9", "R", "P1", "P1/x"]
    with sync.read() as conn:
        bases = bases_of(conn, "actual", wanted)
    assert set(bases) == set(wanted) & set(stored)
    assert all(base == {"actual": key} for key, base in bases.items())
    sync.dispose()
