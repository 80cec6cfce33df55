"""Actuals, ledger to plan: the one-way path for what comes by the million.

Posted hours, cost and revenue go across as aggregates per task, resource and
day, and only those of the days whose transactions changed. Their merge is
the general merge's ledger-only case, done directly: new ones are created,
those that differ from their merge base updated, deleted ones that reached
the plan deleted there (their figures zero), the rest left alone. They keep a
merge base but no link: an actual's plan key is its task's plan key (from the
task's link) with the resource and the day, so it follows its task wherever
the plan holds it. They travel as rows (``ActualRow``), a batch per call of a
side's ``BulkActuals.apply_actuals``, or as ``ACTUAL`` operations to a side
without it.

A project being resynchronized sends every actual again, and deletes on the
plan side the actuals of its tasks the ledger does not have.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple, TypeVar

from sqlalchemy import Connection

from projsync.connectors.base import (
    Action,
    ActualRow,
    BulkActuals,
    EntityKind,
    SyncRecord,
    actual_operation,
)
from projsync.sync.context import Run
from projsync.sync.gather import RECORDS_PER_BATCH
from projsync.sync.links import bases_of, plan_keys_of
from projsync.sync.outcomes import count, record_actuals
from projsync.sync.scope import Scope, project_of, task_plan_key

__all__ = ["actual_targets", "fold", "sync_actuals"]

_ZERO = Decimal("0")
_T = TypeVar("_T")


class Actual(NamedTuple):
    """An actual to set on the plan side, with what recording it takes."""

    key: str
    """The ledger's key."""
    version: int
    row: ActualRow
    base: dict[str, object] | None
    """The merge base it leaves (None when deleted)."""


def sync_actuals(run: Run, since: int) -> None:
    """Read, merge, apply and record the actuals of the days changed since ``since``."""
    kind = EntityKind.ACTUAL
    wanted = (r for r in _records(run, since) if project_of(kind, r) in run.scope.root_of)
    for records in _streamed_projects(wanted, lambda r: project_of(kind, r) or ""):
        actuals = _changes(run, records)
        if not run.dry_run:
            _touch(run, [a.key for a in actuals])
            _apply(run, actuals)
    for plan_project in sorted(run.resync):
        gone = _plan_only(run, plan_project)
        if gone and not run.dry_run:
            _apply(run, gone)


