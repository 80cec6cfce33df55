"""What a run must look at again, whatever the cursors say.

The integration log's open entries, read once at the start of a run (by
status alone, the one index that finds the few open entries among a log of
millions):

- ``waiting``: a person asked for the entity again (``sync retry``), or
  resolved its conflict: read on both sides now;
- ``failed`` (the side could not be reached): again after the back-off (1, 2,
  4 … minutes), and past the maximum attempts after the resync delay;
- ``refused`` (a side's rules refused the change): never on a timer; again
  when either side changes the entity, or when a person asks;
- ``conflict``: held for a person; looked at again when either side changes
  the entity, when the settings change (an owner may settle it), and when a
  person resolves it;
- a person's request to resynchronize a project.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from projsync.connectors.base import EntityKind
from projsync.db import Store
from projsync.sync.log import RESYNC_ACTION, LogStatus
from projsync.sync.model import Resolution
from projsync.sync.settings import GlobalSettings
from projsync.sync.tables import log

__all__ = ["KIND_OF_TYPE", "Pending", "read_pending"]

KIND_OF_TYPE: Mapping[str, EntityKind] = {
    "project header": EntityKind.PROJECT,
    "hierarchy node": EntityKind.PROJECT,
    "activity": EntityKind.TASK,
    "resource header": EntityKind.RESOURCE,
    "assignment": EntityKind.ASSIGNMENT,
    "actuals": EntityKind.ACTUAL,
}
"""The log's entity types, by the kind of entity they are about."""

_OPEN = (
    LogStatus.WAITING.value,
    LogStatus.FAILED.value,
    LogStatus.REFUSED.value,
    LogStatus.CONFLICT.value,
)


@dataclass(slots=True)
class Pending:
    due: dict[EntityKind, set[str]] = field(default_factory=dict)
    """Ledger keys to read on both sides in this run, by kind."""
    plan_keys: dict[EntityKind, dict[str, str]] = field(default_factory=dict)
    """The plan keys that due entries name (a task born in the plan that the
    ledger refused: the run reads it again from the plan)."""
    open_keys: set[str] = field(default_factory=set)
    """Ledger keys with an open entry that a new outcome takes over."""
    conflicts: dict[EntityKind, set[str]] = field(default_factory=dict)
    """Ledger keys with a conflict held."""
    resolutions: dict[EntityKind, dict[str, list[Resolution]]] = field(default_factory=dict)
    resyncs: dict[str, int] = field(default_factory=dict)
    """Projects a person asked to resynchronize: project → the request's entry."""
    refused: dict[tuple[EntityKind, str, str], str] = field(default_factory=dict)
    """(kind, ledger key, side it came from) → the payload a side refused:
    the same change is not offered again until something in it changes."""

    def due_of(self, kind: EntityKind) -> set[str]:
        return self.due.get(kind, set())

    def decided(self, kind: EntityKind, key: str) -> list[Resolution]:
        return self.resolutions.get(kind, {}).get(key, [])


def read_pending(store: Store, settings: GlobalSettings, *, settings_changed: bool) -> Pending:
    """The open entries of the log, sorted by what the run does with them."""
    now = dt.datetime.now(dt.UTC)
    found = Pending()
    with store.read() as conn:
        rows = conn.execute(
            select(
                log.c.id,
                log.c.origin,
                log.c.entity_type,
                log.c.entity_key,
                log.c.plan_key,
                log.c.action,
                log.c.status,
                log.c.attempts,
                log.c.next_attempt_at,
                log.c.updated_at,
                log.c.payload,
            ).where(log.c.status.in_(_OPEN))
        ).all()
    for row in rows:
        if row.origin == "person" and row.action == RESYNC_ACTION:
            if row.status == LogStatus.WAITING.value:
                found.resyncs[row.entity_key] = row.id
            continue
        kind = KIND_OF_TYPE.get(row.entity_type)
        if kind is None:
            continue
        key = row.entity_key
        if row.status != LogStatus.CONFLICT.value and row.origin != "both":
            found.open_keys.add(key)
        if row.status == LogStatus.REFUSED.value:
            found.refused[(kind, key, row.origin)] = row.payload
        if row.status == LogStatus.CONFLICT.value:
            found.conflicts.setdefault(kind, set()).add(key)
            if settings_changed:  # an owner may settle it now
                found.due.setdefault(kind, set()).add(key)
            continue
        if _due(row, settings, now):
            found.due.setdefault(kind, set()).add(key)
            if row.plan_key is not None and row.origin == "plan":
                found.plan_keys.setdefault(kind, {})[key] = row.plan_key
            resolution = _resolution(row.id, key, row.payload) if row.origin == "both" else None
            if resolution is not None:
                found.resolutions.setdefault(kind, {}).setdefault(key, []).append(resolution)
                found.conflicts.setdefault(kind, set()).add(key)
    return found


def _due(row: Any, settings: GlobalSettings, now: dt.datetime) -> bool:
    if row.status == LogStatus.WAITING.value:
        return True
    if row.status != LogStatus.FAILED.value:
        return False  # refused: when a side changes it, or a person asks
    if row.attempts < settings.max_attempts:
        return row.next_attempt_at is None or _aware(row.next_attempt_at) <= now
    return _aware(row.updated_at) + dt.timedelta(hours=settings.resync_hours) <= now


def _resolution(entry: int, key: str, payload: str) -> Resolution | None:
    fields = json.loads(payload)
    decided = fields.get("resolution")
    if not isinstance(decided, dict):
        return None
    return Resolution(
        entry=entry,
        entry_key=key,
        field=str(fields.get("field")),
        keep=decided.get("keep"),
        value=decided.get("value"),
        seen={"ledger": fields.get("ledger"), "plan": fields.get("plan")},
        by=str(decided.get("by", "")),
        at=str(decided.get("at", "")),
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
