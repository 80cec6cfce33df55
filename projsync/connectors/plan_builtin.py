"""The built-in plan server as one side of the bridge.

It reads the plan server's change feed and answers in the plan's terms:
projects, tasks (with their custom field values), resources, assignments (with
their work per day, ``work_by_day``), the time-phased actuals the sync has
written, and the timesheet lines approved (or withdrawn since) for the ledger
to post. It uses the plan server's services only, never its tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal

from sqlalchemy import Connection

from projsync.columns import money
from projsync.connectors.base import (
    Action,
    ActualRow,
    Applied,
    EntityKind,
    Operation,
    SyncRecord,
    TimesheetLine,
    actual_row,
    apply_one,
    fields_of,
)
from projsync.db import Store
from projsync.errors import InputError, refusal
from projsync.plan.changes import changes_since, current_version
from projsync.plan.entities import (
    ActualEntry,
    CustomField,
    FieldEntity,
    FieldType,
    PlanAssignment,
    PlanProject,
    PlanResource,
    PlanTask,
    TimesheetStatus,
)
from projsync.plan.fields import (
    add_field_in,
    add_lookup_value_in,
    field_in,
    field_values,
    fields_changed,
    set_field_values_in,
)
from projsync.plan.phasing import WorkByDay
from projsync.plan.progress import actuals_of, record_actuals
from projsync.plan.service import PlanService
from projsync.plan.spans import assignment_work_by_day
from projsync.plan.timesheets import TimesheetService

__all__ = ["PlanConnector"]

_FEEDS = {
    EntityKind.PROJECT: "project",
    EntityKind.TASK: "task",
    EntityKind.RESOURCE: "resource",
    EntityKind.ASSIGNMENT: "assignment",
}


class PlanConnector:
    """The plan server of projsync's own store."""

    side = "plan"
    timesheet_source = "plan timesheet line"
    timesheets_whole = False

    def __init__(self, store: Store) -> None:
        self.store = store
        self.service = PlanService(store)
        self._defaults: dict[str, dict[str, object]] = {}
        self._fields_known: set[str] = set()
        self._lookups_known: set[tuple[str, str]] = set()
        """Custom fields and lookup values seen to exist during one apply call."""

    def kinds(self) -> tuple[EntityKind, ...]:
        return (
            EntityKind.PROJECT,
            EntityKind.TASK,
            EntityKind.RESOURCE,
            EntityKind.ASSIGNMENT,
            EntityKind.ACTUAL,
        )

    def takes(self, kind: EntityKind) -> frozenset[str] | None:
        """What the ledger side may set here. A task's dates are the
        scheduler's, never set from outside."""
        return _TAKES.get(kind)

    def high_water(self) -> int:
        with self.store.read() as conn:
            return current_version(conn)

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        if kind is EntityKind.ACTUAL:
            return  # actuals only ever come from the ledger; they are read whole
        found = changes_since(self.store, _FEEDS[kind], since, until)
        keys = ["/".join(c.key) for c in found if c.record is not None]
        if kind is EntityKind.PROJECT:  # a project whose fields alone changed changed too
            seen = {"/".join(c.key) for c in found}
            edited = fields_changed(self.store, FieldEntity.PROJECT, since, until)
            yield from self.read(kind, [k for k in edited if k not in seen])
        with self.store.read() as conn:
            custom = field_values(conn, keys)
        days = self._work_by_day([c.record for c in found]) if kind is EntityKind.ASSIGNMENT else {}
        for change in found:
            key = "/".join(change.key)
            if change.record is None:
                yield SyncRecord(kind=kind, key=key, version=change.version)
            else:
                yield _record(
                    kind, key, change.record, change.version, custom.get(key, {}), days.get(key)
                )

    def _work_by_day(self, records: Sequence[object]) -> dict[str, WorkByDay]:
        """The work per day of the assignments among ``records``, by key: over
        the working days of the task's span, empty while the task is not
        scheduled (``projsync.plan.spans``)."""
        assigned = [r for r in records if isinstance(r, PlanAssignment)]
        phased = assignment_work_by_day(self.store, assigned)
        return {
            f"{a.project}/{a.task}/{a.resource}": d for a, d in zip(assigned, phased, strict=True)
        }

    def timesheet_lines(self, since: int, until: int) -> Iterator[TimesheetLine]:
        """Timesheet lines changed after ``since`` up to ``until``: the approved
        ones as they are, and those approved once and no longer (reopened,
        rejected, removed) as withdrawn. Keys are the lines' ids; tasks and
        resources are keyed as ``changes`` keys them."""
        for entry, name in TimesheetService(self.store).changed_lines(since, until):
            yield TimesheetLine(
                key=str(entry.id),
                version=entry.version,
                task=f"{entry.project}/{entry.task}",
                resource=entry.resource,
                person=name,
                day=entry.day,
                hours=entry.hours,
                text=entry.note,
                withdrawn=entry.status is not TimesheetStatus.APPROVED,
            )

    def vanished_lines(self, keys: Sequence[str]) -> list[str]:
        """None: a line removed after approval stays as a withdrawn tombstone."""
        return []

    def snapshot(self, kind: EntityKind) -> Iterator[SyncRecord]:
        now = self.high_water()
        if kind is EntityKind.ACTUAL:
            for project in self.service.projects():
                for entry in actuals_of(self.store, project.id):
                    who = entry.resource or ""
                    key = f"{entry.project}/{entry.task}/{who}/{entry.day.isoformat()}"
                    yield SyncRecord(
                        kind=kind,
                        key=key,
                        version=now,
                        parent=f"{entry.project}/{entry.task}",
                        fields={
                            "project": entry.project,
                            "task": entry.task,
                            "resource": entry.resource,
                            "day": entry.day,
                            "actual_work": entry.actual_work,
                            "actual_cost": entry.actual_cost,
                            "revenue": entry.revenue,
                        },
                    )
            return
        for record in self.changes(kind, 0, now):
            if not record.deleted:
                yield record

    def read(self, kind: EntityKind, keys: Sequence[str]) -> Iterator[SyncRecord]:
        """Projects, tasks and assignments by key, as they are now (the engine
        adds tombstones for the keys the plan does not hold)."""
        version = self.high_water()
        wanted = set(keys)
        found: list[tuple[str, object]] = []
        with self.store.read() as conn:
            if kind is EntityKind.PROJECT:
                for key in sorted(wanted):
                    project = self.service.find_project(conn, key)
                    if project is not None:
                        found.append((key, project))
            elif kind in (EntityKind.TASK, EntityKind.ASSIGNMENT):
                projects = {key.split("/", 1)[0] for key in wanted}
                for project_id in sorted(projects):
                    if self.service.find_project(conn, project_id) is None:
                        continue
                    listed: list[object] = list(
                        self.service.tasks_in(conn, project_id)
                        if kind is EntityKind.TASK
                        else self.service.assignments_in(conn, project_id)
                    )
                    for record in listed:
                        key = _key_of(record)
                        if key in wanted:
                            found.append((key, record))
            else:
                yield from (r for r in self.snapshot(kind) if r.key in wanted)
                return
            custom = field_values(conn, [key for key, _ in found])
        days = self._work_by_day([r for _, r in found]) if kind is EntityKind.ASSIGNMENT else {}
        for key, record in found:
            yield _record(kind, key, record, version, custom.get(key, {}), days.get(key))

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        """Apply operations in order. A create of something that exists already
        is an update (a replay after a crash changes nothing twice)."""
        results: list[Applied] = []
        self._fields_known, self._lookups_known = set(), set()
        actual_ops = [o for o in operations if o.kind is EntityKind.ACTUAL and o.target_key]
        done: dict[str, str | None] = {}
        if actual_ops:
            rows = [actual_row(o) for o in actual_ops]
            done.update(zip((r.target_key for r in rows), self.apply_actuals(rows), strict=True))
        done.update(self._new_headers(operations))  # projects before their tasks
        done.update(self._new_tasks(operations))
        for operation in operations:
            key = operation.target_key
            if key in done and operation.kind in _IN_BULK:
                applied = Applied(operation=operation, target_key=key, error=done[key])
            else:
                applied = apply_one(operation, self._apply)
            chosen = self._defaults.pop(key or "", None) if self._defaults else None
            if chosen and applied.ok:
                applied = dataclasses.replace(applied, defaults=chosen)
            results.append(applied)
        return results

    def _apply(self, operation: Operation) -> str | None:
        key = operation.target_key
        if key is None:
            raise refusal(operation.source_key, "no plan key to apply to")
        handler = {
            EntityKind.PROJECT: self._project,
            EntityKind.TASK: self._task,
            EntityKind.RESOURCE: self._resource,
            EntityKind.ASSIGNMENT: self._assignment,
            EntityKind.ACTUAL: self._actual,
        }[operation.kind]
        return handler(operation, key)

    def _project(self, operation: Operation, key: str) -> str | None:
        fields = dict(operation.fields)
        custom = fields.pop("custom_fields", {})
        lookups = fields.pop("custom_lookups", ())
        exists = self._project_exists(key)
        if operation.action is Action.DELETE:
            if exists:
                self.service.delete_project(key)
            return None
        given = {
            k: v for k, v in fields.items() if k in ("name", "start", "currency") and v is not None
        }
        if not exists:
            with self.store.write() as conn:
                self._add_in(conn, operation, self._defaults)
        elif given:
            updated = self.service.update_project(key, **given)
            if "start" in given:  # the start it now schedules from: see `_add_in`
                self._defaults[key] = {"start": updated.start}
        self._custom(FieldEntity.PROJECT, key, custom, lookups)
        return key

    def _task(self, operation: Operation, key: str) -> str | None:
        project, task_id = key.split("/", 1)
        fields = dict(operation.fields)
        custom = fields.pop("custom_fields", {})
        lookups = fields.pop("custom_lookups", ())
        if operation.header:
            custom, lookups = {}, ()  # a subproject's fields stay on the ledger project
        exists = self._task_exists(project, task_id)
        if operation.action is Action.DELETE:
            if exists:
                self.service.delete_task(project, task_id)
            return None
        changes: dict[str, object] = {}
        if "name" in fields:
            changes["name"] = fields["name"]
        if "budget_work" in fields:
            changes["budget_work"] = fields["budget_work"]
        if "budget_cost" in fields:
            changes["budget_cost"] = money(fields["budget_cost"])
        if "parent" in fields or (not exists and operation.parent is not None):
            # an update moves the task only when it says so: the place it
            # names is the other side's, which may be older than this side's
            parent = operation.parent
            changes["parent"] = parent.split("/", 1)[1] if parent and "/" in parent else None
        if not exists:
            self.service.add_task(
                PlanTask(
                    project=project,
                    id=task_id,
                    name=str(changes.get("name") or task_id),
                    parent=changes.get("parent"),  # type: ignore[arg-type]
                    budget_work=int(changes.get("budget_work") or 0),  # type: ignore[call-overload]
                    budget_cost=money(changes.get("budget_cost")),
                )
            )
        elif changes:
            self.service.update_task(project, task_id, None, **changes)
        self._custom(FieldEntity.TASK, key, custom, lookups)
        return key

    def _new_tasks(self, operations: Sequence[Operation]) -> dict[str, str | None]:
        """Tasks created in bulk, a project at a time (a WBS comes in hundreds);
        a project whose batch is refused goes one task at a time instead."""
        by_project: dict[str, list[Operation]] = {}
        for operation in operations:
            key = operation.target_key
            if operation.kind is EntityKind.TASK and operation.action is Action.CREATE and key:
                by_project.setdefault(key.split("/", 1)[0], []).append(operation)
        done: dict[str, str | None] = {}
        for project, creates in by_project.items():
            with self.store.read() as conn:
                have = self.service.tasks_in(conn, project)
            existing = {t.id for t in have}
            fresh = [o for o in creates if str(o.target_key).split("/", 1)[1] not in existing]
            if len(fresh) < 2:
                continue
            # placed last, in order, as the plan would place them
            last = max((t.position for t in have), default=0)
            tasks = []
            for position, operation in enumerate(fresh, start=last + 1):
                task_id = str(operation.target_key).split("/", 1)[1]
                parent = operation.parent
                tasks.append(
                    PlanTask(
                        project=project,
                        id=task_id,
                        name=str(operation.fields.get("name") or task_id),
                        parent=parent.split("/", 1)[1] if parent and "/" in parent else None,
                        budget_work=int(operation.fields.get("budget_work") or 0),  # type: ignore[call-overload]
                        budget_cost=money(operation.fields.get("budget_cost")),
                        position=position,
                    )
                )
            try:
                self.service.add_tasks(project, tasks)
            except InputError:
                continue  # one of them is refused: each goes on its own, with its reason
            self._custom_many(
                FieldEntity.TASK,
                [_custom_of(o) for o in fresh if not o.header],
            )
            done.update((str(o.target_key), None) for o in fresh)
        return done

    def _new_headers(self, operations: Sequence[Operation]) -> dict[str, str | None]:
        """Projects and resources created in bulk, a kind at a time, each kind in
        one transaction (a portfolio's come in thousands); when one of them is
        refused, each goes on its own, with its reason."""
        done: dict[str, str | None] = {}
        for kind, entity in (
            (EntityKind.PROJECT, FieldEntity.PROJECT),
            (EntityKind.RESOURCE, FieldEntity.RESOURCE),
        ):
            creates = [
                o
                for o in operations
                if o.kind is kind and o.action is Action.CREATE and o.target_key
            ]
            if len(creates) < 2:
                continue
            chosen: dict[str, dict[str, object]] = {}
            try:
                with self.store.write() as conn:
                    fresh = [
                        o for o in creates if not self._exists_in(conn, kind, str(o.target_key))
                    ]
                    for operation in fresh:
                        self._add_in(conn, operation, chosen)
            except InputError:
                continue
            self._defaults.update(chosen)
            try:
                self._custom_many(
                    entity,
                    [_custom_of(o) for o in fresh],
                )
            except InputError:
                continue  # each goes on its own again (they exist now): the one refused says why
            done.update((str(o.target_key), None) for o in fresh)
        return done

    def _exists_in(self, conn: Connection, kind: EntityKind, key: str) -> bool:
        if kind is EntityKind.PROJECT:
            return self.service.find_project(conn, key) is not None
        return self.service.find_resource(conn, key) is not None

    def _add_in(
        self, conn: Connection, operation: Operation, chosen: dict[str, dict[str, object]]
    ) -> None:
        """Create the project or resource an operation names, one at a time or in
        bulk. A project's start, the one given or, without one, today's, goes in
        ``chosen``: the start the plan schedules from is the project's projected
        start, which the sync learns from it in the same run."""
        key, fields = str(operation.target_key), operation.fields
        name = str(fields.get("name") or key)
        if operation.kind is EntityKind.RESOURCE:
            resource = PlanResource(
                id=key,
                name=name,
                standard_rate=fields.get("standard_rate") or Decimal("0"),  # type: ignore[arg-type]
                available_until=fields.get("available_until"),  # type: ignore[arg-type]
            )
            self.service.add_resource_in(conn, resource)
            return
        start = fields.get("start")
        if start is None:  # the plan needs a start
            start = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(8))
        chosen[key] = {"start": start}
        currency = fields.get("currency")
        self.service.add_project_in(
            conn,
            PlanProject(id=key, name=name, start=start, currency=currency),  # type: ignore[arg-type]
        )

    def _project_exists(self, project: str) -> bool:
        try:
            self.service.project(project)
        except InputError:
            return False
        return True

    def _task_exists(self, project: str, task_id: str) -> bool:
        try:
            with self.store.read() as conn:
                self.service.task_in(conn, project, task_id)
        except InputError:
            return False
        return True

    def _resource(self, operation: Operation, key: str) -> str | None:
        fields = dict(operation.fields)
        custom = fields.pop("custom_fields", {})
        lookups = fields.pop("custom_lookups", ())
        with self.store.read() as conn:
            exists = self.service.find_resource(conn, key) is not None
        if operation.action is Action.DELETE:
            return None  # a resource is unlinked, never deleted: its assignments stay
        changes = {
            k: v for k, v in fields.items() if k in ("name", "standard_rate") and v is not None
        }
        if "available_until" in fields:  # None clears it: the worker's end date was cleared
            changes["available_until"] = fields["available_until"]
        if not exists:
            with self.store.write() as conn:
                self._add_in(conn, operation, self._defaults)
        elif changes:
            self.service.update_resource(key, **changes)
        self._custom(FieldEntity.RESOURCE, key, custom, lookups)
        return key

    def _assignment(self, operation: Operation, key: str) -> str | None:
        project, task_id, resource = key.split("/", 2)
        if operation.action is Action.DELETE:
            if any(
                a.task == task_id and a.resource == resource
                for a in self.service.assignments(project)
            ):
                self.service.unassign(project, task_id, resource)
            return None
        work = int(operation.fields.get("work") or 0)  # type: ignore[call-overload]
        self.service.assign(project, task_id, resource, work=work)
        return key

    def apply_actuals(self, rows: Sequence[ActualRow]) -> list[str | None]:
        """Actuals in one go (they come in thousands); each row's error or None."""
        entries = [_entry_of(row) for row in rows]
        try:
            record_actuals(self.store, entries)
        except InputError as exc:
            if len(entries) == 1:
                return [str(exc)]
            # one refused day among many: apply them one by one to find it
            return [self._one_actual(entry) for entry in entries]
        return [None] * len(entries)

    def _one_actual(self, entry: ActualEntry) -> str | None:
        try:
            record_actuals(self.store, [entry])
        except InputError as exc:
            return str(exc)
        return None

    def _actual(self, operation: Operation, key: str) -> str | None:
        record_actuals(self.store, [_entry_of(actual_row(operation))])
        return key

    def _custom(self, entity: FieldEntity, key: str, values: object, lookups: object) -> None:
        self._custom_many(entity, [(key, values, lookups)])

    def _custom_many(
        self, entity: FieldEntity, wanted: Sequence[tuple[str, object, object]]
    ) -> None:
        """Set the custom fields that carry ledger facts on many entities at once,
        defining the fields (and the values of those kept with lookup tables)
        on first use."""
        given = [(k, v, lookups) for k, v, lookups in wanted if isinstance(v, dict) and v]
        if not given:
            return
        defined = set(self._fields_known)
        listed = set(self._lookups_known)
        with self.store.write() as conn:
            texts: dict[tuple[str, str], str | None] = {}
            for key, values, lookups in given:
                assert isinstance(values, dict)
                for name, value in values.items():
                    if name not in defined:
                        _define_field(conn, entity, name)
                        defined.add(name)
                    text = None if value is None else str(value)
                    looked_up = isinstance(lookups, tuple | list) and name in lookups
                    if text is not None and looked_up and (name, text) not in listed:
                        add_lookup_value_in(conn, name, text)
                        listed.add((name, text))
                    texts[(name, key)] = text
            set_field_values_in(conn, texts)
        # known once written: a refused batch leaves nothing behind to remember
        self._fields_known, self._lookups_known = defined, listed


