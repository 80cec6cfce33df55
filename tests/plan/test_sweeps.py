"""The compiled scheduler (_sweeps.pyx) against the pure-Python one: identical results.

`make` compiles projsync/plan/_sweeps.pyx; network.py and calendar.py use it
when it is there and their own loops otherwise. Each case schedules the same
records both ways (the compiled module switched off by monkeypatching) and
requires the same schedule, or the same error.
"""

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projsync.plan import compiled as compiled_module
from projsync.plan.calendar import STANDARD, public_holidays
from projsync.plan.model import (
    ConstraintType,
    Dependency,
    DependencyType,
    LagKind,
    PlanError,
    Project,
    Schedule,
    Task,
)
from projsync.plan.schedule import compile_network, schedule

if compiled_module.sweeps is None:
    reason = "the compiled sweeps are not built, or older than _sweeps.pyx (make builds them)"
    pytest.skip(reason, allow_module_level=True)
compiled = compiled_module.sweeps

START = datetime(2026, 1, 5, 8)  # plan times are naive local times
HOLIDAYS = replace(STANDARD, name="Standard FR", exceptions=public_holidays("FR", [2026]))
Records = tuple[Project, list[Task], list[Dependency]]


def _both_ways(records: Records) -> tuple[Schedule | str, Schedule | str]:
    """The outcome compiled, then pure Python: a schedule or the error's text."""
    assert compiled_module.sweeps is compiled
    outcomes: list[Schedule | str] = []
    for module in (compiled, None):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(compiled_module, "sweeps", module)
            try:
                outcomes.append(schedule(*records))
            except PlanError as exc:
                outcomes.append(f"{type(exc).__name__}: {exc}")
    return outcomes[0], outcomes[1]


@st.composite
def projects(draw: st.DrawFn) -> Records:
    """Summaries, all link types and lag kinds, links in any index direction
    (a hidden rank keeps most networks acyclic; links on summaries may still
    make cycles, which both ways must report alike), constraints, progress."""
    count = draw(st.integers(1, 24))
    rank = draw(st.permutations(range(count)))
    parents: list[int | None] = [None] * count
    i = 0
    while i < count - 1:
        children = draw(st.integers(0, 3))
        for child in range(i + 1, min(count, i + 1 + children)):
            parents[child] = i
        i += children + 1
    tasks = [_task(draw, i, parents) for i in range(count)]
    pairs = [(p, s) for p in range(count) for s in range(count) if rank[p] < rank[s]]
    links = []
    if pairs:
        for p, s in draw(st.lists(st.sampled_from(pairs), max_size=2 * count, unique=True)):
            kind = draw(st.sampled_from(list(LagKind)))
            lag = {
                LagKind.WORKING: draw(st.integers(-16, 24)) * 60,
                LagKind.ELAPSED: draw(st.integers(-8, 72)) * 60,
                LagKind.PERCENT: draw(st.integers(-50, 150)),
            }[kind]
            link_type = draw(st.sampled_from(list(DependencyType)))
            links.append(Dependency(
                predecessor_id=f"T{p}", successor_id=f"T{s}", type=link_type, lag=lag, lag_kind=kind
            ))  # fmt: skip
    status = START + timedelta(days=draw(st.integers(0, 20))) if draw(st.booleans()) else None
    calendar = draw(st.sampled_from([STANDARD, HOLIDAYS]))
    return Project(start=START, calendar=calendar, status_date=status), tasks, links


def _task(draw: st.DrawFn, i: int, parents: list[int | None]) -> Task:
    parent = parents[i]
    task = Task(
        id=f"T{i}",
        parent_id=None if parent is None else f"T{parent}",
        duration=draw(st.integers(0, 40)) * 60,
        elapsed=draw(st.integers(0, 14)) == 0,
    )
    when = START + timedelta(hours=draw(st.integers(-48, 24 * 30)))
    match draw(st.integers(0, 9)):
        case 0:
            constraint = draw(st.sampled_from(list(ConstraintType)))
            dated = constraint not in (ConstraintType.ASAP, ConstraintType.ALAP)
            task = replace(task, constraint=constraint, constraint_date=when if dated else None)
        case 1:
            task = replace(task, deadline=when)
        case 2:
            task = replace(task, actual_start=when, percent_complete=draw(st.integers(0, 100)))
        case 3:
            task = replace(task, manual=True, start=when)
        case 4:
            task = replace(task, leveling_delay=draw(st.integers(1, 16)) * 60)
        case 5:
            task = replace(task, milestone=True, duration=0)
    return task


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=projects())
def test_sweeps__compiled_and_pure_schedules_are_identical(records: Records) -> None:
    compiled_outcome, pure_outcome = _both_ways(records)
    assert compiled_outcome == pure_outcome


def _large_network(size: int, seed: int) -> Records:
    """The benchmark's kind of network (bench/schedule.py), smaller."""
    rng = random.Random(seed)
    tasks: list[Task] = []
    while len(tasks) < size:
        if rng.random() < 1 / 16:
            parent = f"T{len(tasks)}"
            tasks.append(Task(id=parent))
            for _ in range(rng.randrange(2, 7)):
                duration = rng.randrange(1, 160) * 30
                tasks.append(Task(id=f"T{len(tasks)}", parent_id=parent, duration=duration))
        else:
            tasks.append(Task(id=f"T{len(tasks)}", duration=rng.randrange(1, 160) * 30))
    links: dict[tuple[int, int], Dependency] = {}
    while len(links) < len(tasks) * 3 // 2:
        s = rng.randrange(1, len(tasks))
        p = rng.randrange(max(0, s - 40), s)
        if tasks[s].parent_id == f"T{p}":
            continue
        kind = rng.choice([LagKind.WORKING, LagKind.WORKING, LagKind.ELAPSED, LagKind.PERCENT])
        lag = rng.randrange(-50, 100) if kind is LagKind.PERCENT else rng.randrange(-8, 24) * 60
        if kind is LagKind.ELAPSED:
            lag = abs(lag)
        links[p, s] = Dependency(
            predecessor_id=f"T{p}",
            successor_id=f"T{s}",
            type=rng.choice(list(DependencyType)),
            lag=lag,
            lag_kind=kind,
        )
    return Project(start=START, calendar=HOLIDAYS), tasks, list(links.values())


@pytest.mark.parametrize("seed", [1, 2])
def test_sweeps__compiled_and_pure_agree_on_a_large_network(seed: int) -> None:
    compiled_outcome, pure_outcome = _both_ways(_large_network(3000, seed))
    assert isinstance(compiled_outcome, Schedule)
    assert compiled_outcome == pure_outcome


def test_sweeps__links_by_node_unpack_alike_with_the_module_switched_off() -> None:
    records = _large_network(200, 3)
    unpacked = compile_network(*records).links_of
    network = compile_network(*records)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compiled_module, "sweeps", None)
        assert network.links_of == unpacked
    shifted = sum(map(len, network.shifted_out.values()))  # (elapsed lags: kept apart)
    assert sum(map(len, unpacked)) + shifted == len(records[2])
