"""One sync run, ledger to plan: read what changed, map it, merge it against
the last synchronized version, apply it, and record the outcome.

The engine sees both sides only through the connector protocol. For each
entity kind, parents first, it reads the ledger's changes since its cursor,
capped at the run's start (edits made during the run are read next time),
adds the whole content of projects integrated since the last run, merges each
entity against its merge base, and applies the operations on the plan side.
Each operation's log entry, link and merge base are written in one
transaction of the sync's store, and the kind's cursor moves in the same
transaction as its last outcome, so a run killed at any point and run again
converges with nothing done twice (applying is idempotent on the plan side).

Ids: a plan project created by the sync has the ledger project's id; a task
created from an activity of that project has the activity's number; an
activity of a subproject becomes ``<subproject>.<number>`` under the
subproject's summary task (activity numbers are unique per ledger project
only). Changes made on the plan side come back in the next step of this
issue; here the plan side is taken as the merge base says it was.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, TypeVar

from sqlalchemy import Connection, bindparam, insert, select, update

from projsync.connectors.base import (
    Action,
    ActualRow,
    Applied,
    BulkActuals,
    Connector,
    DeletionsByComparison,
    EntityKind,
    Operation,
    SyncRecord,
    actual_fields,
    actual_operation,
)
from projsync.db import Store, execute_many, insert_many
from projsync.sync import mapping
from projsync.sync.flatjson import actual_payload_json, sums_base_json
from projsync.sync.headers import headers, refresh_headers
from projsync.sync.links import (
    base_text,
    bases_of,
    ledger_keys_of,
    links_of,
    plan_keys_of,
)
from projsync.sync.log import (
    ENTITY_TYPES,
    LogStatus,
    add_entry,
    close_conflicts,
    open_conflict,
    payload_text,
    renew_conflict,
    reopen,
)
from projsync.sync.merge import FieldConflict, Ownership, Side, merge
from projsync.sync.notify import notify_failures, set_entity_status
from projsync.sync.settings import (
    DEFAULT_OWNERS,
    GlobalSettings,
    ProjectSettings,
    integrated_companies,
    load_global,
    project_settings_of,
    settings_version,
)
from projsync.sync.tables import cursors, entity_status, links, log, merge_bases, runs

__all__ = ["TWO_WAY", "RunReport", "SyncEngine"]

TWO_WAY = frozenset({EntityKind.PROJECT, EntityKind.TASK, EntityKind.ASSIGNMENT})
"""Kinds whose plan-side changes come back to the ledger: project names and
dates; task names, dates, new tasks and deletions; assignments as hour
forecasts. Resources and actuals go from the ledger to the plan only."""

_Planned = tuple[SyncRecord, Operation, "Mapping[str, object] | None"]

_T = TypeVar("_T")

RECORDS_PER_BATCH = 2000
"""Records merged, applied and recorded together (tasks a whole project at a
time): memory stays flat however large the portfolio."""

OPERATIONS_PER_APPLY = RECORDS_PER_BATCH
"""Operations applied in one call to the plan side and recorded in one
transaction: a batch at a time, so the plan side sees a project's actuals
together."""

_SETTINGS_SEEN = "settings"
"""The cursor that remembers which version of the settings the last run saw."""


@dataclass(slots=True, kw_only=True)
class RunReport:
    run: int | None
    created: int = 0
    updated: int = 0
    deleted: int = 0
    failed: int = 0
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
            "conflicts": self.conflicts,
        }
        if self.dry_run:
            found["dry_run"] = True
            found["operations"] = self.planned
        return found


@dataclass(slots=True)
class _Scope:
    """Which ledger projects are integrated, and where each lands on the plan side."""

    root_of: dict[str, str]
    """Integrated ledger project → its plan project id."""
    parents: dict[str, str | None]
    newcomers: set[str]
    """Integrated projects not yet linked: their whole content goes across."""
    companies: set[str]
    """Integrated companies: their integrated workers become resources."""
    workers: set[str]
    """Integrated workers of integrated companies: the plan's resources."""
    chosen: dict[str, ProjectSettings]
    """Each project's own integration settings (field owners among them)."""


