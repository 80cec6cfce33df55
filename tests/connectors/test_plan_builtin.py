"""The built-in plan server as one side of the bridge: what the engine reads of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.connectors.base import Connector, EntityKind
from projsync.connectors.plan_builtin import PlanConnector
from projsync.plan.entities import ActualEntry, CustomField, FieldEntity, FieldType
from projsync.plan.fields import add_field, set_field_value
from projsync.plan.progress import record_actuals
from projsync.plan.service import PlanService
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
