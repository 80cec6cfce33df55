from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projsync.plan.calendar import STANDARD, calendar_index
from projsync.plan.level import level, overallocations
from projsync.plan.model import (
    Assignment,
    ConstraintType,
    Dependency,
    DependencyType,
    Project,
    Resource,
    Task,
)
from projsync.plan.schedule import schedule

DAY = 480
START = datetime.fromisoformat("2024-01-01 08:00")
PROJECT = Project(start=START, calendar=STANDARD)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_level__report_shows_when_a_resource_is_asked_for_too_much() -> None:
    tasks = [Task(id="A", duration=2 * DAY), Task(id="B", duration=DAY), Task(id="C", duration=DAY)]
    staff = [
        Assignment(task_id="A", resource_id="R"),
        Assignment(task_id="B", resource_id="R", units=50),
        Assignment(task_id="C", resource_id="Q"),
    ]
    report = overallocations(schedule(PROJECT, tasks, assignments=staff), staff)
    assert len(report) == 1
    over = report[0]
    assert (over.resource_id, over.start, over.finish) == ("R", START, at("2024-01-01 17:00"))
    assert (over.peak_units, over.max_units, over.task_ids) == (150, 100, ("A", "B"))


def test_level__back_to_back_tasks_are_not_over_allocated() -> None:
    tasks = [Task(id="A", duration=DAY // 2), Task(id="B", duration=DAY // 2)]
    staff = [Assignment(task_id=t.id, resource_id="R") for t in tasks]
    links = [Dependency(predecessor_id="A", successor_id="B")]
    assert overallocations(schedule(PROJECT, tasks, links, staff), staff) == ()


def test_level__a_part_time_pair_fits_a_full_time_resource() -> None:
    tasks = [Task(id="A", duration=DAY), Task(id="B", duration=DAY)]
    staff = [Assignment(task_id=t.id, resource_id="R", units=50) for t in tasks]
    result = level(PROJECT, tasks, assignments=staff)
    assert result.delays == ()
    assert result.remaining == ()


def test_level__delays_the_task_with_more_slack_first() -> None:
    tasks = [
        Task(id="Short", duration=DAY),
        Task(id="Long", duration=3 * DAY),
        Task(id="After", duration=DAY),
    ]
    staff = [Assignment(task_id=t.id, resource_id="R") for t in tasks[:2]]
    links = [Dependency(predecessor_id="Long", successor_id="After")]
    result = level(PROJECT, tasks, links, staff, [Resource(id="R")])
    dates = {d.task_id: d for d in result.schedule.tasks}
    assert result.delays == (("Short", 3 * DAY),)
    assert dates["Long"].start == START
    assert dates["Short"].start == at("2024-01-04 08:00")
    assert result.remaining == ()


def test_level__priority_goes_before_slack() -> None:
    tasks = [Task(id="Urgent", duration=DAY, priority=900), Task(id="Long", duration=3 * DAY)]
    staff = [Assignment(task_id=t.id, resource_id="R") for t in tasks]
    result = level(PROJECT, tasks, assignments=staff)
    assert result.delays == (("Long", DAY),)


def test_level__delay_pushes_successors_and_links_still_hold() -> None:
    tasks = [Task(id="A", duration=DAY), Task(id="B", duration=DAY), Task(id="C", duration=DAY)]
    staff = [Assignment(task_id="A", resource_id="R"), Assignment(task_id="B", resource_id="R")]
    links = [Dependency(predecessor_id="B", successor_id="C")]
    result = level(PROJECT, tasks, links, staff)
    dates = {d.task_id: d for d in result.schedule.tasks}
    assert dates["C"].start >= dates["B"].finish
    assert result.remaining == ()


def test_level__pinned_tasks_and_priority_1000_are_never_moved() -> None:
    tasks = [
        Task(id="Pinned", duration=DAY, constraint=ConstraintType.MSO, constraint_date=START),
        Task(id="Fixed", duration=DAY, priority=1000),
    ]
    staff = [Assignment(task_id=t.id, resource_id="R") for t in tasks]
    result = level(PROJECT, tasks, assignments=staff)
    assert result.delays == ()
    assert len(result.remaining) == 1


def test_level__a_task_wanting_more_than_the_maximum_stays_reported() -> None:
    tasks = [Task(id="A", duration=DAY)]
    staff = [Assignment(task_id="A", resource_id="R", units=200)]
    result = level(PROJECT, tasks, assignments=staff)
    assert [o.task_ids for o in result.remaining] == [("A",)]


@st.composite
def staffed_networks(
    draw: st.DrawFn,
) -> tuple[list[Task], list[Dependency], list[Assignment], list[Resource]]:
    count = draw(st.integers(1, 10))
    tasks = [
        Task(id=f"T{i}", duration=draw(st.integers(0, 16)) * 60, priority=draw(st.integers(0, 999)))
        for i in range(count)
    ]
    resources = [
        Resource(id=f"R{k}", max_units=draw(st.sampled_from([50, 100, 200]))) for k in range(3)
    ]
    staff = []
    for task in tasks:
        for resource in draw(st.lists(st.sampled_from(resources), max_size=2, unique=True)):
            units = draw(st.integers(1, resource.max_units // 25)) * 25
            staff.append(Assignment(task_id=task.id, resource_id=resource.id, units=units))
    pairs = [(p, s) for p in range(count) for s in range(p + 1, count)]
    links = [
        Dependency(
            predecessor_id=f"T{p}",
            successor_id=f"T{s}",
            type=draw(st.sampled_from(list(DependencyType))),
            lag=draw(st.integers(-8, 8)) * 60,
        )
        for p, s in (draw(st.lists(st.sampled_from(pairs), max_size=10)) if pairs else [])
    ]
    return tasks, links, staff, resources


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(network=staffed_networks())
def test_level__never_leaves_a_resource_over_its_maximum(
    network: tuple[list[Task], list[Dependency], list[Assignment], list[Resource]],
) -> None:
    tasks, links, staff, resources = network
    result = level(PROJECT, tasks, links, staff, resources)
    assert result.remaining == ()
    assert overallocations(result.schedule, staff, resources) == ()
    index = calendar_index(STANDARD)
    dates = {d.task_id: d for d in result.schedule.tasks}
    for link in links:
        before, after = dates[link.predecessor_id], dates[link.successor_id]
        source = (
            before.finish if link.type in (DependencyType.FS, DependencyType.FF) else before.start
        )
        target = (
            after.finish if link.type in (DependencyType.FF, DependencyType.SF) else after.start
        )
        assert index.to_offset(target) >= index.to_offset(source) + link.lag
    assert schedule(PROJECT, result.tasks, links, staff) == result.schedule