class SyncEngine:
    def __init__(
        self, sync: Store, ledger: Connector, plan: Connector, *, user: str = "sync"
    ) -> None:
        self.store = sync
        self.ledger = ledger
        self.plan = plan
        self.user = user
        self._open_keys: set[str] = set()
        self._echoes: list[Operation] = []
        self._settings_changed = True
        """Plan-chosen defaults to write back to the ledger once recorded."""

    def run(self, *, dry_run: bool = False) -> RunReport:
        until = self.ledger.high_water()
        plan_until = self.plan.high_water()
        seen_settings = settings_version(self.store)
        if self._nothing_to_do(until, plan_until, seen_settings):
            return RunReport(run=None, dry_run=dry_run)
        settings = load_global(self.store)
        self._settings_changed = self._cursor(_SETTINGS_SEEN, "sync") != seen_settings
        scope = self.scope(until)
        self._open_keys = self._keys_with_open_entries()
        report = RunReport(run=None if dry_run else self._open_run(), dry_run=dry_run)
        compound: dict[str, set[str]] = {"project": set(), "resource": set()}
        try:
            for kind in self.ledger.kinds():
                self._sync_kind(kind, until, plan_until, scope, settings, report, compound)
                if dry_run:
                    continue
                with self.store.write() as conn:
                    self._set_cursor(conn, kind, until)
                    if kind in TWO_WAY:
                        self._set_cursor(conn, kind, plan_until, self.plan.side)
        except BaseException as exc:
            if report.run is not None:
                self._abort_run(report, compound, exc)
            raise
        if not dry_run:
            with self.store.write() as conn:
                self._set_cursor(conn, _SETTINGS_SEEN, seen_settings, "sync")
        if report.run is not None:
            self._settle_status(compound)
            notify_failures(self.store, settings, run=report.run, user=self.user)
            self._close_run(report)
        return report

    def _sync_kind(
        self,
        kind: EntityKind,
        until: int,
        plan_until: int,
        scope: _Scope,
        settings: GlobalSettings,
        report: RunReport,
        compound: dict[str, set[str]],
    ) -> None:
        """Merge the kind's changes on both sides, batch by batch of ledger
        records, then the entities changed only on the plan side."""
        theirs: dict[str, SyncRecord] = {}
        created: list[SyncRecord] = []
        if kind in TWO_WAY:
            theirs, created = self._plan_changes(
                kind, self._cursor(kind, self.plan.side), plan_until
            )
        ours: set[str] = set()
        for records in self._record_batches(kind, self._cursor(kind), until, scope):
            if created:
                ours |= {key for r in records if (key := _plan_key(kind, r, scope)) is not None}
            seen = {r.key: theirs.pop(r.key) for r in records if r.key in theirs}
            self._sync_batch(kind, records, seen, [], scope, settings, report, compound)
        # Not new on the plan side: entities at the very key the sync gives a
        # ledger entity of this run; it created them in a run that ended
        # before it could record them.
        fresh = [r for r in created if r.key not in ours]
        for keys in _whole_projects(
            list(theirs), _project_of_key, single=kind is EntityKind.PROJECT
        ):
            only_plan = self._unchanged(kind, keys)
            changed = {key: theirs.pop(key) for key in keys}
            self._sync_batch(kind, only_plan, changed, [], scope, settings, report, compound)
        if fresh:
            self._sync_batch(kind, [], {}, fresh, scope, settings, report, compound)

    def _sync_batch(
        self,
        kind: EntityKind,
        records: list[SyncRecord],
        theirs: Mapping[str, SyncRecord],
        created: list[SyncRecord],
        scope: _Scope,
        settings: GlobalSettings,
        report: RunReport,
        compound: dict[str, set[str]],
    ) -> None:
        """Merge a batch of records with their plan-side changes, apply the
        outcome on both sides and record it."""
        if kind is EntityKind.ACTUAL:  # one way, by the million: rows, not operations
            actuals = self._actual_changes(records, scope, report)
            if not report.dry_run:
                self._mark_in_progress(kind, [a.key for a in actuals], compound)
                self._apply_actuals(actuals, report)
            return
        operations, back = self._operations(kind, records, theirs, scope, settings, report)
        back += self._new_from_plan(kind, created, scope, report)
        if report.dry_run:
            return
        self._mark_in_progress(kind, [r.key for r, _, _ in operations + back], compound)
        self._apply(kind, operations, report)
        self._apply_to_ledger(kind, back, report, settings)

    def _nothing_to_do(self, until: int, plan_until: int, seen_settings: int) -> bool:
        """True when neither side changed since the last run, no setting changed
        and nothing waits for a retry: a few indexed reads, however large the
        portfolio."""
        if any(self._cursor(kind) != until for kind in self.ledger.kinds()):
            return False
        if any(self._cursor(kind, self.plan.side) != plan_until for kind in TWO_WAY):
            return False
        if self._cursor(_SETTINGS_SEEN, "sync") != seen_settings:
            return False
        now = dt.datetime.now(dt.UTC)
        with self.store.read() as conn:
            due = conn.execute(
                select(log.c.id)
                .where(
                    (log.c.status == LogStatus.WAITING.value)
                    | ((log.c.status == LogStatus.FAILED.value) & (log.c.next_attempt_at <= now))
                )
                .limit(1)
            ).first()
        return due is None

    def _keys_with_open_entries(self) -> set[str]:
        """Entities with a failed or waiting entry: a new outcome updates that entry."""
        with self.store.read() as conn:
            rows = conn.execute(
                select(log.c.entity_key).where(
                    log.c.status.in_([LogStatus.FAILED.value, LogStatus.WAITING.value])
                )
            )
            return set(rows.scalars())

    def _mark_in_progress(
        self, kind: EntityKind, keys: list[str], compound: dict[str, set[str]]
    ) -> None:
        """The projects and resources this kind's operations (by their ledger
        keys) touch are in progress."""
        if kind is EntityKind.RESOURCE:
            fresh = set(keys) - compound["resource"]
            compound["resource"] |= fresh
            set_entity_status(self.store, "resource", sorted(fresh), "in progress")
            return
        heads = {key.split("/", 1)[0] for key in keys}
        fresh = heads - compound["project"]
        compound["project"] |= fresh
        set_entity_status(self.store, "project", sorted(fresh), "in progress")

    def _settle_status(self, compound: Mapping[str, set[str]]) -> None:
        """Each compound entity this run touched (or that has an open failure)
        ends idle, or failed while anything of it has an open failure."""
        with self.store.read() as conn:
            failing = set(
                conn.execute(
                    select(log.c.entity_key).where(log.c.status == LogStatus.FAILED.value)
                ).scalars()
            )
        heads = {key.split("/", 1)[0] for key in failing}
        with self.store.read() as conn:
            marked = {
                (r.kind, r.key)
                for r in conn.execute(
                    select(entity_status.c.kind, entity_status.c.key).where(
                        entity_status.c.status != "idle"
                    )
                )
            }
        for kind_name, keys in compound.items():
            involved = set(keys) | {key for kind, key in marked if kind == kind_name}
            bad = sorted(k for k in involved if k in heads)
            set_entity_status(self.store, kind_name, bad, "failed")
            set_entity_status(self.store, kind_name, sorted(involved - set(bad)), "idle")

    # -- what is integrated --------------------------------------------------------

    def scope(self, until: int | None = None) -> _Scope:
        """Which ledger projects are integrated as of the ledger's version
        ``until`` (now when not given), and where they land."""
        refresh_headers(
            self.store, self.ledger, self.ledger.high_water() if until is None else until
        )
        companies = integrated_companies(self.store)
        chosen = project_settings_of(self.store)
        projects = headers(self.store, EntityKind.PROJECT)
        parents = {key: header.parent for key, header in projects.items()}

        def switched_on(key: str | None) -> ProjectSettings | None:
            while key is not None:
                found = chosen.get(key)
                if found is not None and found.integrate:
                    return found
                key = parents.get(key)
            return None

        # With "do not integrate header projects", a project with subprojects at
        # the top is left out, and each of its subprojects is a plan project.
        tops: set[str] = set()
        if load_global(self.store).no_header_projects:
            tops = {p for p in parents.values() if p is not None and parents.get(p) is None}
        root_of: dict[str, str] = {}
        for key, header in projects.items():
            if key in tops or header.company not in companies or switched_on(key) is None:
                continue
            root = key
            while (
                parents.get(root) is not None
                and parents[root] not in tops
                and switched_on(parents[root]) is not None
            ):
                root = parents[root] or root
            own = chosen.get(root)
            root_of[key] = (own.plan_project if own and own.plan_project else None) or root
        with self.store.read() as conn:
            linked = set(
                conn.execute(select(links.c.ledger_key).where(links.c.kind == "project")).scalars()
            )
        workers = {
            key
            for key, header in headers(self.store, EntityKind.RESOURCE).items()
            if header.company in companies
        }
        return _Scope(
            root_of=root_of,
            parents=parents,
            newcomers=set(root_of) - linked,
            companies=companies,
            workers=workers,
            chosen=chosen,
        )

    def folded_actuals(self, actuals: Iterable[SyncRecord], scope: _Scope) -> Iterator[SyncRecord]:
        """Actuals as the plan keeps them: per task, resource and day, where the
        hours of workers who are not resources (and expenses and fees) count
        on the task without a resource. ``actuals`` come ordered by project,
        activity and day, with every worker of each day they name."""
        for (project, activity, day), group in itertools.groupby(actuals, key=_actual_day):
            records = list(group)
            if len(records) == 1 and _folded_already(records[0], scope.workers):
                yield records[0]  # one worker that day, a resource or none: as it is
                continue
            folded: dict[str | None, dict[str, Decimal]] = {}
            version = 0
            for record in records:
                fields = record.fields or {}
                worker = fields.get("worker")
                resource = str(worker) if worker in scope.workers else None
                sums = folded.setdefault(
                    resource,
                    {"hours": Decimal("0"), "cost": Decimal("0"), "revenue": Decimal("0")},
                )
                for name in sums:
                    sums[name] += _decimal(fields[name])
                version = max(version, record.version)
            for resource, sums in sorted(folded.items(), key=lambda item: item[0] or ""):
                yield SyncRecord(
                    kind=EntityKind.ACTUAL,
                    key=f"{project}/{activity}/{resource or ''}/{day.isoformat()}",
                    version=version,
                    parent=f"{project}/{activity}",
                    fields={
                        "project": project,
                        "activity": activity,
                        "worker": resource,
                        "day": day,
                        **sums,
                    },
                )

    def _record_batches(
        self, kind: EntityKind, since: int, until: int, scope: _Scope
    ) -> Iterator[list[SyncRecord]]:
        """The kind's records to merge, in batches: projects and resources in one
        (parents go before children), tasks and assignments a whole project at
        a time, actuals streamed (they come in millions)."""
        if kind in (EntityKind.PROJECT, EntityKind.RESOURCE):
            yield self._records(kind, since, until, scope)
            return
        if kind is EntityKind.ACTUAL:
            wanted = (
                r
                for r in self._actual_records(since, until, scope)
                if _project_of(kind, r) in scope.root_of
            )
            yield from _streamed_projects(wanted, lambda r: _project_of(kind, r) or "")
            return
        records = self._records(kind, since, until, scope)
        yield from _whole_projects(records, lambda r: _project_of(kind, r) or "")

    def _actual_records(self, since: int, until: int, scope: _Scope) -> Iterator[SyncRecord]:
        """Folded actuals of the days changed since the cursor, and of projects
        integrated since the last run and days due for a retry. A first run
        reads every day as changed, so it needs no second reading of them."""
        due = self._due(EntityKind.ACTUAL)
        due_days = {_day_of_actual_key(key) for key in due}
        extra: list[SyncRecord] = []
        if due_days or (scope.newcomers and since >= 0):
            wanted = (
                r
                for r in self.ledger.snapshot(EntityKind.ACTUAL)
                if _project_of(EntityKind.ACTUAL, r) in scope.newcomers
                or _actual_day(r) in due_days
            )
            extra = list(self.folded_actuals(wanted, scope))
        yield from extra
        seen = {r.key for r in extra}
        changed = self.ledger.changes(EntityKind.ACTUAL, since, until)
        for record in self.folded_actuals(changed, scope):
            if record.key not in seen:
                yield record

    def _records(self, kind: EntityKind, since: int, until: int, scope: _Scope) -> list[SyncRecord]:
        found: dict[str, SyncRecord] = {}
        for record in self.ledger.changes(kind, since, until):
            found[record.key] = record
        due = self._due(kind)
        # A first run (no cursor yet) has read every record as changed already.
        first_run = since < 0
        if due or (scope.newcomers and not first_run):
            for record in self.ledger.snapshot(kind):
                if _project_of(kind, record) in scope.newcomers or record.key in due:
                    found.setdefault(record.key, record)
                elif kind is EntityKind.ASSIGNMENT and record.fields is not None:
                    fields = record.fields
                    if f"{fields['project']}/{fields['activity']}/{fields['worker']}" in due:
                        found.setdefault(record.key, record)
        if kind is EntityKind.ASSIGNMENT:
            return self._assignment_totals(found.values(), scope)
        if kind is EntityKind.RESOURCE:
            if self._settings_changed and not first_run:  # companies integrated since last time
                with self.store.read() as conn:
                    linked = links_of(conn, kind.value)
                for record in self.ledger.snapshot(kind):
                    if record.key not in linked:
                        found.setdefault(record.key, record)
            return [
                r
                for r in found.values()
                if r.deleted or (r.fields or {}).get("company") in scope.companies
            ]
        return [r for r in found.values() if _project_of(kind, r) in scope.root_of or r.deleted]

    def _assignment_totals(self, changed: Iterable[SyncRecord], scope: _Scope) -> list[SyncRecord]:
        """Hour forecasts summed per project, activity and worker: one plan
        assignment each, for integrated workers only. A changed forecast
        recounts its whole pair."""
        pairs = {
            (r.fields["project"], r.fields["activity"], r.fields["worker"])
            for r in changed
            if r.fields is not None and r.fields["worker"] in scope.workers
        }
        if not pairs:
            return []
        totals: dict[tuple[object, ...], Decimal] = {}
        version = 0
        for record in self.ledger.snapshot(EntityKind.ASSIGNMENT):
            fields = record.fields or {}
            pair = (fields["project"], fields["activity"], fields["worker"])
            if pair in pairs:
                totals[pair] = totals.get(pair, Decimal("0")) + Decimal(str(fields["hours"]))
                version = max(version, record.version)
        return [
            SyncRecord(
                kind=EntityKind.ASSIGNMENT,
                key=f"{project}/{activity}/{worker}",
                version=version,
                parent=f"{project}/{activity}",
                fields={"project": project, "activity": activity, "worker": worker, "hours": hours},
            )
            for (project, activity, worker), hours in sorted(totals.items(), key=str)
        ]

    def _due(self, kind: EntityKind) -> set[str]:
        """Ledger keys to read again whatever the cursor says: entries someone asked
        to resynchronize (waiting), failed ones under the attempt limit whose
        back-off has passed, and failed ones past the limit once the resync
        delay has passed."""
        settings = load_global(self.store)
        now = dt.datetime.now(dt.UTC)
        entity_type = ENTITY_TYPES.get(kind.value, kind.value)
        with self.store.read() as conn:
            # by status alone, the one index that finds the few open entries
            # among a log of millions
            rows = conn.execute(
                select(
                    log.c.origin,
                    log.c.entity_type,
                    log.c.entity_key,
                    log.c.status,
                    log.c.attempts,
                    log.c.next_attempt_at,
                    log.c.updated_at,
                ).where(log.c.status.in_([LogStatus.WAITING.value, LogStatus.FAILED.value]))
            )
            due = set()
            for origin, of_type, key, status, attempts, next_at, updated in rows:
                if origin != "ledger" or of_type != entity_type:
                    continue
                if status == LogStatus.WAITING.value:
                    due.add(key)
                elif attempts < settings.max_attempts:
                    if next_at is None or _aware(next_at) <= now:
                        due.add(key)
                elif _aware(updated) + dt.timedelta(hours=settings.resync_hours) <= now:
                    due.add(key)
        return due

    # -- merge and map -------------------------------------------------------------

    def _operations(
        self,
        kind: EntityKind,
        records: list[SyncRecord],
        theirs: Mapping[str, SyncRecord],
        scope: _Scope,
        settings: GlobalSettings,
        report: RunReport,
    ) -> tuple[list[_Planned], list[_Planned]]:
        """Merge each entity; operations for the plan side, and back to the ledger."""
        to_plan: list[_Planned] = []
        to_ledger: list[_Planned] = []
        with self.store.read() as conn:
            bases = bases_of(conn, kind.value, [r.key for r in records])
            linked = plan_keys_of(conn, kind.value, [r.key for r in records])
            parents = _plan_parents(conn, theirs.values()) if kind is EntityKind.TASK else {}
        owners: dict[str | None, Ownership] = {}
        agreed: list[str] = []
        for record in _parents_first(records):
            link_kind = kind.value
            base = bases.get(record.key)
            neutral = None if record.fields is None else mapping.neutral_fields(kind, record.fields)
            plan_record = theirs.get(record.key)
            plan_state: Mapping[str, object] | None = base
            if plan_record is not None and not plan_record.deleted and base is not None:
                seen = mapping.ledger_fields_of_plan(
                    kind, plan_record.fields or {}, prefix=settings.custom_field_prefix
                )
                if kind is EntityKind.TASK:
                    seen.update(_plan_parent_as_ledger(record.key, plan_record, parents))
                plan_state = {**base, **{k: v for k, v in seen.items() if k in base}}
            if plan_record is not None and plan_record.deleted:
                self._plan_deleted(kind, record, base, settings, to_ledger, report)
                continue
            outcome = merge(
                base=base,
                ledger=neutral if record.version >= 0 else base,
                plan=plan_state,
                ownership=_owners_of(owners, scope.chosen, _project_of(kind, record)),
                ledger_deleted=record.deleted,
            )
            for conflict in outcome.conflicts:
                self._conflict(kind, record, conflict, report)
            if not outcome.conflicts:
                agreed.append(record.key)
            target = linked.get(record.key) or _plan_key(kind, record, scope)
            if target is None:
                continue
            if outcome.action_ledger == "update" and outcome.to_ledger:
                to_ledger.append(
                    (
                        record,
                        Operation(
                            kind=kind,
                            action=Action.UPDATE,
                            source_key=target,
                            target_key=record.key,
                            fields=dict(outcome.to_ledger),
                        ),
                        outcome.new_base,
                    )
                )
                if report.dry_run:
                    report.planned.append(
                        {
                            "kind": link_kind,
                            "key": record.key,
                            "ledger": record.key,
                            "action": "update",
                        }
                    )
                    _count(report, Action.UPDATE)
            if outcome.action_plan == "none":
                if outcome.action_ledger == "none" and outcome.new_base != base:
                    to_plan.append((record, _noop(kind, record.key, target), outcome.new_base))
                continue
            # a subproject is a summary task in its root's plan project
            header = kind is EntityKind.PROJECT and "/" in target
            fields = self._plan_fields(kind, record, dict(outcome.to_plan), settings, header=header)
            action = Action(outcome.action_plan)
            operation = Operation(
                kind=EntityKind.TASK if header else kind,
                action=action,
                source_key=record.key,
                target_key=target,
                fields=fields,
                parent=_plan_parent(kind, record, scope),
                header=header,
            )
            if report.dry_run:
                report.planned.append(
                    {"kind": link_kind, "key": record.key, "plan": target, "action": action.value}
                )
                _count(report, action)
            to_plan.append((record, operation, outcome.new_base))
        if kind in TWO_WAY and not report.dry_run:
            with self.store.write() as conn:
                close_conflicts(conn, kind.value, agreed)
        return to_plan, to_ledger

    def _actual_changes(
        self, records: list[SyncRecord], scope: _Scope, report: RunReport
    ) -> list[_Actual]:
        """Actuals flow one way, so their merge is the general merge's ledger-only
        case, done directly (they come in millions): new ones are created, those
        that differ from their merge base updated, deleted ones that reached the
        plan deleted there (their figures zero); the rest left alone."""
        kind = EntityKind.ACTUAL
        with self.store.read() as conn:
            bases = bases_of(conn, kind.value, [r.key for r in records])
            targets = self._actual_targets(conn, records, scope)
        found: list[_Actual] = []
        for record in records:
            base = bases.get(record.key)
            fields = record.fields
            target = targets.get(record.key)
            if target is None:
                continue
            if fields is None:  # deleted
                if base is None:
                    continue  # never reached the plan
                found.append(
                    _Actual(
                        record.key,
                        record.version,
                        ActualRow(target, Action.DELETE, 0, _ZERO, _ZERO),
                        None,
                    )
                )
            else:
                hours, cost, revenue = (
                    fields.get("hours"),
                    fields.get("cost"),
                    fields.get("revenue"),
                )
                new_base = {"hours": hours, "cost": cost, "revenue": revenue}
                if base == new_base:
                    continue
                row = ActualRow(
                    target,
                    Action.CREATE if base is None else Action.UPDATE,
                    round(_decimal(hours or 0) * 60),
                    _decimal(cost or 0),
                    _decimal(revenue or 0),
                )
                found.append(_Actual(record.key, record.version, row, new_base))
            if report.dry_run:
                action = found[-1].row.action
                report.planned.append(
                    {"kind": kind.value, "key": record.key, "plan": target, "action": action.value}
                )
                _count(report, action)
        return found

    @staticmethod
    def _actual_targets(
        conn: Connection, records: Iterable[SyncRecord], scope: _Scope
    ) -> dict[str, str]:
        """Where actuals go on the plan side: under their task, wherever its link
        puts it, by resource and day. (Actuals keep no links of their own: there
        are millions, and each would only repeat its task's.)"""
        places = {r.key: r.key.rsplit("/", 2) for r in records}
        tasks = plan_keys_of(conn, EntityKind.TASK.value, {task for task, _, _ in places.values()})
        found: dict[str, str] = {}
        for key, (task, resource, day) in places.items():
            project, number = task.split("/", 1)
            target = tasks.get(task) or _task_plan_key(project, number, scope)
            if target is not None:
                found[key] = f"{target}/{resource}/{day}"
        return found

    # -- the plan side's changes ---------------------------------------------------

    def _plan_changes(
        self, kind: EntityKind, since: int, until: int
    ) -> tuple[dict[str, SyncRecord], list[SyncRecord]]:
        """Plan-side changes after the cursor: those of linked entities by ledger
        key, and new entities (not the sync's own subproject nodes)."""
        changed = [_only_fields_read(r) for r in self.plan.changes(kind, since, until)]
        if kind is EntityKind.TASK and isinstance(self.plan, DeletionsByComparison):
            changed += self._vanished(self.plan, kind, {r.key for r in changed}, until)
        with self.store.read() as conn:
            back = ledger_keys_of(conn, kind.value, [r.key for r in changed])
            nodes = set(ledger_keys_of(conn, EntityKind.PROJECT.value, [r.key for r in changed]))
        linked: dict[str, SyncRecord] = {}
        created: list[SyncRecord] = []
        for record in changed:
            if record.key in back:
                linked[back[record.key]] = record
            elif not record.deleted and record.key not in nodes:
                created.append(record)
        return linked, created

    def _vanished(
        self, plan: DeletionsByComparison, kind: EntityKind, read: set[str], until: int
    ) -> list[SyncRecord]:
        """Tombstones of linked entities the plan side no longer holds."""
        with self.store.read() as conn:
            linked = [key for key in links_of(conn, kind.value).values() if key not in read]
        return [
            SyncRecord(kind=kind, key=key, version=until) for key in plan.vanished(kind, linked)
        ]

    def _unchanged(self, kind: EntityKind, ledger_keys: list[str]) -> list[SyncRecord]:
        """Entities changed only on the plan side: on the ledger side each is as
        its merge base says (version -1 marks it so)."""
        with self.store.read() as conn:
            bases = bases_of(conn, kind.value, ledger_keys)
        return [_as_base_says(kind, key, bases.get(key)) for key in ledger_keys]

    def _new_from_plan(
        self, kind: EntityKind, created: list[SyncRecord], scope: _Scope, report: RunReport
    ) -> list[_Planned]:
        """Tasks created on the plan side become activities: in the ledger project
        of their plan project (or of the subproject node they sit under), numbered
        by the task's id."""
        if kind is EntityKind.ASSIGNMENT and created:
            return self._new_assignments_from_plan(created, report)
        if kind is not EntityKind.TASK or not created:
            return []
        wanted = set()
        for record in created:
            fields = record.fields or {}
            wanted.add(str(fields.get("project")))
            if fields.get("parent"):
                wanted.add(f"{fields.get('project')}/{fields.get('parent')}")
        with self.store.read() as conn:
            projects = ledger_keys_of(conn, EntityKind.PROJECT.value, wanted)
            tasks = ledger_keys_of(conn, EntityKind.TASK.value, wanted)
        found: list[_Planned] = []
        for record in created:
            fields = record.fields or {}
            plan_project = str(fields.get("project"))
            parent_task = fields.get("parent")
            parent_key = f"{plan_project}/{parent_task}" if parent_task else None
            ledger_project = projects.get(parent_key or "") or projects.get(plan_project)
            parent_number = None
            if parent_key in tasks:
                ledger_project, _, parent_number = tasks[parent_key].partition("/")
            if ledger_project is None:
                continue
            number = str(fields.get("id"))
            key = f"{ledger_project}/{number}"
            values: dict[str, object] = {
                "name": fields.get("name"),
                "parent": parent_number,
                "start": _as_day(fields.get("start")),
                "end": _as_day(fields.get("finish")),
            }
            operation = Operation(
                kind=kind,
                action=Action.CREATE,
                source_key=record.key,
                target_key=key,
                fields=values,
            )
            ledger_record = SyncRecord(
                kind=kind,
                key=key,
                version=record.version,
                fields={**values, "project": ledger_project},
            )
            # the activity as the ledger will hold it: no category, no planned
            # hours, no forecasts
            nothing = {
                "category": None,
                "planned_hours": Decimal("0.00"),
                "budget_cost": Decimal("0.00"),
            }
            base = mapping.neutral_fields(kind, {**values, **nothing})
            if report.dry_run:
                report.planned.append(
                    {"kind": "task", "plan": record.key, "ledger": key, "action": "create"}
                )
                _count(report, Action.CREATE)
            found.append((ledger_record, operation, base))
        return found

    def _new_assignments_from_plan(
        self, created: list[SyncRecord], report: RunReport
    ) -> list[_Planned]:
        """A resource put on a task in the plan becomes hour forecasts of its
        worker on the activity, when the task and the resource are linked."""
        fields_of = [r.fields or {} for r in created]
        with self.store.read() as conn:
            tasks = ledger_keys_of(
                conn, "task", {f"{f.get('project')}/{f.get('task')}" for f in fields_of}
            )
            workers = ledger_keys_of(conn, "resource", {str(f.get("resource")) for f in fields_of})
        found: list[_Planned] = []
        for record in created:
            fields = record.fields or {}
            task = tasks.get(f"{fields.get('project')}/{fields.get('task')}")
            worker = workers.get(str(fields.get("resource")))
            if task is None or worker is None:
                continue
            key = f"{task}/{worker}"
            hours = mapping.ledger_fields_of_plan(EntityKind.ASSIGNMENT, fields, prefix="")["hours"]
            project, activity = task.split("/", 1)
            operation = Operation(
                kind=EntityKind.ASSIGNMENT,
                action=Action.CREATE,
                source_key=record.key,
                target_key=key,
                fields={"hours": hours},
            )
            ledger_record = SyncRecord(
                kind=EntityKind.ASSIGNMENT,
                key=key,
                version=record.version,
                parent=task,
                fields={"project": project, "activity": activity, "worker": worker, "hours": hours},
            )
            base = mapping.neutral_fields(EntityKind.ASSIGNMENT, ledger_record.fields or {})
            if report.dry_run:
                report.planned.append(
                    {"kind": "assignment", "plan": record.key, "ledger": key, "action": "create"}
                )
                _count(report, Action.CREATE)
            found.append((ledger_record, operation, base))
        return found

    def _plan_deleted(
        self,
        kind: EntityKind,
        record: SyncRecord,
        base: Mapping[str, object] | None,
        settings: GlobalSettings,
        to_ledger: list[_Planned],
        report: RunReport,
    ) -> None:
        """A linked task deleted on the plan side: by the delete rule, the ledger
        activity is deleted, or only unlinked (the default: postings may hang on it)."""
        action = Action.DELETE if settings.delete_rule == "delete" else Action.UNLINK
        operation = Operation(
            kind=kind, action=action, source_key=record.key, target_key=record.key
        )
        if report.dry_run:
            report.planned.append(
                {"kind": kind.value, "ledger": record.key, "action": action.value}
            )
            _count(report, action)
        to_ledger.append((record, operation, None))

    def _conflict(
        self, kind: EntityKind, record: SyncRecord, conflict: FieldConflict, report: RunReport
    ) -> None:
        report.conflicts += 1
        if report.dry_run or report.run is None:
            return
        payload = {
            "field": conflict.field,
            "base": conflict.base,
            "ledger": conflict.ledger,
            "plan": conflict.plan,
        }
        error = (
            f"{conflict.field} changed on both sides: "
            f"ledger {conflict.ledger!r}, plan {conflict.plan!r}"
        )
        with self.store.write() as conn:
            held = open_conflict(conn, kind.value, record.key, conflict.field)
            if held is not None:
                renew_conflict(
                    conn, held, run=report.run, payload=payload_text(payload), error=error
                )
                return
            add_entry(
                conn,
                run=report.run,
                origin="both",
                destination="person",
                entity_type=kind.value,
                entity_key=record.key,
                action="update",
                entity_version=record.version,
                status=LogStatus.CONFLICT,
                user=self.user,
                payload=payload,
                error=error,
            )

    def _plan_fields(
        self,
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
            # its place is the operation's parent, its dates its tasks'
            fields.pop("start", None)
            fields.pop("parent", None)
            fields.setdefault("name", (record.fields or {}).get("name"))
        return fields

    def plan_keys(
        self, kind: EntityKind, records: Iterable[SyncRecord], scope: _Scope
    ) -> dict[str, str]:
        """Plan keys of ledger records: their links, else the keys the sync gives them
        (records outside the integration have none)."""
        listed = list(records)
        if kind is EntityKind.ACTUAL:
            with self.store.read() as conn:
                return self._actual_targets(conn, listed, scope)
        with self.store.read() as conn:
            linked = plan_keys_of(conn, kind.value, [r.key for r in listed])
        found = {}
        for record in listed:
            key = linked.get(record.key) or _plan_key(kind, record, scope)
            if key is not None:
                found[record.key] = key
        return found

    # -- apply and record ----------------------------------------------------------

    def _apply(
        self,
        kind: EntityKind,
        operations: list[tuple[SyncRecord, Operation, Mapping[str, object] | None]],
        report: RunReport,
    ) -> None:
        for start in range(0, len(operations), OPERATIONS_PER_APPLY):
            batch = operations[start : start + OPERATIONS_PER_APPLY]
            real = [
                operation for _, operation, _ in batch if operation.action is not Action.REFRESH
            ]
            results = iter(self.plan.apply(real))
            done = []
            with self.store.write() as conn:
                for record, operation, new_base in batch:
                    if operation.action is Action.REFRESH:  # only the merge base moves
                        _store_base(conn, kind, record.key, new_base)
                    else:
                        done.append((record, operation, new_base, next(results)))
                self._record_all(conn, kind, done, report)
            if self._echoes:
                self.ledger.apply(self._echoes)
                self._echoes = []

    def _apply_actuals(self, actuals: list[_Actual], report: RunReport) -> None:
        """Apply actuals on the plan side a batch at a time, as rows where the
        side takes them so, and record each batch's outcomes."""
        bulk = self.plan if isinstance(self.plan, BulkActuals) else None
        for start in range(0, len(actuals), OPERATIONS_PER_APPLY):
            batch = actuals[start : start + OPERATIONS_PER_APPLY]
            if bulk is not None:
                errors = bulk.apply_actuals([a.row for a in batch])
            else:
                operations = [actual_operation(a.row, a.key) for a in batch]
                errors = [done.error for done in self.plan.apply(operations)]
            with self.store.write() as conn:
                self._record_actuals(conn, batch, errors, report)

    def _record_actuals(
        self,
        conn: Connection,
        batch: list[_Actual],
        errors: list[str | None],
        report: RunReport,
    ) -> None:
        """Write a batch of actuals' log entries and merge bases, in bulk, in the
        transaction ``conn`` is in (actuals keep no links of their own)."""
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
        for (key, version, row, new_base), error in zip(batch, errors, strict=True):
            if armed:
                _failpoint("record")
            retried = key in self._open_keys and reopen(
                conn, run=report.run, entity_type=kind_name, entity_key=key, error=error
            )
            if not retried:
                entries_rows.append(
                    _log_row(
                        entity_type, key, row.action, version, _actual_payload(row), error, retry_at
                    )
                )
            if error is not None:
                report.failed += 1
                continue
            done[row.action] += 1
            if row.action is not Action.CREATE:  # created only where it had no base
                gone.append(key)
            if new_base is not None:
                text = sums_base_json(new_base) or base_text(new_base)
                base_rows.append({"ledger_key": key, "fields": text})
        for action, count in done.items():
            _count(report, action, count)
        self._write_outcomes(
            conn, EntityKind.ACTUAL, now, report, entries_rows, gone, [], base_rows
        )

    def _apply_to_ledger(
        self,
        kind: EntityKind,
        operations: list[_Planned],
        report: RunReport,
        settings: GlobalSettings,
    ) -> None:
        """Apply plan-side changes to the ledger and record them; an unlink only
        forgets the link."""
        del settings
        for record, operation, new_base in operations:
            if operation.action is Action.UNLINK:
                applied = Applied(operation=operation, target_key=None)
            else:
                (applied,) = self.ledger.apply([operation])
            with self.store.write() as conn:
                self._record(
                    conn, kind, record, operation, new_base, applied, report, origin="plan",
                    plan_key=operation.source_key,
                )  # fmt: skip

    def _record(
        self,
        conn: Connection,
        kind: EntityKind,
        record: SyncRecord,
        operation: Operation,
        new_base: Mapping[str, object] | None,
        applied: Applied,
        report: RunReport,
        *,
        origin: str = "ledger",
        plan_key: str | None = None,
    ) -> None:
        self._record_all(
            conn, kind, [(record, operation, new_base, applied)], report, origin=origin,
            plan_keys=[plan_key],
        )  # fmt: skip

    def _record_all(
        self,
        conn: Connection,
        kind: EntityKind,
        outcomes: list[tuple[SyncRecord, Operation, Mapping[str, object] | None, Applied]],
        report: RunReport,
        *,
        origin: str = "ledger",
        plan_keys: list[str | None] | None = None,
    ) -> None:
        """Write a batch's log entries, links and merge bases, in bulk, in the
        transaction ``conn`` is in."""
        assert report.run is not None
        now = dt.datetime.now(dt.UTC)
        entries_rows: list[dict[str, object]] = []
        gone: list[str] = []
        link_rows: list[dict[str, object]] = []
        base_rows: list[dict[str, object]] = []
        armed = "PROJSYNC_FAILPOINT" in os.environ
        # looked up once: a batch has thousands of rows
        kind_name = kind.value
        done: collections.Counter[Action] = collections.Counter()
        retry_at = now + dt.timedelta(minutes=1)
        open_keys = self._open_keys if origin == "ledger" else set()
        for index, (record, operation, agreed, applied) in enumerate(outcomes):
            if armed:
                _failpoint("record")
            new_base = agreed
            ok = applied.error is None
            entity_type = "subproject" if operation.kind is not kind else kind_name
            retried = record.key in open_keys and reopen(
                conn,
                run=report.run,
                entity_type=entity_type,
                entity_key=record.key,
                error=applied.error,
            )
            if not retried:
                entries_rows.append(
                    _log_row(
                        ENTITY_TYPES.get(entity_type, entity_type),
                        record.key,
                        operation.action,
                        record.version,
                        payload_text(operation.fields),
                        applied.error,
                        retry_at,
                    )
                )
            if not ok:
                report.failed += 1
                continue
            done[operation.action] += 1
            gone.append(record.key)
            plan_key = plan_keys[index] if plan_keys else None
            linked_to = applied.target_key if origin == "ledger" else plan_key
            if new_base is not None and applied.defaults and origin == "ledger":
                # what the plan chose for itself becomes the agreed version, on
                # the ledger side too (after this batch is recorded)
                chosen = mapping.neutral_defaults(applied.defaults)
                new_base = {**new_base, **chosen}
                self._echoes.append(
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
                base_rows.append({"ledger_key": record.key, "fields": base_text(new_base)})
        for action, count in done.items():
            _count(report, action, count)
        self._write_outcomes(
            conn, kind, now, report, entries_rows, gone, link_rows, base_rows, origin=origin
        )

    def _write_outcomes(
        self,
        conn: Connection,
        kind: EntityKind,
        now: dt.datetime,
        report: RunReport,
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
            "run_id": report.run,
            "origin": origin,
            "destination": "plan" if origin == "ledger" else "ledger",
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
            "notified_at": None,
            "user": self.user,
        }
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
        insert_many(conn, merge_bases, base_rows, same={"kind": kind.value, "synced_at": now})

    # -- cursors and runs ----------------------------------------------------------

    def _cursor(self, kind: EntityKind | str, side: str | None = None) -> int:
        name = kind.value if isinstance(kind, EntityKind) else kind
        with self.store.read() as conn:
            value = conn.execute(
                select(cursors.c.value).where(
                    cursors.c.side == (side or self.ledger.side), cursors.c.kind == name
                )
            ).scalar()
        return int(value if value is not None else -1)

    def _set_cursor(
        self, conn: Connection, kind: EntityKind | str, value: int, side: str | None = None
    ) -> None:
        which = side or self.ledger.side
        name = kind.value if isinstance(kind, EntityKind) else kind
        conn.execute(cursors.delete().where(cursors.c.side == which, cursors.c.kind == name))
        conn.execute(insert(cursors).values(side=which, kind=name, value=value))

    def _open_run(self) -> int:
        with self.store.write() as conn:
            return int(
                conn.execute(
                    insert(runs)
                    .values(
                        started_at=dt.datetime.now(dt.UTC),
                        status="running",
                        dry_run=False,
                        counts="{}",
                    )
                    .returning(runs.c.id)
                ).scalar_one()
            )

    def _abort_run(
        self, report: RunReport, compound: Mapping[str, set[str]], exc: BaseException
    ) -> None:
        """A run that stopped half-way (a side went away while being read, say):
        the run and the projects and resources it was at read as failed, not as
        running forever. What it recorded stays; its cursors did not move past
        the step it stopped in, so the next run takes that step again."""
        # the store may be what failed: then the first error is the one to tell
        with contextlib.suppress(Exception):
            for kind_name, keys in compound.items():
                if keys:
                    set_entity_status(self.store, kind_name, sorted(keys), "failed")
            self._end_run(report, "failed", {**report.summary(), "error": str(exc)})

    def _close_run(self, report: RunReport) -> None:
        self._end_run(report, "failed" if report.failed else "completed", report.summary())

    def _end_run(self, report: RunReport, status: str, counts: Mapping[str, object]) -> None:
        with self.store.write() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == report.run)
                .values(
                    finished_at=dt.datetime.now(dt.UTC), status=status, counts=json.dumps(counts)
                )
            )


