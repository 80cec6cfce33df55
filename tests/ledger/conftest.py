"""A small company on the ledger: the stage most ledger tests start from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.db import Store
from projsync.ledger.model import Activity, Company, Project, Worker, WorkerPrice
from projsync.ledger.service import LedgerService


@pytest.fixture
def ledger(ledger_store: Store) -> LedgerService:
    """DEMO with project P1 (subproject P1-1, sub-subproject P1-1-1), P2, worker W1
    whose prices rise on 1 July, worker W2, and a small WBS under each project."""
    return demo_ledger(ledger_store)


def demo_ledger(store: Store) -> LedgerService:
    """The ``ledger`` fixture's stage on ``store``."""
    service = LedgerService(store)
    service.add_company(Company(id="DEMO", name="Demo Ltd", currency="EUR"))
    service.add_project(Project(id="P1", company="DEMO", name="Plant upgrade"))
    service.add_project(Project(id="P1-1", company="DEMO", name="Civil works", parent="P1"))
    service.add_project(Project(id="P1-1-1", company="DEMO", name="Foundations", parent="P1-1"))
    service.add_project(Project(id="P2", company="DEMO", name="Office move"))
    service.add_activity(Activity(project="P1", number="A0", name="Engineering"))
    service.add_activity(
        Activity(project="P1", number="A1", name="Design", parent="A0", category="Design")
    )
    service.add_activity(Activity(project="P1", number="A2", name="Review", parent="A0"))
    service.add_activity(Activity(project="P1-1", number="C1", name="Excavation"))
    service.add_activity(Activity(project="P1-1-1", number="F1", name="Concrete"))
    service.add_activity(Activity(project="P2", number="B1", name="Packing"))
    service.add_worker(
        Worker(id="W1", company="DEMO", name="Ada"),
        WorkerPrice(
            worker="W1",
            valid_from=dt.date(2026, 1, 1),
            cost_price=Decimal("50"),
            sales_price=Decimal("120"),
        ),
    )
    service.set_worker_price(
        WorkerPrice(
            worker="W1",
            valid_from=dt.date(2026, 7, 1),
            cost_price=Decimal("55.5"),
            sales_price=Decimal("130.25"),
        )
    )
    service.add_worker(
        Worker(id="W2", company="DEMO", name="Grace"),
        WorkerPrice(
            worker="W2",
            valid_from=dt.date(2026, 3, 1),
            cost_price=Decimal("40"),
            sales_price=Decimal("90"),
        ),
    )
    return service
