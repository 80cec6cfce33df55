"""A worker's end date goes to the plan: the resource is available until it.

Told as stories with the built-in plan server, and with a plan side that keeps
no availability (as Redmine keeps none): that side says nothing of it, and the
sync stays at rest."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence

from sqlalchemy import select

from projsync.connectors.base import Applied, EntityKind, Operation, SyncRecord
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store
from projsync.ledger.service import LedgerService
from projsync.plan.service import PlanService
from projsync.sync.engine import SyncEngine
from projsync.sync.links import base_fields, base_text
from projsync.sync.model import RunReport
from projsync.sync.reconcile import ResourceDifference, reconcile
from projsync.sync.tables import merge_bases
from tests.ledger.conftest import ledger
from tests.sync.conftest import PlanBehind, engine, integrate, stores

__all__ = ["ledger", "stores"]

MARCH_31 = dt.date(2026, 3, 31)
JUNE_30 = dt.date(2026, 6, 30)
_UNKEPT = ("available_until", "standard_rate")
"""What a side without availability (nor rates) neither reads nor writes."""


class WithoutAvailability(PlanBehind):
    """The built-in plan server behind a side that keeps no availability nor
    rates of a resource, as Redmine's users: its records leave them out, and
    what it is sent of them goes nowhere."""

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        return (_unkept(r) for r in self.inner.changes(kind, since, until))

    def snapshot(self, kind: EntityKind) -> Iterator[SyncRecord]:
        return (_unkept(r) for r in self.inner.snapshot(kind))

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        kept = [
            dataclasses.replace(o, fields={k: v for k, v in o.fields.items() if k not in _UNKEPT})
            for o in operations
        ]
        return self.inner.apply(kept)


def _unkept(record: SyncRecord) -> SyncRecord:
    if record.kind is not EntityKind.RESOURCE or record.fields is None:
        return record
    fields = {k: v for k, v in record.fields.items() if k not in _UNKEPT}
    return dataclasses.replace(record, fields=fields)


def available_until(plan: Store, resource: str) -> dt.date | None:
    return {r.id: r for r in PlanService(plan).resources()}[resource].available_until


def counts(report: RunReport) -> tuple[int, int, int, int]:
    return (report.created, report.updated, report.failed, report.conflicts)


def test_sync__a_workers_end_date_set_changed_and_cleared_reaches_the_resource_each_time(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    assert available_until(plan, "W1") is None
    for end in (MARCH_31, JUNE_30, None):
        ledger.set_worker_end_date("W1", end)
        assert counts(engine(ledger, plan, sync).run()) == (0, 1, 0, 0)
        assert available_until(plan, "W1") == end
        assert counts(engine(ledger, plan, sync).run()) == (0, 0, 0, 0)  # at rest
        check = reconcile(sync, LedgerConnector(ledger.store), PlanConnector(plan))
        assert check.resources == () and check.agrees


def test_sync__a_worker_integrated_with_an_end_date_becomes_a_resource_available_until_it(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    ledger.set_worker_end_date("W1", MARCH_31)
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    assert available_until(plan, "W1") == MARCH_31
    assert counts(engine(ledger, plan, sync).run()) == (0, 0, 0, 0)


def test_sync__availability_changed_on_the_plan_never_reaches_the_ledger(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    """Resources go from the ledger to the plan only: an edit made on the plan
    is not taken into the ledger (reconciliation shows it), and the worker's
    next end date replaces it."""
    ledger, plan, sync = stores
    integrate(ledger, sync)
    ledger.set_worker_end_date("W1", MARCH_31)
    engine(ledger, plan, sync).run()
    PlanService(plan).update_resource("W1", available_until=JUNE_30)
    assert counts(engine(ledger, plan, sync).run()) == (0, 0, 0, 0)
    assert ledger.worker("W1").end_date == MARCH_31
    ledger.set_worker_end_date("W1", dt.date(2026, 4, 30))
    assert counts(engine(ledger, plan, sync).run()) == (0, 1, 0, 0)
    assert available_until(plan, "W1") == dt.date(2026, 4, 30)


def test_reconcile__a_resource_whose_availability_differs_from_the_end_date_is_reported(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    ledger.set_worker_end_date("W1", MARCH_31)
    engine(ledger, plan, sync).run()
    PlanService(plan).update_resource("W1", available_until=None)  # behind the sync's back
    check = reconcile(sync, LedgerConnector(ledger.store), PlanConnector(plan))
    assert check.resources == (
        ResourceDifference(worker="W1", resource="W1", ledger=MARCH_31, plan=None),
    )
    assert not check.agrees and check.differences == ()
    assert check.summary()["resources"] == [
        {
            "worker": "W1",
            "resource": "W1",
            "ledger_end_date": "2026-03-31",
            "plan_available_until": None,
        }
    ]
    only_p1 = reconcile(sync, LedgerConnector(ledger.store), PlanConnector(plan), project="P1")
    assert only_p1.resources == ()  # a resource is no project's


def test_sync__a_side_that_keeps_no_availability_stays_at_rest_and_reconciles(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    today = dt.date(2026, 8, 1)

    def run() -> RunReport:
        return SyncEngine(
            sync, LedgerConnector(ledger.store, today=today), WithoutAvailability(plan)
        ).run()

    run()
    for end in (MARCH_31, None):
        ledger.set_worker_end_date("W1", end)
        assert counts(run())[2:] == (0, 0)  # nothing failed, no conflict
        assert counts(run()) == (0, 0, 0, 0)  # at rest
        assert available_until(plan, "W1") is None  # the side kept nothing
        check = reconcile(sync, LedgerConnector(ledger.store), WithoutAvailability(plan))
        assert check.agrees


def test_sync__a_merge_base_from_before_end_dates_lets_the_end_date_go_without_a_conflict(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)

    def run() -> RunReport:
        return SyncEngine(
            sync,
            LedgerConnector(ledger.store, today=dt.date(2026, 8, 1)),
            WithoutAvailability(plan),
        ).run()

    run()
    with sync.write() as conn:  # the resource's merge base as an earlier version wrote it
        where = (merge_bases.c.kind == "resource", merge_bases.c.ledger_key == "W1")
        row = conn.execute(select(merge_bases.c.fields).where(*where)).one()
        old = {k: v for k, v in base_fields(row.fields).items() if k != "end_date"}
        conn.execute(merge_bases.update().where(*where).values(fields=base_text(old)))
    ledger.set_worker_end_date("W1", MARCH_31)
    assert counts(run())[2:] == (0, 0)
    assert counts(run()) == (0, 0, 0, 0)