_FAILPOINT_HITS: dict[str, int] = {}


def _failpoint(name: str) -> None:
    """For crash tests: ``PROJSYNC_FAILPOINT=record:N`` ends the process at once
    (no clean-up, as a kill would) when the Nth outcome is about to be recorded,
    its operation applied but nothing of it written to the sync's store."""
    wanted = os.environ.get("PROJSYNC_FAILPOINT")
    if not wanted or not wanted.startswith(f"{name}:"):
        return
    _FAILPOINT_HITS[name] = _FAILPOINT_HITS.get(name, 0) + 1
    if _FAILPOINT_HITS[name] == int(wanted.split(":", 1)[1]):
        os._exit(137)


class _Actual(NamedTuple):
    """An actual to set on the plan side, with what recording it takes."""

    key: str
    """The ledger's key."""
    version: int
    row: ActualRow
    base: dict[str, object] | None
    """The merge base it leaves (None when deleted)."""


_ZERO = Decimal("0")


_COMPLETED, _FAILED = LogStatus.COMPLETED.value, LogStatus.FAILED.value


def _log_row(
    entity_type: str,
    key: str,
    action: Action,
    version: int,
    payload: str,
    error: str | None,
    retry_at: dt.datetime,
) -> dict[str, object]:
    """A log entry's own values; what all of a batch's entries say alike is
    written apart (``SyncEngine._write_outcomes``). A failed one is retried
    at ``retry_at``."""
    return {
        "entity_type": entity_type,
        "entity_key": key,
        "action": action.value,
        "entity_version": version,
        "status": _COMPLETED if error is None else _FAILED,
        "next_attempt_at": None if error is None else retry_at,
        "payload": payload,
        "error": error,
    }


