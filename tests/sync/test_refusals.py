"""A change the ledger's rules refuse is held, says what to do, and is tried
again when someone changes the entity or asks, never on a timer.

The story: hours are posted on activity A2; the project manager places task
A1 under task A2 in the plan. The ledger cannot give an activity with
postings a child.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from projsync.db import Store
from projsync.ledger.service import LedgerService
from projsync.plan.entities import PlanTask
from projsync.plan.service import PlanService
from projsync.sync.log import LogEntry, LogStatus, entries, resync_entry
from projsync.sync.status import statuses_of
from projsync.sync.tables import log
from tests.sync.conftest import engine, integrate, post_hours


def refused_move(stores: tuple[LedgerService, Store, Store]) -> LogEntry:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    post_hours(ledger, "A2", "4")
    engine(ledger, plan, sync).run()
    PlanService(plan).update_task("P1", "A1", parent="A2")
    report = engine(ledger, plan, sync).run()
    assert (report.refused, report.failed) == (1, 0)
    (entry,) = entries(sync, status=LogStatus.REFUSED)
    return entry


def test_refusal__held_with_the_rule_and_what_to_do(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, _, sync = stores
    entry = refused_move(stores)
    assert (entry.entity_key, entry.origin, entry.plan_key) == ("P1/A1", "plan", "P1/A1")
    assert "parent A2 has posted transactions and cannot have children" in str(entry.error)
    assert "move the task in the plan" in str(entry.error)
    assert "new sibling activity" in str(entry.error)
    assert ledger.activity("P1", "A1").parent == "A0"
    assert statuses_of(sync)[("project", "P1")] == "diverged"


def test_refusal__not_tried_again_on_a_timer(stores: tuple[LedgerService, Store, Store]) -> None:
    ledger, plan, sync = stores
    entry = refused_move(stores)
    with sync.write() as conn:  # a day later
        earlier = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        conn.execute(update(log).values(updated_at=earlier, created_at=earlier))
    for _ in range(2):
        report = engine(ledger, plan, sync).run()
        assert report.refused == 0
    (same,) = entries(sync, entry_id=entry.id)
    assert (same.status, same.attempts) == (LogStatus.REFUSED, 1)


def test_refusal__tried_again_when_the_plan_changes_the_task(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = refused_move(stores)
    PlanService(plan).add_task(PlanTask(project="P1", id="A3", name="Drawings", parent="A0"))
    PlanService(plan).update_task("P1", "A1", parent="A3")
    report = engine(ledger, plan, sync).run()
    assert (report.refused, report.failed) == (0, 0)
    assert ledger.activity("P1", "A1").parent == "A3"
    (done,) = entries(sync, entry_id=entry.id)
    assert (done.status, done.attempts) == (LogStatus.COMPLETED, 2)
    assert statuses_of(sync).get(("project", "P1")) is None
    quiet = engine(ledger, plan, sync).run()
    assert (quiet.created, quiet.updated, quiet.refused) == (0, 0, 0)


def test_refusal__closed_when_the_plan_puts_the_task_back(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = refused_move(stores)
    PlanService(plan).update_task("P1", "A1", parent="A0")
    engine(ledger, plan, sync).run()
    (done,) = entries(sync, entry_id=entry.id)
    assert done.status is LogStatus.COMPLETED
    assert statuses_of(sync).get(("project", "P1")) is None


def test_refusal__tried_again_when_a_person_asks(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = refused_move(stores)
    resync_entry(sync, entry.id)
    report = engine(ledger, plan, sync).run()
    assert report.refused == 1  # the ledger's rule still stands
    (again,) = entries(sync, entry_id=entry.id)
    assert (again.status, again.attempts) == (LogStatus.REFUSED, 2)


def test_refusal__a_task_born_under_an_activity_with_postings_waits_for_a_change(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    post_hours(ledger, "A2", "4")
    engine(ledger, plan, sync).run()
    PlanService(plan).add_task(PlanTask(project="P1", id="N1", name="Extra", parent="A2"))
    report = engine(ledger, plan, sync).run()
    assert report.refused == 1
    (entry,) = entries(sync, status=LogStatus.REFUSED)
    assert (entry.entity_key, entry.plan_key, entry.action) == ("P1/N1", "P1/N1", "create")
    PlanService(plan).update_task("P1", "N1", parent="A0")
    report = engine(ledger, plan, sync).run()
    assert (report.refused, report.created) == (0, 1)
    assert ledger.activity("P1", "N1").parent == "A0"
    (done,) = entries(sync, entry_id=entry.id)
    assert done.status is LogStatus.COMPLETED


def test_refusal__a_move_under_a_task_the_ledger_refused_is_held_too(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    post_hours(ledger, "A2", "4")
    engine(ledger, plan, sync).run()
    tasks = PlanService(plan)
    tasks.add_task(PlanTask(project="P1", id="N1", name="Extra", parent="A2"))
    tasks.update_task("P1", "A1", parent="N1")
    report = engine(ledger, plan, sync).run()
    assert report.refused == 2
    held = {e.entity_key: e for e in entries(sync, status=LogStatus.REFUSED)}
    assert "unknown parent activity N1" in str(held["P1/A1"].error)
    assert "place the task under a task the ledger knows" in str(held["P1/A1"].error)
    assert ledger.activity("P1", "A1").parent == "A0"
    tasks.update_task("P1", "N1", parent="A0")  # the manager moves the new task
    engine(ledger, plan, sync).run()
    assert ledger.activity("P1", "N1").parent == "A0"
    resync_entry(sync, held["P1/A1"].id)  # and asks for A1 again
    report = engine(ledger, plan, sync).run()
    assert (report.refused, ledger.activity("P1", "A1").parent) == (0, "N1")
    assert entries(sync, status=LogStatus.REFUSED) == []
