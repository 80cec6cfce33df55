"""Journals by their source: how an outside timesheet line (a Redmine time
entry, a plan server's timesheet line) is posted once only. The source names
the entry; a journal of that source (or of a later revision of the entry)
posted already means the entry is in the ledger. Two postings of one entry at
the same moment (two runs at once) post it once: the second waits for the
first and is refused with ``AlreadyPosted``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text

from projsync.errors import InputError, Problem
from projsync.ledger.tables import journals

__all__ = [
    "AlreadyPosted",
    "base_source",
    "claim_source",
    "family",
    "lock_source",
    "revision_of",
]

_CHUNK = 500

_SOURCE_LOCKS = "projsync ledger: journals of one source, in schema "
"""Names these advisory locks apart from any other (with the store's schema:
stores of other schemas in one database do not hold each other up)."""

_LOCK_SOURCE = text(
    "SELECT pg_advisory_xact_lock(hashtext(:space || current_schema()), hashtext(:source))"
)


class AlreadyPosted(InputError):
    """A journal of the source was posted already: what the source names is
    in the ledger, as ``journal``."""

    def __init__(self, source: str, journal: int) -> None:
        super().__init__([Problem(where=source, what=f"was posted already, as journal {journal}")])
        self.journal = journal


def claim_source(conn: Connection, source: str) -> None:
    """Raise ``AlreadyPosted`` when a journal carries the source already.

    On PostgreSQL a lock on the source, held until the transaction ends, makes
    a journal of the same source that is posted at the same moment wait, and
    then find this one; on SQLite the writer's lock on the store does as much.
    Taken first in a transaction, before any other lock, so no two postings
    ever wait on each other in a circle."""
    source = lock_source(conn, source)
    posted = conn.execute(
        select(journals.c.id).where(journals.c.source == source).order_by(journals.c.id).limit(1)
    ).scalar()
    if posted is not None:
        raise AlreadyPosted(source, int(posted))


def lock_source(conn: Connection, source: str) -> str:
    """Hold the source until the transaction ends (on PostgreSQL; SQLite's
    writer lock holds the whole store); the source as a journal keeps it."""
    source = source[:500]
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK_SOURCE, {"space": _SOURCE_LOCKS, "source": source})
    return source


def revision_of(source: str, earlier: int) -> str:
    """The source of a journal that replaces ``earlier`` postings of the same
    outside entry: ``redmine time entry 42 (revision 2)``."""
    return source if earlier == 0 else f"{source} (revision {earlier + 1})"


def base_source(source: str) -> str:
    """The source of an outside entry, without a revision's mark."""
    head, mark, tail = source.rpartition(" (revision ")
    return head if mark and tail.endswith(")") and tail[:-1].isdigit() else source


def family(source: str) -> Any:
    """The journals of an outside entry: its first posting and every revision."""
    revised = journals.c.source.startswith(f"{source} (revision ", autoescape=True)
    return (journals.c.source == source) | (revised & journals.c.source.endswith(")"))