_TAKES = {
    EntityKind.PROJECT: frozenset({"name", "start", "currency", "custom_fields"}),
    EntityKind.TASK: frozenset({"name", "parent", "budget_work", "budget_cost", "custom_fields"}),
    EntityKind.RESOURCE: frozenset({"name", "standard_rate", "available_until", "custom_fields"}),
    EntityKind.ASSIGNMENT: frozenset({"work"}),
}


_IN_BULK = (EntityKind.ACTUAL, EntityKind.TASK, EntityKind.PROJECT, EntityKind.RESOURCE)
"""Kinds whose creates ``apply`` makes in bulk before going one by one."""


def _custom_of(operation: Operation) -> tuple[str, object, object]:
    """An operation's custom field values and lookups, as ``_custom_many`` takes them."""
    fields = operation.fields
    return (
        str(operation.target_key),
        fields.get("custom_fields", {}),
        fields.get("custom_lookups", ()),
    )


def _entry_of(row: ActualRow) -> ActualEntry:
    project, task_id, resource, day = row.target_key.split("/", 3)
    return ActualEntry(
        project=project,
        task=task_id,
        resource=resource or None,
        day=dt.date.fromisoformat(day),
        actual_work=row.actual_work,
        actual_cost=row.actual_cost,
        revenue=row.revenue,
    )


