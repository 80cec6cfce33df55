"""What a person asks of the sync: settle a held conflict, resynchronize a project.

Both are written to the integration log as waiting entries and carried out by
the next run (``projsync sync resolve`` and ``projsync sync resync`` run it at
once), so a decision is recorded even when a side is away, and the log says
who asked, when, and what came of it.

A conflict is resolved once: keeping the ledger's value, the plan's, or a
value the person gives. The run writes it to the side that lacks it, unless
the side to be overwritten changed the field after the person looked: then
the conflict is held again, so that no edit is lost that nobody saw.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select, update

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.sync.log import RESYNC_ACTION, LogStatus, add_entry, payload_text
from projsync.sync.mapping import neutral_value
from projsync.sync.tables import links, log, runs

__all__ = ["request_resync", "resolve_conflict"]


def resolve_conflict(
    store: Store,
    entry_id: int,
    *,
    keep: str | None = None,
    value: str | None = None,
    user: str,
) -> dict[str, object]:
    """Record a person's decision on a held conflict; the next run carries it
    out. Returns the decision as recorded."""
    where = f"log entry {entry_id}"
    if (keep is None) == (value is None):
        raise refusal(where, "give either --keep ledger|plan or --value TEXT")
    if keep is not None and keep not in ("ledger", "plan"):
        raise refusal("--keep", f"{keep!r}: must be ledger or plan")
    with store.write() as conn:
        row = conn.execute(select(log).where(log.c.id == entry_id)).first()
        if row is None:
            raise refusal(where, "unknown entry")
        payload = json.loads(row.payload)
        decided = payload.get("resolution") if row.origin == "both" else None
        if isinstance(decided, dict):
            kept = decided.get("kept")
            what = (
                f"was resolved already by {decided.get('by')} at {decided.get('at')} "
                f"({_told(decided)}); it is {row.status}"
            )
            if kept is not None:
                what += f", the value kept {kept!r}"
            raise refusal(where, what)
        if row.status != LogStatus.CONFLICT.value:
            raise refusal(where, f"is {row.status}; only a held conflict can be resolved")
        field = str(payload.get("field"))
        if value is not None:
            try:
                neutral_value(field, value)
            except ValueError as exc:
                raise refusal("--value", f"{value!r} does not fit {field}: {exc}") from exc
        decision: dict[str, object] = {
            "keep": keep,
            "value": value,
            "by": user,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        payload["resolution"] = decision
        conn.execute(
            update(log)
            .where(log.c.id == entry_id)
            .values(
                status=LogStatus.WAITING.value,
                payload=payload_text(payload),
                updated_at=dt.datetime.now(dt.UTC),
            )
        )
    return decision


def request_resync(store: Store, project: str, *, user: str) -> int:
    """Ask the next run to resynchronize a project (the whole plan project it
    lands in): every field its owner holds and every actual sent again.
    Returns the request's log entry."""
    with store.write() as conn:
        synced = conn.execute(
            select(links.c.plan_key).where(links.c.kind == "project", links.c.ledger_key == project)
        ).first()
        if synced is None:
            raise InputError(
                [
                    Problem(
                        where=f"project {project}",
                        what="is not synchronized: integrate it and run a sync first",
                    )
                ]
            )
        run = conn.execute(
            select(runs.c.id).order_by(runs.c.id.desc()).limit(1)
        ).scalar()
        return add_entry(
            conn,
            run=int(run or 0),
            origin="person",
            destination="both",
            entity_type="project",
            entity_key=project,
            action=RESYNC_ACTION,
            entity_version=0,
            status=LogStatus.WAITING,
            user=user,
            payload={"project": project},
            plan_key=str(synced.plan_key),
        )


def _told(decided: dict[str, object]) -> str:
    keep = decided.get("keep")
    return f"keep {keep}" if keep else f"value {decided.get('value')!r}"
