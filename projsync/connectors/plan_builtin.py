"""The built-in plan server as one side of the bridge.

It reads the plan server's change feed and answers in the plan's terms:
projects, tasks (with their custom field values), resources, assignments, and
the time-phased actuals the sync has written. It uses the plan server's
services only, never its tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from projsync.connectors.base import Applied, EntityKind, Operation, SyncRecord
from projsync.db import Store
from projsync.plan.changes import changes_since, current_version
from projsync.plan.entities import PlanAssignment, PlanProject, PlanResource, PlanTask
from projsync.plan.fields import field_values
from projsync.plan.progress import actuals_of
from projsync.plan.service import PlanService

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

    def __init__(self, store: Store) -> None:
        self.store = store
        self.service = PlanService(store)

    def kinds(self) -> tuple[EntityKind, ...]:
        return (
            EntityKind.PROJECT,
            EntityKind.TASK,
            EntityKind.RESOURCE,
            EntityKind.ASSIGNMENT,
            EntityKind.ACTUAL,
        )

    def high_water(self) -> int:
        with self.store.read() as conn:
            return current_version(conn)

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        if kind is EntityKind.ACTUAL:
            return  # actuals only ever come from the ledger; they are read whole
        found = changes_since(self.store, _FEEDS[kind], since, until)
        keys = ["/".join(c.key) for c in found if c.record is not None]
        with self.store.read() as conn:
            custom = field_values(conn, keys)
        for change in found:
            key = "/".join(change.key)
            if change.record is None:
                yield SyncRecord(kind=kind, key=key, version=change.version)
            else:
                yield _record(kind, key, change.record, change.version, custom.get(key, {}))

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

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        raise NotImplementedError("writing to the plan server arrives with the sync engine")


def _record(
    kind: EntityKind, key: str, record: object, version: int, custom: dict[str, object]
) -> SyncRecord:
    fields: dict[str, object] = {
        f.name: getattr(record, f.name)
        for f in dataclasses.fields(record)  # type: ignore[arg-type]
    }
    fields["custom_fields"] = dict(sorted(custom.items()))
    parent: str | None = None
    if isinstance(record, PlanTask):
        parent = f"{record.project}/{record.parent}" if record.parent else record.project
    elif isinstance(record, PlanAssignment):
        parent = f"{record.project}/{record.task}"
    elif not isinstance(record, PlanProject | PlanResource):
        raise TypeError(f"no plan record of kind {kind}: {record!r}")
    return SyncRecord(kind=kind, key=key, version=version, fields=fields, parent=parent)