def _actual_payload(row: ActualRow) -> str:
    """The log's payload of an actual: its operation's fields."""
    fields = actual_fields(row)
    return actual_payload_json(fields) or payload_text(fields)


def _noop(kind: EntityKind, source: str, target: str) -> Operation:
    """Nothing to write on either side; only the merge base moves."""
    return Operation(kind=kind, action=Action.REFRESH, source_key=source, target_key=target)


def _store_base(
    conn: Connection, kind: EntityKind, key: str, fields: Mapping[str, object] | None
) -> None:
    conn.execute(
        merge_bases.delete().where(
            merge_bases.c.kind == kind.value, merge_bases.c.ledger_key == key
        )
    )
    if fields is not None:
        conn.execute(
            insert(merge_bases).values(
                kind=kind.value,
                ledger_key=key,
                fields=base_text(fields),
                synced_at=dt.datetime.now(dt.UTC),
            )
        )


def _plan_parents(conn: Connection, plan_tasks: Iterable[SyncRecord]) -> dict[str, tuple[str, str]]:
    """The links of the plan tasks' parents: plan key → (kind, ledger key), a
    parent being a task or the summary node of a subproject."""
    keys = {
        f"{fields.get('project')}/{fields.get('parent')}"
        for record in plan_tasks
        if (fields := record.fields) is not None and fields.get("parent") is not None
    }
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
    the ledger cannot follow (a task of another ledger project) says nothing."""
    fields = plan_record.fields or {}
    parent = fields.get("parent")
    if parent is None:
        return {"parent": None}
    found = parents.get(f"{fields.get('project')}/{parent}")
    project = ledger_key.split("/", 1)[0]
    if found is None:
        return {}
    kind, parent_key = found
    if kind == EntityKind.PROJECT.value:  # the summary node of a subproject
        return {"parent": None} if parent_key == project else {}
    parent_project, _, number = parent_key.partition("/")
    return {"parent": number} if parent_project == project else {}


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _whole_projects(
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


def _streamed_projects(items: Iterable[_T], project_of: Callable[[_T], str]) -> Iterator[list[_T]]:
    """Batches of at most ``RECORDS_PER_BATCH`` items from a stream ordered by
    project, cut between projects where a project fits in a batch (so the plan
    side sees each one whole) and within one that does not."""
    batch: list[_T] = []
    for _, mine in itertools.groupby(items, key=project_of):
        while piece := list(itertools.islice(mine, RECORDS_PER_BATCH)):
            if batch and len(batch) + len(piece) > RECORDS_PER_BATCH:
                yield batch
                batch = []
            batch.extend(piece)
    if batch:
        yield batch


def _project_of_key(ledger_key: str) -> str:
    return ledger_key.split("/", 1)[0]


def _only_fields_read(record: SyncRecord) -> SyncRecord:
    if record.fields is None:
        return record
    kept = {k: v for k, v in record.fields.items() if k in mapping.PLAN_FIELDS_READ}
    return dataclasses.replace(record, fields=kept)


def _as_base_says(
    kind: EntityKind, ledger_key: str, base: Mapping[str, object] | None
) -> SyncRecord:
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


def _folded_already(record: SyncRecord, resources: set[str]) -> bool:
    """True when a ledger actual is the plan's as it is: its worker a resource
    (or none), its key and figures as folding would give them."""
    fields = record.fields or {}
    worker = fields.get("worker")
    if worker is not None and worker not in resources:
        return False
    day = fields["day"]
    assert isinstance(day, dt.date)
    parent = f"{fields['project']}/{fields['activity']}"
    return (
        len(fields) == 7
        and type(fields["hours"]) is Decimal
        and type(fields["cost"]) is Decimal
        and type(fields["revenue"]) is Decimal
        and record.parent == parent
        and record.key == f"{parent}/{worker or ''}/{day.isoformat()}"
    )


def _actual_day(record: SyncRecord) -> tuple[str, str, dt.date]:
    fields = record.fields or {}
    day = fields["day"]
    assert isinstance(day, dt.date)
    return str(fields["project"]), str(fields["activity"]), day


def _day_of_actual_key(key: str) -> tuple[str, str, dt.date]:
    """The project, activity and day of a folded actual's key
    ``project/activity/resource/day``."""
    head, _resource, day = key.rsplit("/", 2)
    project, activity = head.split("/", 1)
    return project, activity, dt.date.fromisoformat(day)


def _owners_of(
    known: dict[str | None, Ownership], chosen: Mapping[str, ProjectSettings], project: str | None
) -> Ownership:
    """A project's field owners, worked out once per batch."""
    if project not in known:
        known[project] = _ownership(chosen, project)
    return known[project]


