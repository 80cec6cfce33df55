"""The demo company: a small, believable engineering firm to try projsync on.

Loaded once, into an empty ledger: two customer projects (one with
subprojects), an internal project, four workers with a price rise in July,
forecasts, and six weeks of posted hours, expenses and fees.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.db import Store
from projsync.ledger.forecasts import add_forecast
from projsync.ledger.milestones import add_milestone
from projsync.ledger.model import (
    Activity,
    Company,
    ForecastKind,
    JournalLine,
    Project,
    ProjectStatus,
    ProjectType,
    TransactionKind,
    Worker,
    WorkerPrice,
)
from projsync.ledger.posting import post_journal
from projsync.ledger.seed import working_days
from projsync.ledger.service import LedgerService

__all__ = ["DEMO_COMPANY", "ROOT_PROJECTS", "load_demo"]

DEMO_COMPANY = "DEMO"
ROOT_PROJECTS = ("PRJ-1000", "PRJ-2000", "PRJ-3000")
START = dt.date(2026, 3, 2)

_PROJECTS = (
    ("PRJ-1000", None, "Plant upgrade", ProjectType.TIME_MATERIAL, "Northwind Foods", "CT-0042"),
    (
        "PRJ-1000-01",
        "PRJ-1000",
        "Engineering",
        ProjectType.TIME_MATERIAL,
        "Northwind Foods",
        "CT-0042",
    ),
    (
        "PRJ-1000-02",
        "PRJ-1000",
        "Construction",
        ProjectType.TIME_MATERIAL,
        "Northwind Foods",
        "CT-0042",
    ),
    ("PRJ-2000", None, "ERP rollout", ProjectType.FIXED_PRICE, "Contoso Retail", "CT-0057"),
    ("PRJ-3000", None, "Internal tooling", ProjectType.INTERNAL, None, None),
)

_CONTRACT_VALUES = {"PRJ-2000": Decimal("120000.00")}
"""What the fixed-price project's contract is worth."""

# project, due date, amount, text: the fixed price billed on account
_MILESTONES = (
    ("PRJ-2000", dt.date(2026, 3, 31), "30000.00", "Blueprint signed off"),
    ("PRJ-2000", dt.date(2026, 6, 30), "60000.00", "Go-live"),
)

# project, number, name, parent, category, planned hours
_ACTIVITIES = (
    ("PRJ-1000-01", "1", "Basic design", None, None, 0),
    ("PRJ-1000-01", "1.1", "Process survey", "1", "Survey", 40),
    ("PRJ-1000-01", "1.2", "P&ID drawings", "1", "Design", 120),
    ("PRJ-1000-01", "2", "Detail design", None, "Design", 160),
    ("PRJ-1000-02", "1", "Site preparation", None, "Installation", 80),
    ("PRJ-1000-02", "2", "Equipment installation", None, None, 0),
    ("PRJ-1000-02", "2.1", "Mechanical", "2", "Installation", 200),
    ("PRJ-1000-02", "2.2", "Electrical", "2", "Installation", 120),
    ("PRJ-1000-02", "3", "Commissioning", None, "Testing", 60),
    ("PRJ-2000", "1", "Analysis", None, "Consulting", 80),
    ("PRJ-2000", "2", "Configuration", None, "Consulting", 160),
    ("PRJ-2000", "3", "Data migration", None, "Development", 120),
    ("PRJ-2000", "4", "Training", None, "Training", 40),
    ("PRJ-3000", "1", "Timesheet portal", None, "Development", 60),
)

# id, name, cost price, sales price (a rise of 5 % on 1 July)
_WORKERS = (
    ("W-001", "Ada Lovelace", "62.00", "145.00"),
    ("W-002", "Grace Hopper", "58.00", "130.00"),
    ("W-003", "Alan Turing", "55.00", "120.00"),
    ("W-004", "Edsger Dijkstra", "48.00", "105.00"),
)

