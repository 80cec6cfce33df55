"""A model of people working on both sides, and the sync between them
(hypothesis, stateful).

An accountant and a project manager edit the same project at once: names and
places of activities and tasks, hours posted, progress in the plan, new
activities and tasks (under new parents too), deletions on both sides; an
administrator changes who owns a field; a person resolves held conflicts;
and a sync run dies half-way now and then (the plan side applied operations
the sync's store never recorded). After every step:

- nothing either person wrote is lost unless a person chose so: each value a
  person last wrote on a side is on the ledger, on the plan, or in a conflict
  held in the log (a person chooses by resolving, by setting an owner that
  settles a field both changed, or by deleting the entity);
- after a complete run the two sides agree on every linked entity, but for
  the fields held as conflicts and the changes a side's rules refused;
- once the edits stop, the next run has nothing to do;
- the reconciliation of actuals is clean when nothing is held.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from projsync.connectors.base import Applied, Operation
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import open_store
from projsync.errors import InputError
from projsync.ledger.forecasts import add_forecast, list_forecasts
from projsync.ledger.model import (
    Activity,
    Company,
    ForecastKind,
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
from projsync.sync.links import links_of
from projsync.sync.log import LogStatus, entries, plain_value
from projsync.sync.model import RunReport
from projsync.sync.reconcile import reconcile
from projsync.sync.requests import resolve_conflict

NAMES = st.sampled_from(["Design", "Build", "Test", "Review", "Ship", "Plan", "Survey"])
START = (("A", None, "Phase A"), ("A1", "A", "Design"), ("A2", "A", "Build"))
START += (("B", None, "Phase B"), ("B1", "B", "Test"), ("C1", None, "Ship"))
TODAY = dt.date(2026, 8, 1)
FIELDS = ("name", "parent")


class Crash(BaseException):
    """The sync process dying (as a kill would): nothing of the batch recorded."""


class DyingPlan(PlanConnector):
    """The real plan side, whose caller dies right after the ``fatal``-th
    operation it applied (the worst moment: applied, not recorded)."""

    fatal: int | None = None

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        done = super().apply(operations)
        if self.fatal is not None:
            self.fatal -= len(done)
            if self.fatal <= 0:
                self.fatal = None
                raise Crash
        return done


@cache
def _template() -> Path:
    """The stores of the story's start, synchronized once; copied per example."""
    folder = Path(tempfile.mkdtemp(prefix="projsync-model-"))
    ledger_store = open_store("ledger", f"sqlite:///{folder / 'l.db'}", "ledger")
    plan_store = open_store("plan", f"sqlite:///{folder / 'p.db'}", "plan")
    sync_store = open_store("sync", f"sqlite:///{folder / 's.db'}", "sync")
    ledger = LedgerService(ledger_store)
    ledger.add_company(Company(id="C", name="C", currency="EUR"))
    ledger.add_project(Project(id="P", company="C", name="P"))
    ledger.add_activities(
        [Activity(project="P", number=n, name=name, parent=up) for n, up, name in START]
    )
    ledger.add_worker(
        Worker(id="W", company="C", name="W"),
        WorkerPrice(
            worker="W",
            valid_from=dt.date(2026, 1, 1),
            cost_price=Decimal("40"),
            sales_price=Decimal("90"),
        ),
    )
    sync_settings.set_company(sync_store, "C", integrate=True)
    sync_settings.set_project(sync_store, "P", integrate=True)
    sync_settings.save_global(sync_store, delete_rule="delete")
    ledger.set_worker_integrated("W", True)
    SyncEngine(
        sync_store, LedgerConnector(ledger_store, today=TODAY), PlanConnector(plan_store)
    ).run()
    for store in (ledger_store, plan_store, sync_store):
        store.dispose()
    return folder


