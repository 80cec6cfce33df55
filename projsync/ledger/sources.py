"""Journals by their source: how an outside timesheet (a Redmine time entry)
is posted once only. The source names the entry; a journal of that source
posted already means the entry is in the ledger."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from projsync.db import Store
from projsync.ledger.tables import journals

__all__ = ["posted_sources"]

_CHUNK = 500


def posted_sources(store: Store, sources: Iterable[str]) -> set[str]:
    """Those of ``sources`` that some posted journal carries."""
    wanted = list(dict.fromkeys(sources))
    found: set[str] = set()
    with store.read() as conn:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found.update(
                conn.execute(
                    select(journals.c.source).where(journals.c.source.in_(chunk))
                ).scalars()
            )
    return found
