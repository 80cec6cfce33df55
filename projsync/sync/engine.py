"""One sync run: read what changed on both sides, merge it, apply it, record it.

The engine sees both sides only through the connector protocol, and runs the
stages kind by kind, parents first (projects, tasks, resources, assignments,
actuals):

1. read (``sync/gather.py``): each side's changes since its cursor, capped
   at the run's start, with what the log holds open (``sync/pending.py``);
2. merge and plan (``sync/decide.py``, pure): each entity against its merge
   base, what goes to each side;
3. apply: the plan side a batch at a time, the ledger an operation at a time;
4. record (``sync/outcomes.py``): each operation's log entry, link and merge
   base in one transaction of the sync's store, the kind's cursors in the
   same transaction as its last outcome.

Within a kind, entities born in the plan go first (parents first, a parent
born in the same run included), so that a task moved under a new one finds
it; then the ledger's changes with the plan's side of them; then what changed
only in the plan. Actuals take a path of their own (``sync/actuals.py``), and
before them the plan side's timesheet lines go to the ledger as hour postings
(``sync/timesheets.py``), so that their actuals come back in the same run.

A run killed at any point and run again converges with nothing done twice:
applying is idempotent on both sides, and cursors move only after what they
cover is recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, insert, select, update

from projsync.connectors.base import (
    Action,
    Applied,
    Connector,
    EntityKind,
    SyncRecord,
    TakesFields,
    TimesheetSource,
)
from projsync.db import Store
from projsync.sync import mapping
from projsync.sync.actuals import sync_actuals
from projsync.sync.born import placed
from projsync.sync.conflicts import hold_again, hold_conflicts
from projsync.sync.context import Run
from projsync.sync.decide import Decisions, decide, decide_born
from projsync.sync.gather import (
    PlanChanges,
    entities,
    ledger_batches,
    plan_changes,
    progressed_tasks,
    whole_projects,
)
from projsync.sync.log import LogStatus, close_conflicts, close_settled, payload_text
from projsync.sync.model import Outcome, Planned, RunReport
from projsync.sync.notify import notify_failures
from projsync.sync.outcomes import count, record_outcomes, store_bases
from projsync.sync.pending import read_pending
from projsync.sync.scope import project_of_key, read_scope
from projsync.sync.settings import load_global, set_project, settings_version
from projsync.sync.status import mark_in_progress, record_divergence, settle
from projsync.sync.tables import cursors, log, runs
from projsync.sync.timesheets import CURSOR as TIMESHEETS
from projsync.sync.timesheets import sync_timesheets

__all__ = ["OPERATIONS_PER_APPLY", "TWO_WAY", "RunReport", "SyncEngine"]

TWO_WAY = frozenset({EntityKind.PROJECT, EntityKind.TASK, EntityKind.ASSIGNMENT})
"""Kinds whose plan-side changes come back to the ledger: project names and
dates; task names, dates, new tasks and deletions; assignments as hour
forecasts. Resources and actuals go from the ledger to the plan only."""

OPERATIONS_PER_APPLY = 2000
"""Operations applied in one call to the plan side and recorded in one
transaction."""

_SETTINGS_SEEN = "settings"


def _offered(
    run: Run, kind: EntityKind, planned: Sequence[Planned], *, origin: str
) -> list[Planned]:
    """The operations to apply: not one that a side refused before with the
    very same fields (nothing in it changed, so neither would the answer; the
    run's own writes echoing back must not offer it again). Such an operation
    counts as refused again for the base its entity's other operation leaves."""
    refused = run.pending.refused
    if not refused:
        return list(planned)
    offered = []
    for one in planned:
        key = one.record.key
        held = refused.get((kind, key, origin))
        if held is not None and held == payload_text(one.operation.fields):
            place = (kind.value, key)
            run.failed_now[place] = run.failed_now.get(place, frozenset()) | one.sent
            continue
        offered.append(one)
    return offered


def _takes(side: Connector, kind: EntityKind, *, plan_side: bool) -> frozenset[str] | None:
    """The neutral fields a side can set for a kind (None: all it is sent)."""
    if not isinstance(side, TakesFields):
        return None
    own = side.takes(kind)
    if own is None or not plan_side:
        return own
    return mapping.neutral_names(kind, own)


"""The cursor that remembers which version of the settings the last run saw."""


class SyncEngine:
    def __init__(
        self, sync: Store, ledger: Connector, plan: Connector, *, user: str = "sync"
    ) -> None:
        self.store = sync
        self.ledger = ledger
        self.plan = plan
        self.user = user

    def run(self, *, dry_run: bool = False) -> RunReport:
        until = self.ledger.high_water()
        plan_until = self.plan.high_water()
        seen_settings = settings_version(self.store)
        if self._nothing_to_do(until, plan_until, seen_settings):
            return RunReport(run=None, dry_run=dry_run)
        settings = load_global(self.store)
        changed = self._cursor(_SETTINGS_SEEN, "sync") != seen_settings
        report = RunReport(run=None if dry_run else self._open_run(), dry_run=dry_run)
        run = Run(
            store=self.store,
            ledger=self.ledger,
            plan=self.plan,
            user=self.user,
            scope=read_scope(self.store, self.ledger, until),
            settings=settings,
            pending=read_pending(self.store, settings, settings_changed=changed),
            report=report,
            until=until,
            plan_until=plan_until,
            settings_changed=changed,
        )
        run.resync = self._resync_scope(run)
        try:
            self._pass(run)
            moved = self.ledger.high_water()
            if not dry_run and moved != until:
                self._ledger_pass(run, moved)
        except BaseException as exc:
            if report.run is not None:
                self._abort_run(run, exc)
            raise
        if not dry_run:
            with self.store.write() as conn:
                self._set_cursor(conn, _SETTINGS_SEEN, seen_settings, "sync")
        if report.run is not None:
            self._finish_resyncs(run)
            settle(self.store, run.touched)
            notify_failures(self.store, settings, run=report.run, user=self.user)
            self._close_run(report)
        return report

    def _pass(self, run: Run) -> None:
        """Every kind, parents first; each kind's cursors move once it is done."""
        for kind in self.ledger.kinds():
            self._sync_kind(run, kind)
            if run.dry_run:
                continue
            with self.store.write() as conn:
                self._set_cursor(conn, kind, run.until)
                if kind in TWO_WAY and not run.ledger_only:
                    self._set_cursor(conn, kind, run.plan_until, self.plan.side)

    def _timesheets(self, run: Run) -> None:
        """The plan side's timesheet lines posted in the ledger; their cursor
        moves once every line up to the run's start is done (a side that
        cannot be reached now is read next run)."""
        read = sync_timesheets(run, self._cursor(TIMESHEETS, self.plan.side))
        if read and not run.dry_run:
            with self.store.write() as conn:
                self._set_cursor(conn, TIMESHEETS, run.plan_until, self.plan.side)

    def _ledger_pass(self, run: Run, until: int) -> None:
        """What the ledger changed while the run wrote to it goes across in the
        same run: what it derived from the plan's changes (the budget cost of
        forecasts made from an assignment, a project's projected dates) and
        what people changed meanwhile. The plan side is read again next run."""
        run.until = until
        run.ledger_only = True
        run.scope.newcomers = set()  # linked in the first pass, or due again later
        run.pending = read_pending(self.store, run.settings, settings_changed=False)
        run.pending.due, run.pending.plan_keys, run.pending.resolutions = {}, {}, {}
        self._pass(run)

    def _sync_kind(self, run: Run, kind: EntityKind) -> None:
        if kind is EntityKind.ACTUAL:  # one way, by the million: rows, not operations
            if not run.ledger_only:  # outside timesheets first: their actuals go in this run
                self._timesheets(run)
            sync_actuals(run, self._cursor(kind))
            if run.progressed and not run.dry_run:
                self._progress(run)
            return
        changes = (
            plan_changes(run, kind, self._cursor(kind, self.plan.side))
            if kind in TWO_WAY and not run.ledger_only
            else PlanChanges(linked={}, born=[], forced=set())
        )
        if changes.born:  # first: what moves under them in the plan finds them
            self._carry(run, kind, decide_born(kind, placed(run, kind, changes.born)))
        for records in ledger_batches(run, kind, self._cursor(kind)):
            theirs = {r.key: changes.linked.pop(r.key) for r in records if r.key in changes.linked}
            self._merge(run, kind, records, theirs, changes.forced)
        for keys in whole_projects(
            list(changes.linked), project_of_key, single=kind is EntityKind.PROJECT
        ):
            only_plan = {key: changes.linked.pop(key) for key in keys}
            self._merge(run, kind, [], only_plan, changes.forced)

    def _progress(self, run: Run) -> None:
        """The plan's progress that the actuals of this run moved (a task's
        percent complete follows its actual work) goes to the ledger in this
        run, merged as any change of the plan's tasks."""
        for theirs in progressed_tasks(run):
            for keys in whole_projects(list(theirs), project_of_key, single=False):
                self._merge(run, EntityKind.TASK, [], {key: theirs[key] for key in keys}, set())

    def _merge(
        self,
        run: Run,
        kind: EntityKind,
        records: list[SyncRecord],
        theirs: dict[str, SyncRecord],
        forced: set[str],
    ) -> None:
        pairs = entities(run, kind, records, theirs, forced)
        decisions = decide(
            kind,
            pairs,
            run.scope,
            run.settings,
            lambda key: run.pending.decided(kind, key),
            (_takes(self.ledger, kind, plan_side=False), _takes(self.plan, kind, plan_side=True)),
        )
        self._carry(run, kind, decisions)

    def _carry(self, run: Run, kind: EntityKind, found: Decisions) -> None:
        """Hold the conflicts, apply the operations on both sides and record them."""
        report = run.report
        if not report.dry_run:
            for resolution, why in found.voided:
                hold_again(run, resolution, why)
        notes = {(r.entry_key, r.field): why for r, why in found.voided}
        hold_conflicts(run, kind, found.conflicts, notes)
        if report.dry_run:
            report.planned += found.planned
            for planned in found.to_plan + found.to_ledger:
                count(report, planned.operation.action)
            return
        if kind in TWO_WAY and found.agreed:
            writing = {p.record.key for p in found.to_plan + found.to_ledger}
            settled = [key for key in found.agreed if key in run.pending.open_keys]
            with self.store.write() as conn:
                close_conflicts(conn, kind.value, found.agreed)
                close_settled(conn, kind.value, [k for k in settled if k not in writing])
        touched = [p.record.key for p in found.to_plan + found.to_ledger]
        mark_in_progress(run, kind, touched)
        if found.bases:
            with self.store.write() as conn:
                store_bases(conn, kind, found.bases)
        self._apply_to_plan(run, kind, _offered(run, kind, found.to_plan, origin="ledger"))
        self._apply_to_ledger(run, kind, _offered(run, kind, found.to_ledger, origin="plan"))

    def _apply_to_plan(self, run: Run, kind: EntityKind, planned: Sequence[Planned]) -> None:
        for start in range(0, len(planned), OPERATIONS_PER_APPLY):
            batch = planned[start : start + OPERATIONS_PER_APPLY]
            results = self.plan.apply([p.operation for p in batch])
            if kind is EntityKind.ASSIGNMENT:  # their tasks' work moved on the plan side
                run.progressed.update(
                    "/".join(key.split("/", 2)[:2])
                    for done in results
                    if done.ok and (key := done.target_key or done.operation.target_key)
                )
            with self.store.write() as conn:
                record_outcomes(
                    run,
                    conn,
                    kind,
                    [Outcome(p, a) for p, a in zip(batch, results, strict=True)],
                    origin="ledger",
                )
            if run.echoes:  # what the plan chose itself, now recorded, to the ledger
                self.ledger.apply(run.echoes)
                run.echoes = []

    def _apply_to_ledger(self, run: Run, kind: EntityKind, planned: Sequence[Planned]) -> None:
        """Apply plan-side changes to the ledger, each recorded as it is done;
        an unlink only forgets the link."""
        for one in planned:
            operation = one.operation
            if operation.action is Action.UNLINK:
                applied = Applied(operation=operation, target_key=None)
            elif one.refusal is not None:
                applied = Applied(operation=operation, target_key=None, error=one.refusal)
            else:
                (applied,) = self.ledger.apply([operation])
            with self.store.write() as conn:
                record_outcomes(run, conn, kind, [Outcome(one, applied)], origin="plan")
            if kind is EntityKind.PROJECT and operation.action is Action.CREATE and applied.ok:
                # born in the plan, integrated from now on as its own plan project:
                # what the ledger made of it goes back in this run's ledger pass
                key = str(applied.target_key)
                set_project(self.store, key, integrate=True)
                run.scope.root_of[key] = key

    # -- resynchronization ---------------------------------------------------------

    def _resync_scope(self, run: Run) -> dict[str, set[str]]:
        """The plan projects people asked to resynchronize, with the ledger
        projects that land in each."""
        found: dict[str, set[str]] = {}
        for project in run.pending.resyncs:
            plan_project = run.scope.root_of.get(project)
            if plan_project is None:
                continue
            found[plan_project] = {
                key for key, root in run.scope.root_of.items() if root == plan_project
            }
        return found

    def _finish_resyncs(self, run: Run) -> None:
        """Each resynchronized project is reconciled; its request is done, or
        refused when the project is not integrated."""
        if not run.pending.resyncs:
            return
        from projsync.sync.reconcile import reconcile

        now = dt.datetime.now(dt.UTC)
        for project, entry in run.pending.resyncs.items():
            plan_project = run.scope.root_of.get(project)
            if plan_project is None:
                why = f"project {project} is not integrated, or not synchronized yet"
                self._end_entry(entry, LogStatus.REFUSED, now, error=why)
                continue
            check = reconcile(self.store, self.ledger, self.plan, project=project)
            differences = len(check.differences)
            record_divergence(self.store, check.counts())
            self._end_entry(
                entry,
                LogStatus.COMPLETED,
                now,
                payload={
                    "project": project,
                    "plan_project": plan_project,
                    "differences": differences,
                },
            )

    def _end_entry(
        self,
        entry: int,
        status: LogStatus,
        now: dt.datetime,
        *,
        error: str | None = None,
        payload: Mapping[str, object] | None = None,
    ) -> None:
        values: dict[str, object] = {"status": status.value, "updated_at": now, "error": error}
        if payload is not None:
            values["payload"] = json.dumps(payload, sort_keys=True)
        with self.store.write() as conn:
            conn.execute(update(log).where(log.c.id == entry).values(**values))

    # -- cursors and runs ----------------------------------------------------------

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
        if isinstance(self.plan, TimesheetSource) and self.plan.timesheets_whole:
            return False  # its lines change with no version to tell: read them each time
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

    def _abort_run(self, run: Run, exc: BaseException) -> None:
        """A run that stopped half-way (a side went away while being read, say):
        the run and the projects and resources it was at read as failed, not as
        running forever. What it recorded stays; its cursors did not move past
        the step it stopped in, so the next run takes that step again."""
        from projsync.sync.status import set_entity_status

        # the store may be what failed: then the first error is the one to tell
        with contextlib.suppress(Exception):
            for compound, keys in run.touched.items():
                if keys:
                    set_entity_status(self.store, compound, sorted(keys), "failed")
            self._end_run(run.report, "failed", {**run.report.summary(), "error": str(exc)})

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
