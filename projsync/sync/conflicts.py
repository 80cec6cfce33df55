"""Conflicts held for a person, and the decisions people make on them.

A field both sides changed to different values, with no owner, is held in an
entry of its own (one per field of an entity), renewed with both sides'
values while it stays, closed when the sides come to agree or a person's
decision is carried out. A decision that no longer fits (the side it would
overwrite changed the field since) is held again, saying why.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Connection, update

from projsync.connectors.base import EntityKind
from projsync.sync.context import Run
from projsync.sync.log import (
    LogStatus,
    add_entry,
    open_conflict,
    payload_text,
    plain_value,
    renew_conflict,
)
from projsync.sync.merge import FieldConflict
from projsync.sync.model import Resolution
from projsync.sync.tables import log

__all__ = ["close_resolutions", "hold_again", "hold_conflicts"]


def hold_conflicts(
    run: Run,
    kind: EntityKind,
    held: Iterable[tuple[str, int, str | None, FieldConflict]],
    notes: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """Hold each conflict for a person: one open entry per field of an entity,
    renewed (with both sides' values as they are now) while it stays.
    ``notes``: what to add to an entry's error, by (key, field)."""
    report = run.report
    listed = list(held)
    seen = {(kind.value, key, conflict.field) for key, _, _, conflict in listed}
    report.conflicts += len(seen - run.conflicts_seen)  # once a run, however often met
    run.conflicts_seen |= seen
    if report.dry_run or report.run is None or not listed:
        return
    with run.store.write() as conn:
        for key, version, plan_key, conflict in listed:
            payload = {
                "field": conflict.field,
                "base": conflict.base,
                "ledger": conflict.ledger,
                "plan": conflict.plan,
            }
            error = (
                f"{conflict.field} changed on both sides: ledger {conflict.ledger!r}, "
                f"plan {conflict.plan!r}; a person decides (projsync sync resolve ID "
                "--keep ledger|plan, or --value TEXT)"
            )
            note = (notes or {}).get((key, conflict.field))
            if note:
                error = f"{error}. {note}"
            entry = open_conflict(conn, kind.value, key, conflict.field)
            if entry is not None:
                renew_conflict(
                    conn, entry, run=report.run, payload=payload_text(payload), error=error
                )
                continue
            add_entry(
                conn,
                run=report.run,
                origin="both",
                destination="person",
                entity_type=kind.value,
                entity_key=key,
                action="update",
                entity_version=version,
                status=LogStatus.CONFLICT,
                user=run.user,
                payload=payload,
                error=error,
                plan_key=plan_key,
            )


def hold_again(run: Run, resolution: Resolution, why: str) -> None:
    """A person's decision that no longer fits (a side changed the field since):
    the conflict is held again, saying why (until the run renews it)."""
    if run.report.run is None:
        return
    with run.store.write() as conn:
        conn.execute(
            update(log)
            .where(log.c.id == resolution.entry)
            .values(
                status=LogStatus.CONFLICT.value,
                run_id=run.report.run,
                error=why,
                updated_at=dt.datetime.now(dt.UTC),
            )
        )


def close_resolutions(
    conn: Connection, resolved: Sequence[Resolution], agreed: Mapping[str, object]
) -> None:
    """The decisions carried out: their entries are done, with the value kept."""
    now = dt.datetime.now(dt.UTC)
    for resolution in resolved:
        row = conn.execute(
            log.select().with_only_columns(log.c.payload).where(log.c.id == resolution.entry)
        ).first()
        if row is None:
            continue
        payload = json.loads(row.payload)
        payload.setdefault("resolution", {})["kept"] = plain_value(agreed.get(resolution.field))
        conn.execute(
            update(log)
            .where(log.c.id == resolution.entry)
            .values(
                status=LogStatus.COMPLETED.value,
                payload=payload_text(payload),
                error=None,
                updated_at=now,
            )
        )
