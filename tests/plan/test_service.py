"""The plan store: projects, tasks and links, resources and assignments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.errors import InputError
from projsync.plan.entities import PlanLink, PlanProject, PlanTask
from projsync.plan.model import DependencyType
from projsync.plan.service import PlanService
from tests.plan.conftest import DAY, MONDAY


def test_tasks__are_kept_in_outline_order_with_their_parents(plan: PlanService) -> None:
    tasks = plan.tasks("X")
    assert [(t.id, t.parent) for t in tasks] == [
        ("T0", None),
        ("T1", "T0"),
        ("T2", "T0"),
        ("T3", None),
    ]


def test_tasks__unknown_parent_and_bad_fields_are_all_reported(plan: PlanService) -> None:
    with pytest.raises(InputError) as caught:
        plan.add_task(PlanTask(project="X", id="T9", name=" ", parent="NOPE", percent_complete=120))
    assert [p.what for p in caught.value.problems] == [
        "name is empty",
        "percent complete must be between 0 and 100",
        "unknown parent task NOPE",
    ]


def test_tasks__a_link_that_closes_a_cycle_is_refused_naming_it(plan: PlanService) -> None:
    with pytest.raises(InputError, match="would close a dependency cycle: T3 → T1 → T2 → T3"):
        plan.update_task("X", "T1", [PlanLink(project="X", predecessor="T3", successor="T1")])


def test_tasks__predecessors_are_replaced_as_a_whole(plan: PlanService) -> None:
    plan.update_task(
        "X",
        "T3",
        [PlanLink(project="X", predecessor="T1", successor="T3", type=DependencyType.SS, lag=DAY)],
    )
    into_t3 = [link for link in plan.links("X") if link.successor == "T3"]
    assert [(link.predecessor, link.type, link.lag) for link in into_t3] == [
        ("T1", DependencyType.SS, DAY)
    ]


def test_tasks__constraint_needs_its_date(plan: PlanService) -> None:
    from projsync.plan.model import ConstraintType

    with pytest.raises(InputError, match="constraint SNET needs a date"):
        plan.update_task("X", "T3", constraint=ConstraintType.SNET)


def test_tasks__delete_takes_links_and_assignments_but_not_a_summary(plan: PlanService) -> None:
    plan.assign("X", "T2", "ADA")
    with pytest.raises(InputError, match="has subtasks"):
        plan.delete_task("X", "T0")
    plan.delete_task("X", "T2")
    assert all("T2" not in (link.predecessor, link.successor) for link in plan.links("X"))
    assert plan.assignments("X") == []


def test_assign__without_work_a_resource_gets_duration_times_units(plan: PlanService) -> None:
    assignment = plan.assign("X", "T3", "ADA", units=50)
    assert (assignment.work, assignment.cost) == (5 * DAY // 2, Decimal("1000.00"))
    assert next(t for t in plan.tasks("X") if t.id == "T3").work == 5 * DAY // 2


def test_assign__effort_driven_work_is_shared_by_units(plan: PlanService) -> None:
    plan.update_task("X", "T3", work=24 * 60)
    plan.assign("X", "T3", "ADA")
    plan.assign("X", "T3", "BOB")
    work = {a.resource: a.work for a in plan.assignments("X")}
    assert work == {"ADA": 12 * 60, "BOB": 12 * 60}
    assert next(t for t in plan.tasks("X") if t.id == "T3").work == 24 * 60


def test_assign__not_to_a_summary_task(plan: PlanService) -> None:
    with pytest.raises(InputError, match="T0 is a summary task"):
        plan.assign("X", "T0", "ADA")


def test_resource__rate_change_recosts_its_assignments(plan: PlanService) -> None:
    plan.assign("X", "T1", "ADA")
    plan.update_resource("ADA", standard_rate=Decimal("60"))
    assert plan.assignments("X")[0].cost == Decimal("1440.00")


def test_project__unknown_calendar_is_refused(plan: PlanService) -> None:
    with pytest.raises(InputError, match="unknown calendar Nights"):
        plan.add_project(PlanProject(id="Y", name="Y", start=MONDAY, calendar="Nights"))


def test_project__delete_removes_everything_in_it(plan: PlanService) -> None:
    plan.assign("X", "T1", "ADA")
    plan.delete_project("X")
    assert plan.projects() == []


def test_project__update_keeps_fields_not_named(plan: PlanService) -> None:
    updated = plan.update_project("X", status_date=dt.datetime(2026, 3, 4, 17))
    assert (updated.name, updated.status_date) == ("Bridge", dt.datetime(2026, 3, 4, 17))
