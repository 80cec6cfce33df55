"""The built-in plan server as one side of the bridge: what the engine reads of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.connectors.base import Action, Connector, EntityKind, Operation, TimesheetSource
from projsync.connectors.plan_builtin import PlanConnector
from projsync.plan.entities import (
    ActualEntry,
    CustomField,
    FieldEntity,
    FieldType,
    TimesheetCell,
)
from projsync.plan.fields import add_field, set_field_value
from projsync.plan.progress import record_actuals
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.plan.timesheets import TimesheetService
from tests.plan.conftest import plan

__all__ = ["plan"]


def test_plan_connector__tasks_carry_parents_and_custom_fields(plan: PlanService) -> None:
    side = PlanConnector(plan.store)
    assert isinstance(side, Connector)
    add_field(
        plan.store, CustomField(name="DAX_05_Number", entity=FieldEntity.TASK, type=FieldType.TEXT)
    )
    set_field_value(plan.store, "DAX_05_Number", "X/T1", "A1")
    tasks = {r.key: r for r in side.snapshot(EntityKind.TASK)}
    assert (tasks["X/T1"].parent, tasks["X/T3"].parent) == ("X/T0", "X")
    assert tasks["X/T1"].fields is not None
    assert tasks["X/T1"].fields["custom_fields"] == {"DAX_05_Number": "A1"}


def test_plan_connector__renamed_task_and_deleted_task_after_a_cursor(plan: PlanService) -> None:
    side = PlanConnector(plan.store)
    cursor = side.high_water()
    plan.update_task("X", "T3", name="Build the deck")
    plan.delete_task("X", "T3")
    found = [(r.key, r.deleted) for r in side.changes(EntityKind.TASK, cursor, side.high_water())]
    assert found == [("X/T3", True)]  # the rename and the deletion: only the deletion is left


def test_plan_connector__assignments_carry_their_work_per_day(plan: PlanService) -> None:
    side = PlanConnector(plan.store)
    plan.assign("X", "T3", "ADA", work=40 * 60)
    (unscheduled,) = side.snapshot(EntityKind.ASSIGNMENT)
    assert unscheduled.fields is not None and unscheduled.fields["work_by_day"] == ()
    cursor = side.high_water()
    schedule_project(plan.store, "X")  # T3: Monday 9 to Friday 13 March
    plan.assign("X", "T3", "ADA", work=30 * 60)  # over the dates as last scheduled
    (record,) = side.changes(EntityKind.ASSIGNMENT, cursor, side.high_water())
    assert record.key == "X/T3/ADA" and record.fields is not None
    week = [dt.date(2026, 3, 9) + dt.timedelta(days=i) for i in range(5)]
    assert record.fields["work_by_day"] == tuple((day, 360) for day in week)
    assert sum(m for _, m in record.fields["work_by_day"]) == record.fields["work"]


def test_plan_connector__actuals_are_read_whole(plan: PlanService) -> None:
    side = PlanConnector(plan.store)
    plan.assign("X", "T1", "ADA")
    record_actuals(
        plan.store,
        [
            ActualEntry(
                project="X",
                task="T1",
                resource="ADA",
                day=dt.date(2026, 3, 2),
                actual_work=240,
                actual_cost=Decimal("200"),
            )
        ],
    )
    (actual,) = side.snapshot(EntityKind.ACTUAL)
    assert actual.key == "X/T1/ADA/2026-03-02"
    assert actual.fields is not None and actual.fields["actual_cost"] == Decimal("200.00")
    assert list(side.changes(EntityKind.ACTUAL, 0, side.high_water())) == []


def test_plan_connector__resources_created_together_and_one_refused(plan: PlanService) -> None:
    side = PlanConnector(plan.store)

    def create(key: str) -> Operation:
        return Operation(
            kind=EntityKind.RESOURCE,
            action=Action.CREATE,
            source_key=key,
            target_key=key,
            fields={
                "name": f"Worker {key}",
                "standard_rate": Decimal("55.50"),
                "custom_fields": {"DAX_03_Company": "DEMO"},
                "custom_lookups": ("DAX_03_Company",),
            },
        )

    assert [a.ok for a in side.apply([create("W1"), create("W2")])] == [True, True]
    too_long = "W" * 61  # longer than the plan takes for an id
    applied = side.apply([create("W3"), create(too_long), create("W4")])
    assert [a.ok for a in applied] == [True, False, True]
    assert too_long in str(applied[1].error)
    assert {r.id: r.standard_rate for r in plan.resources() if r.id.startswith("W")} == {
        key: Decimal("55.50") for key in ("W1", "W2", "W3", "W4")
    }
    resources = {r.key: r for r in side.snapshot(EntityKind.RESOURCE)}
    for key in ("W1", "W2", "W3", "W4"):
        assert resources[key].fields is not None
        assert resources[key].fields["custom_fields"] == {"DAX_03_Company": "DEMO"}

    again = side.apply([create("W1"), create("W2")])  # a replay after a crash: nothing twice
    assert [a.ok for a in again] == [True, True]
    assert sorted(r.id for r in plan.resources() if r.id.startswith("W")) == [
        "W1",
        "W2",
        "W3",
        "W4",
    ]


def test_plan_connector__the_start_a_project_schedules_from_comes_back_given_or_chosen(
    plan: PlanService,
) -> None:
    side = PlanConnector(plan.store)
    given = dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 (plan wall clock)

    def project(key: str, action: Action, **fields: object) -> Operation:
        return Operation(
            kind=EntityKind.PROJECT, action=action, source_key=key, target_key=key, fields=fields
        )

    created = side.apply(
        [
            project("P1", Action.CREATE, name="Plant", start=given),
            project("P2", Action.CREATE, name="Office"),
        ]
    )
    today = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(8))
    assert [a.defaults for a in created] == [{"start": given}, {"start": today}]
    (alone,) = side.apply([project("P3", Action.CREATE, name="Depot", start=given)])
    assert alone.defaults == {"start": given}
    moved = given + dt.timedelta(days=7)
    (updated,) = side.apply([project("P1", Action.UPDATE, start=moved)])
    assert updated.defaults == {"start": moved} and plan.project("P1").start == moved
    (renamed,) = side.apply([project("P1", Action.UPDATE, name="Plant upgrade")])
    assert renamed.defaults == {}


def test_plan_connector__approved_timesheet_lines_are_read_then_withdrawn(
    plan: PlanService,
) -> None:
    side = PlanConnector(plan.store)
    assert isinstance(side, TimesheetSource) and side.timesheets_whole is False
    sheets = TimesheetService(plan.store)
    monday = dt.date(2026, 3, 2)
    sheets.record(
        "ADA",
        [
            TimesheetCell(project="X", task="T1", day=monday, hours=Decimal("7.5"), note="survey"),
            TimesheetCell(project="X", task="T3", day=monday, hours=Decimal("0.5")),
        ],
    )
    sheets.submit("ADA", monday)
    assert list(side.timesheet_lines(0, side.high_water())) == []  # nothing approved yet
    sheets.approve("ADA", monday)
    cursor = side.high_water()
    approved = list(side.timesheet_lines(0, cursor))
    task_keys = {r.key for r in side.snapshot(EntityKind.TASK)}
    resource_keys = {r.key for r in side.snapshot(EntityKind.RESOURCE)}
    assert [(line.task, line.hours, line.text, line.withdrawn) for line in approved] == [
        ("X/T1", Decimal("7.50"), "survey", False),
        ("X/T3", Decimal("0.50"), "", False),
    ]
    for line in approved:
        assert line.task in task_keys and line.resource in resource_keys
        assert (line.person, line.day) == ("Ada", monday) and cursor >= line.version
    assert list(side.timesheet_lines(cursor, side.high_water())) == []

    sheets.reopen("ADA", monday)
    sheets.record("ADA", [TimesheetCell(project="X", task="T3", day=monday, hours=Decimal(0))])
    withdrawn = list(side.timesheet_lines(cursor, side.high_water()))
    assert {(line.key, line.withdrawn) for line in withdrawn} == {
        (line.key, True) for line in approved
    }
    assert all(line.version > cursor for line in withdrawn)

    later = side.high_water()
    sheets.submit("ADA", monday)
    sheets.approve("ADA", monday)
    (again,) = side.timesheet_lines(later, side.high_water())  # the removed line stays withdrawn
    assert (again.key, again.withdrawn) == (approved[0].key, False)