# who works where, hours a day
_WORK = (
    ("W-001", "PRJ-1000-01", "1.2", "6"),
    ("W-001", "PRJ-2000", "1", "2"),
    ("W-002", "PRJ-1000-01", "1.1", "4"),
    ("W-002", "PRJ-2000", "2", "4"),
    ("W-003", "PRJ-1000-02", "1", "7.5"),
    ("W-004", "PRJ-2000", "3", "5"),
    ("W-004", "PRJ-3000", "1", "3"),
)


def load_demo(store: Store) -> None:
    """Fill an empty ledger with the demo company."""
    service = LedgerService(store)
    service.add_company(Company(id=DEMO_COMPANY, name="Demo Engineering Ltd", currency="EUR"))
    for project_id, parent, name, kind, customer, contract in _PROJECTS:
        service.add_project(
            Project(
                id=project_id,
                company=DEMO_COMPANY,
                name=name,
                parent=parent,
                type=kind,
                status=ProjectStatus.IN_PROCESS,
                customer=customer,
                contract=contract,
                group="Customer" if customer else "Internal",
                start=START,
                end=dt.date(2026, 9, 30),
                manager="W-001",
                contract_value=_CONTRACT_VALUES.get(project_id),
            )
        )
    for project_id, day, amount, text in _MILESTONES:
        add_milestone(store, project_id, date=day, amount=Decimal(amount), text=text)
    for project_id, number, name, parent, category, planned in _ACTIVITIES:
        service.add_activity(
            Activity(
                project=project_id,
                number=number,
                name=name,
                parent=parent,
                category=category,
                planned_hours=Decimal(planned),
            )
        )
    for worker_id, name, cost, sales in _WORKERS:
        service.add_worker(
            Worker(id=worker_id, company=DEMO_COMPANY, name=name),
            WorkerPrice(
                worker=worker_id,
                valid_from=dt.date(2026, 1, 1),
                cost_price=Decimal(cost),
                sales_price=Decimal(sales),
            ),
        )
        service.set_worker_price(
            WorkerPrice(
                worker=worker_id,
                valid_from=dt.date(2026, 7, 1),
                cost_price=(Decimal(cost) * Decimal("1.05")).quantize(Decimal("0.01")),
                sales_price=(Decimal(sales) * Decimal("1.05")).quantize(Decimal("0.01")),
            )
        )
    _forecasts(store)
    post_journal(store, _journal(), source="demo")


def _forecasts(store: Store) -> None:
    for worker, project, activity, per_day in _WORK:
        add_forecast(
            store,
            kind=ForecastKind.HOUR,
            project=project,
            activity=activity,
            worker=worker,
            date=START,
            hours=Decimal(per_day) * 40,
        )
    add_forecast(
        store,
        kind=ForecastKind.EXPENSE,
        project="PRJ-1000-02",
        activity="1",
        date=START,
        amount=Decimal("12000"),
    )
    add_forecast(
        store,
        kind=ForecastKind.REVENUE,
        project="PRJ-2000",
        activity="4",
        date=dt.date(2026, 6, 30),
        amount=Decimal("48000"),
    )


def _journal() -> list[JournalLine]:
    lines: list[JournalLine] = []
    for day in working_days(START, 30):
        for worker, project, activity, per_day in _WORK:
            lines.append(
                JournalLine(
                    line=len(lines) + 1,
                    kind=TransactionKind.HOUR,
                    project=project,
                    activity=activity,
                    worker=worker,
                    date=day,
                    hours=Decimal(per_day),
                )
            )
    extras = (
        (TransactionKind.EXPENSE, "PRJ-1000-02", "1", "Material", "4830.50"),
        (TransactionKind.EXPENSE, "PRJ-1000-01", "1.1", "Travel", "612.40"),
        (TransactionKind.EXPENSE, "PRJ-2000", "1", "Travel", "289.90"),
        (TransactionKind.FEE, "PRJ-2000", "1", "Milestone", "15000.00"),
        (TransactionKind.FEE, "PRJ-1000-01", "1.2", "Fee", "2500.00"),
    )
    for kind, project, activity, category, amount in extras:
        lines.append(
            JournalLine(
                line=len(lines) + 1,
                kind=kind,
                project=project,
                activity=activity,
                date=START + dt.timedelta(days=14),
                amount=Decimal(amount),
                category=category,
            )
        )
    return lines
