"""The integration log: every operation of every run, in both directions.

An entry says what was done to which entity, from which side to which, with
its payload and, when it failed, the error. Entries are written in the same
transaction as the links and merge bases they account for.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.sync.flatjson import flat_json
from projsync.sync.tables import log

__all__ = [
    "ENTITY_TYPES",
    "ENTITY_WORDS",
    "RESYNC_ACTION",
    "LogEntry",
    "LogStatus",
    "add_entry",
    "cancel_entry",
    "close_conflicts",
    "close_settled",
    "entity_word",
    "entries",
    "open_conflict",
    "payload_text",
    "plain_value",
    "renew_conflict",
    "reopen",
    "resync_entry",
    "set_status",
]

BACKOFF_MINUTES = 1
"""A failed entry is tried again after 1, 2, 4, 8 ... minutes."""


class LogStatus(enum.StrEnum):
    WAITING = "waiting"
    """A person asked for it (again): the next run takes it."""
    EXECUTING = "executing"
    COMPLETED = "completed"
    FAILED = "failed"
    """The side could not be reached: tried again after a back-off."""
    REFUSED = "refused"
    """A side's rules refused the change: held until either side changes the
    entity or a person asks again."""
    CANCELLED = "cancelled"
    CONFLICT = "conflict"
    """Both sides changed a field differently and nobody owns it: held for a person."""


RESYNC_ACTION = "refresh"
"""The action of a person's request to resynchronize a project."""


ENTITY_TYPES = {
    "project": "project header",
    "subproject": "hierarchy node",
    "task": "activity",
    "resource": "resource header",
    "assignment": "assignment",
    "actual": "actuals",
}

ENTITY_WORDS = {
    "project header": "project",
    "hierarchy node": "subproject",
    "activity": "activity",
    "resource header": "worker",
    "assignment": "assignment",
    "actuals": "actuals",
    "timesheet line": "timesheet line",
}
"""The log's entity types (as stored, and as the API filters by them) in the
words of the people who read the log, in the order a page lists them."""


