"""Timesheet lines against a model: whatever people approve, change, withdraw
or delete, and however runs are cut short between the ledger and the log,
after a run that ends the ledger holds each line exactly as its side does:
one standing hour posting of its hours, day and text if it is approved, none
if not, never two."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select

from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.db import open_store
from projsync.ledger.model import Activity, Company, Project, Worker, WorkerPrice
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import journals, transactions
from projsync.sync import settings as sync_settings
from projsync.sync import timesheets
from projsync.sync.engine import SyncEngine
from tests.sync.test_timesheets import Sheets

KEYS = st.sampled_from(["1", "2", "3", "4"])
HOURS = st.sampled_from([Decimal("0.5"), Decimal("1"), Decimal("2.25"), Decimal("3")])
MONDAY = dt.date(2026, 3, 2)
_TEMPLATE: list[Path] = []


def _template() -> Path:
    """Stores with one integrated project, two activities and a worker,
    synchronized once; copied per example."""
    if _TEMPLATE:
        return _TEMPLATE[0]
    folder = Path(tempfile.mkdtemp(prefix="projsync-sheets-"))
    ledger_store = open_store("ledger", f"sqlite:///{folder / 'l.db'}", "ledger")
    plan_store = open_store("plan", f"sqlite:///{folder / 'p.db'}", "plan")
    sync_store = open_store("sync", f"sqlite:///{folder / 's.db'}", "sync")
    ledger = LedgerService(ledger_store)
    ledger.add_company(Company(id="DEMO", name="Demo", currency="EUR"))
    ledger.add_project(Project(id="P1", company="DEMO", name="P1"))
    ledger.add_activities(
        [
            Activity(project="P1", number="A1", name="A1"),
            Activity(project="P1", number="A2", name="A2"),
        ]
    )
    ledger.add_worker(
        Worker(id="W1", company="DEMO", name="Ada"),
        WorkerPrice(
            worker="W1", valid_from=dt.date(2026, 1, 1),
            cost_price=Decimal("50"), sales_price=Decimal("120"),
        ),
    )  # fmt: skip
    sync_settings.set_company(sync_store, "DEMO", integrate=True)
    sync_settings.set_project(sync_store, "P1", integrate=True)
    ledger.set_worker_integrated("W1", True)
    SyncEngine(sync_store, LedgerConnector(ledger_store), Sheets(plan_store)).run()
    for store in (ledger_store, plan_store, sync_store):
        store.dispose()
    _TEMPLATE.append(folder)
    return folder


class PeopleAndTimesheets(RuleBasedStateMachine):
    @initialize(whole=st.booleans())
    def start(self, whole: bool) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="projsync-sheets-example-"))
        for name in ("l.db", "p.db", "s.db"):
            shutil.copy(_template() / name, self.folder / name)
        self.ledger_store = open_store("ledger", f"sqlite:///{self.folder / 'l.db'}", "ledger")
        self.plan_store = open_store("plan", f"sqlite:///{self.folder / 'p.db'}", "plan")
        self.sync_store = open_store("sync", f"sqlite:///{self.folder / 's.db'}", "sync")
        self.side = Sheets(self.plan_store, whole=whole)
        self.engine = SyncEngine(self.sync_store, LedgerConnector(self.ledger_store), self.side)
        self.approved: dict[str, tuple[Decimal, dt.date, str, str]] = {}
        """What the side holds approved: hours, day, text, activity."""
        self.settled = True

    def teardown(self) -> None:
        for store in (self.ledger_store, self.plan_store, self.sync_store):
            store.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(key=KEYS, hours=HOURS, day=st.integers(0, 2), text=st.sampled_from(["", "site"]),
          activity=st.sampled_from(["A1", "A2"]))  # fmt: skip
    def approve(self, key: str, hours: Decimal, day: int, text: str, activity: str) -> None:
        when = MONDAY + dt.timedelta(days=day)
        self.side.put(key, hours=hours, day=when, text=text, task=f"P1/{activity}")
        self.approved[key] = (hours, when, text, activity)
        self.settled = False

    @precondition(lambda self: bool(self.approved))
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.approved)))
        if self.side.timesheets_whole and data.draw(st.booleans()):
            self.side.remove(key)  # deleted, leaving nothing behind
        else:
            self.side.put(key, withdrawn=True)
        del self.approved[key]
        self.settled = False

    @rule()
    def run(self) -> None:
        self.engine.run()
        self.settled = True

    @rule()
    def run_cut_short(self) -> None:
        """A run stopped once the ledger has a line, before the log has it."""
        real = timesheets.add_entry

        def stop(*args: object, **kwargs: object) -> int:
            raise KeyboardInterrupt

        timesheets.add_entry = stop  # type: ignore[assignment]
        try:
            self.engine.run()
        except KeyboardInterrupt:
            pass
        finally:
            timesheets.add_entry = real
        self.settled = False

    @invariant()
    def the_ledger_holds_each_line_as_its_side_does_after_a_run(self) -> None:
        if not self.settled:
            return
        standing = self.standing()
        for key in ("1", "2", "3", "4"):
            mine = standing.get(key, [])
            if key in self.approved:
                hours, day, text, activity = self.approved[key]
                assert mine == [(hours, day, text, activity)], (key, mine)
            else:
                assert mine == [], (key, mine)

    def standing(self) -> dict[str, list[tuple[Decimal, dt.date, str, str]]]:
        """Per line, its hour transactions that no reversal undid."""
        undone = select(transactions.c.reverses_id).where(transactions.c.reverses_id.is_not(None))
        query = (
            select(transactions, journals.c.source)
            .join(journals, journals.c.id == transactions.c.journal_id)
            .where(
                journals.c.source.like("test sheet line %"),
                transactions.c.reverses_id.is_(None),
                transactions.c.id.not_in(undone),
            )
        )
        found: dict[str, list[tuple[Decimal, dt.date, str, str]]] = {}
        with self.ledger_store.read() as conn:
            for row in conn.execute(query):
                key = row.source.removeprefix("test sheet line ").split(" ", 1)[0]
                found.setdefault(key, []).append(
                    (Decimal(row.hours), row.date, row.text, row.activity_number)
                )
        return found


TestPeopleAndTimesheets = PeopleAndTimesheets.TestCase
TestPeopleAndTimesheets.settings = settings(
    max_examples=int(os.environ.get("PROJSYNC_MODEL_EXAMPLES", "60")),
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
