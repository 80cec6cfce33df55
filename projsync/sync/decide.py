"""Merging each entity and planning the operations: the middle stage of a run.

Pure: entities in (both sides in neutral terms, with their merge base), the
operations for each side out, with the base each leaves, the conflicts to
hold and the bases that move without any write. No I/O, no clock.

- An entity is merged field by field against its base (``sync/merge.py``).
- A person's decision on a held conflict (``sync resolve``) writes the value
  kept to the side that lacks it, unless the side to be overwritten changed
  the field since the person looked: then the decision no longer fits and the
  conflict is held again.
- An entity being resynchronized is merged as if every owned field had
  changed on its owner's side only, so the owner's value goes across wherever
  the sides differ; a linked entity missing on the plan side is created again.
- An entity deleted on the plan side is unlinked in the ledger, or deleted by
  the "delete" rule.
- Entities born in the plan become activities and hour forecasts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from projsync.connectors.base import Action, EntityKind, Operation, SyncRecord
from projsync.sync import mapping
from projsync.sync.born import Born
from projsync.sync.log import plain_value
from projsync.sync.merge import FieldConflict, merge, resync_base
from projsync.sync.model import Entity, Planned, Resolution
from projsync.sync.scope import Scope, ownership, plan_key, plan_parent, project_of
from projsync.sync.settings import GlobalSettings

__all__ = ["Decisions", "decide", "decide_born"]

Fields = Mapping[str, object]


@dataclass(slots=True)
class Decisions:
    """What to do for a batch of entities."""

    to_plan: list[Planned] = field(default_factory=list)
    to_ledger: list[Planned] = field(default_factory=list)
    bases: list[tuple[str, Fields | None, bool]] = field(default_factory=list)
    """Entities whose sides agree without any write: (key, new base, stale)."""
    conflicts: list[tuple[str, int, str | None, FieldConflict]] = field(default_factory=list)
    """(ledger key, version, plan key, conflict) to hold for a person."""
    agreed: list[str] = field(default_factory=list)
    """Entities merged without a conflict: any conflict held on them is over."""
    voided: list[tuple[Resolution, str]] = field(default_factory=list)
    """A person's decisions that no longer fit, with why (``Resolution.key``
    names the entity)."""
    planned: list[dict[str, object]] = field(default_factory=list)
    """What a dry run tells."""


def decide(
    kind: EntityKind,
    entities: Sequence[Entity],
    scope: Scope,
    settings: GlobalSettings,
    decisions_of: Callable[[str], list[Resolution]],
    takes: tuple[frozenset[str] | None, frozenset[str] | None] = (None, None),
) -> Decisions:
    """Merge each entity (parents before children, children deleted before
    parents) and plan what goes to each side. ``takes``: the neutral fields
    the ledger and the plan side can set (None: all)."""
    found = Decisions()
    for entity in _parents_first(entities):
        record = entity.record
        if entity.plan_deleted and not entity.forced:
            found.to_ledger.append(_plan_deleted(kind, record, entity.linked, settings))
            continue
        owners = ownership(scope, project_of(kind, record))
        decided, resolved = _decided(entity, decisions_of(record.key), found)
        base, plan, plan_deleted = entity.base, entity.plan, entity.plan_deleted
        if base is not None and entity.ledger is not None and plan is not None:
            base = _one_way(base, entity.ledger, plan, takes)
        if entity.forced:
            if plan_deleted:  # the ledger owns existence: created on the plan again
                base, plan, plan_deleted = None, None, False
            elif entity.ledger is not None and plan is not None:
                base = resync_base(base, entity.ledger, plan, owners)
        outcome = merge(
            base=base,
            ledger=entity.ledger,
            plan=plan,
            ownership=owners,
            ledger_deleted=record.deleted,
            plan_deleted=plan_deleted,
            decided=decided,
        )
        held = bool(outcome.conflicts)
        found.conflicts += [
            (record.key, record.version, entity.linked, c) for c in outcome.conflicts
        ]
        if not held:
            found.agreed.append(record.key)
        target = entity.linked or plan_key(kind, record, scope)
        if target is None:
            continue
        if outcome.action_ledger == "update" and outcome.to_ledger:
            operation = Operation(
                kind=kind,
                action=Action.UPDATE,
                source_key=target,
                target_key=record.key,
                fields=_with_days(dict(outcome.to_ledger), entity.plan_days),
            )
            found.to_ledger.append(
                Planned(
                    record,
                    operation,
                    outcome.new_base,
                    held,
                    target,
                    resolved,
                    frozenset(outcome.to_ledger),
                    entity.base,
                )
            )
        if outcome.action_plan == "none":
            moved = outcome.new_base != entity.base or held != entity.stale
            if outcome.action_ledger == "none" and moved:
                found.bases.append((record.key, outcome.new_base, held))
            continue
        # a subproject is a summary task in its root's plan project
        header = kind is EntityKind.PROJECT and "/" in target
        fields = _plan_fields(kind, record, dict(outcome.to_plan), settings, header=header)
        operation = Operation(
            kind=EntityKind.TASK if header else kind,
            action=Action(outcome.action_plan),
            source_key=record.key,
            target_key=target,
            fields=fields,
            parent=plan_parent(kind, record, scope),
            header=header,
        )
        found.to_plan.append(
            Planned(
                record,
                operation,
                outcome.new_base,
                held,
                None,
                resolved,
                frozenset(outcome.to_plan),
                entity.base,
            )
        )
    found.planned = [_told(kind, p, to="plan") for p in found.to_plan] + [
        _told(kind, p, to="ledger") for p in found.to_ledger
    ]
    return found


_PROGRESS = ("percent_complete", "scheduled_hours")


def decide_born(kind: EntityKind, born: Sequence[Born]) -> Decisions:
    """Entities born in the plan, created in the ledger: a project as a project
    of its company, a task as an activity (no category, planned hours or
    forecasts of its own yet), an assignment as hour forecasts of its worker."""
    found = Decisions()
    for place in born:
        fields = place.record.fields or {}
        values: dict[str, object]
        record_fields: dict[str, object]
        if kind is EntityKind.PROJECT:
            values = dict(place.values or {})
            record_fields = {**values, "id": place.key}
            base = mapping.neutral_fields(kind, {**(place.held or values), "id": place.key})
        elif kind is EntityKind.ASSIGNMENT:
            hours = mapping.ledger_fields_of_plan(kind, fields, prefix="")["hours"]
            project, activity = str(place.parent).split("/", 1)
            values = _with_days({"hours": hours}, mapping.ledger_days_of_plan(fields))
            record_fields = {
                "project": project,
                "activity": activity,
                "worker": place.worker,
                "hours": hours,
            }
            base = mapping.neutral_fields(kind, record_fields)
        else:
            progress = mapping.ledger_fields_of_plan(kind, fields, prefix="")
            values = {
                "name": fields.get("name"),
                "parent": None if place.parent is None else place.parent.split("/", 1)[1],
                "start": mapping.as_day(fields.get("start")),
                "end": mapping.as_day(fields.get("finish")),
                # the plan's progress of it, as for a task linked already
                **{name: progress[name] for name in _PROGRESS if name in progress},
            }
            record_fields = {**values, "project": place.project}
            nothing = {
                "category": None,
                "planned_hours": Decimal("0.00"),
                "budget_cost": Decimal("0.00"),
            }
            base = mapping.neutral_fields(kind, {**values, **nothing})
        operation = Operation(
            kind=kind,
            action=Action.CREATE,
            source_key=place.record.key,
            target_key=place.key,
            fields=values,
        )
        record = SyncRecord(
            kind=kind,
            key=place.key,
            version=place.record.version,
            parent=place.parent if kind is EntityKind.ASSIGNMENT else None,
            fields=record_fields,
        )
        found.to_ledger.append(
            Planned(record, operation, base, False, place.record.key, refusal=place.refusal)
        )
    found.planned = [_told(kind, p, to="ledger") for p in found.to_ledger]
    return found


def _with_days(
    fields: dict[str, object], days: tuple[tuple[dt.date, Decimal], ...]
) -> dict[str, object]:
    """An assignment's hours for the ledger with the plan's days, when they
    add up to those hours (hours a person decided go as a total: the ledger
    places them itself)."""
    hours = fields.get("hours")
    if days and hours is not None and sum(h for _, h in days) == hours:
        fields["days"] = days
    return fields


def _one_way(
    base: Fields,
    ledger: Fields,
    plan: Fields,
    takes: tuple[frozenset[str] | None, frozenset[str] | None],
) -> Fields:
    """A field one side cannot set flows one way: the merge takes it as
    unchanged on the other side whatever that side did, so that its value
    goes across wherever they differ (an edit made where it cannot go back is
    undone, in the log, rather than left to differ for ever)."""
    ledger_takes, plan_takes = takes
    rebased = dict(base)
    for name in ledger.keys() & plan.keys():
        if ledger_takes is not None and name not in ledger_takes:
            rebased[name] = plan[name]
        elif plan_takes is not None and name not in plan_takes:
            rebased[name] = ledger[name]
    return rebased


def _decided(
    entity: Entity, resolutions: list[Resolution], found: Decisions
) -> tuple[dict[str, object], tuple[Resolution, ...]]:
    """The values people decided for this entity's held conflicts, and the
    decisions carried out; a decision that no longer fits goes to
    ``found.voided``."""
    decided: dict[str, object] = {}
    carried: list[Resolution] = []
    ledger, plan = entity.ledger, entity.plan
    if not resolutions or ledger is None or plan is None:
        return decided, ()
    for resolution in resolutions:
        name = resolution.field
        mine, theirs = ledger.get(name), plan.get(name)
        if mine == theirs:
            continue  # the sides came to agree by themselves: nothing to decide
        moved = {
            side: plain_value(value) != resolution.seen.get(side)
            for side, value in (("ledger", mine), ("plan", theirs))
        }
        overwritten: tuple[str, ...]
        if resolution.keep == "ledger":
            overwritten, value = ("plan",), mine
        elif resolution.keep == "plan":
            overwritten, value = ("ledger",), theirs
        else:
            overwritten, value = ("ledger", "plan"), mapping.neutral_value(name, resolution.value)
        changed = [side for side in overwritten if moved[side]]
        if changed:
            now = {"ledger": mine, "plan": theirs}
            found.voided.append(
                (
                    resolution,
                    f"{name} changed on the {changed[0]} side to {now[changed[0]]!r} after "
                    f"{resolution.by or 'a person'} decided: decide again "
                    "(projsync sync resolve ID --keep ledger|plan, or --value TEXT)",
                )
            )
            continue
        decided[name] = value
        carried.append(resolution)
    return decided, tuple(carried)


def _plan_deleted(
    kind: EntityKind, record: SyncRecord, linked: str | None, settings: GlobalSettings
) -> Planned:
    """A linked task deleted on the plan side: by the delete rule, the ledger
    activity is deleted, or only unlinked (the default: postings may hang on it)."""
    action = Action.DELETE if settings.delete_rule == "delete" else Action.UNLINK
    operation = Operation(
        kind=kind, action=action, source_key=linked or record.key, target_key=record.key
    )
    return Planned(record, operation, None, False, linked)


def _plan_fields(
    kind: EntityKind,
    record: SyncRecord,
    changed: dict[str, object],
    settings: GlobalSettings,
    *,
    header: bool,
) -> dict[str, object]:
    fields = mapping.plan_fields_of_ledger(
        kind,
        changed,
        key=record.key,
        prefix=settings.custom_field_prefix,
        show_rates=settings.show_worker_rates,
    )
    if header:
        # a subproject's node: named, with the subproject's custom fields;
        # its place is the operation's parent (a "parent" field says it
        # moved), its dates its tasks'
        fields.pop("start", None)
        fields.setdefault("name", (record.fields or {}).get("name"))
    return fields


def _told(kind: EntityKind, planned: Planned, *, to: str) -> dict[str, object]:
    """A dry run's line for an operation, with each field it would write: its
    value as last synchronized (``old``: None for a new entity) and the value
    it would take (``new``), in the ledger's terms."""
    operation = planned.operation
    if to == "plan":
        line: dict[str, object] = {
            "kind": kind.value,
            "key": planned.record.key,
            "plan": operation.target_key,
            "action": operation.action.value,
        }
    else:
        line = {"kind": kind.value, "ledger": planned.record.key}
        if operation.action is Action.CREATE:
            line["plan"] = operation.source_key
        else:
            line["key"] = planned.record.key
        line["action"] = operation.action.value
    line["to"] = to
    before, after = planned.before or {}, planned.new_base or {}
    line["changes"] = [
        {"field": name, "old": _said(before.get(name)), "new": _said(after.get(name))}
        for name in sorted(planned.sent)
        if operation.action is not Action.DELETE
    ]
    return line


def _said(value: object) -> object:
    """A field's value as a dry run shows it: text for dates and amounts."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _parents_first(entities: Sequence[Entity]) -> list[Entity]:
    keys = {e.record.key for e in entities}
    placed: set[str] = set()
    ordered: list[Entity] = []
    pending = [e for e in entities if not e.record.deleted]
    while pending:
        ready = [
            e
            for e in pending
            if e.record.parent is None or e.record.parent not in keys or e.record.parent in placed
        ]
        if not ready:
            ready = pending
        ordered.extend(ready)
        placed |= {e.record.key for e in ready}
        pending = [e for e in pending if e.record.key not in placed]
    deleted = [e for e in entities if e.record.deleted]
    return ordered + list(reversed(deleted))  # children deleted before parents
