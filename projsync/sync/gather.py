"""Reading what changed on both sides: the first stage of a run.

For a kind, the ledger's records changed since its cursor (capped at the
run's start, so edits made meanwhile are read next time), with the whole
content of projects integrated since the last run or being resynchronized,
and the entities due again (see ``sync/pending.py``); the plan's records
changed since its own cursor, split into those the sync linked and those born
in the plan. Each entity is paired with its merge base and its other side.

Where a side did not change an entity, the run takes that side as the merge
base says, which is right as long as the base is what both sides hold. It
never assumes that where the base is stale (a conflict held, a write refused
or failed) or the entity is due: there it reads the side as it is now.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Connection, select

from projsync.connectors.base import (
    DeletionsByComparison,
    EntityKind,
    SyncRecord,
    read_now,
)
from projsync.sync import mapping
from projsync.sync.context import Run
from projsync.sync.links import bases_of, chunks, ledger_keys_of, links_of, plan_keys_of
from projsync.sync.model import Entity
from projsync.sync.scope import project_of
from projsync.sync.tables import merge_bases

__all__ = [
    "RECORDS_PER_BATCH",
    "PlanChanges",
    "assignment_totals",
    "entities",
    "ledger_batches",
    "only_fields_read",
    "plan_changes",
    "progressed_tasks",
    "whole_projects",
]

RECORDS_PER_BATCH = 2000
"""Records merged, applied and recorded together (tasks a whole project at a
time): memory stays flat however large the portfolio."""

_T = TypeVar("_T")


@dataclass(slots=True)
class PlanChanges:
    """The plan's changes of one kind since its cursor."""

    linked: dict[str, SyncRecord]
    """Changed entities the sync linked, by ledger key (tombstones included)."""
    born: list[SyncRecord]
    """Entities born in the plan: no link yet."""
    forced: set[str]
    """Ledger keys of entities being resynchronized."""


def plan_changes(run: Run, kind: EntityKind, since: int) -> PlanChanges:
    """Plan-side changes after the cursor: those of linked entities by ledger
    key, and entities born in the plan (not the sync's own subproject nodes).
    A plan project being resynchronized is read whole, and a linked entity
    it no longer holds comes as a tombstone."""
    changed = [only_fields_read(r) for r in run.plan.changes(kind, since, run.plan_until)]
    if kind is EntityKind.TASK and isinstance(run.plan, DeletionsByComparison):
        changed += _vanished(run, run.plan, kind, {r.key for r in changed})
    if run.born_projects and kind in (EntityKind.TASK, EntityKind.ASSIGNMENT):
        changed += _whole(run, kind, run.born_projects, {r.key for r in changed})
    forced = _resynced(run, kind, changed) if run.resync else set()
    again = run.pending.plan_keys.get(kind, {})
    if again:  # entries that name their plan side, due again: read as they are now
        have = {r.key for r in changed}
        missing = [key for key in again.values() if key not in have]
        changed += [
            only_fields_read(r) for r in read_now(run.plan, kind, missing).values() if not r.deleted
        ]
    with run.store.read() as conn:
        back = ledger_keys_of(conn, kind.value, [r.key for r in changed])
        nodes = set(ledger_keys_of(conn, EntityKind.PROJECT.value, [r.key for r in changed]))
    linked: dict[str, SyncRecord] = {}
    born: list[SyncRecord] = []
    for record in changed:
        if record.key in back:
            linked[back[record.key]] = record
        elif not record.deleted and record.key not in nodes:
            born.append(record)
    return PlanChanges(linked=linked, born=born, forced=forced)


_PROGRESS = ("percent_complete", "scheduled_hours")


def progressed_tasks(run: Run) -> Iterator[dict[str, SyncRecord]]:
    """The plan's tasks whose actuals or assignments this run set and whose
    percent complete or work moved with them, as the plan holds them now, by
    ledger key, a batch at a time (the set of them is emptied). A task whose
    progress is as the merge base says is left for the next run's reading."""
    keys, run.progressed = sorted(run.progressed), set()
    for start in range(0, len(keys), RECORDS_PER_BATCH):
        now = read_now(run.plan, EntityKind.TASK, keys[start : start + RECORDS_PER_BATCH])
        with run.store.read() as conn:
            back = ledger_keys_of(conn, EntityKind.TASK.value, list(now))
            bases = bases_of(conn, EntityKind.TASK.value, list(back.values()))
        moved = {
            back[key]: only_fields_read(record)
            for key, record in now.items()
            if key in back
            and not record.deleted
            and _progress_moved(record, bases.get(back[key]) or {})
        }
        if moved:
            yield moved


