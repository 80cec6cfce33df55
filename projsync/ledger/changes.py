"""The ledger's change feed: its entities, their keys and records, read by version.

The mechanics (one sequence, stamps, tombstones) are ``projsync.changefeed``'s;
this module only knows which ledger tables are in the feed. It never decides
what a change means.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Table, select

from projsync import changefeed
from projsync.db import Store
from projsync.ledger import records
from projsync.ledger.model import Change
from projsync.ledger.tables import (
    activities,
    categories,
    change_sequence,
    companies,
    forecasts,
    invoices,
    journals,
    markups,
    milestones,
    projects,
    recognitions,
    tombstones,
    transactions,
    worker_prices,
    workers,
)

__all__ = [
    "ENTITIES",
    "changes_since",
    "current_version",
    "reserve_versions",
    "tombstone",
    "untombstone",
    "untombstone_all",
]


@dataclass(frozen=True, slots=True)
class _Feed:
    table: Table
    key: Callable[[Row[Any]], tuple[str, ...]]
    record: Callable[[Row[Any]], object]


ENTITIES: dict[str, _Feed] = {
    "company": _Feed(companies, lambda r: (r.id,), records.company_from_row),
    "category": _Feed(categories, lambda r: (r.id,), records.category_from_row),
    "project": _Feed(projects, lambda r: (r.id,), records.project_from_row),
    "activity": _Feed(activities, lambda r: (r.project_id, r.number), records.activity_from_row),
    "worker": _Feed(workers, lambda r: (r.id,), records.worker_from_row),
    "worker_price": _Feed(
        worker_prices,
        lambda r: (r.worker_id, r.valid_from.isoformat()),
        records.worker_price_from_row,
    ),
    "forecast": _Feed(forecasts, lambda r: (str(r.id),), records.forecast_from_row),
    "transaction": _Feed(transactions, lambda r: (str(r.id),), records.transaction_from_row),
    # billing: an invoice's head (its lines never change once it is made)
    "invoice": _Feed(invoices, lambda r: (str(r.id),), records.invoice_from_row),
    "milestone": _Feed(milestones, lambda r: (str(r.id),), records.milestone_from_row),
    "markup": _Feed(markups, lambda r: (r.contract, r.category_id), records.markup_from_row),
    "recognition": _Feed(recognitions, lambda r: (str(r.id),), records.recognition_from_row),
}
"""Every entity of the change feed: its table, its key, its record."""


def changes_since(store: Store, entity: str, since: int, until: int | None = None) -> list[Change]:
    """Changes of ``entity`` after version ``since`` up to ``until`` (default: now),
    oldest first; deletions as tombstones (``record`` is ``None``)."""
    feed = ENTITIES[entity]
    query = None
    if feed.table is transactions:  # a transaction's posting time is its journal's
        query = select(transactions, journals.c.posted_at).join(
            journals, journals.c.id == transactions.c.journal_id
        )
    with store.read() as conn:
        upper = current_version(conn) if until is None else until
        found = changefeed.changed_between(
            conn,
            table=feed.table,
            query=query,
            key=feed.key,
            record=feed.record,
            tombstones=tombstones,
            entity=entity,
            since=since,
            until=upper,
        )
    return [Change(entity=entity, key=k, version=v, record=r) for k, v, r in found]


def reserve_versions(conn: Connection, count: int = 1) -> int:
    """Reserve ``count`` consecutive versions of the ledger's sequence."""
    return changefeed.reserve_versions(conn, change_sequence, count)


def current_version(conn: Connection) -> int:
    """The ledger's newest version (0 on an empty store)."""
    return changefeed.current_version(conn, change_sequence)


def tombstone(conn: Connection, entity: str, key: str, version: int) -> None:
    changefeed.tombstone(conn, tombstones, entity, key, version)


def untombstone(conn: Connection, entity: str, key: str) -> None:
    changefeed.untombstone(conn, tombstones, entity, key)


def untombstone_all(conn: Connection, entity: str, keys: Sequence[str]) -> None:
    """Forget the deletion of many keys at once (rows inserted in bulk whose
    keys the store may hand out again, as SQLite does with a deleted row's id)."""
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        conn.execute(
            tombstones.delete().where(tombstones.c.entity == entity, tombstones.c.key.in_(chunk))
        )
