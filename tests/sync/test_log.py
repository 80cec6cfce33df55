"""The integration log read back: filters in the store, over the whole log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import insert, update

from projsync.db import Store, open_store
from projsync.sync.log import LogStatus, add_entry, entries
from projsync.sync.tables import log, runs


def _logged(sync: Store, rows: list[tuple[str, str, str, dt.datetime]]) -> list[int]:
    """Entries of (origin, entity type, key, last changed), oldest first."""
    ids = []
    with sync.write() as conn:
        started = dt.datetime.now(dt.UTC)
        values = {"started_at": started, "status": "completed", "dry_run": False, "counts": "{}"}
        run = conn.execute(insert(runs).values(**values).returning(runs.c.id)).scalar_one()
        for origin, kind, key, changed in rows:
            made = add_entry(
                conn, run=run, origin=origin,
                destination="plan" if origin == "ledger" else "ledger",
                entity_type=kind, entity_key=key, action="update", entity_version=1,
                status=LogStatus.COMPLETED, user="test", payload={},
            )  # fmt: skip
            conn.execute(update(log).where(log.c.id == made).values(updated_at=changed))
            ids.append(made)
    return ids


def test_log__filters_by_type_side_and_days_in_the_store_and_pages_by_id(tmp_path: Path) -> None:
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    day = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    ids = _logged(
        sync,
        [
            ("ledger", "resource header", "W1", day),
            ("plan", "activity", "P1/A1", day + dt.timedelta(hours=1)),  # 3 March, UTC
            *[("ledger", "activity", f"P1/A{n}", day + dt.timedelta(days=2)) for n in range(20)],
        ],
    )
    assert [e.id for e in entries(sync, entity_type="resource header")] == [ids[0]]
    assert [e.id for e in entries(sync, origin="plan")] == [ids[1]]
    on_the_2nd = entries(sync, since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 2))
    assert [e.id for e in on_the_2nd] == [ids[0]]
    on_the_3rd = entries(sync, since=dt.date(2026, 3, 3), until=dt.date(2026, 3, 3))
    assert [e.id for e in on_the_3rd] == [ids[1]]
    first = entries(sync, entity_type="activity", limit=15)
    rest = entries(sync, entity_type="activity", before=first[-1].id, limit=15)
    assert [e.id for e in first + rest] == sorted(ids[1:], reverse=True)
    sync.dispose()


def test_log__the_first_and_last_days_there_are_bound_nothing_out(tmp_path: Path) -> None:
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    ids = _logged(sync, [("ledger", "activity", "P1/A1", dt.datetime(2026, 3, 2, tzinfo=dt.UTC))])
    everything = entries(sync, since=dt.date.min, until=dt.date.max)
    assert [e.id for e in everything] == ids
    sync.dispose()