def _progress_moved(record: SyncRecord, base: dict[str, object]) -> bool:
    fields = record.fields or {}
    percent, work = fields.get("percent_complete"), fields.get("work")
    return (
        percent is not None
        and percent != _progress("percent_complete", base.get("percent_complete"))
    ) or (
        work is not None
        and _progress("scheduled_hours", Decimal(int(str(work))) / 60)
        != _progress("scheduled_hours", base.get("scheduled_hours"))
    )


def _progress(name: str, value: object) -> object:
    """A progress field of a merge base as the plan's reading gives it."""
    if value is None:
        return None
    if name == "percent_complete":
        return int(str(value))
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _whole(run: Run, kind: EntityKind, projects: set[str], have: set[str]) -> list[SyncRecord]:
    """The records of these plan projects not among ``have``."""
    return [
        only_fields_read(r)
        for r in run.plan.snapshot(kind)
        if r.key.split("/", 1)[0] in projects and r.key not in have
    ]


def _resynced(run: Run, kind: EntityKind, changed: list[SyncRecord]) -> set[str]:
    """Read the plan projects being resynchronized whole (into ``changed``), a
    linked entity they no longer hold as a tombstone; the ledger keys of their
    linked entities, which are merged as resynchronized."""
    changed += _whole(run, kind, set(run.resync), {r.key for r in changed})
    seen = {r.key for r in changed}
    with run.store.read() as conn:
        linked_all = links_of(conn, kind.value)
    forced = set()
    for ledger_key, plan_side in linked_all.items():
        if plan_side.split("/", 1)[0] not in run.resync or not _read_in_plan(kind, plan_side):
            continue
        forced.add(ledger_key)
        if plan_side not in seen:
            changed.append(SyncRecord(kind=kind, key=plan_side, version=run.plan_until))
    return forced


def _vanished(
    run: Run, plan: DeletionsByComparison, kind: EntityKind, read: set[str]
) -> list[SyncRecord]:
    """Tombstones of linked entities the plan side no longer holds."""
    with run.store.read() as conn:
        linked = [key for key in links_of(conn, kind.value).values() if key not in read]
    return [
        SyncRecord(kind=kind, key=key, version=run.plan_until)
        for key in plan.vanished(kind, linked)
    ]


def ledger_batches(run: Run, kind: EntityKind, since: int) -> Iterator[list[SyncRecord]]:
    """The ledger's records of a kind to merge, in batches: projects and
    resources in one (parents go before children), tasks and assignments a
    whole project at a time."""
    records = _records(run, kind, since)
    if kind in (EntityKind.PROJECT, EntityKind.RESOURCE):
        yield records
        return
    yield from whole_projects(records, lambda r: project_of(kind, r) or "")


def _records(run: Run, kind: EntityKind, since: int) -> list[SyncRecord]:
    scope = run.scope
    found: dict[str, SyncRecord] = {}
    for record in run.ledger.changes(kind, since, run.until):
        found[record.key] = record
    due = run.pending.due_of(kind)
    # A first run (no cursor yet) has read every record as changed already.
    first_run = since < 0
    whole = set() if first_run else set(scope.newcomers)
    for mine in run.resync.values():
        whole |= mine
    if due or whole:
        for record in run.ledger.snapshot(kind):
            if project_of(kind, record) in whole or record.key in due:
                found.setdefault(record.key, record)
            elif kind is EntityKind.ASSIGNMENT and record.fields is not None:
                fields = record.fields
                if f"{fields['project']}/{fields['activity']}/{fields['worker']}" in due:
                    found.setdefault(record.key, record)
    if kind is EntityKind.ASSIGNMENT:
        pairs = _pairs(found.values()) | {key for key in due if key.count("/") == 2}
        return assignment_totals(run, pairs)
    if kind is EntityKind.RESOURCE:
        if run.settings_changed and not first_run:  # companies integrated since last time
            with run.store.read() as conn:
                linked = links_of(conn, kind.value)
            for record in run.ledger.snapshot(kind):
                if record.key not in linked:
                    found.setdefault(record.key, record)
        return [
            r
            for r in found.values()
            if r.deleted or (r.fields or {}).get("company") in scope.companies
        ]
    return [r for r in found.values() if project_of(kind, r) in scope.root_of or r.deleted]


def _pairs(changed: Iterable[SyncRecord]) -> set[str]:
    return {
        f"{r.fields['project']}/{r.fields['activity']}/{r.fields['worker']}"
        for r in changed
        if r.fields is not None and r.fields.get("worker") is not None
    }


