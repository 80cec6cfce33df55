"""Change capture shared by the stores: one sequence per store, version stamps,
tombstones.

Every write takes its version numbers from the store's ``change_sequence``
inside the same transaction as the write. The sequence's single row is locked
by the update until commit, so versions become visible in the order they were
handed out: a reader who has seen version N will never later find a committed
N-1 (the role of SQL Server's rowversion). Deletions leave a tombstone with
the version of the deletion. Each part declares its own two tables with
:func:`sequence_table` and :func:`tombstone_table`; this module knows no
part's entities.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    select,
)

__all__ = [
    "changed_between",
    "current_version",
    "deleted_since",
    "reserve_versions",
    "sequence_table",
    "tombstone",
    "tombstone_table",
    "untombstone",
]


def sequence_table(metadata: MetaData) -> Table:
    """The store's one sequence: a single row (id 1) holding the last version."""
    return Table(
        "change_sequence",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("value", BigInteger, nullable=False),
    )


def tombstone_table(metadata: MetaData) -> Table:
    """Deleted keys per entity, with the version of their deletion."""
    return Table(
        "tombstones",
        metadata,
        Column("entity", String(32), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("version", BigInteger, nullable=False, index=True),
    )


def reserve_versions(conn: Connection, sequence: Table, count: int = 1) -> int:
    """Reserve ``count`` consecutive versions; returns the first of them."""
    last = conn.execute(
        sequence.update()
        .where(sequence.c.id == 1)
        .values(value=sequence.c.value + count)
        .returning(sequence.c.value)
    ).scalar_one()
    return int(last) - count + 1


def current_version(conn: Connection, sequence: Table) -> int:
    """The newest version handed out so far (0 on an empty store)."""
    return int(conn.execute(select(sequence.c.value).where(sequence.c.id == 1)).scalar_one())


def tombstone(conn: Connection, tombstones: Table, entity: str, key: str, version: int) -> None:
    """Record that ``entity`` ``key`` was deleted at ``version``."""
    untombstone(conn, tombstones, entity, key)
    conn.execute(tombstones.insert().values(entity=entity, key=key, version=version))


def untombstone(conn: Connection, tombstones: Table, entity: str, key: str) -> None:
    """Forget a deletion: the key has been created again."""
    conn.execute(tombstones.delete().where(tombstones.c.entity == entity, tombstones.c.key == key))


def deleted_since(
    conn: Connection, tombstones: Table, entity: str, since: int, until: int
) -> list[tuple[str, int]]:
    """Keys of ``entity`` deleted after ``since`` up to ``until``, oldest first."""
    rows = conn.execute(
        select(tombstones.c.key, tombstones.c.version)
        .where(
            tombstones.c.entity == entity,
            tombstones.c.version > since,
            tombstones.c.version <= until,
        )
        .order_by(tombstones.c.version)
    )
    return [(str(key), int(version)) for key, version in rows]


def changed_between(
    conn: Connection,
    *,
    table: Table,
    query: Select[Any] | None,
    key: Callable[[Row[Any]], tuple[str, ...]],
    record: Callable[[Row[Any]], object],
    tombstones: Table,
    entity: str,
    since: int,
    until: int,
) -> list[tuple[tuple[str, ...], int, object | None]]:
    """(key, version, record or ``None`` for a deletion) of one entity's changes
    after ``since`` up to ``until``, oldest first. ``query`` selects the rows
    (default: the whole table) and must include ``table.c.version``."""
    base = select(table) if query is None else query
    rows = conn.execute(
        base.where(table.c.version > since, table.c.version <= until).order_by(table.c.version)
    )
    found: list[tuple[tuple[str, ...], int, object | None]] = [
        (key(row), int(row.version), record(row)) for row in rows
    ]
    found += [
        (tuple(text.split("/")), version, None)
        for text, version in deleted_since(conn, tombstones, entity, since, until)
    ]
    return sorted(found, key=lambda change: change[1])
