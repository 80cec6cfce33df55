"""The 24-hour rule made final on PostgreSQL, once a journal's rows are written.

Posting checks each hour line against the hours its worker already has on
that day, read when the journal first meets the worker. On SQLite nothing can
change them meanwhile: a writer holds the store's lock from the start of its
transaction. On PostgreSQL another journal may commit hours for the same
worker and day in between. So, before it commits, a journal takes a lock
standing for each (worker, day) it posts hours on, all in one sorted order
(two journals never wait on each other in a circle), and then reads those
days' totals again: its own rows and what other journals have committed by
then. The read is a statement of its own, begun once the locks are held (a
statement sees what committed before it began). A journal that posts hours
on one of those days waits for this one's commit before its own read, and
then sees these hours. (The store's version sequence, locked from a
journal's first rows to its commit, happens to order journals' last moments
as well today; the rule does not depend on it.)

The locks are PostgreSQL's transaction-scoped advisory locks, released at
commit or rollback. A (worker, day) stands for one of ``LOCK_SLOTS`` locks, by
hash: a journal of a million lines takes at most that many (a lock per day
would overflow PostgreSQL's lock table), and two journals on other days share
a lock only now and then, and then wait only for the other's last moment.
The reads rely on PostgreSQL's default isolation, read committed.

This module only finds the days over the limit; the posting says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, text

from projsync.ledger.model import TransactionKind
from projsync.ledger.validation import MAX_HOURS_PER_DAY_UNITS

__all__ = ["LOCK_SLOTS", "DayOverLimit", "days_over_limit"]

LOCK_SLOTS = 1024
"""Advisory locks that the (worker, day) pairs are spread over: a power of two."""

_LOCK_SPACE = "projsync ledger: hours of a worker on a day, in schema "
"""Names the locks apart from any other advisory lock (with the store's schema:
stores of other schemas in one database do not hold each other up)."""

_OWN_HOURS = """
    FROM transactions
    WHERE version >= :first AND journal_id = :journal AND kind = :hour
"""
"""The journal's hour rows: found by the version index, its rows being the
newest from its first version on."""

_LOCK_DAYS = text(
    f"""
    SELECT count(pg_advisory_xact_lock(hashtext(:space || current_schema()), slot))
    FROM (
        SELECT DISTINCT hashtext(worker_id || ' ' || "date") & :mask AS slot
        {_OWN_HOURS}
        ORDER BY slot
    ) AS slots
    """
)

_DAYS_OVER = text(
    f"""
    SELECT own.worker_id, own."date", own.last_version, sum(posted.hours) AS hours
    FROM (
        SELECT worker_id, "date", max(version) AS last_version
        {_OWN_HOURS}
        GROUP BY worker_id, "date"
    ) AS own
    JOIN transactions AS posted
      ON posted.worker_id = own.worker_id AND posted."date" = own."date"
     AND posted.kind = :hour
    GROUP BY own.worker_id, own."date", own.last_version
    HAVING sum(posted.hours) > :limit
    ORDER BY own.last_version
    """
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DayOverLimit:
    """A worker's day that a journal would take past 24 hours."""

    worker: str
    date: dt.date
    hours: int
    """Hundredths of an hour: every journal's, this one's included."""
    last_version: int
    """The version of this journal's last row on that day (its last line there)."""


def days_over_limit(conn: Connection, *, journal: int, first_version: int) -> list[DayOverLimit]:
    """The days a journal written from ``first_version`` on takes past the limit,
    counted under the locks of its days (held until the transaction ends),
    in the order of the journal's lines. PostgreSQL only."""
    own = {"first": first_version, "journal": journal, "hour": TransactionKind.HOUR.value}
    conn.execute(_LOCK_DAYS, {**own, "space": _LOCK_SPACE, "mask": LOCK_SLOTS - 1})
    rows = conn.execute(_DAYS_OVER, {**own, "limit": MAX_HOURS_PER_DAY_UNITS})
    return [
        DayOverLimit(worker=str(worker), date=day, hours=int(hours), last_version=int(last_version))
        for worker, day, last_version, hours in rows
    ]
