"""Recording what became of a run's operations: the last stage of a run.

Each outcome's log entry, link and merge base are written in one transaction
of the sync's store, the transaction the caller is in, so that a run stopped
anywhere leaves either the whole record of an operation or none of it.

A failed operation (the side could not be reached) is tried again after a
back-off; a refused one (a side's rules refused it) waits until either side
changes the entity or a person asks, and says what the person can do. Both
leave the entity's merge base stale: whatever a side holds, the next run that
meets the entity reads both sides rather than take one as the base says.
Conflicts are held in entries of their own (``sync/conflicts.py``).
"""

from __future__ import annotations

import collections
import datetime as dt
import os
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, bindparam, select, update

from projsync.connectors.base import Action, ActualRow, EntityKind, Operation, actual_fields
from projsync.db import execute_many, insert_many
from projsync.sync import mapping
from projsync.sync.conflicts import close_resolutions
from projsync.sync.context import Run
from projsync.sync.flatjson import actual_payload_json, sums_base_json
from projsync.sync.links import base_fields, base_text, chunks
from projsync.sync.log import (
    ENTITY_TYPES,
    LogStatus,
    payload_text,
    reopen,
)
from projsync.sync.model import Outcome, RunReport
from projsync.sync.refusals import advice
from projsync.sync.tables import links, log, merge_bases

__all__ = [
    "count",
    "count_failure",
    "failpoint",
    "log_row",
    "mark_stale",
    "record_actuals",
    "record_outcomes",
    "store_bases",
]


def record_outcomes(
    run: Run, conn: Connection, kind: EntityKind, outcomes: Sequence[Outcome], *, origin: str
) -> None:
    """Write a batch's log entries, links and merge bases, in bulk, in the
    transaction ``conn`` is in. ``origin`` is the side the changes came from."""
    report = run.report
    assert report.run is not None
    now = dt.datetime.now(dt.UTC)
    entries_rows: list[dict[str, object]] = []
    gone: list[str] = []
    link_rows: list[dict[str, object]] = []
    base_rows: list[dict[str, object]] = []
    stale: list[str] = []
    armed = "PROJSYNC_FAILPOINT" in os.environ
    done: collections.Counter[Action] = collections.Counter()
    retry_at = now + dt.timedelta(minutes=1)
    for planned, applied in outcomes:
        record, operation, agreed, held, plan_key, resolved, sent, before, _ = planned
        if armed:
            failpoint("record")
        new_base = agreed
        status = _status(applied.error, applied.retriable)
        error = applied.error
        if status is LogStatus.REFUSED:
            error = advice(kind, str(error), origin=origin)
        entity_type = "subproject" if operation.kind is not kind else kind.value
        plan_side = plan_key if origin == "plan" else applied.target_key or operation.target_key
        retried = record.key in run.pending.open_keys and reopen(
            conn,
            run=report.run,
            entity_type=entity_type,
            entity_key=record.key,
            status=status,
            error=error,
        )
        if not retried:
            row = log_row(
                ENTITY_TYPES.get(entity_type, entity_type),
                record.key,
                operation.action,
                record.version,
                payload_text(operation.fields),
                error,
                retry_at,
                status=status,
            )
            row["plan_key"] = plan_side
            entries_rows.append(row)
        if status is not LogStatus.COMPLETED:
            count_failure(report, status)
            place = (kind.value, record.key)
            run.failed_now[place] = run.failed_now.get(place, frozenset()) | sent
            _unclaim(conn, kind, record.key, sent, before)
            stale.append(record.key)
            continue
        done[operation.action] += 1
        gone.append(record.key)
        failed = run.failed_now.get((kind.value, record.key))
        if failed and new_base is not None:  # the other side did not take its part
            new_base = {**new_base, **{f: (before or {}).get(f) for f in failed}}
        linked_to = applied.target_key if origin == "ledger" else plan_key
        if new_base is not None and applied.defaults and origin == "ledger":
            # what the plan chose for itself becomes the agreed version, on
            # the ledger side too (after this batch is recorded)
            chosen = mapping.neutral_defaults(applied.defaults)
            new_base = {**new_base, **chosen}
            run.echoes.append(
                Operation(
                    kind=kind,
                    action=Action.UPDATE,
                    source_key=str(applied.target_key),
                    target_key=record.key,
                    fields=chosen,
                )
            )
        if new_base is not None and linked_to is not None:
            link_rows.append({"ledger_key": record.key, "plan_key": linked_to})
            still_stale = held or (kind.value, record.key) in run.failed_now
            base_rows.append(
                {"ledger_key": record.key, "fields": base_text(new_base), "stale": still_stale}
            )
        if resolved:
            close_resolutions(conn, resolved, new_base or {})
    for action, n in done.items():
        count(report, action, n)
    _write(run, conn, kind, now, entries_rows, gone, link_rows, base_rows, origin=origin)
    mark_stale(conn, kind, stale)


