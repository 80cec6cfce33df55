"""The records that pass between the stages of a sync run.

A run reads what changed on both sides (``sync/gather.py``), merges each
entity and plans the operations (``sync/decide.py``, pure), applies them and
records the outcomes (``sync/engine.py``, ``sync/outcomes.py``). Between the
stages travel only the plain records below. Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from projsync.connectors.base import Applied, Operation, SyncRecord

__all__ = ["Entity", "Outcome", "Planned", "Resolution", "RunReport"]

Fields = Mapping[str, object]


@dataclass(slots=True, kw_only=True)
class RunReport:
    """What a run did, counted; with a dry run, what it would do."""

    run: int | None
    created: int = 0
    updated: int = 0
    deleted: int = 0
    failed: int = 0
    refused: int = 0
    conflicts: int = 0
    dry_run: bool = False
    planned: list[dict[str, object]] = field(default_factory=list)
    """With a dry run: what would be done."""

    def summary(self) -> dict[str, object]:
        found: dict[str, object] = {
            "run": self.run,
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "failed": self.failed,
            "refused": self.refused,
            "conflicts": self.conflicts,
        }
        if self.dry_run:
            found["dry_run"] = True
            found["operations"] = self.planned
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolution:
    """A person's decision on a held conflict, waiting for the next run."""

    entry: int
    """The log entry that held the conflict."""
    entry_key: str
    """The entity's ledger key."""
    field: str
    keep: str | None
    """"ledger" or "plan": that side's value stands; None: ``value`` stands."""
    value: object = None
    seen: Mapping[str, object] = dataclasses.field(default_factory=dict)
    """The two sides' values as the entry showed them when the person decided
    (``ledger`` and ``plan``, as the log writes values): a side that has
    changed since voids the decision, and the conflict is held again."""
    by: str = ""
    at: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """One entity of a two-way kind as the run sees both sides.

    ``ledger`` and ``plan`` are in the merge's neutral terms. ``plan`` is the
    plan's record over the base, or the base itself where the plan did not
    change the entity and nothing made the base stale; None where there is
    neither a base nor a plan record yet."""

    record: SyncRecord
    """The ledger's record: as read, or built from the base (version -1)."""
    ledger: Fields | None
    """None: deleted on the ledger side."""
    plan: Fields | None
    plan_deleted: bool = False
    base: Fields | None
    linked: str | None
    """The plan key the sync linked it to."""
    stale: bool = False
    """Its base was stale: both sides were read as they are now."""
    plan_days: tuple[tuple[dt.date, Decimal], ...] = ()
    """An assignment's hours per day on the plan side, in ledger terms: they go
    with its hours to the ledger (time-phased forecasts)."""
    forced: bool = False
    """A person asked to resynchronize it: owned fields go across whatever the base says."""


class Planned(NamedTuple):
    """An operation to apply on one side, with what recording it takes."""

    record: SyncRecord
    """The ledger's record of the entity."""
    operation: Operation
    new_base: Fields | None
    """The merge base once the operation is done (None: forget it)."""
    stale: bool = False
    """The base it leaves is not what both sides hold (a conflict is held)."""
    plan_key: str | None = None
    """The plan side's key, for operations that go to the ledger."""
    resolved: tuple[Resolution, ...] = ()
    """Decisions this operation carries out: their entries close with it."""
    sent: frozenset[str] = frozenset()
    """The neutral fields it writes."""
    before: Fields | None = None
    """The merge base it was decided against: where the entity's operation to
    the other side fails, the fields that one would have written keep their
    values from here, so that the base never claims what a side does not hold."""
    refusal: str | None = None
    """Why the side cannot take it, known before it is sent: it is held as refused."""


class Outcome(NamedTuple):
    """An applied operation, ready to be recorded."""

    planned: Planned
    applied: Applied
