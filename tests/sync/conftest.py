"""Stores for sync stories: the small company of the ledger tests, an empty
plan server, the sync's own store, and the engine between them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from projsync.connectors.base import Applied, EntityKind, Operation, SyncRecord
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store, open_store
from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.plan.service import PlanService
from projsync.sync import settings
from projsync.sync.engine import SyncEngine
from tests.ledger.conftest import ledger

__all__ = ["ledger"]

D = dt.date(2026, 3, 2)


@pytest.fixture
def stores(ledger: LedgerService, tmp_path: Path) -> tuple[LedgerService, Store, Store]:
    plan = open_store("plan", f"sqlite:///{tmp_path / 'plan.db'}", "plan")
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    return ledger, plan, sync


def engine(ledger: LedgerService, plan: Store, sync: Store) -> SyncEngine:
    return SyncEngine(
        sync, LedgerConnector(ledger.store, today=dt.date(2026, 8, 1)), PlanConnector(plan)
    )


class PlanBehind:
    """The built-in plan server behind the face of another plan side: every
    call handed on as it is. A story's stand-in for an outside side overrides
    what that side does otherwise; it keeps only the protocol's core (no bulk
    actuals, no fields it takes, no reading by key)."""

    side = "plan"

    def __init__(self, store: Store) -> None:
        self.inner = PlanConnector(store)

    def kinds(self) -> tuple[EntityKind, ...]:
        return self.inner.kinds()

    def high_water(self) -> int:
        return self.inner.high_water()

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        return self.inner.changes(kind, since, until)

    def snapshot(self, kind: EntityKind) -> Iterator[SyncRecord]:
        return self.inner.snapshot(kind)

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        return self.inner.apply(operations)


def integrate(ledger: LedgerService, sync: Store) -> None:
    settings.set_company(sync, "DEMO", integrate=True)
    settings.set_project(sync, "P1", integrate=True)
    ledger.set_worker_integrated("W1", True)


def post_hours(
    ledger: LedgerService, activity: str, hours: str, *, day: dt.date = D, project: str = "P1"
) -> None:
    """Ada's (W1) hours on an activity of P1."""
    post_journal(
        ledger.store,
        [
            JournalLine(
                line=1,
                kind=TransactionKind.HOUR,
                project=project,
                activity=activity,
                worker="W1",
                date=day,
                hours=Decimal(hours),
            )
        ],
        source="story",
    )


def names(ledger: LedgerService, plan: Store, number: str) -> tuple[str, str]:
    """An activity's name in the ledger and its task's name in the plan (P1)."""
    task = {t.id: t for t in PlanService(plan).tasks("P1")}[number]
    return ledger.activity("P1", number).name, task.name
