"""Resource levelling: where resources are over-allocated, and serial levelling to fix it.

`overallocations` reads a schedule and reports, per resource, every period in
which the assigned units add up to more than the resource's maximum.

`level` is a serial schedule generation: detail tasks are placed one at a time,
each once all its predecessors are placed; among those ready, the one with the
highest priority goes first (then least total slack, earliest early start,
id). A task is placed at the earliest start its links allow where every one of
its resources has enough units free for its whole duration; the wait is its
`leveling_delay` (working minutes of its calendar), and the final dates come
from scheduling the tasks with those delays, so links always hold and
scheduling the levelled tasks again changes nothing.

Not levelled (as in Microsoft Project): tasks pinned by progress, a manual
date or MSO/MFO, and tasks of priority 1000; they are booked where they are.
A task asking a resource for more than its maximum units cannot be fixed and
stays in `remaining`. ALAP tasks are levelled as if ASAP (a gap: after
levelling they move late again and may overlap). Resource calendars are not
read: resources work when the task's calendar says.

Never does I/O; records in, records out.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from projsync.plan.model import (
    Assignment,
    Dependency,
    LevelingResult,
    Overallocation,
    Project,
    Resource,
    Schedule,
    Task,
)
from projsync.plan.schedule import LEAF, TaskNetwork, compile_network

__all__ = ["DEFAULT_MAX_UNITS", "level", "overallocations"]

DEFAULT_MAX_UNITS = 100
"""Maximum units of a resource that `resources` does not list."""

_NEVER_LEVEL = 1000
_Booking = tuple[int, int, int]  # start, finish (axis values), units


def overallocations(
    result: Schedule, assignments: Sequence[Assignment], resources: Sequence[Resource] = ()
) -> tuple[Overallocation, ...]:
    """Every period in which a resource is asked for more units than it has."""
    dates = {d.task_id: d for d in result.tasks}
    maximum = {r.id: r.max_units for r in resources}
    # Per resource: (moment, +units at a start / -units at a finish, task id).
    events: dict[str, list[tuple[datetime, int, str]]] = {}
    for assignment in assignments:
        task = dates.get(assignment.task_id)
        if task is None or assignment.units <= 0 or task.start >= task.finish:
            continue
        found = events.setdefault(assignment.resource_id, [])
        found.append((task.start, assignment.units, task.task_id))
        found.append((task.finish, -assignment.units, task.task_id))
    report: list[Overallocation] = []
    for resource_id in sorted(events):
        limit = maximum.get(resource_id, DEFAULT_MAX_UNITS)
        report.extend(_periods_over(resource_id, sorted(events[resource_id]), limit))
    return tuple(report)


def _periods_over(
    resource_id: str, events: list[tuple[datetime, int, str]], limit: int
) -> list[Overallocation]:
    periods: list[Overallocation] = []
    load = 0
    active: dict[str, int] = {}
    opened: datetime | None = None
    peak = 0
    involved: set[str] = set()
    k = 0
    while k < len(events):
        moment = events[k][0]
        while k < len(events) and events[k][0] == moment:  # finishes sort before starts
            _, units, task_id = events[k]
            load += units
            active[task_id] = active.get(task_id, 0) + (1 if units > 0 else -1)
            if not active[task_id]:
                del active[task_id]
            k += 1
        if load > limit:
            if opened is None:
                opened, peak, involved = moment, load, set()
            peak = max(peak, load)
            involved.update(active)
        elif opened is not None:
            periods.append(
                Overallocation(
                    resource_id=resource_id,
                    start=opened,
                    finish=moment,
                    peak_units=peak,
                    max_units=limit,
                    task_ids=tuple(sorted(involved)),
                )
            )
            opened = None
    return periods


def level(
    project: Project,
    tasks: Sequence[Task],
    dependencies: Sequence[Dependency] = (),
    assignments: Sequence[Assignment] = (),
    resources: Sequence[Resource] = (),
) -> LevelingResult:
    """Delay tasks so no resource is over-allocated; earlier levelling delays are cleared first."""
    tasks = tuple(
        replace(t, leveling_delay=0, leveling_delay_elapsed=False) if t.leveling_delay else t
        for t in tasks
    )
    network = compile_network(project, tasks, dependencies, assignments)
    network.run()
    keys = _priority_keys(network)
    maximum = {r.id: r.max_units for r in resources}
    needs = _needs(network, assignments, maximum)
    network.reset()
    _place(network, keys, needs, maximum)
    network.finish_run()
    delays = {
        network.tasks[network.task_of[n]].id: minutes
        for n, minutes in enumerate(network.delay)
        if minutes
    }
    levelled = tuple(
        replace(t, leveling_delay=delays[t.id]) if t.id in delays else t for t in tasks
    )
    result = network.result()
    return LevelingResult(
        tasks=levelled,
        schedule=result,
        delays=tuple((t.id, delays[t.id]) for t in tasks if t.id in delays),
        remaining=overallocations(result, assignments, resources),
    )


def _priority_keys(network: TaskNetwork) -> dict[int, tuple[int, int, int, str]]:
    """Levelling order of the detail tasks, from an unlevelled run: lower sorts first."""
    early, late = network.early, network.late
    return {
        n: (
            -network.tasks[network.task_of[n]].priority,
            late[2 * n] - early[2 * n],
            early[2 * n],
            network.tasks[network.task_of[n]].id,
        )
        for n, kind in enumerate(network.kind)
        if kind == LEAF
    }


def _needs(
    network: TaskNetwork, assignments: Sequence[Assignment], maximum: dict[str, int]
) -> dict[int, list[tuple[str, int, bool]]]:
    """Per detail node with work to book: (resource, units, whether it can ever fit)."""
    node_of = {network.tasks[i].id: network.node_out[i] for i in range(len(network.tasks))}
    needs: dict[int, list[tuple[str, int, bool]]] = {}
    for assignment in assignments:
        n = node_of[assignment.task_id]
        if network.kind[n] == LEAF and assignment.units > 0 and network.duration[n] > 0:
            fits = assignment.units <= maximum.get(assignment.resource_id, DEFAULT_MAX_UNITS)
            needs.setdefault(n, []).append((assignment.resource_id, assignment.units, fits))
    return needs


def _place(
    network: TaskNetwork,
    keys: dict[int, tuple[int, int, int, str]],
    needs: dict[int, list[tuple[str, int, bool]]],
    maximum: dict[str, int],
) -> None:
    """The serial schedule generation: a forward pass that waits for resources."""
    indegree = list(network.indegree)
    free_now = [n for n, count in enumerate(indegree) if not count]
    waiting: list[tuple[tuple[int, int, int, str], int]] = []
    bookings: dict[str, list[_Booking]] = {}
    order: list[int] = []
    movable = {
        n
        for n in needs
        if n not in network.pins and network.tasks[network.task_of[n]].priority < _NEVER_LEVEL
    }
    while free_now or waiting:
        if free_now:
            n = free_now.pop()
            if n in movable:
                heapq.heappush(waiting, (keys[n], n))
                continue
        else:
            _, n = heapq.heappop(waiting)
            network.delay[n] = 0
            start, _ = network.early_dates(n)
            placed = _earliest_fit(network, n, start, needs[n], bookings, maximum)
            ops = network.ops[n]
            network.delay[n] = placed - start if ops is None else ops.span(start, placed)
        network.evaluate_early(n)
        for resource_id, units, _ in needs.get(n, ()):
            bookings.setdefault(resource_id, []).append(
                (network.early[2 * n], network.early[2 * n + 1], units)
            )
        order.append(n)
        free_now.extend(network.release(n, indegree))
    network.order = order


def _earliest_fit(
    network: TaskNetwork,
    n: int,
    start: int,
    needs: list[tuple[str, int, bool]],
    bookings: dict[str, list[_Booking]],
    maximum: dict[str, int],
) -> int:
    """The earliest start from `start` on at which every resource has the units free."""
    ops, duration = network.ops[n], network.duration[n]
    candidate = start if ops is None else ops.snap_start(start)
    while True:
        finish = candidate + duration if ops is None else ops.finish_from(candidate)
        cleared = None
        for resource_id, units, fits in needs:
            if not fits:
                continue  # can never fit: booked anyway, reported as remaining
            spare = maximum.get(resource_id, DEFAULT_MAX_UNITS) - units
            conflict = _conflict_end(bookings.get(resource_id, []), candidate, finish, spare)
            if conflict is not None:
                cleared = conflict if cleared is None else min(cleared, conflict)
        if cleared is None:
            return candidate
        # No start before the first booking in the way ends can fit: jump there.
        candidate = cleared if ops is None else ops.snap_start(cleared)


def _conflict_end(bookings: list[_Booking], start: int, finish: int, spare: int) -> int | None:
    """If the bookings use more than `spare` units somewhere in [start, finish), the
    earliest end among the bookings overlapping it; otherwise None."""
    overlapping = [b for b in bookings if b[0] < finish and b[1] > start]
    if sum(b[2] for b in overlapping) <= spare:
        return None
    events = sorted(
        [(max(b[0], start), 1, b[2]) for b in overlapping] + [(b[1], 0, -b[2]) for b in overlapping]
    )
    load = 0
    for moment, _, units in events:
        load += units
        if load > spare and moment < finish:
            return min(b[1] for b in overlapping)
    return None