def _ownership(chosen: Mapping[str, ProjectSettings], project: str | None) -> Ownership:
    """Field owners of a project's settings (the defaults when it has none)."""
    settings = chosen.get(project) if project is not None else None
    owners = settings.owners if settings is not None else DEFAULT_OWNERS
    fields = {name: Side(side) for name, side in owners.items() if side in ("ledger", "plan")}
    fields.setdefault("planned_hours", Side.LEDGER)
    fields.setdefault("end", Side.PLAN)
    fields.setdefault("parent", Side.LEDGER)
    return Ownership(fields=fields, default=None, existence=Side.LEDGER)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _as_day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _count(report: RunReport, action: Action, count: int = 1) -> None:
    if action is Action.CREATE:
        report.created += count
    elif action is Action.DELETE:
        report.deleted += count
    else:
        report.updated += count


def _project_of(kind: EntityKind, record: SyncRecord) -> str | None:
    if kind is EntityKind.PROJECT:
        return record.key
    if kind is EntityKind.RESOURCE:
        return None
    fields = record.fields or {}
    project = fields.get("project")
    return str(project) if project is not None else record.key.split("/", 1)[0]


def _plan_key(kind: EntityKind, record: SyncRecord, scope: _Scope) -> str | None:
    """The plan key an entity gets when the sync creates it (see the module's ids)."""
    fields = record.fields or {}
    if kind is EntityKind.PROJECT:
        root = scope.root_of.get(record.key)
        if root is None:
            return None
        return root if _is_root(record.key, scope) else f"{root}/{record.key}"
    if kind is EntityKind.RESOURCE:
        return record.key
    project = str(fields.get("project") or record.key.split("/", 1)[0])
    if kind is EntityKind.TASK:
        return _task_plan_key(project, str(fields.get("number")), scope)
    # an assignment (actuals go under their task's link: SyncEngine._actual_targets)
    task = _task_plan_key(project, str(fields.get("activity")), scope)
    return None if task is None else f"{task}/{fields.get('worker')}"