def record_actuals(
    run: Run,
    conn: Connection,
    batch: Sequence[tuple[str, int, ActualRow, Mapping[str, object] | None]],
    errors: Sequence[str | None],
    retriable: Sequence[bool] | None = None,
) -> None:
    """Write a batch of actuals' log entries and merge bases, in bulk, in the
    transaction ``conn`` is in (actuals keep no links of their own). An actual
    a side refused waits for its day to change or a person to ask; one it
    could not take now (``retriable``) is tried again after a back-off."""
    report = run.report
    assert report.run is not None
    now = dt.datetime.now(dt.UTC)
    kind_name = EntityKind.ACTUAL.value
    entity_type = ENTITY_TYPES.get(kind_name, kind_name)
    armed = "PROJSYNC_FAILPOINT" in os.environ
    retry_at = now + dt.timedelta(minutes=1)
    entries_rows: list[dict[str, object]] = []
    gone: list[str] = []
    base_rows: list[dict[str, object]] = []
    done: collections.Counter[Action] = collections.Counter()
    again = retriable or [False] * len(errors)
    for (key, version, row, new_base), error, later in zip(batch, errors, again, strict=True):
        if armed:
            failpoint("record")
        status = _status(error, later)
        retried = key in run.pending.open_keys and reopen(
            conn,
            run=report.run,
            entity_type=kind_name,
            entity_key=key,
            status=status,
            error=error,
        )
        if not retried:
            entries_rows.append(
                log_row(
                    entity_type,
                    key,
                    row.action,
                    version,
                    _actual_payload(row),
                    error,
                    retry_at,
                    status=status,
                )
            )
        if error is not None:
            count_failure(report, status)
            continue
        done[row.action] += 1
        if row.action is not Action.CREATE:  # created only where it had no base
            gone.append(key)
        if new_base is not None:
            text = sums_base_json(new_base) or base_text(new_base)
            base_rows.append({"ledger_key": key, "fields": text})
    for action, n in done.items():
        count(report, action, n)
    _write(run, conn, EntityKind.ACTUAL, now, entries_rows, gone, [], base_rows)


def _unclaim(
    conn: Connection,
    kind: EntityKind,
    key: str,
    sent: frozenset[str],
    before: Mapping[str, object] | None,
) -> None:
    """An operation failed: where the entity's other operation of this run has
    already written a base that counts its fields as agreed, they go back to
    what they were."""
    if not sent:
        return
    row = conn.execute(
        select(merge_bases.c.fields).where(
            merge_bases.c.kind == kind.value, merge_bases.c.ledger_key == key
        )
    ).first()
    if row is None:
        return
    stored = base_fields(row.fields)
    restored = {**stored, **{f: (before or {}).get(f) for f in sent}}
    if restored != stored:
        conn.execute(
            update(merge_bases)
            .where(merge_bases.c.kind == kind.value, merge_bases.c.ledger_key == key)
            .values(fields=base_text(restored))
        )


def mark_stale(conn: Connection, kind: EntityKind, keys: Sequence[str]) -> None:
    """The merge bases of these entities no longer say what both sides hold."""
    for chunk in chunks(keys):
        conn.execute(
            update(merge_bases)
            .where(merge_bases.c.kind == kind.value, merge_bases.c.ledger_key.in_(chunk))
            .values(stale=True)
        )


def store_bases(
    conn: Connection,
    kind: EntityKind,
    bases: Sequence[tuple[str, Mapping[str, object] | None, bool]],
) -> None:
    """Replace the merge bases of entities whose sides agree without any write
    (only the base moves): (key, fields or None to forget, stale)."""
    if not bases:
        return
    now = dt.datetime.now(dt.UTC)
    execute_many(
        conn,
        merge_bases.delete().where(
            merge_bases.c.kind == bindparam("kind"), merge_bases.c.ledger_key == bindparam("key")
        ),
        [{"kind": kind.value, "key": key} for key, _, _ in bases],
    )
    rows = [
        {"ledger_key": key, "fields": base_text(fields), "stale": stale}
        for key, fields, stale in bases
        if fields is not None
    ]
    insert_many(conn, merge_bases, rows, same={"kind": kind.value, "synced_at": now})