def assignment_totals(run: Run, pairs: set[str]) -> list[SyncRecord]:
    """Hour forecasts summed per project, activity and worker: one plan
    assignment each, for integrated workers only. A pair without forecasts
    left is gone (a tombstone)."""
    wanted = {pair for pair in pairs if pair.rsplit("/", 1)[1] in run.scope.workers}
    if not wanted:
        return []
    totals: dict[str, Decimal] = {}
    version = 0
    for record in run.ledger.snapshot(EntityKind.ASSIGNMENT):
        fields = record.fields or {}
        pair = f"{fields['project']}/{fields['activity']}/{fields['worker']}"
        if pair in wanted:
            totals[pair] = totals.get(pair, Decimal("0")) + Decimal(str(fields["hours"]))
            version = max(version, record.version)
    found = []
    for pair in sorted(wanted):
        project, activity, worker = pair.split("/", 2)
        hours = totals.get(pair)
        found.append(
            SyncRecord(
                kind=EntityKind.ASSIGNMENT,
                key=pair,
                version=version or run.until,
                parent=f"{project}/{activity}",
                fields=None
                if hours is None
                else {"project": project, "activity": activity, "worker": worker, "hours": hours},
            )
        )
    return found


def entities(
    run: Run,
    kind: EntityKind,
    records: list[SyncRecord],
    theirs: dict[str, SyncRecord],
    forced: set[str],
) -> list[Entity]:
    """Pair each ledger record with its base and the plan's side of it. Where
    ``records`` lacks a key of ``theirs`` (changed only on the plan side), the
    ledger's side is as the base says, or read now where the base is stale
    or the entity due."""
    records, theirs = list(records), dict(theirs)
    keys = [r.key for r in records]
    only_plan = [key for key in theirs if key not in set(keys)]
    with run.store.read() as conn:
        bases = bases_of(conn, kind.value, keys + only_plan)
        linked = plan_keys_of(conn, kind.value, keys + only_plan)
        stale = _stale(conn, kind, keys + only_plan)
    due = run.pending.due_of(kind) | stale | forced
    # the ledger's side of entities changed only in the plan
    now = _ledger_now(run, kind, [key for key in only_plan if key in due])
    for key in only_plan:
        base = _current_names(kind, bases.get(key))
        records.append(now.get(key) or _as_base_says(kind, key, base))
    # the plan's side where the base cannot be trusted
    wanted = {
        key: linked[key]
        for key in keys
        if key in due and key not in theirs and key in linked and _read_in_plan(kind, linked[key])
    }
    if wanted:
        current = read_now(run.plan, kind, list(wanted.values()))
        for key, plan_side in wanted.items():
            theirs[key] = only_fields_read(current[plan_side])
    parents = _plan_parents(run, theirs.values()) if kind is EntityKind.TASK else {}
    prefix = run.settings.custom_field_prefix
    found = []
    for record in records:
        base = _current_names(kind, bases.get(record.key))
        plan_record = theirs.get(record.key)
        plan_state: Mapping[str, object] | None = base
        if plan_record is not None and not plan_record.deleted and base is not None:
            seen = mapping.ledger_fields_of_plan(kind, plan_record.fields or {}, prefix=prefix)
            if kind is EntityKind.TASK:
                seen.update(_plan_parent_as_ledger(record.key, plan_record, parents))
            plan_state = {**base, **seen}
        found.append(
            Entity(
                record=record,
                ledger=None
                if record.fields is None
                else (base if record.version < 0 else mapping.neutral_fields(kind, record.fields)),
                plan=plan_state,
                plan_deleted=plan_record is not None and plan_record.deleted,
                base=base,
                linked=linked.get(record.key),
                stale=record.key in stale,
                forced=record.key in forced,
                plan_days=mapping.ledger_days_of_plan(plan_record.fields or {})
                if kind is EntityKind.ASSIGNMENT and plan_record is not None
                else (),
            )
        )
    return found


def whole_projects(
    items: Iterable[_T], project_of: Callable[[_T], str], *, single: bool = False
) -> Iterator[list[_T]]:
    """Batches of about ``RECORDS_PER_BATCH`` items, a project's items always in
    the same batch (so parents go before children inside it); all in one
    batch when ``single``."""
    listed = sorted(items, key=project_of)
    if single:
        if listed:
            yield listed
        return
    batch: list[_T] = []
    for _, mine in itertools.groupby(listed, key=project_of):
        batch.extend(mine)
        if len(batch) >= RECORDS_PER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _current_names(kind: EntityKind, base: dict[str, object] | None) -> dict[str, object] | None:
    """A merge base written before a project's own dates were named apart from
    the plan's (``start``, ``end``), in today's names; one written before the
    currency went across, with none (the plan had none), so that the ledger's
    goes across rather than being held as a conflict; likewise a resource's
    written before a worker's end date went across, with none."""
    if base is not None and kind is EntityKind.RESOURCE and "end_date" not in base:
        return {**base, "end_date": None}
    if base is None or kind is not EntityKind.PROJECT:
        return base
    if "project_start" not in base:
        renamed = {k: v for k, v in base.items() if k not in ("start", "end")}
        renamed["project_start"] = base.get("start")
        base = renamed
    return base if "currency" in base else {**base, "currency": None}