def fold(actuals: Iterable[SyncRecord], workers: set[str]) -> Iterator[SyncRecord]:
    """Actuals as the plan keeps them: per task, resource and day, where the
    hours of workers who are not resources (and expenses and fees) count on
    the task without a resource. ``actuals`` come ordered by project,
    activity and day, with every worker of each day they name."""
    for (project, activity, day), group in itertools.groupby(actuals, key=_actual_day):
        records = list(group)
        if len(records) == 1 and _folded_already(records[0], workers):
            yield records[0]  # one worker that day, a resource or none: as it is
            continue
        folded: dict[str | None, dict[str, Decimal]] = {}
        version = 0
        for record in records:
            fields = record.fields or {}
            worker = fields.get("worker")
            resource = str(worker) if worker in workers else None
            sums = folded.setdefault(
                resource, {"hours": Decimal("0"), "cost": Decimal("0"), "revenue": Decimal("0")}
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


def _records(run: Run, since: int) -> Iterator[SyncRecord]:
    """Folded actuals of the days changed since the cursor, and of projects
    integrated since the last run or being resynchronized, and of days due
    for a retry. A first run reads every day as changed, so it needs no
    second reading of them."""
    scope = run.scope
    due_days = {_day_of_key(key) for key in run.pending.due_of(EntityKind.ACTUAL)}
    whole = set(scope.newcomers) if since >= 0 else set()
    for mine in run.resync.values():
        whole |= mine
    extra: list[SyncRecord] = []
    if due_days or whole:
        wanted = (
            r
            for r in run.ledger.snapshot(EntityKind.ACTUAL)
            if project_of(EntityKind.ACTUAL, r) in whole or _actual_day(r) in due_days
        )
        extra = list(fold(wanted, scope.workers))
    yield from extra
    seen = {r.key for r in extra}
    changed = run.ledger.changes(EntityKind.ACTUAL, since, run.until)
    for record in fold(changed, scope.workers):
        if record.key not in seen:
            yield record


def _changes(run: Run, records: list[SyncRecord]) -> list[Actual]:
    """The merge, done directly: what to create, update or delete on the plan."""
    kind = EntityKind.ACTUAL
    report = run.report
    with run.store.read() as conn:
        bases = bases_of(conn, kind.value, [r.key for r in records])
        targets = actual_targets(conn, records, run.scope)
    found: list[Actual] = []
    for record in records:
        base = bases.get(record.key)
        fields = record.fields
        target = targets.get(record.key)
        if target is None:
            continue
        forced = bool(run.resync) and run.resynced(project_of(kind, record))
        if fields is None:  # deleted
            if base is None and not forced:
                continue  # never reached the plan
            row = ActualRow(target, Action.DELETE, 0, _ZERO, _ZERO)
            found.append(Actual(record.key, record.version, row, None))
        else:
            hours, cost, revenue = fields.get("hours"), fields.get("cost"), fields.get("revenue")
            new_base = {"hours": hours, "cost": cost, "revenue": revenue}
            if base == new_base and not forced:
                continue
            row = ActualRow(
                target,
                Action.CREATE if base is None else Action.UPDATE,
                round(_decimal(hours or 0) * 60),
                _decimal(cost or 0),
                _decimal(revenue or 0),
            )
            found.append(Actual(record.key, record.version, row, new_base))
        if report.dry_run:
            action = found[-1].row.action
            report.planned.append(
                {"kind": kind.value, "key": record.key, "plan": target, "action": action.value}
            )
            count(report, action)
    return found


def actual_targets(conn: Connection, records: Iterable[SyncRecord], scope: Scope) -> dict[str, str]:
    """Where actuals go on the plan side: under their task, wherever its link
    puts it, by resource and day. (Actuals keep no links of their own: there
    are millions, and each would only repeat its task's.)"""
    places = {r.key: r.key.rsplit("/", 2) for r in records}
    tasks = plan_keys_of(conn, EntityKind.TASK.value, {task for task, _, _ in places.values()})
    found: dict[str, str] = {}
    for key, (task, resource, day) in places.items():
        project, number = task.split("/", 1)
        target = tasks.get(task) or task_plan_key(project, number, scope)
        if target is not None:
            found[key] = f"{target}/{resource}/{day}"
    return found


def _plan_only(run: Run, plan_project: str) -> list[Actual]:
    """Actuals of a plan project being resynchronized that no ledger actual
    accounts for: deleted on the plan side."""
    with run.store.read() as conn:
        expected = set(
            actual_targets(
                conn,
                fold(
                    (
                        r
                        for r in run.ledger.snapshot(EntityKind.ACTUAL)
                        if project_of(EntityKind.ACTUAL, r) in run.resync[plan_project]
                    ),
                    run.scope.workers,
                ),
                run.scope,
            ).values()
        )
    found = []
    for record in run.plan.snapshot(EntityKind.ACTUAL):
        if record.key.split("/", 1)[0] != plan_project or record.key in expected:
            continue
        row = ActualRow(record.key, Action.DELETE, 0, _ZERO, _ZERO)
        found.append(Actual(record.key, record.version, row, None))  # logged by its plan key
        if run.dry_run:
            run.report.planned.append(
                {"kind": "actual", "plan": record.key, "action": Action.DELETE.value}
            )
            count(run.report, Action.DELETE)
    return found


def _apply(run: Run, actuals: list[Actual]) -> None:
    """Apply actuals on the plan side a batch at a time, as rows where the
    side takes them so, and record each batch's outcomes."""
    bulk = run.plan if isinstance(run.plan, BulkActuals) else None
    for start in range(0, len(actuals), RECORDS_PER_BATCH):
        batch = actuals[start : start + RECORDS_PER_BATCH]
        retriable: list[bool] | None = None
        if bulk is not None:  # a row's error is the side refusing it
            errors = bulk.apply_actuals([a.row for a in batch])
        else:
            operations = [actual_operation(a.row, a.key) for a in batch]
            results = run.plan.apply(operations)
            errors = [done.error for done in results]
            retriable = [done.retriable for done in results]
        with run.store.write() as conn:
            record_actuals(run, conn, batch, errors, retriable)
        run.progressed.update(
            "/".join(actual.row.target_key.split("/", 2)[:2])
            for actual, error in zip(batch, errors, strict=True)
            if error is None
        )


def _touch(run: Run, keys: list[str]) -> None:
    from projsync.sync.status import mark_in_progress

    mark_in_progress(run, EntityKind.ACTUAL, keys)


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


def _day_of_key(key: str) -> tuple[str, str, dt.date]:
    """The project, activity and day of a folded actual's key
    ``project/activity/resource/day``."""
    head, _resource, day = key.rsplit("/", 2)
    project, activity = head.split("/", 1)
    return project, activity, dt.date.fromisoformat(day)


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
