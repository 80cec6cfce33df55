"""The scheduler's fast paths against its general ones: bulk calendar conversion,
node order as the topological order, shifted links on plain tasks."""

import random
from dataclasses import replace
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from projsync.plan.calendar import STANDARD, CalendarIndex, public_holidays
from projsync.plan.model import (
    Calendar,
    ConstraintType,
    Dependency,
    DependencyType,
    LagKind,
    Project,
    Task,
)
from projsync.plan.schedule import compile_network, schedule

HOLIDAYS = Calendar(name="FR", base=STANDARD, exceptions=public_holidays("FR", [2025]))
PROJECT = Project(start=datetime(2025, 1, 6, 8), calendar=HOLIDAYS)
TYPES = tuple(DependencyType)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-200_000, 2_000_000), max_size=60))
def test_bulk_moments_match_one_by_one(offsets: list[int]) -> None:
    index = CalendarIndex(HOLIDAYS)  # fresh: the bulk call must grow the table itself
    assert index.start_moments(offsets) == [index.start_at(o) for o in offsets]
    assert index.finish_moments(offsets) == [index.finish_at(o) for o in offsets]


def _network(size: int, seed: int) -> tuple[list[Task], list[Dependency]]:
    """Links from earlier to later tasks, of every type and lag kind."""
    rng = random.Random(seed)
    tasks = [Task(id=f"T{i}", duration=rng.randrange(0, 20) * 60) for i in range(size)]
    links = []
    for _ in range(size * 3 // 2):
        successor = rng.randrange(1, size)
        kind = rng.choice(list(LagKind))
        lag = rng.randrange(-50, 100) if kind is LagKind.PERCENT else rng.randrange(-8, 24) * 60
        links.append(
            Dependency(
                predecessor_id=f"T{rng.randrange(max(0, successor - 10), successor)}",
                successor_id=f"T{successor}",
                type=rng.choice(TYPES),
                lag=lag,
                lag_kind=kind,
            )
        )
    return tasks, links


def test_node_order_and_kahn_order_agree() -> None:
    for seed in range(5):
        tasks, links = _network(300, seed)
        in_order = compile_network(PROJECT, tasks, links)
        assert in_order.in_index_order
        shuffled = list(tasks)
        random.Random(seed).shuffle(shuffled)
        assert not compile_network(PROJECT, shuffled, links).in_index_order
        expected = {d.task_id: d for d in schedule(PROJECT, tasks, links).tasks}
        again = schedule(PROJECT, shuffled, links)
        assert [d.task_id for d in again.tasks] == [t.id for t in shuffled]
        assert all(d == expected[d.task_id] for d in again.tasks)


def test_shifted_links_on_plain_and_pinned_tasks_agree() -> None:
    """A pinned task takes the general path: pinning a task where it already is
    changes none of its links' effects, plain or shifted."""
    tasks, links = _network(200, 11)
    first = {d.task_id: d for d in schedule(PROJECT, tasks, links).tasks}
    pinned = [
        replace(t, constraint=ConstraintType.MSO, constraint_date=first[t.id].start)
        if i % 7 == 3 and t.duration
        else t
        for i, t in enumerate(tasks)
    ]
    again = {d.task_id: d for d in schedule(PROJECT, pinned, links).tasks}
    for task in tasks:
        before, after = first[task.id], again[task.id]
        assert (after.start, after.finish) == (before.start, before.finish)
        assert (after.early_start, after.early_finish) == (before.early_start, before.early_finish)