def log_row(
    entity_type: str,
    key: str,
    action: Action,
    version: int,
    payload: str,
    error: str | None,
    retry_at: dt.datetime,
    *,
    status: LogStatus,
) -> dict[str, object]:
    """A log entry's own values; what all of a batch's entries say alike is
    written apart (``_write``). A failed one is retried at ``retry_at``."""
    return {
        "entity_type": entity_type,
        "entity_key": key,
        "action": action.value,
        "entity_version": version,
        "status": status.value,
        "next_attempt_at": retry_at if status is LogStatus.FAILED else None,
        "payload": payload,
        "error": error,
    }


def counted_as(action: str) -> str:
    """The count of a run's report that an operation done (an Action, or its
    value as the log keeps it) adds to."""
    return _COUNTED_AS.get(action, "updated")


_COUNTED_AS: dict[str, str] = {Action.CREATE: "created", Action.DELETE: "deleted"}


def count(report: RunReport, action: Action, n: int = 1) -> None:
    name = counted_as(action)
    setattr(report, name, getattr(report, name) + n)


def count_failure(report: RunReport, status: LogStatus) -> None:
    if status is LogStatus.REFUSED:
        report.refused += 1
    else:
        report.failed += 1


_FAILPOINT_HITS: dict[str, int] = {}


def failpoint(name: str) -> None:
    """For crash tests: ``PROJSYNC_FAILPOINT=record:N`` ends the process at once
    (no clean-up, as a kill would) when the Nth outcome is about to be recorded,
    its operation applied but nothing of it written to the sync's store."""
    wanted = os.environ.get("PROJSYNC_FAILPOINT")
    if not wanted or not wanted.startswith(f"{name}:"):
        return
    _FAILPOINT_HITS[name] = _FAILPOINT_HITS.get(name, 0) + 1
    if _FAILPOINT_HITS[name] == int(wanted.split(":", 1)[1]):
        os._exit(137)


def _status(error: str | None, retriable: bool) -> LogStatus:
    if error is None:
        return LogStatus.COMPLETED
    return LogStatus.FAILED if retriable else LogStatus.REFUSED


def _actual_payload(row: ActualRow) -> str:
    """The log's payload of an actual: its operation's fields."""
    fields = actual_fields(row)
    return actual_payload_json(fields) or payload_text(fields)


def _write(
    run: Run,
    conn: Connection,
    kind: EntityKind,
    now: dt.datetime,
    entries_rows: list[dict[str, object]],
    gone: list[str],
    link_rows: list[dict[str, object]],
    base_rows: list[dict[str, object]],
    *,
    origin: str = "ledger",
) -> None:
    """Write a batch's log entries, then its links and merge bases: those of
    ``gone`` keys deleted first, the new ones inserted. Rows hold what
    differs from one to the next; what all say alike is given once."""
    same = {
        "run_id": run.report.run,
        "origin": origin,
        "destination": "plan" if origin == "ledger" else "ledger",
        "attempts": 1,
        "created_at": now,
        "updated_at": now,
        "notified_at": None,
        "user": run.user,
    }
    if entries_rows and "plan_key" not in entries_rows[0]:
        same["plan_key"] = None
    insert_many(conn, log, entries_rows, same=same)
    if gone:  # by key, in one executemany each: no statement per chunk to compile
        keys = [{"kind": kind.value, "key": key} for key in gone]
        # an actual keeps no link: its place follows its task's
        for table in (merge_bases,) if kind is EntityKind.ACTUAL else (links, merge_bases):
            execute_many(
                conn,
                table.delete().where(
                    table.c.kind == bindparam("kind"), table.c.ledger_key == bindparam("key")
                ),
                keys,
            )
    insert_many(conn, links, link_rows, same={"kind": kind.value})
    if base_rows and "stale" not in base_rows[0]:
        insert_many(
            conn,
            merge_bases,
            base_rows,
            same={"kind": kind.value, "synced_at": now, "stale": False},
        )
    else:
        insert_many(conn, merge_bases, base_rows, same={"kind": kind.value, "synced_at": now})