def _ledger_now(run: Run, kind: EntityKind, keys: list[str]) -> dict[str, SyncRecord]:
    if not keys:
        return {}
    if kind is EntityKind.ASSIGNMENT:
        return {r.key: r for r in assignment_totals(run, set(keys))}
    return read_now(run.ledger, kind, keys)


def _read_in_plan(kind: EntityKind, plan_side: str) -> bool:
    """A subproject is a summary node of its root's plan project: nothing of
    it comes back from the plan, so there is nothing to read."""
    return not (kind is EntityKind.PROJECT and "/" in plan_side)


def _stale(conn: Connection, kind: EntityKind, keys: Iterable[str]) -> set[str]:
    """Of these entities, those whose merge base is stale."""
    found: set[str] = set()
    for chunk in chunks(keys):
        found.update(
            conn.execute(
                select(merge_bases.c.ledger_key).where(
                    merge_bases.c.stale,
                    merge_bases.c.kind == kind.value,
                    merge_bases.c.ledger_key.in_(chunk),
                )
            ).scalars()
        )
    return found


def _plan_parents(run: Run, plan_tasks: Iterable[SyncRecord]) -> dict[str, tuple[str, str]]:
    """The links of the plan tasks' parents: plan key → (kind, ledger key), a
    parent being a task or the summary node of a subproject."""
    keys = {
        f"{fields.get('project')}/{fields.get('parent')}"
        for record in plan_tasks
        if (fields := record.fields) is not None and fields.get("parent") is not None
    }
    with run.store.read() as conn:
        found = {
            plan: (EntityKind.TASK.value, ledger)
            for plan, ledger in ledger_keys_of(conn, EntityKind.TASK.value, keys).items()
        }
        for plan, ledger in ledger_keys_of(conn, EntityKind.PROJECT.value, keys).items():
            found[plan] = (EntityKind.PROJECT.value, ledger)
    return found


def _plan_parent_as_ledger(
    ledger_key: str, plan_record: SyncRecord, parents: Mapping[str, tuple[str, str]]
) -> dict[str, object]:
    """A plan task's parent in ledger terms: the number of the activity it
    now sits under (None at the top of its project or subproject). A parent
    the ledger cannot follow (a task the sync has not linked, or one of
    another ledger project) is named as the plan has it, so that the ledger
    refuses the move and the refusal is held where a person sees it."""
    fields = plan_record.fields or {}
    parent = fields.get("parent")
    if parent is None:
        return {"parent": None}
    found = parents.get(f"{fields.get('project')}/{parent}")
    project = ledger_key.split("/", 1)[0]
    if found is None:
        return {"parent": str(parent)}
    kind, parent_key = found
    if kind == EntityKind.PROJECT.value:  # the summary node of a subproject
        return {"parent": None} if parent_key == project else {"parent": parent_key}
    parent_project, _, number = parent_key.partition("/")
    return {"parent": number} if parent_project == project else {"parent": parent_key}


def only_fields_read(record: SyncRecord) -> SyncRecord:
    if record.fields is None:
        return record
    kept = {k: v for k, v in record.fields.items() if k in mapping.PLAN_FIELDS_READ}
    return dataclasses.replace(record, fields=kept)


def _as_base_says(
    kind: EntityKind, ledger_key: str, base: Mapping[str, object] | None
) -> SyncRecord:
    """The ledger's side of an entity it did not change, as its merge base
    says (version -1 marks it so)."""
    if kind is EntityKind.PROJECT:
        return SyncRecord(kind=kind, key=ledger_key, version=-1, fields={**(base or {})})
    if kind is EntityKind.ASSIGNMENT:
        project, activity, worker = ledger_key.split("/", 2)
        fields = {**(base or {}), "project": project, "activity": activity, "worker": worker}
        return SyncRecord(
            kind=kind, key=ledger_key, version=-1, fields=fields, parent=f"{project}/{activity}"
        )
    project, _, number = ledger_key.partition("/")
    fields = {**(base or {}), "project": project, "number": number}
    return SyncRecord(kind=kind, key=ledger_key, version=-1, fields=fields)
