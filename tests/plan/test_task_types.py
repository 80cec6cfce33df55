"""Task types and effort-driven scheduling: each rule as Microsoft Project's
"Change the task type" and "effort-driven scheduling" pages state it
(Work = Duration × Units), then a property over any sequence of edits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projsync.errors import InputError
from projsync.plan.effort import length_of, stands
from projsync.plan.entities import PlanAssignment, PlanTask, TaskType
from projsync.plan.model import Assignment, Calendar, Project, Task, WorkContour
from projsync.plan.schedule import schedule
from projsync.plan.task_types import (
    Staffed,
    add_assignment,
    change_assignment,
    edit_task,
    effort_driven,
    remove_assignment,
)

DAY = 480
UNITS, WORK, DURATION = TaskType.FIXED_UNITS, TaskType.FIXED_WORK, TaskType.FIXED_DURATION


def task(
    kind: TaskType = UNITS, *, days: float = 5, work: int = 0, effort: bool = True
) -> PlanTask:
    return PlanTask(
        project="X",
        id="T",
        name="Build",
        type=kind,
        duration=round(days * DAY),
        work=work,
        effort_driven=effort,
    )


def on(
    resource: str,
    units: int = 100,
    work: int = 0,
    contour: WorkContour = WorkContour.FLAT,
    span: int | None = None,
) -> PlanAssignment:
    return PlanAssignment(
        project="X",
        task="T",
        resource=resource,
        units=units,
        work=work,
        contour=contour,
        span=span,
    )


def staffed(kind: TaskType = UNITS, *, effort: bool = True, **units: int) -> Staffed:
    """A 5-day task with each resource at its units for the whole duration."""
    staff = tuple(on(r, u, 5 * DAY * u // 100) for r, u in units.items())
    return Staffed(
        task=task(kind, work=sum(a.work for a in staff), effort=effort), assignments=staff
    )


def shape(result: Staffed) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """(duration, work, {resource: (units, work)})"""
    return (
        result.task.duration,
        result.task.work,
        {a.resource: (a.units, a.work) for a in result.assignments},
    )


# -- fixed units (Project's default) -----------------------------------------------


def test_task_types__fixed_units_change_duration_recalculates_work() -> None:
    # Project: fixed units, change the duration -> the work is recalculated.
    start = staffed(ADA=100, BOB=50)
    got = edit_task(start.task, start.assignments, duration=10 * DAY)
    assert shape(got) == (10 * DAY, 15 * DAY, {"ADA": (100, 10 * DAY), "BOB": (50, 5 * DAY)})


def test_task_types__fixed_units_change_work_recalculates_duration() -> None:
    # Project: fixed units, change the work -> the duration is recalculated.
    start = staffed(ADA=50)
    got = edit_task(start.task, start.assignments, work=5 * DAY)
    assert shape(got) == (10 * DAY, 5 * DAY, {"ADA": (50, 5 * DAY)})


def test_task_types__fixed_units_change_units_recalculates_duration() -> None:
    # Project: fixed units, change the units -> the duration is recalculated.
    start = staffed(ADA=100)
    got = change_assignment(start.task, start.assignments, "ADA", units=50)
    assert shape(got) == (10 * DAY, 5 * DAY, {"ADA": (50, 5 * DAY)})


def test_task_types__a_units_change_lengthens_only_that_assignment() -> None:
    # Project: each assignment keeps its work; the task lasts as long as the
    # longest, and effort-driven scheduling does not share work on a units change.
    start = staffed(ADA=100, BOB=100)
    got = change_assignment(start.task, start.assignments, "BOB", units=50)
    assert shape(got) == (10 * DAY, 10 * DAY, {"ADA": (100, 5 * DAY), "BOB": (50, 5 * DAY)})


def test_task_types__fixed_units_given_assignment_work_recalculates_duration() -> None:
    # Project: fixed units, type an assignment's work -> the duration follows.
    start = staffed(ADA=100)
    got = change_assignment(start.task, start.assignments, "ADA", work=2 * DAY)
    assert shape(got) == (2 * DAY, 2 * DAY, {"ADA": (100, 2 * DAY)})


# -- fixed work --------------------------------------------------------------------


def test_task_types__fixed_work_change_duration_recalculates_units() -> None:
    # Project: fixed work, change the duration -> the units are recalculated.
    start = staffed(WORK, ADA=100, BOB=50)
    got = edit_task(start.task, start.assignments, duration=10 * DAY)
    assert shape(got) == (
        10 * DAY,
        DAY * 15 // 2,
        {"ADA": (50, 5 * DAY), "BOB": (25, DAY * 5 // 2)},
    )


def test_task_types__fixed_work_change_units_recalculates_duration() -> None:
    # Project: fixed work, change the units -> the duration is recalculated.
    start = staffed(WORK, ADA=100)
    got = change_assignment(start.task, start.assignments, "ADA", units=200)
    assert shape(got) == (DAY * 5 // 2, 5 * DAY, {"ADA": (200, 5 * DAY)})


def test_task_types__fixed_work_change_work_recalculates_duration() -> None:
    # Project: fixed work, change the work -> the duration is recalculated.
    start = staffed(WORK, ADA=100)
    got = edit_task(start.task, start.assignments, work=10 * DAY)
    assert shape(got) == (10 * DAY, 10 * DAY, {"ADA": (100, 10 * DAY)})


def test_task_types__fixed_work_is_always_effort_driven() -> None:
    # Project: "fixed-work tasks are always effort-driven": a second resource
    # shares the work, even with the switch off.
    start = staffed(WORK, effort=False, ADA=100)
    assert effort_driven(start.task)
    got = add_assignment(start.task, start.assignments, on("BOB"), work=None)
    assert shape(got) == (
        DAY * 5 // 2,
        5 * DAY,
        {"ADA": (100, DAY * 5 // 2), "BOB": (100, DAY * 5 // 2)},
    )


def test_task_types__recalculated_units_are_whole_percents_and_the_duration_stays_typed() -> None:
    # Project keeps 20.83 %; projsync keeps whole percents: 21 %, and the 10
    # days typed and the 1,000 minutes of work stay as they are.
    start = Staffed(task=task(WORK, work=1000), assignments=(on("ADA", 42, 1000),))
    got = edit_task(start.task, start.assignments, duration=10 * DAY)
    assert shape(got) == (10 * DAY, 1000, {"ADA": (21, 1000)})
    assert stands(10 * DAY, [(21, 1000, WorkContour.FLAT)])


# -- fixed duration ----------------------------------------------------------------


def test_task_types__fixed_duration_change_duration_recalculates_work() -> None:
    # Project: fixed duration, change the duration -> the work is recalculated.
    start = staffed(DURATION, ADA=100)
    got = edit_task(start.task, start.assignments, duration=10 * DAY)
    assert shape(got) == (10 * DAY, 10 * DAY, {"ADA": (100, 10 * DAY)})


def test_task_types__fixed_duration_change_units_recalculates_work() -> None:
    # Project: fixed duration, change the units -> the work is recalculated.
    start = staffed(DURATION, ADA=100)
    got = change_assignment(start.task, start.assignments, "ADA", units=50)
    assert shape(got) == (5 * DAY, DAY * 5 // 2, {"ADA": (50, DAY * 5 // 2)})


def test_task_types__fixed_duration_change_work_recalculates_units() -> None:
    # Project: fixed duration, change the work -> the units are recalculated.
    start = staffed(DURATION, ADA=100, BOB=100)
    got = edit_task(start.task, start.assignments, work=5 * DAY)
    assert shape(got) == (5 * DAY, 5 * DAY, {"ADA": (50, DAY * 5 // 2), "BOB": (50, DAY * 5 // 2)})


def test_task_types__fixed_duration_cannot_do_work_in_no_time() -> None:
    # Project refuses as well: no units make work fit a zero duration.
    start = staffed(DURATION, ADA=100)
    zero = dataclasses.replace(start.task, duration=0)
    with pytest.raises(InputError, match="cannot do 480 minutes of work in no time"):
        edit_task(zero, start.assignments, work=DAY)


# -- effort-driven scheduling ------------------------------------------------------


def test_task_types__effort_driven_fixed_units_new_resource_shortens_the_task() -> None:
    # Project: effort-driven, add a resource -> the work stays, shared by units,
    # and a fixed-units task gets shorter: 40 h with a second person at 50 %.
    start = staffed(ADA=100)
    got = add_assignment(start.task, start.assignments, on("BOB", 50), work=None)
    assert shape(got) == (1600, 5 * DAY, {"ADA": (100, 1600), "BOB": (50, 800)})


def test_task_types__effort_driven_fixed_duration_new_resource_lowers_the_units() -> None:
    # Project: effort-driven fixed duration, add a resource -> the work is shared
    # and the duration stays, so each resource works at lower units.
    start = staffed(DURATION, ADA=100)
    got = add_assignment(start.task, start.assignments, on("BOB"), work=None)
    assert shape(got) == (5 * DAY, 5 * DAY, {"ADA": (50, DAY * 5 // 2), "BOB": (50, DAY * 5 // 2)})


def test_task_types__effort_driven_removed_resource_leaves_its_work_to_the_others() -> None:
    # Project: effort-driven, remove a resource -> the work stays with the others
    # and a fixed-units task gets longer.
    start = staffed(ADA=100, BOB=100)
    got = remove_assignment(start.task, start.assignments, "BOB")
    assert shape(got) == (10 * DAY, 10 * DAY, {"ADA": (100, 10 * DAY)})


def test_task_types__not_effort_driven_new_resource_adds_duration_times_units() -> None:
    # Project: effort-driven off, add a resource -> it brings duration × its
    # units of work; the others keep theirs and the duration stays.
    start = staffed(effort=False, ADA=100)
    got = add_assignment(start.task, start.assignments, on("BOB", 50), work=None)
    assert shape(got) == (
        5 * DAY,
        DAY * 15 // 2,
        {"ADA": (100, 5 * DAY), "BOB": (50, DAY * 5 // 2)},
    )


def test_task_types__not_effort_driven_removed_resource_takes_its_work_away() -> None:
    # Project: effort-driven off, remove a resource -> its work goes with it.
    start = staffed(effort=False, ADA=100, BOB=50)
    got = remove_assignment(start.task, start.assignments, "BOB")
    assert shape(got) == (5 * DAY, 5 * DAY, {"ADA": (100, 5 * DAY)})


def test_task_types__a_first_resource_on_a_task_without_work_brings_duration_times_units() -> None:
    # Project: a task's work is its assignments'; the first one fills the duration.
    got = add_assignment(task(), (), on("ADA", 50), work=None)
    assert shape(got) == (5 * DAY, DAY * 5 // 2, {"ADA": (50, DAY * 5 // 2)})


def test_task_types__a_first_resource_takes_the_work_typed_on_the_task() -> None:
    # Work typed before anyone is assigned goes to the first resource
    # (effort-driven), which a fixed-units task then takes as long as it needs.
    got = add_assignment(task(work=4 * DAY), (), on("ADA", 50), work=None)
    assert shape(got) == (8 * DAY, 4 * DAY, {"ADA": (50, 4 * DAY)})


# -- what recalculates nothing -----------------------------------------------------


def test_task_types__a_task_without_assignments_keeps_what_was_typed() -> None:
    got = edit_task(task(WORK, work=DAY), (), duration=10 * DAY)
    assert shape(got) == (10 * DAY, DAY, {})


def test_task_types__duration_and_work_typed_together_make_the_units_follow() -> None:
    start = staffed(ADA=100)
    got = edit_task(start.task, start.assignments, duration=10 * DAY, work=5 * DAY)
    assert shape(got) == (10 * DAY, 5 * DAY, {"ADA": (50, 5 * DAY)})


def test_task_types__a_reshaped_hand_edited_contour_becomes_flat() -> None:
    hand = on("ADA", 100, 5 * DAY, contour=WorkContour.CONTOURED, span=7 * DAY)
    got = edit_task(task(work=5 * DAY), (hand,), duration=10 * DAY)
    (ada,) = got.assignments
    assert (ada.contour, ada.span, ada.work) == (WorkContour.FLAT, None, 10 * DAY)


# -- any sequence of edits ---------------------------------------------------------

RESOURCES = ("ADA", "BOB", "CYD")
units_ = st.integers(1, 300)
minutes = st.integers(0, 30 * DAY)
edits = st.one_of(
    st.tuples(st.just("duration"), st.integers(0, 30 * DAY)),
    st.tuples(st.just("work"), minutes),
    st.tuples(st.just("both"), st.integers(1, 30 * DAY), minutes),
    st.tuples(st.just("assign"), st.sampled_from(RESOURCES), units_, st.none() | minutes),
    st.tuples(st.just("units"), st.sampled_from(RESOURCES), units_),
    st.tuples(st.just("assignment work"), st.sampled_from(RESOURCES), minutes),
    st.tuples(st.just("unassign"), st.sampled_from(RESOURCES)),
    st.tuples(st.just("type"), st.sampled_from(TaskType), st.booleans()),
)


def apply(state: Staffed, edit: tuple[Any, ...]) -> Staffed:
    """One edit, as the service makes it; an edit Project refuses changes nothing."""
    kind, *args = edit
    task, staff = state.task, state.assignments
    mine = {a.resource for a in staff}
    try:
        if kind == "duration":
            return edit_task(task, staff, duration=args[0])
        if kind == "work":
            return edit_task(task, staff, work=args[0])
        if kind == "both":
            return edit_task(task, staff, duration=args[0], work=args[1])
        if kind == "assign" and args[0] not in mine:
            return add_assignment(task, staff, on(args[0], args[1]), work=args[2])
        if kind == "units" and args[0] in mine:
            return change_assignment(task, staff, args[0], units=args[1])
        if kind == "assignment work" and args[0] in mine:
            return change_assignment(task, staff, args[0], work=args[1])
        if kind == "unassign" and args[0] in mine:
            return remove_assignment(task, staff, args[0])
        if kind == "type":  # as the service makes it: fixed work is effort-driven
            chosen, effort = args
            driven = effort or chosen is WORK
            changed = dataclasses.replace(task, type=chosen, effort_driven=driven)
            return Staffed(task=changed, assignments=staff)
    except InputError:
        pass  # refused (work in no time): nothing changes
    return state


STANDARD = Calendar(name="Standard", week=(((480, 720), (780, 1020)),) * 5 + ((), ()))


def scheduled_duration(state: Staffed) -> int:
    project = Project(start=dt.datetime(2026, 3, 2, 8), calendar=STANDARD)
    core = Task(id="T", duration=state.task.duration, work=state.task.work)
    staff = [
        Assignment(task_id="T", resource_id=a.resource, units=a.units, work=a.work)
        for a in state.assignments
    ]
    return schedule(project, [core], [], staff).tasks[0].duration


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TaskType), st.booleans(), st.integers(0, 20 * DAY), st.lists(edits, max_size=12)
)
def test_task_types__after_any_edits_work_is_duration_times_units(
    kind: TaskType, effort: bool, duration: int, steps: list[tuple[Any, ...]]
) -> None:
    state = Staffed(
        task=dataclasses.replace(
            task(kind), duration=duration, effort_driven=effort or kind is WORK
        ),
        assignments=(),
    )
    for step in steps:
        state = apply(state, step)
        staff = state.assignments
        if not staff:
            continue
        assert state.task.work == sum(a.work for a in staff)
        working = [a for a in staff if a.units > 0 and a.work > 0]
        if working and state.task.duration:
            # Every assignment's work is the duration × its units, to a minute of
            # work or half a percent of units, except that one may end earlier
            # (its units changed alone); one always fills the duration.
            assert stands(state.task.duration, [(a.units, a.work, a.contour) for a in staff])
        elif working:  # no duration: the work takes less than half a minute
            assert all(length_of(a.work, a.units) == 0 for a in working)
        # ... and scheduling keeps that duration.
        assert scheduled_duration(state) == state.task.duration
