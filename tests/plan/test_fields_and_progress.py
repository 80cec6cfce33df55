"""Custom fields with lookups, budgets, baselines, actuals and roll-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.errors import InputError
from projsync.plan.entities import ActualEntry, CustomField, FieldEntity, FieldType, LookupValue
from projsync.plan.fields import add_field, set_field_value
from projsync.plan.progress import actuals_of, record_actuals, save_baseline, set_budget
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.plan.views import project_view


def test_fields__typed_values_and_lookup_tables(plan: PlanService) -> None:
    store = plan.store
    add_field(
        store,
        CustomField(
            name="DAX_03_Company",
            entity=FieldEntity.PROJECT,
            type=FieldType.TEXT,
            lookup=(LookupValue(value="DEMO"), LookupValue(value="OTHER")),
        ),
    )
    add_field(store, CustomField(name="Cost code", entity=FieldEntity.TASK, type=FieldType.COST))
    add_field(store, CustomField(name="Approved", entity=FieldEntity.TASK, type=FieldType.FLAG))
    set_field_value(store, "DAX_03_Company", "X", "DEMO")
    set_field_value(store, "Cost code", "X/T1", "12.5")
    set_field_value(store, "Approved", "X/T1", "yes")
    _, views, project_fields = project_view(store, "X")
    assert project_fields == {"DAX_03_Company": "DEMO"}
    assert views[1].custom_fields == {"Cost code": Decimal("12.50"), "Approved": True}
    with pytest.raises(InputError, match="'NOPE' is not in the lookup table \\(DEMO, OTHER\\)"):
        set_field_value(store, "DAX_03_Company", "X", "NOPE")
    with pytest.raises(InputError, match="'maybe' is not a valid flag"):
        set_field_value(store, "Approved", "X/T1", "maybe")
    with pytest.raises(InputError, match="Approved is a task field"):
        set_field_value(store, "Approved", "X", "yes")
    with pytest.raises(InputError, match="unknown task X/T9"):
        set_field_value(store, "Approved", "X/T9", "yes")


def test_fields__resource_fields_are_kept_per_resource(plan: PlanService) -> None:
    store = plan.store
    add_field(
        store, CustomField(name="DAX_10_Worker", entity=FieldEntity.RESOURCE, type=FieldType.TEXT)
    )
    set_field_value(store, "DAX_10_Worker", "ADA", "W-001")
    with pytest.raises(InputError, match="unknown resource NOPE"):
        set_field_value(store, "DAX_10_Worker", "NOPE", "W-002")
    from projsync.plan.fields import field_values

    with store.read() as conn:
        assert field_values(conn, ["ADA", "BOB"]) == {"ADA": {"DAX_10_Worker": "W-001"}}


def test_rollup__summary_adds_up_work_cost_actuals_and_budget(plan: PlanService) -> None:
    store = plan.store
    plan.assign("X", "T1", "ADA")
    plan.assign("X", "T2", "BOB")
    set_budget(store, "X", "T1", work=1000, cost=Decimal("900"))
    set_budget(store, "X", "T2", work=500, cost=Decimal("300.50"))
    record_actuals(
        store,
        [
            ActualEntry(
                project="X",
                task="T1",
                resource="ADA",
                day=dt.date(2026, 3, 2),
                actual_work=480,
                actual_cost=Decimal("400.00"),
            ),
            ActualEntry(
                project="X", task="T2", day=dt.date(2026, 3, 5), revenue=Decimal("1000.00")
            ),
        ],
    )
    _, views, _ = project_view(store, "X")
    t0 = views[0]
    assert (t0.task.id, t0.summary) == ("T0", True)
    assert (t0.work, t0.cost) == (3 * 480 + 2 * 480, Decimal("1840.00"))
    assert (t0.actual_work, t0.actual_cost, t0.revenue) == (
        480,
        Decimal("400.00"),
        Decimal("1000.00"),
    )
    assert (t0.budget_work, t0.budget_cost) == (1500, Decimal("1200.50"))


def test_actuals__replace_by_day_and_follow_the_assignment(plan: PlanService) -> None:
    store = plan.store
    plan.assign("X", "T1", "ADA")
    entry = ActualEntry(
        project="X",
        task="T1",
        resource="ADA",
        day=dt.date(2026, 3, 2),
        actual_work=240,
        actual_cost=Decimal("200"),
    )
    assert record_actuals(store, [entry]) == 1
    assert record_actuals(store, [entry]) == 0
    record_actuals(
        store,
        [
            ActualEntry(
                project="X",
                task="T1",
                resource="ADA",
                day=dt.date(2026, 3, 2),
                actual_work=480,
                actual_cost=Decimal("400"),
            )
        ],
    )
    assert [(a.actual_work, a.actual_cost) for a in actuals_of(store, "X")] == [
        (480, Decimal("400.00"))
    ]
    (assignment,) = plan.assignments("X")
    assert (assignment.actual_work, assignment.remaining_work) == (480, 3 * 480 - 480)


def test_baseline__copies_dates_work_and_cost(plan: PlanService) -> None:
    plan.assign("X", "T3", "ADA")
    schedule_project(plan.store, "X")
    save_baseline(plan.store, "X")
    t3 = next(t for t in plan.tasks("X") if t.id == "T3")
    assert (t3.baseline_start, t3.baseline_finish) == (t3.start, t3.finish)
    assert (t3.baseline_work, t3.baseline_cost) == (5 * 480, Decimal("2000.00"))
