"""One sync run, ledger to plan, told as stories."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal

import pytest
from sqlalchemy import select

from projsync.connectors.base import (
    Applied,
    BulkActuals,
    ConnectorUnavailable,
    EntityKind,
    Operation,
    SyncRecord,
)
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store
from projsync.ledger.forecasts import add_forecast
from projsync.ledger.model import Activity, ForecastKind, JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.plan.fields import field_values
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.plan.tables import custom_values, projects
from projsync.plan.views import project_view
from projsync.sync import settings
from projsync.sync.engine import SyncEngine
from projsync.sync.links import base_fields, base_text
from projsync.sync.log import LogStatus, entries
from projsync.sync.tables import merge_bases
from tests.ledger.conftest import ledger
from tests.sync.conftest import D, PlanBehind, engine, integrate, stores

__all__ = ["ledger", "stores"]


def hours_on_a1(hours: str, *, line: int = 1) -> JournalLine:
    """A journal line of Ada's (W1) hours on activity A1 of P1, on D."""
    return JournalLine(
        line=line,
        kind=TransactionKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=D,
        hours=Decimal(hours),
    )


def test_sync__nothing_integrated_nothing_goes_across(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    report = engine(ledger, plan, sync).run()
    assert (report.created, report.failed) == (0, 0)
    assert PlanService(plan).projects() == []


def test_sync__an_integrated_project_becomes_a_plan_project_with_its_wbs(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0, entries(sync, status=LogStatus.FAILED)
    service = PlanService(plan)
    assert [p.id for p in service.projects()] == ["P1"]
    tasks = {t.id: t.parent for t in service.tasks("P1")}
    # the project's own WBS, then each subproject as a summary task over its activities
    assert tasks == {
        "A0": None, "A1": "A0", "A2": "A0",
        "P1-1": None, "P1-1.C1": "P1-1",
        "P1-1-1": "P1-1", "P1-1-1.F1": "P1-1-1",
    }  # fmt: skip
    _, _, custom = project_view(plan, "P1")
    assert custom["DAX_03_Company"] == "DEMO"
    # the company's currency: the plan project's own, and carried as a field
    assert (service.project("P1").currency, custom["DAX_20_Currency"]) == ("EUR", "EUR")
    assert [r.id for r in service.resources()] == ["W1"]


def test_sync__a_project_linked_before_its_currency_went_across_gets_it_at_its_next_change(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    with sync.write() as conn:  # the project's merge base as an earlier version wrote it
        for key in ("P1", "P1-1"):
            row = conn.execute(
                select(merge_bases.c.fields).where(
                    merge_bases.c.kind == "project", merge_bases.c.ledger_key == key
                )
            ).one()
            old = {k: v for k, v in base_fields(row.fields).items() if k != "currency"}
            conn.execute(
                merge_bases.update()
                .where(merge_bases.c.kind == "project", merge_bases.c.ledger_key == key)
                .values(fields=base_text(old))
            )
    with plan.write() as conn:  # ... and the plan as it was then (no change of its own)
        conn.execute(projects.update().where(projects.c.id == "P1").values(currency=None))
        conn.execute(
            custom_values.delete().where(
                custom_values.c.entity_key == "P1", custom_values.c.field_name == "DAX_20_Currency"
            )
        )
    ledger.update_project("P1", name="Plant upgrade, phase 2")
    ledger.update_project("P1-1", name="Civil works, phase 2")  # a summary task in P1

    report = engine(ledger, plan, sync).run()

    assert (report.conflicts, report.failed) == (0, 0)
    assert PlanService(plan).project("P1").currency == "EUR"
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated, again.conflicts, again.failed) == (0, 0, 0, 0)


def test_sync__a_second_run_with_nothing_new_does_nothing(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated, again.deleted, again.failed) == (0, 0, 0, 0)


def test_sync__projects_and_workers_created_together_learn_the_start_the_plan_chose(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    settings.set_project(sync, "P2", integrate=True)
    ledger.set_worker_integrated("W2", True)
    assert {ledger.project(p).start for p in ("P1", "P2")} == {None}
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0, entries(sync, status=LogStatus.FAILED)
    service = PlanService(plan)
    today = dt.datetime.now(dt.UTC).date()
    assert {p.id: p.start for p in service.projects()} == {
        key: dt.datetime.combine(today, dt.time(8)) for key in ("P1", "P2")
    }
    # learned from the plan as the projected start; the project's own start stays empty
    learned = {(ledger.project(p).start, ledger.project(p).projected_start) for p in ("P1", "P2")}
    assert learned == {(None, today)}
    assert sorted(r.id for r in service.resources()) == ["W1", "W2"]
    with plan.read() as conn:
        custom = field_values(conn, ["P2", "W2"])
    assert custom["P2"]["DAX_03_Company"] == custom["W2"]["DAX_13_WorkerCompany"] == "DEMO"
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated, again.failed) == (0, 0, 0)


def test_sync__the_contract_dates_stay_the_accountants_and_the_plans_come_back_beside_them(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    """The accountant agrees P1 from 2 March to 30 September; the plan
    schedules it to finish on 22 April. The sync shows that finish beside the
    contract end and never writes over it; the accountant's new start still
    moves the plan."""
    ledger, plan, sync = stores
    integrate(ledger, sync)
    ledger.update_project("P1", start=dt.date(2026, 3, 2), end=dt.date(2026, 9, 30))
    run = engine(ledger, plan, sync).run
    assert run().failed == 0, entries(sync, status=LogStatus.FAILED)
    service = PlanService(plan)
    assert service.project("P1").start == dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 (plan wall clock)
    service.update_task("P1", "A1", duration=38 * 480)  # 38 working days from 2 March
    assert schedule_project(plan, "P1").finish == "2026-04-22T17:00:00"
    assert run().failed == 0, entries(sync, status=LogStatus.FAILED)
    project = ledger.project("P1")
    assert (project.start, project.end) == (dt.date(2026, 3, 2), dt.date(2026, 9, 30))
    assert (project.projected_start, project.projected_end) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 22),
    )
    again = run()
    assert (again.created, again.updated, again.failed) == (0, 0, 0)

    ledger.update_project("P1", start=dt.date(2026, 3, 9))
    assert run().failed == 0, entries(sync, status=LogStatus.FAILED)
    assert service.project("P1").start == dt.datetime(2026, 3, 9, 8)  # noqa: DTZ001
    project = ledger.project("P1")
    assert (project.start, project.end) == (dt.date(2026, 3, 9), dt.date(2026, 9, 30))
    assert project.projected_start == dt.date(2026, 3, 9)  # learned in the same run
    again = run()
    assert (again.created, again.updated, again.failed) == (0, 0, 0)
    assert schedule_project(plan, "P1").finish == "2026-04-29T17:00:00"
    run()
    project = ledger.project("P1")
    assert (project.end, project.projected_end) == (dt.date(2026, 9, 30), dt.date(2026, 4, 29))


def test_sync__posted_hours_become_actual_cost_on_the_task(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    post_journal(
        ledger.store,
        [
            hours_on_a1("6"),
            JournalLine(
                line=2,
                kind=TransactionKind.EXPENSE,
                project="P1-1",
                activity="C1",
                date=D,
                amount=Decimal("80"),
            ),
        ],
        source="t",
    )
    engine(ledger, plan, sync).run()
    _, views, _ = project_view(plan, "P1")
    by_id = {v.task.id: v for v in views}
    assert (by_id["A1"].actual_work, by_id["A1"].actual_cost) == (360, Decimal("300.00"))
    assert by_id["P1-1.C1"].actual_cost == Decimal("80.00")
    assert by_id["A0"].actual_cost == Decimal("300.00")  # rolled up


class OperationsOnly(PlanBehind):
    """The plan connector as a side that takes actuals only as operations (no
    ``apply_actuals``), as Redmine does."""


def test_sync__actuals_reach_a_side_without_rows_as_operations(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    side = OperationsOnly(plan)
    assert not isinstance(side, BulkActuals) and isinstance(PlanConnector(plan), BulkActuals)
    run = SyncEngine(sync, LedgerConnector(ledger.store, today=dt.date(2026, 8, 1)), side).run
    run()
    post_journal(ledger.store, [hours_on_a1("6")], source="t")
    report = run()
    assert (report.created, report.failed) == (1, 0)
    _, views, _ = project_view(plan, "P1")
    a1 = next(v for v in views if v.task.id == "A1")
    assert (a1.actual_work, a1.actual_cost) == (360, Decimal("300.00"))
    (entry,) = [e for e in entries(sync, entity="P1/A1/W1/2026-03-02")]
    assert entry.payload == {
        "actual_cost": "300.00", "actual_work": 360, "revenue": "720.00"
    }  # fmt: skip
    assert (run().created, run().updated) == (0, 0)


def test_sync__renamed_activity_and_new_forecast_go_across(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    ledger.update_activity("P1", "A2", name="Peer review")
    ledger.add_activity(Activity(project="P1", number="A3", name="Hand-over"))
    add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A3",
        worker="W1",
        date=D,
        hours=Decimal("16"),
    )
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0
    service = PlanService(plan)
    tasks = {t.id: t for t in service.tasks("P1")}
    assert tasks["A2"].name == "Peer review" and "A3" in tasks
    assert [(a.task, a.resource, a.work) for a in service.assignments("P1")] == [("A3", "W1", 960)]


def test_sync__dry_run_tells_without_changing_anything(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    report = engine(ledger, plan, sync).run(dry_run=True)
    assert report.created > 0 and report.summary()["operations"]
    assert PlanService(plan).projects() == []
    assert entries(sync) == []


def test_sync__reconciliation_shows_no_difference_after_a_run_and_lists_what_differs(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    from projsync.sync.reconcile import DIFFERENT, reconcile

    ledger, plan, sync = stores
    integrate(ledger, sync)
    post_journal(
        ledger.store,
        [
            hours_on_a1("6"),
            JournalLine(
                line=2,
                kind=TransactionKind.FEE,
                project="P1",
                activity="A2",
                date=D,
                amount=Decimal("500"),
            ),
        ],
        source="t",
    )
    left, right = LedgerConnector(ledger.store, today=dt.date(2026, 8, 1)), PlanConnector(plan)
    assert reconcile(sync, left, right).differences == ()  # not synchronized yet: not compared
    engine(ledger, plan, sync).run()
    after = reconcile(sync, left, right)
    assert after.differences == ()
    assert (
        after.totals["ledger"]
        == after.totals["plan"]
        == {"hours": Decimal("6.00"), "cost": Decimal("300.00"), "revenue": Decimal("1220.00")}
    )
    post_journal(ledger.store, [hours_on_a1("2")], source="t")
    (more,) = reconcile(sync, left, right).differences
    assert (more.plan_key, more.reason, more.project) == ("P1/A1/W1/2026-03-02", DIFFERENT, "P1")
    assert (more.ledger["hours"], more.plan["hours"]) == (Decimal("8.00"), Decimal("6.00"))


def test_sync__task_renamed_in_the_plan_renames_the_activity(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    PlanService(plan).update_task("P1", "A2", name="Peer review")
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0 and report.conflicts == 0
    assert ledger.activity("P1", "A2").name == "Peer review"
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)


def test_sync__same_field_edited_on_both_sides_is_held_as_a_conflict(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    PlanService(plan).update_task("P1", "A2", name="Review (plan)")
    ledger.update_activity("P1", "A2", name="Review (ledger)")
    report = engine(ledger, plan, sync).run()
    assert report.conflicts == 1
    held = entries(sync, status=LogStatus.CONFLICT)
    assert [(e.entity_key, e.payload["field"]) for e in held] == [("P1/A2", "name")]
    assert ledger.activity("P1", "A2").name == "Review (ledger)"  # nothing silently lost
    assert {t.id: t.name for t in PlanService(plan).tasks("P1")}["A2"] == "Review (plan)"


def test_sync__different_fields_edited_on_both_sides_are_both_kept(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    PlanService(plan).update_task("P1", "A2", name="Review in the plan")
    ledger.update_activity("P1", "A2", planned_hours=Decimal("12"))
    report = engine(ledger, plan, sync).run()
    assert (report.failed, report.conflicts) == (0, 0)
    assert ledger.activity("P1", "A2").name == "Review in the plan"
    task = {t.id: t for t in PlanService(plan).tasks("P1")}["A2"]
    assert (task.name, task.budget_work) == ("Review in the plan", 720)


def test_sync__a_task_added_in_the_plan_becomes_an_activity(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    from projsync.plan.entities import PlanTask

    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    PlanService(plan).add_task(PlanTask(project="P1", id="A4", name="Commissioning", parent="A0"))
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0
    created = ledger.activity("P1", "A4")
    assert (created.name, created.parent) == ("Commissioning", "A0")
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated, again.failed) == (0, 0, 0)


def test_sync__a_task_deleted_in_the_plan_only_unlinks_by_default(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    PlanService(plan).delete_task("P1", "A2")
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0
    assert ledger.activity("P1", "A2").name == "Review"
    assert next(e.action for e in entries(sync, entity="P1/A2")) == "unlink"


class FlakyPlan(PlanConnector):
    """The real plan connector, refusing the given keys until told to stop:
    the plan server being unreachable for a moment, for one entity."""

    def __init__(self, store: Store, failing: set[str]) -> None:
        super().__init__(store)
        self.failing = failing

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        good = [o for o in operations if o.target_key not in self.failing]
        done = iter(super().apply(good))
        return [
            next(done)
            if o.target_key not in self.failing
            else Applied(
                operation=o, target_key=o.target_key, error="plan server busy", retriable=True
            )
            for o in operations
        ]


def test_sync__a_failed_entity_is_logged_and_resynchronized_on_request(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    from projsync.sync.log import set_status

    ledger, plan, sync = stores
    integrate(ledger, sync)
    flaky = FlakyPlan(plan, {"P1/A2"})
    side = LedgerConnector(ledger.store, today=dt.date(2026, 8, 1))
    first = SyncEngine(sync, side, flaky).run()
    assert first.failed == 1
    (failed,) = entries(sync, status=LogStatus.FAILED)
    assert (failed.entity_key, failed.error, failed.attempts) == ("P1/A2", "plan server busy", 1)
    assert "A2" not in {t.id for t in PlanService(plan).tasks("P1")}
    flaky.failing.clear()
    assert SyncEngine(sync, side, flaky).run().created == 0  # back-off: not yet
    set_status(sync, failed.id, LogStatus.WAITING, allowed_from={LogStatus.FAILED})
    again = SyncEngine(sync, side, flaky).run()
    assert (again.created, again.failed) == (1, 0)
    (entry,) = [e for e in entries(sync, entity="P1/A2")]
    assert (entry.status, entry.attempts) == (LogStatus.COMPLETED, 2)
    assert "A2" in {t.id for t in PlanService(plan).tasks("P1")}


def test_sync__a_failing_project_shows_failed_then_idle(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    from sqlalchemy import select

    from projsync.sync.tables import entity_status

    ledger, plan, sync = stores
    integrate(ledger, sync)
    flaky = FlakyPlan(plan, {"P1/A2"})
    side = LedgerConnector(ledger.store, today=dt.date(2026, 8, 1))
    SyncEngine(sync, side, flaky).run()

    def statuses() -> dict[str, str]:
        with sync.read() as conn:
            return {r.key: r.status for r in conn.execute(select(entity_status))}

    assert statuses() == {"P1": "failed", "P1-1": "idle", "P1-1-1": "idle", "W1": "idle"}
    flaky.failing.clear()
    (failed,) = entries(sync, status=LogStatus.FAILED)
    from projsync.sync.log import set_status

    set_status(sync, failed.id, LogStatus.WAITING, allowed_from={LogStatus.FAILED})
    SyncEngine(sync, side, flaky).run()
    assert set(statuses().values()) == {"idle"}


def test_sync__long_failures_are_notified_in_the_log_and_to_the_webhook(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    import http.server
    import json
    import threading

    from sqlalchemy import update

    from projsync.sync.tables import log

    received: list[dict[str, object]] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ledger, plan, sync = stores
        integrate(ledger, sync)
        settings.save_global(
            sync, webhook_url=f"http://127.0.0.1:{server.server_port}/hook", notify_hours=2
        )
        side = LedgerConnector(ledger.store, today=dt.date(2026, 8, 1))
        flaky = FlakyPlan(plan, {"P1/A2"})
        SyncEngine(sync, side, flaky).run()
        assert received == []  # not failing long enough yet
        with sync.write() as conn:  # three hours later
            earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
            conn.execute(update(log).values(created_at=earlier))
        SyncEngine(sync, side, flaky).run()
        assert len(received) == 1 and "P1/A2" in str(received[0]["message"])
        notes = [e for e in entries(sync) if e.destination == "people"]
        assert len(notes) == 1 and notes[0].status is LogStatus.COMPLETED
        SyncEngine(sync, side, flaky).run()
        assert len(received) == 1  # told once
    finally:
        server.shutdown()
        server.server_close()


def test_sync__without_header_projects_each_subproject_is_a_plan_project(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    settings.save_global(sync, no_header_projects=True)
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0
    service = PlanService(plan)
    assert [p.id for p in service.projects()] == ["P1-1"]
    tasks = {t.id: t.parent for t in service.tasks("P1-1")}
    assert tasks == {"C1": None, "P1-1-1": None, "P1-1-1.F1": "P1-1-1"}


def test_sync__a_project_renamed_in_the_plan_renames_the_ledger_project(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    PlanService(plan).update_project("P1", name="Plant upgrade, phase 2")
    report = engine(ledger, plan, sync).run()
    assert (report.failed, report.conflicts) == (0, 0)
    assert ledger.project("P1").name == "Plant upgrade, phase 2"
    assert ledger.project("P1").company == "DEMO"
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated) == (0, 0)


def test_sync__assignments_changed_in_the_plan_become_hour_forecasts(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    from projsync.ledger.forecasts import list_forecasts

    ledger, plan, sync = stores
    integrate(ledger, sync)
    add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=D,
        hours=Decimal("8"),
    )
    add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=D + dt.timedelta(days=1),
        hours=Decimal("8"),
    )
    engine(ledger, plan, sync).run()
    service = PlanService(plan)
    assert [(a.task, a.work) for a in service.assignments("P1")] == [("A1", 960)]
    service.assign("P1", "A1", "W1", work=24 * 60)  # the planner wants three days
    service.assign("P1", "A2", "W1", work=4 * 60)  # and a new assignment
    report = engine(ledger, plan, sync).run()
    assert (report.failed, report.conflicts) == (0, 0)
    hours = {}
    for forecast in list_forecasts(ledger.store, "P1"):
        hours[forecast.activity] = hours.get(forecast.activity, Decimal(0)) + forecast.hours
    assert hours == {"A1": Decimal("24.00"), "A2": Decimal("4.00")}
    # the new forecasts moved the activities' budget costs: the same run took them across
    budgets = {t.id: t.budget_cost for t in service.tasks("P1")}
    for activity in ("A1", "A2"):
        assert budgets[activity] == ledger.activity("P1", activity).budget_cost > 0
    settled = engine(ledger, plan, sync).run()
    assert (settled.created, settled.updated, settled.failed) == (0, 0, 0)


def test_sync__a_task_moved_in_the_plan_moves_the_activity(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    ledger.add_activity(Activity(project="P1", number="B0", name="Commissioning"))
    engine(ledger, plan, sync).run()
    PlanService(plan).update_task("P1", "A2", parent="B0")
    report = engine(ledger, plan, sync).run()
    assert (report.failed, report.conflicts) == (0, 0)
    assert ledger.activity("P1", "A2").parent == "B0"
    again = engine(ledger, plan, sync).run()
    assert (again.created, again.updated) == (0, 0)


class PlanGoneWhileRead(PlanConnector):
    """The real plan connector, unreachable when the run comes to read assignments."""

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        if kind is EntityKind.ASSIGNMENT:
            raise ConnectorUnavailable("plan server at http://plan.invalid cannot be reached")
        yield from super().changes(kind, since, until)


def test_sync__a_run_stopped_by_an_unreachable_side_ends_failed_and_the_next_run_goes_on(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    from sqlalchemy import select

    from projsync.sync.tables import entity_status, runs

    ledger, plan, sync = stores
    integrate(ledger, sync)
    broken = SyncEngine(
        sync, LedgerConnector(ledger.store, today=dt.date(2026, 8, 1)), PlanGoneWhileRead(plan)
    )
    with pytest.raises(ConnectorUnavailable, match="cannot be reached"):
        broken.run()
    with sync.read() as conn:
        (run,) = conn.execute(select(runs)).all()
        statuses = {r.key: r.status for r in conn.execute(select(entity_status))}
    assert run.status == "failed" and run.finished_at is not None
    assert "cannot be reached" in json.loads(run.counts)["error"]
    assert statuses["P1"] == "failed"  # not "in progress" for ever

    report = engine(ledger, plan, sync).run()
    assert report.failed == 0
    with sync.read() as conn:
        statuses = {r.key: r.status for r in conn.execute(select(entity_status))}
        last = conn.execute(select(runs).order_by(runs.c.id.desc())).first()
    assert last is not None and last.status == "completed"
    assert statuses["P1"] == "idle"
    assert [t.id for t in PlanService(plan).tasks("P1")]  # the WBS went across


def test_sync__hours_go_to_the_task_where_the_plan_holds_it(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    """Actuals follow their task's link: after the project is pointed at another
    plan project, its tasks stay where they are linked, and so do new hours."""
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    settings.set_project(sync, "P1", plan_project="ELSEWHERE")
    post_journal(
        ledger.store,
        [hours_on_a1("2")],
        source="t",
    )
    report = engine(ledger, plan, sync).run()
    assert report.failed == 0, entries(sync, status=LogStatus.FAILED)
    _, views, _ = project_view(plan, "P1")
    assert {v.task.id: v.actual_work for v in views}["A1"] == 120


def test_sync__a_dry_run_names_each_field_with_its_old_and_new_value(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    ledger.update_activity("P1", "A1", name="Design, second pass")
    PlanService(plan).update_task("P1", "A2", name="Peer review")
    told = engine(ledger, plan, sync).run(dry_run=True).summary()["operations"]
    assert isinstance(told, list)
    changes = {(line["to"], line["kind"], line["key"]): line["changes"] for line in told}
    assert changes[("plan", "task", "P1/A1")] == [
        {"field": "name", "old": "Design", "new": "Design, second pass"}
    ]
    assert changes[("ledger", "task", "P1/A2")] == [
        {"field": "name", "old": "Review", "new": "Peer review"}
    ]
    assert ledger.activity("P1", "A2").name == "Review"  # nothing changed
