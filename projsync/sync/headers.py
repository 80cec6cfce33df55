"""The ledger's project tree and integrated workers, mirrored in the sync's store.

Where an entity lands on the plan side depends on its project's place in the
tree and on which companies are integrated. A run reads that from here
instead of asking the ledger for every project header and every worker: the
mirror follows the ledger's change feed with cursors of its own, written in
the same transaction as the rows they cover. It holds nothing the ledger does
not, and is never written from anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from projsync.connectors.base import Connector, EntityKind
from projsync.db import Store
from projsync.sync.links import chunks
from projsync.sync.tables import cursors, ledger_headers

__all__ = ["Header", "headers", "refresh_headers"]

MIRRORED = (EntityKind.PROJECT, EntityKind.RESOURCE)

_SIDE = "headers"
"""The cursors table's side for the mirror's own cursors."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    parent: str | None
    """The parent project of a subproject; None for a top project and a worker."""
    company: str | None


def refresh_headers(store: Store, ledger: Connector, until: int) -> None:
    """Bring the mirror up to the ledger's version ``until``."""
    for kind in MIRRORED:
        since = _cursor(store, kind)
        if since >= until:
            continue
        latest = {r.key: r for r in ledger.changes(kind, since, until)}
        with store.write() as conn:
            for chunk in chunks(latest):
                conn.execute(
                    ledger_headers.delete().where(
                        ledger_headers.c.kind == kind.value, ledger_headers.c.key.in_(chunk)
                    )
                )
            rows = [
                {
                    "kind": kind.value,
                    "key": key,
                    "parent": record.parent,
                    "company": _company(record.fields),
                }
                for key, record in latest.items()
                if record.fields is not None
            ]
            if rows:
                conn.execute(insert(ledger_headers), rows)
            _set_cursor(conn, kind, until)


def headers(store: Store, kind: EntityKind) -> dict[str, Header]:
    """The mirrored headers of a kind, by ledger key."""
    with store.read() as conn:
        rows = conn.execute(
            select(ledger_headers.c.key, ledger_headers.c.parent, ledger_headers.c.company).where(
                ledger_headers.c.kind == kind.value
            )
        )
        return {key: Header(parent=parent, company=company) for key, parent, company in rows}


def _company(fields: Mapping[str, object] | None) -> str | None:
    company = (fields or {}).get("company")
    return None if company is None else str(company)


def _cursor(store: Store, kind: EntityKind) -> int:
    with store.read() as conn:
        value = conn.execute(
            select(cursors.c.value).where(cursors.c.side == _SIDE, cursors.c.kind == kind.value)
        ).scalar()
    return int(value if value is not None else -1)


def _set_cursor(conn: Connection, kind: EntityKind, value: int) -> None:
    conn.execute(cursors.delete().where(cursors.c.side == _SIDE, cursors.c.kind == kind.value))
    conn.execute(insert(cursors).values(side=_SIDE, kind=kind.value, value=value))
