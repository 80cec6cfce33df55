"""Reconciliation told as stories: a project is synchronized, then someone
changes the plan's actuals behind the sync's back (or posts after the run),
and the check says where, why and in which ledger project."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from projsync.connectors.base import EntityKind
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store, open_store
from projsync.ledger.model import (
    Activity,
    Company,
    JournalLine,
    Project,
    TransactionKind,
    Worker,
    WorkerPrice,
)
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.plan.entities import ActualEntry
from projsync.plan.progress import actuals_of, record_actuals
from projsync.sync import reconcile as reconcile_module
from projsync.sync import settings as sync_settings
from projsync.sync.engine import SyncEngine
from projsync.sync.reconcile import (
    DIFFERENT,
    MISSING_ON_PLAN,
    ONLY_ON_PLAN,
    Reconciliation,
    reconcile,
)
from tests.ledger.conftest import ledger

__all__ = ["ledger"]

D = dt.date(2026, 3, 2)
D2 = dt.date(2026, 3, 3)


@pytest.fixture
def stores(ledger: LedgerService, tmp_path: Path) -> tuple[LedgerService, Store, Store]:
    plan = open_store("plan", f"sqlite:///{tmp_path / 'plan.db'}", "plan")
    sync = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    return ledger, plan, sync


def run_sync(ledger: LedgerService, plan: Store, sync: Store) -> None:
    report = SyncEngine(
        sync, LedgerConnector(ledger.store, today=dt.date(2026, 8, 1)), PlanConnector(plan)
    ).run()
    assert report.failed == 0


def check(ledger: LedgerService, plan: Store, sync: Store, **only: str) -> Reconciliation:
    return reconcile(sync, LedgerConnector(ledger.store), PlanConnector(plan), **only)


def integrate(ledger: LedgerService, sync: Store, *projects: str) -> None:
    sync_settings.set_company(sync, "DEMO", integrate=True)
    for project in projects or ("P1",):
        sync_settings.set_project(sync, project, integrate=True)
    ledger.set_worker_integrated("W1", True)


def line(
    n: int,
    kind: TransactionKind,
    project: str,
    activity: str,
    *,
    worker: str | None = None,
    day: dt.date = D,
    hours: str | None = None,
    amount: str | None = None,
) -> JournalLine:
    return JournalLine(
        line=n,
        kind=kind,
        project=project,
        activity=activity,
        worker=worker,
        date=day,
        hours=None if hours is None else Decimal(hours),
        amount=None if amount is None else Decimal(amount),
        category="Travel" if kind is TransactionKind.EXPENSE else None,
    )


def hours(
    n: int, project: str, activity: str, worker: str, value: str, day: dt.date = D
) -> JournalLine:
    return line(n, TransactionKind.HOUR, project, activity, worker=worker, day=day, hours=value)


def plan_actual(
    plan: Store, project: str, task: str, resource: str | None, day: dt.date
) -> ActualEntry:
    (found,) = [
        a for a in actuals_of(plan, project) if (a.task, a.resource, a.day) == (task, resource, day)
    ]
    return found


def synced_p1(stores: tuple[LedgerService, Store, Store]) -> None:
    """P1 integrated with Ada (W1) as a resource, hours and a fee posted on
    P1 and on its subproject P1-1, all synchronized."""
    ledger, plan, sync = stores
    integrate(ledger, sync)
    post_journal(
        ledger.store,
        [
            hours(1, "P1", "A1", "W1", "6"),
            hours(2, "P1-1", "C1", "W1", "2"),
            line(3, TransactionKind.FEE, "P1", "A2", amount="500"),
        ],
        source="t",
    )
    run_sync(ledger, plan, sync)
    assert check(ledger, plan, sync).differences == ()


def test_reconcile__a_cost_changed_on_the_plan_is_found_with_its_reason_and_project(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    synced_p1(stores)
    found = plan_actual(plan, "P1", "A1", "W1", D)
    record_actuals(
        plan, [dataclasses.replace(found, actual_cost=found.actual_cost + Decimal("0.01"))]
    )
    (difference,) = check(ledger, plan, sync).differences
    assert (difference.plan_key, difference.ledger_key) == (
        "P1/A1/W1/2026-03-02",
        "P1/A1/W1/2026-03-02",
    )
    assert (difference.reason, difference.project) == (DIFFERENT, "P1")
    assert (difference.ledger["cost"], difference.plan["cost"]) == (
        Decimal("300.00"),
        Decimal("300.01"),
    )


def test_reconcile__a_difference_on_a_subprojects_task_belongs_to_the_subproject(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    synced_p1(stores)
    found = plan_actual(plan, "P1", "P1-1.C1", "W1", D)
    record_actuals(plan, [dataclasses.replace(found, actual_work=found.actual_work - 1)])
    (difference,) = check(ledger, plan, sync).differences
    assert (difference.plan_key, difference.reason, difference.project) == (
        "P1/P1-1.C1/W1/2026-03-02",
        DIFFERENT,
        "P1-1",
    )
    assert (difference.ledger["hours"], difference.plan["hours"]) == (
        Decimal("2.00"),
        Decimal("1.98"),
    )


def test_reconcile__actuals_taken_off_the_plan_are_missing_and_actuals_added_there_only_on_it(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    synced_p1(stores)
    fee = plan_actual(plan, "P1", "A2", None, D)
    record_actuals(
        plan,
        [
            dataclasses.replace(fee, revenue=Decimal("0")),
            ActualEntry(project="P1", task="A1", day=D2, resource="W1", actual_work=60),
        ],
    )
    found = {d.plan_key: d for d in check(ledger, plan, sync).differences}
    assert {key: d.reason for key, d in found.items()} == {
        "P1/A2//2026-03-02": MISSING_ON_PLAN,
        "P1/A1/W1/2026-03-03": ONLY_ON_PLAN,
    }
    assert found["P1/A1/W1/2026-03-03"].ledger_key == "P1/A1/W1/2026-03-03"
    assert found["P1/A1/W1/2026-03-03"].ledger == {
        "hours": Decimal("0.00"),
        "cost": Decimal("0.00"),
        "revenue": Decimal("0.00"),
    }


def test_reconcile__hours_of_a_worker_who_is_not_a_resource_count_on_the_task_without_resource(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    synced_p1(stores)
    post_journal(
        ledger.store,
        [
            hours(1, "P1", "A1", "W2", "4", day=D2),
            line(2, TransactionKind.EXPENSE, "P1", "A1", day=D2, amount="80"),
        ],
        source="t",
    )
    (missing,) = check(ledger, plan, sync).differences
    assert (missing.plan_key, missing.ledger_key, missing.reason) == (
        "P1/A1//2026-03-03",
        "P1/A1//2026-03-03",
        MISSING_ON_PLAN,
    )
    assert missing.ledger == {
        "hours": Decimal("4.00"),
        "cost": Decimal("240.00"),
        "revenue": Decimal("360.00"),
    }
    run_sync(ledger, plan, sync)
    assert check(ledger, plan, sync).differences == ()
    assert plan_actual(plan, "P1", "A1", None, D2).actual_work == 240


def test_reconcile__a_posting_on_an_activity_whose_task_is_not_linked_is_missing_on_the_plan(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    synced_p1(stores)
    ledger.add_activity(Activity(project="P1", number="A3", name="Commissioning"))
    post_journal(ledger.store, [hours(1, "P1", "A3", "W1", "3")], source="t")
    (missing,) = check(ledger, plan, sync).differences
    assert (missing.plan_key, missing.ledger_key, missing.reason, missing.project) == (
        None,
        "P1/A3/W1/2026-03-02",
        MISSING_ON_PLAN,
        "P1",
    )
    run_sync(ledger, plan, sync)
    assert check(ledger, plan, sync).differences == ()


def test_reconcile__a_project_integrated_but_not_yet_synchronized_is_not_compared(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    synced_p1(stores)
    sync_settings.set_project(sync, "P2", integrate=True)
    post_journal(ledger.store, [hours(1, "P2", "B1", "W1", "5")], source="t")
    report = check(ledger, plan, sync)
    assert report.differences == ()
    assert report.totals["ledger"]["hours"] == Decimal("8.00")


def test_reconcile__one_project_only_leaves_the_others_differences_out(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync, "P1", "P2")
    post_journal(
        ledger.store,
        [
            hours(1, "P1", "A1", "W1", "6"),
            hours(2, "P1-1-1", "F1", "W1", "1"),
            hours(3, "P2", "B1", "W1", "5"),
        ],
        source="t",
    )
    run_sync(ledger, plan, sync)
    tampered = [
        plan_actual(plan, "P1", "A1", "W1", D),
        plan_actual(plan, "P1", "P1-1-1.F1", "W1", D),
        plan_actual(plan, "P2", "B1", "W1", D),
    ]
    record_actuals(plan, [dataclasses.replace(a, revenue=a.revenue + 1) for a in tampered])
    everything = check(ledger, plan, sync)
    assert {p: len(d) for p, d in everything.by_project().items()} == {
        "P1": 1,
        "P1-1-1": 1,
        "P2": 1,
    }
    only_p2 = check(ledger, plan, sync, project="P2")
    assert [(d.project, d.plan_key) for d in only_p2.differences] == [("P2", "P2/B1/W1/2026-03-02")]
    assert only_p2.totals["ledger"]["hours"] == Decimal("5.00")
    with_subprojects = check(ledger, plan, sync, project="P1")
    assert sorted(with_subprojects.by_project()) == ["P1", "P1-1-1"]
    assert [d.project for d in check(ledger, plan, sync, project="P1-1").differences] == ["P1-1-1"]


def test_reconcile__shares_nothing_with_the_engine() -> None:
    tree = ast.parse(inspect.getsource(reconcile_module))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not any(name.startswith("projsync.sync.engine") for name in imported)
    assert "SyncEngine" not in inspect.getsource(reconcile_module)


_WHERE = (("P1", "A1"), ("P1", "A2"), ("P1-1", "C1"), ("P1-1-1", "F1"), ("P2", "B1"))
_LINES = st.lists(
    st.tuples(
        st.sampled_from(_WHERE),
        st.sampled_from(("W1", "W2", "expense", "fee")),
        st.integers(min_value=0, max_value=20),  # days after 2 March
        st.integers(min_value=1, max_value=300),  # hundredths of an hour, or cents (x 10)
    ),
    min_size=1,
    max_size=6,
)


def _journal(drawn: list[tuple[tuple[str, str], str, int, int]]) -> list[JournalLine]:
    lines = []
    for n, ((project, activity), who, days, quantity) in enumerate(drawn, start=1):
        day = D + dt.timedelta(days=days)
        if who in ("W1", "W2"):
            lines.append(hours(n, project, activity, who, str(Decimal(quantity) / 100), day))
        else:
            kind = TransactionKind.EXPENSE if who == "expense" else TransactionKind.FEE
            lines.append(
                line(n, kind, project, activity, day=day, amount=str(Decimal(quantity) / 10))
            )
    return lines


def _small_ledger(store: Store) -> LedgerService:
    """DEMO with P1 (subproject P1-1, sub-subproject P1-1-1) and P2, each with
    activities that take postings, and workers W1 and W2."""
    service = LedgerService(store)
    service.add_company(Company(id="DEMO", name="Demo Ltd", currency="EUR"))
    for project, parent, number in (
        ("P1", None, "A1"),
        ("P1-1", "P1", "C1"),
        ("P1-1-1", "P1-1", "F1"),
        ("P2", None, "B1"),
    ):
        service.add_project(Project(id=project, company="DEMO", name=project, parent=parent))
        service.add_activity(Activity(project=project, number=number, name=number))
    service.add_activity(Activity(project="P1", number="A2", name="A2"))
    for worker, cost, sales in (("W1", "50", "120"), ("W2", "40.5", "90.25")):
        service.add_worker(
            Worker(id=worker, company="DEMO", name=worker),
            WorkerPrice(
                worker=worker,
                valid_from=dt.date(2026, 1, 1),
                cost_price=Decimal(cost),
                sales_price=Decimal(sales),
            ),
        )
    return service


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    drawn=_LINES,
    which=st.integers(min_value=0, max_value=10**6),
    figure=st.sampled_from(("actual_work", "actual_cost", "revenue")),
)
def test_reconcile__random_postings_synchronized_agree_and_a_cent_changed_is_one_difference(
    drawn: list[tuple[tuple[str, str], str, int, int]], which: int, figure: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ledger_store, plan, sync = (
            open_store(part, f"sqlite:///{Path(folder) / part}.db", part)
            for part in ("ledger", "plan", "sync")
        )
        try:
            ledger = _small_ledger(ledger_store)
            integrate(ledger, sync, "P1")  # P2's postings stay out of the comparison
            post_journal(ledger.store, _journal(drawn), source="property")
            run_sync(ledger, plan, sync)
            assert check(ledger, plan, sync).differences == ()
            on_plan = [
                (record.fields or {}) for record in PlanConnector(plan).snapshot(EntityKind.ACTUAL)
            ]
            assume(on_plan)  # postings on P2 only
            chosen = on_plan[which % len(on_plan)]
            before = plan_actual(
                plan, str(chosen["project"]), str(chosen["task"]), chosen["resource"], chosen["day"]
            )
            step = 1 if figure == "actual_work" else Decimal("0.01")
            changed = dataclasses.replace(before, **{figure: getattr(before, figure) + step})
            record_actuals(plan, [changed])
            (difference,) = check(ledger, plan, sync).differences
            resource = before.resource or ""
            assert difference.plan_key == f"{before.project}/{before.task}/{resource}/{before.day}"
            assert difference.reason == DIFFERENT
            subproject, dot, _ = before.task.partition(".")  # P1-1.C1: C1 of P1-1
            assert difference.project == (subproject if dot else "P1")
        finally:
            for store in (ledger_store, plan, sync):
                store.dispose()