_COST_FIELDS = ("Price", "Revenue", "ContractValue", "Invoiced", "Recognised")
"""Endings of the names of the ledger's custom fields that hold money."""


def _define_field(conn: Connection, entity: FieldEntity, name: str) -> None:
    if field_in(conn, name) is None:
        kind = FieldType.COST if name.endswith(_COST_FIELDS) else FieldType.TEXT
        add_field_in(conn, CustomField(name=name, entity=entity, type=kind))


def _record(
    kind: EntityKind,
    key: str,
    record: object,
    version: int,
    custom: dict[str, object],
    work_by_day: WorkByDay | None = None,
) -> SyncRecord:
    fields = fields_of(record)
    fields["custom_fields"] = dict(sorted(custom.items()))
    parent: str | None = None
    if isinstance(record, PlanTask):
        parent = f"{record.project}/{record.parent}" if record.parent else record.project
    elif isinstance(record, PlanAssignment):
        parent = f"{record.project}/{record.task}"
        fields["work_by_day"] = work_by_day or ()
    elif not isinstance(record, PlanProject | PlanResource):
        raise TypeError(f"no plan record of kind {kind}: {record!r}")
    return SyncRecord(kind=kind, key=key, version=version, fields=fields, parent=parent)


def _key_of(record: object) -> str:
    """The plan key of a task (``project/task``) or an assignment
    (``project/task/resource``), as the change feed keys them."""
    if isinstance(record, PlanTask):
        return f"{record.project}/{record.id}"
    assert isinstance(record, PlanAssignment)
    return f"{record.project}/{record.task}/{record.resource}"
