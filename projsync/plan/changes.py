"""The plan server's change feed: its entities, their keys and records, by version.

The mechanics (one sequence, stamps, tombstones) are ``projsync.changefeed``'s.
This module only knows which plan tables are in the feed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Table, select

from projsync import changefeed
from projsync.db import Store
from projsync.plan import records
from projsync.plan.tables import (
    assignments,
    calendars,
    change_sequence,
    links,
    projects,
    resources,
    tasks,
    tombstones,
)

__all__ = [
    "ENTITIES",
    "PlanChange",
    "changes_since",
    "current_version",
    "reserve_versions",
    "tombstone",
    "untombstone",
    "untombstone_all",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanChange:
    """One entry of the feed; ``record`` is ``None`` for a tombstone."""

    entity: str
    key: tuple[str, ...]
    version: int
    record: object | None


@dataclass(frozen=True, slots=True)
class _Feed:
    table: Table
    key: Callable[[Row[Any]], tuple[str, ...]]
    record: Callable[[Row[Any]], object]


ENTITIES: dict[str, _Feed] = {
    "calendar": _Feed(calendars, lambda r: (r.name,), records.calendar_from_row),
    "project": _Feed(projects, lambda r: (r.id,), records.project_from_row),
    "task": _Feed(tasks, lambda r: (r.project_id, r.id), records.task_from_row),
    "link": _Feed(
        links,
        lambda r: (r.project_id, r.predecessor_id, r.successor_id),
        records.link_from_row,
    ),
    "resource": _Feed(resources, lambda r: (r.id,), records.resource_from_row),
    "assignment": _Feed(
        assignments,
        lambda r: (r.project_id, r.task_id, r.resource_id),
        records.assignment_from_row,
    ),
}


def reserve_versions(conn: Connection, count: int = 1) -> int:
    return changefeed.reserve_versions(conn, change_sequence, count)


def current_version(conn: Connection) -> int:
    return changefeed.current_version(conn, change_sequence)


def tombstone(conn: Connection, entity: str, key: str, version: int) -> None:
    changefeed.tombstone(conn, tombstones, entity, key, version)


def untombstone(conn: Connection, entity: str, key: str) -> None:
    changefeed.untombstone(conn, tombstones, entity, key)


def untombstone_all(conn: Connection, entity: str, keys: list[str]) -> None:
    """Forget the deletion of many keys at once (a bulk insert's keys)."""
    deleted_any = conn.execute(
        select(tombstones.c.key).where(tombstones.c.entity == entity).limit(1)
    ).first()
    if deleted_any is None:  # nothing of the kind was ever deleted: nothing to forget
        return
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        conn.execute(
            tombstones.delete().where(tombstones.c.entity == entity, tombstones.c.key.in_(chunk))
        )


def changes_since(
    store: Store, entity: str, since: int, until: int | None = None
) -> list[PlanChange]:
    """Changes of ``entity`` after ``since`` up to ``until`` (default: now), oldest
    first, deletions as tombstones."""
    feed = ENTITIES[entity]
    with store.read() as conn:
        upper = current_version(conn) if until is None else until
        found = changefeed.changed_between(
            conn,
            table=feed.table,
            query=None,
            key=feed.key,
            record=feed.record,
            tombstones=tombstones,
            entity=entity,
            since=since,
            until=upper,
        )
    return [PlanChange(entity=entity, key=k, version=v, record=r) for k, v, r in found]
