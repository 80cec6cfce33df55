"""The plan store: projects, tasks and links, resources and assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projsync.db import open_store
from projsync.errors import InputError
from projsync.plan.effort import stands
from projsync.plan.entities import PlanLink, PlanProject, PlanResource, PlanTask, TaskType
from projsync.plan.model import DependencyType
from projsync.plan.scheduling import schedule_project
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


# -- task types (the rules themselves: test_task_types.py) -------------------------


def test_task__is_fixed_units_and_effort_driven_unless_told(plan: PlanService) -> None:
    (t3,) = [t for t in plan.tasks("X") if t.id == "T3"]
    assert (t3.type, t3.effort_driven) == (TaskType.FIXED_UNITS, True)
    changed = plan.update_task("X", "T3", type=TaskType.FIXED_DURATION, effort_driven=False)
    (again,) = [t for t in plan.tasks("X") if t.id == "T3"]
    assert (
        (again.type, again.effort_driven)
        == (TaskType.FIXED_DURATION, False)
        == (
            changed.type,
            changed.effort_driven,
        )
    )


def test_task__fixed_work_is_always_effort_driven(plan: PlanService) -> None:
    plan.update_task("X", "T3", effort_driven=False)
    assert plan.update_task("X", "T3", type=TaskType.FIXED_WORK).effort_driven is True
    with pytest.raises(InputError, match="a fixed-work task is always effort-driven"):
        plan.update_task("X", "T3", effort_driven=False)
    with pytest.raises(InputError, match="unknown task type 'fixed-cost'"):
        plan.update_task("X", "T3", type="fixed-cost")


def test_task__a_duration_edit_on_a_staffed_task_recalculates_its_work(plan: PlanService) -> None:
    # Found: a 5-day task with one resource updated to 10 days kept 5 days of
    # work, so scheduling (which reads work and units) put it back to 5 days.
    plan.assign("X", "T3", "ADA")
    updated = plan.update_task("X", "T3", duration=10 * DAY)
    (ada,) = plan.assignments("X")
    assert (updated.duration, updated.work, ada.work, ada.cost) == (
        10 * DAY,
        10 * DAY,
        10 * DAY,
        Decimal("4000.00"),
    )


def test_assign__a_second_resource_takes_its_share_from_the_first(plan: PlanService) -> None:
    # Found: a second resource at 50 % shortened the task but the first kept
    # all 40 hours. Effort-driven, fixed units: 40 h shared 2:1, 26.67 h long.
    plan.assign("X", "T3", "ADA")
    plan.assign("X", "T3", "BOB", units=50)
    work = {a.resource: (a.units, a.work, a.cost) for a in plan.assignments("X")}
    assert work == {
        "ADA": (100, 1600, Decimal("1333.33")),
        "BOB": (50, 800, Decimal("533.33")),
    }
    (t3,) = [t for t in plan.tasks("X") if t.id == "T3"]
    assert (t3.duration, t3.work) == (1600, 5 * DAY)


def test_assign__a_units_change_keeps_the_work_and_lengthens_the_task(plan: PlanService) -> None:
    plan.assign("X", "T3", "ADA")
    plan.assign("X", "T3", "ADA", units=50)
    (ada,) = plan.assignments("X")
    (t3,) = [t for t in plan.tasks("X") if t.id == "T3"]
    assert (ada.units, ada.work, t3.duration) == (50, 5 * DAY, 10 * DAY)


def test_unassign__an_effort_driven_task_keeps_its_work(plan: PlanService) -> None:
    plan.assign("X", "T3", "ADA")
    plan.assign("X", "T3", "BOB")
    plan.unassign("X", "T3", "BOB")
    (ada,) = plan.assignments("X")
    (t3,) = [t for t in plan.tasks("X") if t.id == "T3"]
    assert (ada.work, t3.work, t3.duration) == (5 * DAY, 5 * DAY, 5 * DAY)


_RESOURCES = ("ADA", "BOB", "CYD")
_EDITS = st.one_of(
    st.tuples(st.just("duration"), st.integers(0, 20 * DAY)),
    st.tuples(st.just("work"), st.integers(0, 20 * DAY)),
    st.tuples(st.just("type"), st.sampled_from(TaskType), st.booleans()),
    st.tuples(
        st.just("assign"),
        st.sampled_from(_RESOURCES),
        st.none() | st.integers(1, 300),
        st.none() | st.integers(0, 20 * DAY),
    ),
    st.tuples(st.just("unassign"), st.sampled_from(_RESOURCES)),
)


@pytest.fixture(scope="module")
def one_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlanService]:
    """One SQLite plan store for many examples, each in a project of its own."""
    store = open_store("plan", f"sqlite:///{tmp_path_factory.mktemp('plan') / 'plan.db'}", "plan")
    service = PlanService(store)
    for resource in _RESOURCES:
        service.add_resource(PlanResource(id=resource, name=resource))
    yield service
    store.dispose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_EDITS, max_size=10))
def test_service__after_any_edits_stored_work_is_duration_times_units_and_scheduling_keeps_it(
    one_store: PlanService, edits: list[tuple[Any, ...]]
) -> None:
    plan = one_store
    project = f"P{len(plan.projects())}"
    plan.add_project(PlanProject(id=project, name=project, start=MONDAY))
    plan.add_task(PlanTask(project=project, id="T", name="Build", duration=5 * DAY))
    for edit in edits:
        kind, *args = edit
        try:
            if kind == "duration":
                plan.update_task(project, "T", duration=args[0])
            elif kind == "work":
                plan.update_task(project, "T", work=args[0])
            elif kind == "type":
                plan.update_task(project, "T", type=args[0], effort_driven=args[1])
            elif kind == "assign":
                plan.assign(project, "T", args[0], units=args[1], work=args[2])
            else:
                plan.unassign(project, "T", args[0])
        except InputError:
            continue  # refused (work in no time, an unknown assignment): nothing changed
        (task,) = plan.tasks(project)
        staff = plan.assignments(project)
        if staff:
            assert task.work == sum(a.work for a in staff)
        if task.duration and any(a.units and a.work for a in staff):
            # per assignment, to the rounding of minutes and whole percents
            assert stands(task.duration, [(a.units, a.work, a.contour) for a in staff])
    (before,) = plan.tasks(project)
    schedule_project(plan.store, project)
    (after,) = plan.tasks(project)
    assert after.duration == before.duration