def _task_plan_key(project: str, number: str, scope: _Scope) -> str | None:
    """The plan key the sync gives an activity's task (None outside the integration)."""
    root = scope.root_of.get(project)
    return None if root is None else f"{root}/{_task_id(project, number, scope)}"


def _plan_parent(kind: EntityKind, record: SyncRecord, scope: _Scope) -> str | None:
    fields = record.fields or {}
    if kind is EntityKind.PROJECT:
        parent = scope.parents.get(record.key)
        if parent is None or _is_root(record.key, scope):
            return None
        root = scope.root_of[record.key]
        return root if _is_root(parent, scope) else f"{root}/{parent}"
    if kind is not EntityKind.TASK:
        return None
    project = str(fields.get("project"))
    plan_project = scope.root_of.get(project)
    if plan_project is None:
        return None
    activity_parent = fields.get("parent")
    if activity_parent is not None:
        return f"{plan_project}/{_task_id(project, str(activity_parent), scope)}"
    return None if _is_root(project, scope) else f"{plan_project}/{project}"


def _is_root(project: str, scope: _Scope) -> bool:
    parent = scope.parents.get(project)
    return parent is None or parent not in scope.root_of


def _task_id(project: str, number: str, scope: _Scope) -> str:
    return number if _is_root(project, scope) else f"{project}.{number}"


def _parents_first(records: list[SyncRecord]) -> list[SyncRecord]:
    keys = {r.key for r in records}
    placed: set[str] = set()
    ordered: list[SyncRecord] = []
    pending = [r for r in records if not r.deleted]
    while pending:
        ready = [
            r for r in pending if r.parent is None or r.parent not in keys or r.parent in placed
        ]
        if not ready:
            ready = pending
        ordered.extend(ready)
        placed |= {r.key for r in ready}
        pending = [r for r in pending if r.key not in placed]
    deleted = [r for r in records if r.deleted]
    return ordered + list(reversed(deleted))  # children deleted before parents