def entity_word(entity_type: str) -> str:
    """An entity type as people say it: ``resource header`` is a worker."""
    return ENTITY_WORDS.get(entity_type, entity_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class LogEntry:
    id: int
    run: int
    origin: str
    destination: str
    entity_type: str
    entity_key: str
    action: str
    entity_version: int
    status: LogStatus
    attempts: int
    created_at: dt.datetime
    updated_at: dt.datetime
    user: str
    payload: Mapping[str, Any]
    error: str | None
    plan_key: str | None = None
    """The plan side's key of the entity, where the entry knows it."""


def payload_text(fields: Mapping[str, object]) -> str:
    direct = flat_json(fields, tag_decimals=False)
    return direct if direct is not None else _PAYLOAD.encode(fields)


def add_entry(
    conn: Connection,
    *,
    run: int,
    origin: str,
    destination: str,
    entity_type: str,
    entity_key: str,
    action: str,
    entity_version: int,
    status: LogStatus,
    user: str,
    payload: Mapping[str, object],
    error: str | None = None,
    plan_key: str | None = None,
) -> int:
    now = dt.datetime.now(dt.UTC)
    retry_at = now + dt.timedelta(minutes=BACKOFF_MINUTES) if status is LogStatus.FAILED else None
    return int(
        conn.execute(
            insert(log)
            .values(
                next_attempt_at=retry_at,
                run_id=run,
                origin=origin,
                destination=destination,
                entity_type=ENTITY_TYPES.get(entity_type, entity_type),
                entity_key=entity_key,
                action=action,
                entity_version=entity_version,
                status=status.value,
                attempts=1,
                created_at=now,
                updated_at=now,
                user=user,
                payload=payload_text(payload),
                error=error,
                plan_key=plan_key,
            )
            .returning(log.c.id)
        ).scalar_one()
    )


def reopen(
    conn: Connection,
    *,
    run: int,
    entity_type: str,
    entity_key: str,
    status: LogStatus,
    error: str | None,
) -> bool:
    """Record another attempt on the open (failed, refused or waiting) entry of
    an entity, if it has one: one entry per entity's trouble, its attempts
    counted. A failed one is tried again after 1, 2, 4 … minutes; a refused
    one waits for a change or a person."""
    row = conn.execute(
        select(log.c.id, log.c.attempts)
        .where(
            log.c.entity_type == ENTITY_TYPES.get(entity_type, entity_type),
            log.c.entity_key == entity_key,
            log.c.status.in_(_RETRIED),
            log.c.origin.in_(("ledger", "plan")),
        )
        .order_by(log.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return False
    now = dt.datetime.now(dt.UTC)
    attempts = row.attempts + 1
    conn.execute(
        update(log)
        .where(log.c.id == row.id)
        .values(
            run_id=run,
            attempts=attempts,
            status=status.value,
            error=error,
            updated_at=now,
            next_attempt_at=now + dt.timedelta(minutes=BACKOFF_MINUTES * 2 ** (attempts - 1))
            if status is LogStatus.FAILED
            else None,
        )
    )
    return True


_RETRIED = (LogStatus.FAILED.value, LogStatus.WAITING.value, LogStatus.REFUSED.value)


def open_conflict(conn: Connection, entity_type: str, entity_key: str, field: str) -> int | None:
    """The entry holding a conflict on this field of this entity, if one is open."""
    for row in conn.execute(
        select(log.c.id, log.c.payload).where(
            log.c.status == LogStatus.CONFLICT.value,
            log.c.entity_type == ENTITY_TYPES.get(entity_type, entity_type),
            log.c.entity_key == entity_key,
        )
    ):
        if json.loads(row.payload).get("field") == field:
            return int(row.id)
    return None


def renew_conflict(conn: Connection, entry_id: int, *, run: int, payload: str, error: str) -> None:
    """The conflict is still there: the same entry, seen again."""
    conn.execute(
        update(log)
        .where(log.c.id == entry_id)
        .values(
            run_id=run,
            attempts=log.c.attempts + 1,
            payload=payload,
            error=error,
            updated_at=dt.datetime.now(dt.UTC),
        )
    )


def close_conflicts(conn: Connection, entity_type: str, entity_keys: Iterable[str]) -> int:
    """Both sides agree again, by their own edits or because an owner now
    settles it: the held conflicts of these entities are done (and a person's
    decision on one of them is moot)."""
    held = (LogStatus.CONFLICT.value, LogStatus.WAITING.value)
    return _close(
        conn, entity_type, entity_keys, log.c.origin == "both", log.c.status.in_(held)
    )


def close_settled(conn: Connection, entity_type: str, entity_keys: Iterable[str]) -> int:
    """The sides of these entities agree again without the sync writing
    anything (a person changed one to match the other): their failed, refused
    or waiting entries are done."""
    return _close(
        conn,
        entity_type,
        entity_keys,
        log.c.origin.in_(("ledger", "plan")),
        log.c.status.in_(_RETRIED),
    )


def _close(
    conn: Connection, entity_type: str, entity_keys: Iterable[str], *which: Any
) -> int:
    """Mark the entries of these entities that match ``which`` completed."""
    listed = sorted(set(entity_keys))
    closed = 0
    for start in range(0, len(listed), 500):
        done = conn.execute(
            update(log)
            .where(
                *which,
                log.c.entity_type == ENTITY_TYPES.get(entity_type, entity_type),
                log.c.entity_key.in_(listed[start : start + 500]),
            )
            .values(
                status=LogStatus.COMPLETED.value,
                next_attempt_at=None,
                updated_at=dt.datetime.now(dt.UTC),
            )
        )
        closed += int(done.rowcount or 0)
    return closed


def entries(
    store: Store,
    *,
    status: LogStatus | None = None,
    entity: str | None = None,
    run: int | None = None,
    entity_type: str | None = None,
    origin: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    before: int | None = None,
    entry_id: int | None = None,
    limit: int = 1000,
    statuses: Collection[LogStatus] = (),
    entity_types: Collection[str] = (),
    origins: Collection[str] = (),
    destinations: Collection[str] = (),
    runs: Collection[int] = (),
    after: int | None = None,
    oldest_first: bool = False,
) -> list[LogEntry]:
    """Log entries, newest first, filtered by status, entity key (or its prefix),
    run, entity type, the side they came from, the days (UTC) they last changed
    on, from ``since`` to ``until``, and ``before`` (ids below it: the next page).
    Each of ``statuses``, ``entity_types``, ``origins``, ``destinations`` and
    ``runs``, when not empty, keeps the entries with one of its values;
    ``after`` keeps the ids above it, and ``oldest_first`` reads from the
    oldest (the page after ``after``)."""
    order = log.c.id.asc() if oldest_first else log.c.id.desc()
    query = select(log).order_by(order).limit(limit)
    for column, wanted in (
        (log.c.status, [s.value for s in statuses]),
        (log.c.entity_type, list(entity_types)),
        (log.c.origin, list(origins)),
        (log.c.destination, list(destinations)),
        (log.c.run_id, list(runs)),
    ):
        if wanted:
            query = query.where(column.in_(wanted))
    if after is not None:
        query = query.where(log.c.id > after)
    if status is not None:
        query = query.where(log.c.status == status.value)
    if entity is not None:
        query = query.where(
            (log.c.entity_key == entity) | log.c.entity_key.startswith(f"{entity}/")
        )
    if run is not None:
        query = query.where(log.c.run_id == run)
    if entity_type is not None:
        query = query.where(log.c.entity_type == entity_type)
    if origin is not None:
        query = query.where(log.c.origin == origin)
    if since is not None:
        query = query.where(log.c.updated_at >= _midnight(since))
    if until is not None and until < dt.date.max:  # the last day there is leaves nothing out
        query = query.where(log.c.updated_at < _midnight(until + dt.timedelta(days=1)))
    if before is not None:
        query = query.where(log.c.id < before)
    if entry_id is not None:
        query = query.where(log.c.id == entry_id)
    with store.read() as conn:
        return [_entry(row) for row in conn.execute(query)]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def set_status(
    store: Store, entry_id: int, status: LogStatus, *, allowed_from: set[LogStatus]
) -> None:
    with store.write() as conn:
        row = conn.execute(select(log).where(log.c.id == entry_id)).first()
        if row is None:
            raise refusal(f"log entry {entry_id}", "unknown entry")
        if LogStatus(row.status) not in allowed_from:
            what = f"is {row.status}; it cannot become {status}"
            if row.status == LogStatus.CONFLICT.value:
                what += (
                    f": a person decides a conflict (projsync sync resolve {entry_id} "
                    "--keep ledger|plan, or --value TEXT)"
                )
            raise InputError([Problem(where=f"log entry {entry_id}", what=what)])
        conn.execute(
            update(log)
            .where(log.c.id == entry_id)
            .values(status=status.value, updated_at=dt.datetime.now(dt.UTC))
        )


def resync_entry(store: Store, entry_id: int) -> None:
    """Synchronize a failed, refused or cancelled entry again at the next run."""
    set_status(
        store,
        entry_id,
        LogStatus.WAITING,
        allowed_from={LogStatus.FAILED, LogStatus.REFUSED, LogStatus.CANCELLED},
    )


def cancel_entry(store: Store, entry_id: int) -> None:
    """Stop retrying a failed or waiting entry."""
    set_status(
        store, entry_id, LogStatus.CANCELLED, allowed_from={LogStatus.FAILED, LogStatus.WAITING}
    )


def _entry(row: Any) -> LogEntry:
    return LogEntry(
        id=row.id,
        run=row.run_id,
        origin=row.origin,
        destination=row.destination,
        entity_type=row.entity_type,
        entity_key=row.entity_key,
        action=row.action,
        entity_version=row.entity_version,
        status=LogStatus(row.status),
        attempts=row.attempts,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        user=row.user,
        payload=json.loads(row.payload),
        error=row.error,
        plan_key=row.plan_key,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def plain_value(value: object) -> object:
    """A value as the log's payloads show it (decimals and dates as text)."""
    return json.loads(_PAYLOAD.encode({"v": value}))["v"]


def _plain(value: object) -> object:
    """What JSON has no type for, as the log's payload shows it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


_PAYLOAD = json.JSONEncoder(default=_plain, sort_keys=True)
"""Built once: ``json.dumps`` with options builds an encoder per call, and a
run encodes one payload per entity."""
