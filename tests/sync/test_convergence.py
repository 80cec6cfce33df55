"""One run converges: what is born on either side lands under its parent in
the same run, parents first across both sides, and once the edits stop the
next run has nothing to do."""

from __future__ import annotations

from projsync.db import Store
from projsync.ledger.model import Activity
from projsync.ledger.service import LedgerService
from projsync.plan.entities import PlanTask
from projsync.plan.service import PlanService
from projsync.sync.model import RunReport
from tests.sync.conftest import engine, integrate


def quiet(report: RunReport) -> bool:
    return (report.created, report.updated, report.deleted, report.failed, report.refused) == (
        0,
        0,
        0,
        0,
        0,
    )


def test_converge__tasks_born_under_a_task_born_in_the_same_run(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    tasks = PlanService(plan)
    tasks.add_task(PlanTask(project="P1", id="N1", name="Commissioning", parent="A0"))
    tasks.add_task(PlanTask(project="P1", id="N2", name="Cold tests", parent="N1"))
    tasks.add_task(PlanTask(project="P1", id="N3", name="Hot tests", parent="N2"))
    report = engine(ledger, plan, sync).run()
    assert (report.created, report.failed, report.refused) == (3, 0, 0)
    parents = {a.number: a.parent for a in ledger.activities("P1")}
    assert (parents["N1"], parents["N2"], parents["N3"]) == ("A0", "N1", "N2")
    assert quiet(engine(ledger, plan, sync).run())


def test_converge__a_task_moved_under_a_task_born_in_the_same_run(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    tasks = PlanService(plan)
    tasks.add_task(PlanTask(project="P1", id="N1", name="Design phase", parent="A0"))
    tasks.update_task("P1", "A1", parent="N1")
    report = engine(ledger, plan, sync).run()
    assert (report.failed, report.refused) == (0, 0)
    assert ledger.activity("P1", "A1").parent == "N1"
    assert quiet(engine(ledger, plan, sync).run())


def test_converge__births_on_both_sides_in_one_run(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    ledger.add_activity(Activity(project="P1", number="L1", name="Permits"))
    ledger.add_activity(Activity(project="P1", number="L2", name="Filing", parent="L1"))
    PlanService(plan).add_task(PlanTask(project="P1", id="N1", name="Site visit", parent="A0"))
    PlanService(plan).add_task(PlanTask(project="P1", id="N2", name="Report", parent="N1"))
    report = engine(ledger, plan, sync).run()
    assert (report.created, report.failed) == (4, 0)
    plan_parents = {
        t.id: t.parent for t in PlanService(plan).tasks("P1") if not t.id.startswith("P1-")
    }  # the subprojects' tasks aside
    ledger_parents = {a.number: a.parent for a in ledger.activities("P1")}
    assert plan_parents["L2"] == "L1" and ledger_parents["N2"] == "N1"
    assert set(plan_parents) == set(ledger_parents)
    assert quiet(engine(ledger, plan, sync).run())
