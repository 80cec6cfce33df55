"""Random interleaved edits on both sides and sync runs (hypothesis, stateful):
both sides converge, reconciliation shows no difference, and no edit is
silently lost: an edit made on one side between two runs reaches the other
side, and the same name edited differently on both sides is held as a
conflict in the log with both sides keeping their own."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import open_store
from projsync.errors import InputError
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
from projsync.plan.entities import PlanTask
from projsync.plan.service import PlanService
from projsync.sync import settings as sync_settings
from projsync.sync.engine import SyncEngine
from projsync.sync.log import LogStatus, entries
from projsync.sync.reconcile import reconcile

NAMES = st.sampled_from(["Design", "Build", "Test", "Review", "Ship", "Plan"])
LEAVES = ("A1", "A2", "A3")


class BothSides(RuleBasedStateMachine):
    @initialize()
    def build(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.ledger_store = open_store("ledger", f"sqlite:///{self.folder / 'l.db'}", "ledger")
        self.plan_store = open_store("plan", f"sqlite:///{self.folder / 'p.db'}", "plan")
        self.sync_store = open_store("sync", f"sqlite:///{self.folder / 's.db'}", "sync")
        self.ledger = LedgerService(self.ledger_store)
        self.plan = PlanService(self.plan_store)
        self.ledger.add_company(Company(id="C", name="C", currency="EUR"))
        self.ledger.add_project(Project(id="P", company="C", name="P"))
        self.ledger.add_activities(
            [Activity(project="P", number=n, name=f"Task {n}") for n in LEAVES]
        )
        self.ledger.add_worker(
            Worker(id="W", company="C", name="W"),
            WorkerPrice(
                worker="W",
                valid_from=dt.date(2026, 1, 1),
                cost_price=Decimal("40"),
                sales_price=Decimal("90"),
            ),
        )
        sync_settings.set_company(self.sync_store, "C", integrate=True)
        sync_settings.set_project(self.sync_store, "P", integrate=True)
        self.ledger.set_worker_integrated("W", True)
        self.engine = SyncEngine(
            self.sync_store,
            LedgerConnector(self.ledger_store, today=dt.date(2026, 8, 1)),
            PlanConnector(self.plan_store),
        )
        self.synced = False
        self.held: set[str] = set()
        self.edits: dict[str, dict[str, str]] = {"ledger": {}, "plan": {}}
        self.agreed: dict[str, str] = {}
        """Names both sides agreed on at the last run: the merge base."""
        self.day = 0
        self.sync()

    def teardown(self) -> None:
        for store in (self.ledger_store, self.plan_store, self.sync_store):
            store.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(number=st.sampled_from(LEAVES), name=NAMES)
    def rename_in_ledger(self, number: str, name: str) -> None:
        self.ledger.update_activity("P", number, name=name)
        self.edit("ledger", number, name)

    @rule(number=st.sampled_from(LEAVES), name=NAMES)
    def rename_in_plan(self, number: str, name: str) -> None:
        self.plan.update_task("P", number, name=name)
        self.edit("plan", number, name)

    def edit(self, side: str, number: str, name: str) -> None:
        """A side's net change since the last run: back to the agreed name is none."""
        if name == self.agreed.get(number):
            self.edits[side].pop(number, None)
        else:
            self.edits[side][number] = name
        self.synced = False

    @rule(number=st.sampled_from(LEAVES), hours=st.integers(1, 8))
    def post_hours(self, number: str, hours: int) -> None:
        self.day += 1
        day = dt.date(2026, 3, 2) + dt.timedelta(days=self.day)
        post_journal(
            self.ledger_store,
            [
                JournalLine(
                    line=1,
                    kind=TransactionKind.HOUR,
                    project="P",
                    activity=number,
                    worker="W",
                    date=day,
                    hours=Decimal(hours),
                )
            ],
            source="story",
        )
        self.synced = False

    @rule(number=st.sampled_from(["N1", "N2"]), name=NAMES)
    def add_task_in_plan(self, number: str, name: str) -> None:
        try:
            self.plan.add_task(PlanTask(project="P", id=number, name=name))
        except InputError:
            return  # added already
        self.synced = False

    @rule()
    def sync(self) -> None:
        report = self.engine.run()
        assert report.failed == 0, entries(self.sync_store, status=LogStatus.FAILED)
        held = {
            e.entity_key.split("/", 1)[1]
            for e in entries(self.sync_store, status=LogStatus.CONFLICT)
        }
        ledger_names = {a.number: a.name for a in self.ledger.activities("P")}
        plan_names = {t.id: t.name for t in self.plan.tasks("P")}
        for number in set(self.edits["ledger"]) | set(self.edits["plan"]):
            mine, theirs = self.edits["ledger"].get(number), self.edits["plan"].get(number)
            if mine is not None and theirs is not None and mine != theirs:
                # a true conflict: held for a person, each side keeps its own edit
                assert number in held
                assert (ledger_names[number], plan_names[number]) == (mine, theirs)
            else:
                edit = mine or theirs
                assert ledger_names[number] == edit == plan_names[number]
        self.edits = {"ledger": {}, "plan": {}}
        self.agreed.update((n, name) for n, name in ledger_names.items() if n not in held)
        self.held = held
        self.synced = True
        self.check_reconciled()

    def check_reconciled(self) -> None:
        check = reconcile(
            self.sync_store,
            LedgerConnector(self.ledger_store, today=dt.date(2026, 8, 1)),
            PlanConnector(self.plan_store),
        )
        assert check.differences == ()

    @precondition(lambda self: self.synced)
    @invariant()
    def both_sides_agree_after_a_run_except_held_conflicts(self) -> None:
        ledger_names = {a.number: a.name for a in self.ledger.activities("P")}
        plan_names = {t.id: t.name for t in self.plan.tasks("P")}
        assert set(ledger_names) == set(plan_names)
        for number, name in ledger_names.items():
            if number not in self.held:
                assert plan_names[number] == name


TestBothSides = BothSides.TestCase
TestBothSides.settings = settings(
    max_examples=40,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
