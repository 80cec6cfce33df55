"""A generated portfolio for trying projsync at scale: projects, a WBS, workers
with a price history, and a year of posted hours, expenses and fees.

Deterministic for a given seed. Everything is posted through the same
pipeline as a journal typed by a person, so the ledger's rules hold: no worker
has more than 24 hours on a day, no line is dated before its worker's first
price, nothing is posted to a summary activity.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from projsync.db import Store
from projsync.errors import InputError, Problem
from projsync.ledger.model import (
    Activity,
    Company,
    Project,
    ProjectStatus,
    ProjectType,
    TransactionKind,
    Worker,
    WorkerPrice,
)
from projsync.ledger.posting import PostingResult, post_journal
from projsync.ledger.service import LedgerService
from projsync.ledger.validation import Line

__all__ = ["SeedPlan", "seed_ledger", "working_days"]

FIRST_DAY = dt.date(2026, 1, 5)
LINES_PER_WORKER_DAY = 3
"""Three lines of at most 7.5 hours each: never past 24 hours a day."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SeedPlan:
    """How big a portfolio to generate, and the ids' prefix."""

    projects: int
    activities: int
    workers: int
    transactions: int
    seed: int = 1
    prefix: str = "S"
    company: str = "SEED"


def working_days(first: dt.date, count: int) -> list[dt.date]:
    """``count`` weekdays from ``first`` on."""
    days: list[dt.date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def seed_ledger(
    store: Store, plan: SeedPlan, *, progress: Callable[[int], None] | None = None
) -> PostingResult | None:
    """Create the portfolio's master data, then post its transactions as one journal."""
    if min(plan.projects, plan.activities, plan.workers) < 1 or plan.transactions < 0:
        raise InputError(
            [Problem(where="seed", what="projects, activities and workers must be at least 1")]
        )
    service = LedgerService(store)
    if any(p.id.startswith(f"{plan.prefix}-P") for p in service.projects()):
        raise InputError(
            [
                Problem(
                    where="seed",
                    what=f"projects {plan.prefix}-P… exist already; choose another --prefix",
                )
            ]
        )
    if plan.company not in {c.id for c in service.companies()}:
        service.add_company(Company(id=plan.company, name="Seeded Portfolio Ltd", currency="EUR"))
    leaves = _master_data(service, plan)
    if plan.transactions == 0:
        return None
    return post_journal(store, _lines(plan, leaves), source=f"seed {plan.seed}", progress=progress)


def _master_data(service: LedgerService, plan: SeedPlan) -> list[tuple[str, str]]:
    rng = random.Random(plan.seed)
    leaves: list[tuple[str, str]] = []
    root = ""
    for p in range(1, plan.projects + 1):
        project_id = f"{plan.prefix}-P{p:04d}"
        parent = root if p % 4 == 0 and root else None
        if parent is None:
            root = project_id
        service.add_project(
            Project(
                id=project_id,
                company=plan.company,
                name=f"Project {p}",
                parent=parent,
                type=rng.choice(list(ProjectType)),
                status=ProjectStatus.IN_PROCESS,
                start=FIRST_DAY,
            )
        )
        summary = None
        wbs = []
        for a in range(1, plan.activities + 1):
            number = f"A{a:03d}"
            is_summary = a % 10 == 1 and a < plan.activities
            wbs.append(
                Activity(
                    project=project_id,
                    number=number,
                    name=f"Activity {a}",
                    parent=None if is_summary else summary,
                    planned_hours=Decimal(rng.randrange(8, 200)),
                )
            )
            if is_summary:
                summary = number
            else:
                leaves.append((project_id, number))
        service.add_activities(wbs)
    for w in range(1, plan.workers + 1):
        worker_id = f"{plan.prefix}-W{w:04d}"
        cost = Decimal(rng.randrange(35, 90))
        service.add_worker(
            Worker(id=worker_id, company=plan.company, name=f"Worker {w}"),
            WorkerPrice(
                worker=worker_id,
                valid_from=dt.date(2026, 1, 1),
                cost_price=cost,
                sales_price=cost * 2,
            ),
        )
        service.set_worker_price(
            WorkerPrice(
                worker=worker_id,
                valid_from=dt.date(2026, 7, 1),
                cost_price=cost + 5,
                sales_price=cost * 2 + 10,
            )
        )
    return leaves


def _lines(plan: SeedPlan, leaves: list[tuple[str, str]]) -> Iterator[Line]:
    rng = random.Random(plan.seed + 1)
    slots_per_day = plan.workers * LINES_PER_WORKER_DAY
    days = working_days(FIRST_DAY, plan.transactions // slots_per_day + 1)
    workers = [f"{plan.prefix}-W{w:04d}" for w in range(1, plan.workers + 1)]
    slot = 0
    for number in range(2, plan.transactions + 2):
        project, activity = leaves[rng.randrange(len(leaves))]
        roll = rng.random()
        if roll < 0.85:
            kind, worker, hours, amount = (
                TransactionKind.HOUR,
                workers[slot % plan.workers],
                rng.randrange(2, 31) * 25,
                0,
            )
            date = days[slot // slots_per_day]
            slot += 1
        else:
            kind = TransactionKind.EXPENSE if roll < 0.95 else TransactionKind.FEE
            worker, hours, amount = None, 0, rng.randrange(1_000, 500_000)
            date = days[rng.randrange(len(days))]
        yield Line(
            line=number,
            kind=kind,
            project=project,
            activity=activity,
            worker=worker,
            date=date,
            day=date.toordinal(),
            hours=hours,
            amount=amount,
            category="",
        )