class PeopleAndSync(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="projsync-example-"))
        for name in ("l.db", "p.db", "s.db"):
            shutil.copy(_template() / name, self.folder / name)
        self.ledger_store = open_store("ledger", f"sqlite:///{self.folder / 'l.db'}", "ledger")
        self.plan_store = open_store("plan", f"sqlite:///{self.folder / 'p.db'}", "plan")
        self.sync_store = open_store("sync", f"sqlite:///{self.folder / 's.db'}", "sync")
        self.ledger = LedgerService(self.ledger_store)
        self.plan = PlanService(self.plan_store)
        self.dying = DyingPlan(self.plan_store)
        self.owners: dict[str, str] = {}
        self.written: dict[tuple[str, str, str], object] = {}
        """(side, key, field) → what a person last wrote there, not yet agreed."""
        self.deleted: set[str] = set()
        """Entities a person deleted since the last complete run."""
        self.fresh = iter(range(1, 1000))
        self.day = 0
        self.synced = True

    def teardown(self) -> None:
        for store in (self.ledger_store, self.plan_store, self.sync_store):
            store.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- what the people do --------------------------------------------------------

    def sides(self) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
        """What each side holds, by key: an activity's or task's name and place,
        a worker's planned hours on it (``A1/W``)."""
        mine: dict[str, dict[str, object]] = {
            a.number: {"name": a.name, "parent": a.parent} for a in self.ledger.activities("P")
        }
        for forecast in list_forecasts(self.ledger_store, "P"):
            if forecast.kind is ForecastKind.HOUR and forecast.hours is not None:
                place = mine.setdefault(f"{forecast.activity}/{forecast.worker}", {"hours": _NONE})
                place["hours"] = _hours(place["hours"]) + forecast.hours
        theirs: dict[str, dict[str, object]] = {
            t.id: {"name": t.name, "parent": t.parent} for t in self.plan.tasks("P")
        }
        for assignment in self.plan.assignments("P"):
            hours = (Decimal(assignment.work) / 60).quantize(Decimal("0.01"))
            theirs[f"{assignment.task}/{assignment.resource}"] = {"hours": hours}
        return mine, theirs

    def activities(self) -> dict[str, Activity]:
        return {a.number: a for a in self.ledger.activities("P")}

    def tasks(self) -> dict[str, PlanTask]:
        return {t.id: t for t in self.plan.tasks("P")}

    def wrote(self, side: str, key: str, field: str, value: object, before: object) -> None:
        """A person's edit; writing the value a side holds already is none."""
        if value != before:
            self.written[(side, key, field)] = value
            self.synced = False

    @rule(data=st.data(), name=NAMES)
    def accountant_renames(self, data: st.DataObject, name: str) -> None:
        mine = self.activities()
        number = pick(data, mine)
        self.ledger.update_activity("P", number, name=name)
        self.wrote("ledger", number, "name", name, mine[number].name)

    @rule(data=st.data(), name=NAMES)
    def manager_renames(self, data: st.DataObject, name: str) -> None:
        theirs = self.tasks()
        task = pick(data, theirs)
        self.plan.update_task("P", task, name=name)
        self.wrote("plan", task, "name", name, theirs[task].name)

    @rule(data=st.data())
    def accountant_moves(self, data: st.DataObject) -> None:
        mine = self.activities()
        number = pick(data, mine)
        parent = data.draw(st.sampled_from([None, *sorted(set(mine) - {number})]))
        try:
            self.ledger.update_activity("P", number, parent=parent)
        except InputError:
            return  # a cycle, or a parent with postings: the ledger says no at once
        self.wrote("ledger", number, "parent", parent, mine[number].parent)

    @rule(data=st.data())
    def manager_moves(self, data: st.DataObject) -> None:
        mine = self.tasks()
        task = pick(data, mine)
        parent = data.draw(st.sampled_from([None, *sorted(set(mine) - {task})]))
        try:
            self.plan.update_task("P", task, parent=parent)
        except InputError:
            return  # a cycle, or a summary made of a task with resources
        self.wrote("plan", task, "parent", parent, mine[task].parent)

    @rule(data=st.data(), hours=st.integers(1, 8))
    def hours_are_posted(self, data: st.DataObject, hours: int) -> None:
        number = pick(data, self.activities())
        self.day += 1
        try:
            post_journal(
                self.ledger_store,
                [
                    JournalLine(
                        line=1,
                        kind=TransactionKind.HOUR,
                        project="P",
                        activity=number,
                        worker="W",
                        date=dt.date(2026, 3, 2) + dt.timedelta(days=self.day % 60),
                        hours=Decimal(hours),
                    )
                ],
                source="model",
            )
        except InputError:
            return  # a summary activity, or more than 24 hours that day
        self.synced = False

    @rule(data=st.data(), percent=st.integers(0, 100))
    def manager_reports_progress(self, data: st.DataObject, percent: int) -> None:
        task = pick(data, self.tasks())
        try:
            self.plan.update_task("P", task, percent_complete=percent)
        except InputError:
            return
        self.synced = False

    @rule(data=st.data(), name=NAMES)
    def accountant_adds(self, data: st.DataObject, name: str) -> None:
        number = f"L{next(self.fresh)}"
        parent = data.draw(st.sampled_from([None, *sorted(self.activities())]))
        try:
            self.ledger.add_activity(Activity(project="P", number=number, name=name, parent=parent))
        except InputError:
            return  # under an activity with postings
        self.wrote("ledger", number, "name", name, None)
        self.wrote("ledger", number, "parent", parent, "")

    @rule(data=st.data(), name=NAMES)
    def manager_adds(self, data: st.DataObject, name: str) -> None:
        task = f"M{next(self.fresh)}"
        parent = data.draw(st.sampled_from([None, *sorted(self.tasks())]))
        try:
            self.plan.add_task(PlanTask(project="P", id=task, name=name, parent=parent))
        except InputError:
            return
        self.wrote("plan", task, "name", name, None)
        self.wrote("plan", task, "parent", parent, "")

    @rule(data=st.data(), hours=st.integers(1, 40))
    def accountant_forecasts_hours(self, data: st.DataObject, hours: int) -> None:
        number = pick(data, self.activities())
        before = self.sides()[0].get(f"{number}/W", {}).get("hours")
        try:
            add_forecast(
                self.ledger_store,
                kind=ForecastKind.HOUR,
                project="P",
                activity=number,
                worker="W",
                date=dt.date(2026, 5, 4),
                hours=Decimal(hours),
            )
        except InputError:
            return
        self.wrote("ledger", f"{number}/W", "hours", _hours(before) + hours, before)

    @rule(data=st.data(), hours=st.integers(1, 80))
    def manager_assigns(self, data: st.DataObject, hours: int) -> None:
        task = pick(data, self.tasks())
        before = self.sides()[1].get(f"{task}/W", {}).get("hours")
        try:
            self.plan.assign("P", task, "W", work=hours * 60)
        except InputError:
            return  # a summary task
        self.wrote("plan", f"{task}/W", "hours", Decimal(hours).quantize(Decimal("0.01")), before)

    @rule(data=st.data())
    def accountant_deletes(self, data: st.DataObject) -> None:
        number = pick(data, self.activities())
        try:
            self.ledger.delete_activity("P", number)
        except InputError:
            return  # children, postings or forecasts
        self.forget(number)

    @rule(data=st.data())
    def manager_deletes(self, data: st.DataObject) -> None:
        task = pick(data, self.tasks())
        try:
            self.plan.delete_task("P", task)
        except InputError:
            return  # it has subtasks
        self.forget(task)

    def forget(self, key: str) -> None:
        """A person deleted the entity: what was written on it, on either side
        and until the next run, goes with it (a deletion wins over an edit)."""
        self.deleted |= {key, f"{key}/W"}
        self.synced = False

    @rule(side=st.sampled_from(["ledger", "plan", "none"]))
    def administrator_sets_the_owner_of_names(self, side: str) -> None:
        sync_settings.set_project(self.sync_store, "P", owners={"name": side})
        self.owners["name"] = side
        self.synced = False

    @rule(data=st.data(), how=st.sampled_from(["ledger", "plan", "value"]), name=NAMES)
    def person_resolves_a_conflict(self, data: st.DataObject, how: str, name: str) -> None:
        held = entries(self.sync_store, status=LogStatus.CONFLICT)
        if not held:
            return
        entry = data.draw(st.sampled_from(held))
        key, field = entry.entity_key.partition("/")[2], str(entry.payload["field"])
        value: object = None
        if how == "value":  # a name of one's own; for a place, the ledger's
            value = name if field == "name" else entry.payload["ledger"]
        resolve_conflict(
            self.sync_store,
            entry.id,
            keep=None if how == "value" else how,
            value=None if how != "value" else ("" if value is None else str(value)),
            user="person",
        )
        # what the person did not keep, they chose to drop
        if how != "plan":
            self.written.pop(("plan", key, field), None)
        if how != "ledger":
            self.written.pop(("ledger", key, field), None)
        if how == "value":
            self.written[("ledger", key, field)] = value
        self.synced = False

    # -- the sync ------------------------------------------------------------------

    def engine(self, plan: PlanConnector | None = None) -> SyncEngine:
        return SyncEngine(
            self.sync_store,
            LedgerConnector(self.ledger_store, today=TODAY),
            plan or PlanConnector(self.plan_store),
        )

    @rule(fatal=st.integers(1, 6))
    def sync_dies_half_way(self, fatal: int) -> None:
        self.settle_by_owners()
        self.dying.fatal = fatal
        with contextlib.suppress(Crash):
            self.engine(self.dying).run()
        self.dying.fatal = None
        self.agreed_now()  # what it managed to carry across both sides hold
        self.synced = False

    @rule()
    def sync(self) -> None:
        self.settle_by_owners()
        report = self.engine().run()
        assert report.failed == 0, entries(self.sync_store, status=LogStatus.FAILED)
        self.agreed_now()
        self.deleted.clear()
        again = self.engine().run()
        assert quiet(again), (again, entries(self.sync_store, run=again.run))
        self.synced = True

    def settle_by_owners(self) -> None:
        """A field both people changed differently goes to its owner, where it
        has one: the administrator chose that the other value is dropped. An
        entity a person deleted takes what was written on it along."""
        self.written = {k: v for k, v in self.written.items() if k[1] not in self.deleted}
        for (side, key, field), value in list(self.written.items()):
            other = "plan" if side == "ledger" else "ledger"
            theirs = self.written.get((other, key, field), value)
            owner = {"name": self.owners.get("name"), "parent": "ledger", "hours": "plan"}[field]
            if theirs != value and owner in ("ledger", "plan") and side != owner:
                del self.written[(side, key, field)]

    def agreed_now(self) -> None:
        """What both sides hold alike is agreed: nobody's pending edit any more."""
        mine, theirs = self.sides()
        for side, key, field in list(self.written):
            both = key in mine and key in theirs
            if both and mine[key].get(field) == theirs[key].get(field):
                del self.written[(side, key, field)]

    # -- what must always hold -----------------------------------------------------

    @invariant()
    def nothing_a_person_wrote_is_lost(self) -> None:
        mine, theirs = self.sides()
        held: dict[tuple[str, str], set[object]] = {}
        for entry in entries(self.sync_store, status=LogStatus.CONFLICT):
            place = (entry.entity_key.partition("/")[2], str(entry.payload["field"]))
            held.setdefault(place, set()).update((entry.payload["ledger"], entry.payload["plan"]))
        for (_, key, field), value in self.written.items():
            if key in self.deleted:
                continue  # a person deleted it: its fate is chosen
            found = {plain_value(side[key].get(field)) for side in (mine, theirs) if key in side}
            shown = plain_value(value)
            assert shown in found | held.get((key, field), set()), (key, field, value, found)

    @precondition(lambda self: self.synced)
    @invariant()
    def after_a_run_both_sides_agree_but_for_what_is_held(self) -> None:
        with self.sync_store.read() as conn:
            linked = links_of(conn, "task")
            assigned = links_of(conn, "assignment")
        mine, theirs = self.sides()
        held = {
            (e.entity_key.partition("/")[2], str(e.payload.get("field", "")))
            for e in entries(self.sync_store, status=LogStatus.CONFLICT)
        }
        refused = {
            e.entity_key.partition("/")[2]
            for e in entries(self.sync_store, status=LogStatus.REFUSED)
        }
        for ledger_key, plan_key in linked.items():
            number, task = ledger_key.split("/", 1)[1], plan_key.split("/", 1)[1]
            if number in refused:
                continue
            assert number in mine and task in theirs, (number, task)
            for field in FIELDS:
                if (number, field) not in held:
                    assert mine[number][field] == theirs[task][field], (number, field)
        for ledger_key, plan_key in assigned.items():
            pair, at = ledger_key.split("/", 1)[1], plan_key.split("/", 1)[1]
            if pair.split("/")[0] in refused or (pair, "hours") in held:
                continue
            assert mine.get(pair, {}).get("hours") == theirs.get(at, {}).get("hours"), pair
        tasks = {key for key in theirs if "/" not in key}
        unlinked_tasks = tasks - {p.split("/", 1)[1] for p in linked.values()}
        assert unlinked_tasks <= refused, unlinked_tasks

    @precondition(lambda self: self.synced)
    @invariant()
    def actuals_reconcile_when_nothing_is_held(self) -> None:
        held = entries(self.sync_store, status=LogStatus.CONFLICT) + entries(
            self.sync_store, status=LogStatus.REFUSED
        )
        if held:
            return
        check = reconcile(self.sync_store, self.engine().ledger, self.engine().plan)
        assert check.differences == ()


_NONE = Decimal("0.00")


def _hours(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else _NONE


def pick(data: st.DataObject, keys: Iterable[str]) -> str:
    """One of the keys (an example where none is left is not played on)."""
    listed = sorted(keys)
    assume(listed)
    return data.draw(st.sampled_from(listed))


def quiet(report: RunReport) -> bool:
    return (report.created, report.updated, report.deleted, report.failed, report.refused) == (
        0,
        0,
        0,
        0,
        0,
    )


TestPeopleAndSync = PeopleAndSync.TestCase
TestPeopleAndSync.settings = settings(
    max_examples=int(os.environ.get("PROJSYNC_MODEL_EXAMPLES", "500")),
    stateful_step_count=14,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
