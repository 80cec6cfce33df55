"""Critical-path scheduling of a project's tasks, Microsoft Project style.

Records in (a project, its tasks, dependencies and assignments), records out
(dates, slack, critical flags). Never does I/O, never reads the clock, never
changes its inputs; naive local datetimes only (see model.py).

How it works. The tasks compile into a `TaskNetwork` of nodes: one per detail
task, two per summary task (an *in* node that hands the summary's incoming
links down to its children, an *out* node that rolls the children up for the
summary's outgoing links: so links on summaries apply to all their children).
The nodes are sorted topologically (a cycle is an error that names its tasks),
swept forward for early dates and backward for late dates. A time on the sweep
is an int on one of two axes:

- the *working* axis, when every task is on the project calendar and no
  duration is elapsed: working minutes of the project calendar, so adding a
  duration is an addition (the fast path);
- the *clock* axis otherwise (also when a resource works on a calendar of its
  own): minutes since 0001-01-01 00:00, each task's arithmetic going through
  its own calendar.

Datetimes are made at the end, once per distinct time.

What is implemented, exactly:

- the project start: as in Microsoft Project it is only the default early
  start, of a task without predecessors and without a SNET/FNET constraint. A
  SNET/FNET date replaces it (even an earlier one), and a task with
  predecessors is placed by them alone (after a task constrained before the
  project start, or on a finish-to-finish link, it may start before it).
- constraints: SNET/FNET set the early dates; SNLT/FNLT only cap the late
  dates (so they may give negative slack, never break a link); MSO/MFO pin the
  task, even against its links, and cap its late dates at the pinned ones;
  ALAP tasks move as late as their successors' *scheduled* dates and their own
  late finish allow. Constraints on summary tasks are ignored.
- deadlines cap the late finish (so slack, and the late dates of
  predecessors) and never move a task, except an ALAP one, as in Project.
- progress: a task with an actual start keeps it; with an actual finish (or 100
  percent complete) it keeps both ends; otherwise its completed part (its
  actual duration, else percent x duration) runs from the actual start and the
  remaining part starts at the later of where the completed part ends and the
  status date. A task with progress is not moved by its predecessors. The
  status date moves no task not started (as in Project, where moving one is
  "Update Project", a person's choice). Percent complete without an actual
  start is ignored (the service layer should give the actual start).
- splits: a split task's gaps keep their working time and their place in its
  work wherever it moves; its duration counts work only (see `_split_gaps`).
- overtime: an assignment's overtime work is done beyond the calendar, so the
  span it needs is (work - overtime work) / units.
- manual tasks with a `start` stay at `start`..`finish` (finish defaults to
  start + duration) whatever their links say. A manual summary with a `start`
  shows its typed dates, its successors and its own summary see them, and
  its auto-scheduled subtasks start from its start (not the project start).
- summaries: a link into a summary applies to every task under it, which is
  then placed by its links alone (as a task with links of its own). A
  summary spans its children's dates as shown (an actual start outside
  working time included).
- duration: a milestone keeps its duration (Project lets any task be marked a
  milestone); a zero-duration one stays zero whatever work it carries. Otherwise,
  with assignments of positive units, a task lasts its stored duration when
  that is what its assignments' work and units give (to the rounding of whole
  minutes and percents: the task-type rules keep them so at every edit, see
  task_types.py); else as long as its longest assignment (assignment work /
  its units), or, when no assignment carries work, task work / total units.
- resource calendars: in a task without a calendar of its own, each assignment
  with a calendar works in that calendar's time, as in Project: it starts at
  the first working moment of its calendar from the task's start and lasts its
  work / its units there; the task spans its assignments. A task calendar
  overrides them.
- lags: working lags are counted on the project calendar, elapsed lags on the
  clock, percent lags as a share of the predecessor's duration (of its
  `duration` field for a summary predecessor).
- slack: total slack = min(late start - early start, late finish - early
  finish), in working minutes of the task's calendar (elapsed minutes for an
  elapsed task, project calendar for summaries); free slack = how far the task
  can slip without moving a successor's early dates, at most the total slack,
  never negative. Critical = total slack <= 0.
- shown dates, on the working axis, where an axis value is both an end of day
  and the next start: a start at the next start, a finish at the end of day,
  except a zero-duration task placed by a predecessor's finish or pinned by an
  MSO/MFO date at an end of day (shown there), and a finish held by a
  predecessor's start through an SF link without lag (shown at that start). A
  summary over milestones only finishes where it starts. A zero-duration task
  placed by its SNET/FNET date is shown at that very date (a milestone needs
  no working time).
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import compress, count, pairwise, repeat
from operator import attrgetter, eq, is_, itemgetter
from typing import cast

from projsync.plan import compiled
from projsync.plan.axes import Axis, ClockTask, Shift, StaffedTask
from projsync.plan.calendar import CalendarIndex, calendar_index
from projsync.plan.effort import length_of, nearest, stands, stretched
from projsync.plan.model import (
    Assignment,
    Calendar,
    ConstraintType,
    Dependency,
    DependencyType,
    LagKind,
    Project,
    Schedule,
    ScheduleError,
    Task,
    WorkContour,
)
from projsync.plan.network import INF, LEAF, NEG, SUMMARY_IN, SUMMARY_OUT, TaskNetwork

__all__ = [
    "LEAF",
    "TaskNetwork",
    "apply_schedule",
    "collector_paused",
    "compile_network",
    "schedule",
]


def schedule(
    project: Project,
    tasks: Sequence[Task],
    dependencies: Sequence[Dependency] = (),
    assignments: Sequence[Assignment] = (),
) -> Schedule:
    """Schedule the tasks; raises `ScheduleError` listing every problem in the data."""
    with collector_paused():
        network = compile_network(project, tasks, dependencies, assignments)
        network.run()
        result = network.result()
        if network.splits:
            result = _worked_durations(network, result)
        # Freed while the collector is held: once it resumes, its first pass
        # walks every container made meanwhile that is still alive.
        del network
    return result


def _worked_durations(network: TaskNetwork, result: Schedule) -> Schedule:
    """A split task's duration is its work's, without the gaps its span holds."""
    split = {network.tasks[network.task_of[n]].id: gap for n, gap in network.splits.items()}
    return replace(
        result,
        tasks=tuple(
            dates._replace(duration=dates.duration - split[dates.task_id])
            if dates.task_id in split
            else dates
            for dates in result.tasks
        ),
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold CPython's cyclic garbage collector while the body runs.

    A large schedule allocates about a million small lists and tuples, none in
    a cycle; meanwhile the collector would walk the whole heap (every task and
    link record) over and over: a fifth of the run. The collector is put back
    as it was found.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def apply_schedule(tasks: Sequence[Task], result: Schedule) -> tuple[Task, ...]:
    """The tasks with their scheduled start and finish written back, and the duration
    of detail tasks (a summary keeps its own, the basis of percent lags on it)."""
    by_id = {dates.task_id: dates for dates in result.tasks}
    return tuple(
        replace(
            task,
            start=by_id[task.id].start,
            finish=by_id[task.id].finish,
            duration=task.duration if by_id[task.id].summary else by_id[task.id].duration,
        )
        for task in tasks
    )


# ------------------------------------------------------------------------- compile

_FS, _SS, _FF, _SF = DependencyType.FS, DependencyType.SS, DependencyType.FF, DependencyType.SF
_ENDS = {_FS: (1, 0), _SS: (0, 0), _FF: (1, 1), _SF: (0, 1)}  # (from finish, to finish)
_FROM_END = itemgetter(0)
_PREDECESSOR, _SUCCESSOR = attrgetter("predecessor_id"), attrgetter("successor_id")
_TYPE, _LAG, _LAG_KIND = attrgetter("type"), attrgetter("lag"), attrgetter("lag_kind")
_ASAP, _ALAP = ConstraintType.ASAP, ConstraintType.ALAP
_WORKING, _ELAPSED, _PERCENT = LagKind.WORKING, LagKind.ELAPSED, LagKind.PERCENT
_DATED = frozenset(ConstraintType) - {_ASAP, _ALAP}
_MINUTE = timedelta(minutes=1)
_FAR = 1 << 28  # minutes: five centuries of clock time, more on the working axis


_divide = nearest


def _duration(task: Task, assigned: list[Assignment], own_calendars: bool) -> int:
    if task.milestone and not task.duration:
        return 0  # a zero-duration milestone stays one, whatever work it carries
    if task.fixed_duration and task.duration > 0 and not own_calendars:
        return task.duration  # Project keeps it, whatever the work and units say
    staff = ((a.units, _regular(a), a.contour) for a in assigned)
    if not own_calendars and stands(task.duration, staff):
        return task.duration  # what its work and units give, to their rounding
    lengths = _lengths(task, assigned)
    return max(lengths.values()) if lengths else task.duration


def _lengths(task: Task, assigned: list[Assignment]) -> dict[int, int]:
    """Working minutes each staffed assignment needs, by its place in `assigned`.

    Each assignment with work does it at its units, as in Microsoft Project
    (effort-driven sharing is an edit's business: see task_types.py); a task
    whose work is on none of its assignments shares it by units. A contour
    stretches that (see WorkContour). None staffed, or none with work to do
    (work only on assignments without units): the task keeps its duration.
    """
    staffed = [(i, a) for i, a in enumerate(assigned) if a.units > 0]
    if not staffed:
        return {}
    with_work = [(i, a) for i, a in staffed if _regular(a) > 0]
    if with_work:
        return {i: length_of(_regular(a), a.units, a.contour, a.span) for i, a in with_work}
    if task.work > 0 and not any(a.work for a in assigned):
        shared = _divide(task.work * 100, sum(a.units for _, a in staffed))
        return {i: stretched(shared, a.contour, a.span) for i, a in staffed}
    return {}


def _regular(assignment: Assignment) -> int:
    """An assignment's work in working time: Project does overtime work beyond
    the calendar, so it shortens the span (duration = (work - overtime) / units)."""
    return max(0, assignment.work - assignment.overtime_work)


def _split_gaps(
    task: Task, worked: int, axis: Axis, index: CalendarIndex | None
) -> list[tuple[int, int]]:
    """A split task's gaps, as (working minutes of work before it, its working minutes).

    Project keeps a split task's interruptions in working time: when the task
    moves, each gap moves with it, after the same share of work, and the
    task's duration counts its work only (so its parts span more than it).
    Parts that span no more than the duration are not interruptions but the
    days a hand-edited contour puts work on. A gap in non-working time only
    (a lunch break) is none, nor one under a minute (time-phased work's
    rounding). Measured on the task's time: the task calendar on the clock
    axis, the project calendar's working minutes on the working axis, clock
    minutes for an elapsed task.
    """
    if len(task.splits) < 2:
        return []
    if task.elapsed:

        def measure(first: datetime, second: datetime) -> int:
            return int((second - first).total_seconds()) // 60
    elif index is None:

        def measure(first: datetime, second: datetime) -> int:
            return axis.value(second) - axis.value(first)
    else:
        to_offset = index.to_offset

        def measure(first: datetime, second: datetime) -> int:
            return to_offset(second) - to_offset(first)

    parts = sorted(task.splits)
    if measure(parts[0][0], parts[-1][1]) <= worked:
        return []
    gaps: list[tuple[int, int]] = []
    done = 0
    for (start, finish), (following, _) in pairwise(parts):
        done += max(0, measure(start, finish))
        if following - finish < _MINUTE:
            continue
        gap = measure(finish, following)
        if gap > 0 and done > 0:
            gaps.append((done, gap))
    return gaps


def _own(calendar: Calendar) -> Calendar:
    """The calendar whose working time `calendar` has: a resource calendar that
    changes nothing of its base is its base."""
    while calendar.base is not None and not calendar.exceptions and calendar.week.count(None) == 7:
        calendar = calendar.base
    return calendar


def _staff_calendars(task: Task, assigned: list[Assignment], project_calendar: Calendar) -> bool:
    """Whether the task's resources work on calendars of their own (other than the
    project's). A task with a calendar of its own, or elapsed, keeps to it."""
    if task.calendar is not None or task.elapsed:
        return False
    own = _own(project_calendar)
    return any(a.calendar is not None and a.units > 0 and _own(a.calendar) != own for a in assigned)


def _check_tasks(tasks: Sequence[Task], problems: list[str]) -> tuple[dict[str, int], list[int]]:
    """Positions by id and parent position per task (-1: none); outline loops are problems."""
    position = {task.id: i for i, task in enumerate(tasks)}
    if len(position) != len(tasks):
        position = {}
        for i, task in enumerate(tasks):
            if task.id in position:
                problems.append(f"task {task.id!r}: duplicate id")
            position.setdefault(task.id, i)
    parents = [-1] * len(tasks)
    for i, task in enumerate(tasks):
        if task.parent_id is None and task.constraint is _ASAP and task.duration >= 0:
            if not 0 <= task.percent_complete <= 100:
                problems.append(f"task {task.id!r}: percent complete must be 0..100")
            continue
        if task.parent_id is not None:
            parent = position.get(task.parent_id)
            if parent is None:
                problems.append(f"task {task.id!r}: unknown parent {task.parent_id!r}")
            else:
                parents[i] = parent
        if not 0 <= task.percent_complete <= 100:
            problems.append(f"task {task.id!r}: percent complete must be 0..100")
        if task.duration < 0:
            problems.append(f"task {task.id!r}: negative duration")
        if task.constraint in _DATED and task.constraint_date is None:
            problems.append(f"task {task.id!r}: constraint {task.constraint} needs a date")
    _break_outline_loops(tasks, parents, problems)
    return position, parents


def _break_outline_loops(tasks: Sequence[Task], parents: list[int], problems: list[str]) -> None:
    state = [0] * len(tasks)  # 0 not seen, 1 on the current walk, 2 checked
    for i in range(len(tasks)):
        walk = []
        j = i
        while j >= 0 and state[j] == 0:
            state[j] = 1
            walk.append(j)
            j = parents[j]
        if j >= 0 and state[j] == 1:
            problems.append(f"task {tasks[j].id!r}: is its own ancestor in the outline")
            parents[j] = -1
        for k in walk:
            state[k] = 2


def compile_network(
    project: Project,
    tasks: Sequence[Task],
    dependencies: Sequence[Dependency] = (),
    assignments: Sequence[Assignment] = (),
) -> TaskNetwork:
    """Check the records and build the network; raises `ScheduleError` with every problem."""
    problems: list[str] = []
    position, parents = _check_tasks(tasks, problems)
    assigned: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        i = position.get(assignment.task_id)
        if i is None:
            who, what = assignment.resource_id, assignment.task_id
            problems.append(f"assignment of {who!r}: unknown task {what!r}")
        else:
            assigned.setdefault(i, []).append(assignment)
    has_children = [False] * len(tasks)
    for parent in parents:
        if parent >= 0:
            has_children[parent] = True
    project_calendar = project.calendar
    working = not any(
        (
            task.elapsed
            or (task.calendar is not None and task.calendar != project_calendar)
            or (task.leveling_delay and task.leveling_delay_elapsed)
        )
        and not has_children[i]
        for i, task in enumerate(tasks)
    ) and not any(
        _staff_calendars(tasks[i], staff, project_calendar) for i, staff in assigned.items()
    )
    network = TaskNetwork(project, tasks, Axis(calendar_index(project_calendar), working=working))
    _add_nodes(network, parents, has_children, assigned, problems)
    _hold_under_manual_summaries(network, parents, has_children)
    _add_links(network, dependencies, position, problems)
    if problems:
        raise ScheduleError(tuple(problems))
    return network


def _add_nodes(
    network: TaskNetwork,
    parents: list[int],
    has_children: list[bool],
    assigned: dict[int, list[Assignment]],
    problems: list[str],
) -> None:
    """Nodes for every task, and the outline between them."""
    if not any(has_children):
        size = len(network.tasks)
        network.kind = [LEAF] * size
        network.task_of = network.pair = network.node_in = network.node_out = list(range(size))
        network.indegree, network.parent_in, network.parent_out = (
            [0] * size,
            [-1] * size,
            [-1] * size,
        )
    elif compiled.sweeps is not None:
        (
            network.kind, network.task_of, network.pair, network.node_in, network.node_out,
            network.indegree, network.parent_in, network.parent_out, network.outline,
        ) = compiled.sweeps.outline_nodes(has_children, parents)  # fmt: skip
    else:
        _add_outline_nodes(network, parents, has_children)
    size = len(network.kind)
    network.duration, network.work, network.delay = [0] * size, [0] * size, [0] * size
    network.base, network.cap = [NEG] * size, [INF] * size
    network.ops, network.alap = [None] * size, [0] * size
    _set_up_tasks(network, assigned, problems)


def _add_outline_nodes(network: TaskNetwork, parents: list[int], has_children: list[bool]) -> None:
    """Two nodes per summary task (see the module docstring), one per detail task,
    and the outline's links between them (`_sweeps.outline_nodes` does the same)."""
    kind, task_of, pair = network.kind, network.task_of, network.pair
    for i in range(len(network.tasks)):
        n = len(kind)
        if has_children[i]:
            kind.extend((SUMMARY_IN, SUMMARY_OUT))
            task_of.extend((i, i))
            pair.extend((n + 1, n))
            network.node_in.append(n)
            network.node_out.append(n + 1)
        else:
            kind.append(LEAF)
            task_of.append(i)
            pair.append(n)
            network.node_in.append(n)
            network.node_out.append(n)
    size = len(kind)
    network.indegree = indegree = [0] * size
    network.parent_in = [-1] * size
    network.parent_out = [-1] * size
    node_in, node_out, outline = network.node_in, network.node_out, network.outline
    for i, parent in enumerate(parents):
        if parent >= 0:
            network.parent_in[node_in[i]] = node_in[parent]
            network.parent_out[node_out[i]] = node_out[parent]
            # The parent's in node comes before the child, the child before its out node.
            outline.setdefault(node_in[parent], []).append(node_in[i])
            outline.setdefault(node_out[i], []).append(node_out[parent])
            indegree[node_in[i]] += 1
            indegree[node_out[parent]] += 1
    for i, summary in enumerate(has_children):
        if summary:
            outline.setdefault(node_in[i], []).append(node_out[i])
            indegree[node_out[i]] += 1


def _set_up_tasks(
    network: TaskNetwork, assigned: dict[int, list[Assignment]], problems: list[str]
) -> None:
    project, axis = network.project, network.axis
    start = axis.value(project.start)
    # No floor for linked tasks, but as a small int, far enough before the start
    # that no link reaches it: NEG, a three-digit int, slows every comparison.
    network.relaxed_floor = start - _FAR
    network.floor = start
    duration, work, base, kind = network.duration, network.work, network.base, network.kind
    for n, i in enumerate(network.task_of):
        if kind[n] != LEAF:
            continue
        task = network.tasks[i]
        if (
            axis.working
            and task.constraint is _ASAP
            and task.deadline is None
            and task.actual_start is None
            and task.actual_finish is None
            and not task.manual
            and not task.leveling_delay
            and i not in assigned
            and not task.splits
        ):
            duration[n] = task.duration
            work[n] = task.work
            base[n] = start
        else:
            _set_up_task(network, n, assigned.get(i, []), problems)


def _set_up_task(
    network: TaskNetwork, n: int, assigned: list[Assignment], problems: list[str]
) -> None:
    """Duration, work, earliest start, late cap, pin and calendar of the detail task at `n`."""
    task = network.tasks[network.task_of[n]]
    project, axis = network.project, network.axis
    # (resources on calendars of their own put the whole project on the clock axis)
    own_calendars = not axis.working and _staff_calendars(task, assigned, project.calendar)
    worked = _duration(task, assigned, own_calendars)
    if worked < 0:
        problems.append(f"task {task.id!r}: negative duration")
    index = None if axis.working else calendar_index(task.calendar or project.calendar)
    # A hand-edited contour's span runs from the assignment's start to its
    # finish: the gaps are in it already (days without work in its time-phased work).
    edited = any(a.contour is WorkContour.CONTOURED and a.span is not None for a in assigned)
    gaps = _split_gaps(task, worked, axis, index) if worked > 0 and not edited else []
    split = sum(gap for _, gap in gaps)
    duration = worked + split  # the task's span: its work and the gaps between
    if split:
        network.splits[n] = split
    network.duration[n] = duration
    network.work[n] = task.work or sum(a.work for a in assigned)
    network.delay[n] = task.leveling_delay
    ops: ClockTask | None = None
    if index is not None:
        if duration and own_calendars:
            lengths = _lengths(task, assigned)
            staff = [
                (calendar_index(_own(a.calendar or project.calendar)), lengths.get(i, worked))
                for i, a in enumerate(assigned)
                if a.units > 0
            ]
            staff = [(calendar, minutes + split) for calendar, minutes in staff]
            ops = network.ops[n] = StaffedTask(index, duration, staff)
        else:
            ops = network.ops[n] = ClockTask(index, duration, elapsed=task.elapsed)
        ops.elapsed_delay = task.leveling_delay_elapsed

    def advance(start: int, minutes: int) -> int:
        return start + minutes if ops is None else ops.advance(start, minutes)

    def start_of(finish: int) -> int:
        return finish - duration if ops is None else ops.start_for(finish)

    status = None if project.status_date is None else axis.value(project.status_date)
    started = task.actual_start is not None or task.actual_finish is not None
    base = network.floor if not started else axis.value(project.start)
    cap = INF
    pin = None
    constraint, when = task.constraint, task.constraint_date
    if when is not None and constraint in _DATED:
        value = axis.value(when)
        if constraint is ConstraintType.SNET or constraint is ConstraintType.FNET:
            # The constraint, not the project start, is the earliest start (it may
            # come before the project start, or the status date).
            base = value if constraint is ConstraintType.SNET else start_of(value)
            network.dated.add(n)
        elif constraint is ConstraintType.SNLT:
            cap = advance(value if ops is None else ops.snap_start(value), duration)
        elif constraint is ConstraintType.FNLT:
            cap = value
        elif constraint is ConstraintType.MSO:
            start = value if ops is None else ops.snap_start(value)
            pin = (start, advance(start, duration))
        else:
            finish = value if ops is None else ops.snap_finish(value)
            pin = (start_of(finish), finish)
    if task.deadline is not None:
        cap = min(cap, axis.value(task.deadline))
    if task.actual_start is not None:
        start = axis.value(task.actual_start)
        if task.actual_finish is not None:
            pin = (start, axis.value(task.actual_finish))
        elif task.percent_complete >= 100:
            pin = (start, advance(start, duration))
        else:
            # Done: the actual duration Project keeps, else the percent of the
            # duration (Project's percent is the actual duration's share, rounded).
            if task.actual_duration is not None:
                done = min(worked, max(0, task.actual_duration))
            else:
                done = _divide(worked * task.percent_complete, 100)
            # The gaps within the completed part, and the one where it stops.
            before = sum(gap for at, gap in gaps if at <= done)
            resume = advance(start, done + before)
            if status is not None and status > resume:
                resume = status  # the remaining part moves after the status date
            pin = (start, advance(resume, duration - done - before))
    elif task.actual_finish is not None:
        finish = axis.value(task.actual_finish)
        pin = (start_of(finish), finish)
    elif task.manual and task.start is not None:
        start = axis.value(task.start)
        finish = axis.value(task.finish) if task.finish is not None else advance(start, duration)
        pin = (start, finish)
    elif constraint is _ALAP:
        network.alap[n] = 1
    if pin is not None:
        network.pins[n] = pin
        if not started:
            cap = min(cap, pin[1])  # a pinned plan date is as late as it may be
    network.base[n] = base
    network.cap[n] = cap


def _hold_under_manual_summaries(
    network: TaskNetwork, parents: list[int], has_children: list[bool]
) -> None:
    """Auto-scheduled subtasks of a manually scheduled summary start from its start.

    Microsoft Project (2010 and later) keeps the dates typed on a manually
    scheduled summary task, and schedules its auto-scheduled subtasks from the
    summary's start instead of the project start (before or after it), as it
    schedules a subproject from its own start. The summary's in node holds that
    start, whatever links the summary has (they cannot move it); its subtasks
    without a date constraint or progress lose the project start as their
    floor.
    """
    tasks, axis, base, node_in = network.tasks, network.axis, network.base, network.node_in
    held = [
        i
        for i, summary in enumerate(has_children)
        if summary and tasks[i].manual and tasks[i].start is not None
    ]
    if not held:
        return
    for i in held:
        start = tasks[i].start
        assert start is not None  # (held only with a start)
        # Pinned: neither the summary's links nor its parent's move it, and its
        # successors and its own summary see its typed dates, not its subtasks'.
        network.pins[node_in[i]] = (axis.value(start), NEG)
        finish = tasks[i].finish
        if finish is not None:
            network.pins[network.node_out[i]] = (axis.value(start), axis.value(finish))
    under = set(held)
    floor, relaxed, dated, kind = network.floor, network.relaxed_floor, network.dated, network.kind
    for i in range(len(tasks)):
        j = parents[i]
        while j >= 0 and j not in under:
            j = parents[j]
        n = node_in[i]
        if j >= 0 and kind[n] == LEAF and base[n] == floor and n not in dated:
            base[n] = relaxed


def _add_links(
    network: TaskNetwork,
    dependencies: Sequence[Dependency],
    position: dict[str, int],
    problems: list[str],
) -> None:
    """The links, as flat columns for `TaskNetwork.set_links` (see network.py).

    Only links that are not a plain addition on the axis (percent lags, elapsed
    lags on the working axis...) are looked at one by one.
    """
    columns = None
    if compiled.sweeps is not None:
        columns = compiled.sweeps.link_columns(
            dependencies, position, _ENDS, network.node_out, network.node_in, network.indegree
        )
    if columns is None:
        columns = _link_columns(network, dependencies, position, problems)
    predecessors, sources, targets, slots, froms, lags, lag_kinds, ends = columns
    tasks, axis, kind, duration = network.tasks, network.axis, network.kind, network.duration
    _relax_floor(network, targets)
    working_axis = axis.working
    native = _WORKING if working_axis else _ELAPSED  # lags that add on this axis
    shifted = set()
    instant: set[int] | None = None  # summaries whose every leaf is a zero-duration task
    for k in [k for k, lag_kind in enumerate(lag_kinds) if lag_kind is not native]:
        source, lag, lag_kind = sources[k], lags[k], lag_kinds[k]
        if lag_kind is _PERCENT:
            p = predecessors[k]
            leaf = kind[source] == LEAF
            lag = _divide((duration[source] if leaf else tasks[p].duration) * lag, 100)
            lag_kind = _ELAPSED if leaf and tasks[p].elapsed else _WORKING
        if lag == 0 or (lag_kind is _WORKING) is working_axis:
            lags[k] = lag
            continue
        target = targets[k]
        if kind[source] == SUMMARY_OUT and instant is None:
            instant = _instant_summaries(network)
        zero = (
            (kind[source] == LEAF and not duration[source]) or source in (instant or ()),
            kind[target] == LEAF and not duration[target],
        )
        shift = Shift(axis, lag, ends[k], zero)
        network.shifted_out.setdefault(source, []).append((slots[k], shift))
        shifted.add(k)
    if shifted:
        keep = [k not in shifted for k in range(len(slots))]
        sources, slots, lags, froms = (
            list(compress(column, keep)) for column in (sources, slots, lags, froms)
        )
        ends = list(compress(ends, keep))
    network.set_links(sources, slots, lags, froms)
    # The start-to-finish links, for the dates shown (`TaskNetwork.start_held`):
    # the pairs in `ends` are _ENDS's own, so identity finds them at C speed.
    network.start_to_finish = list(compress(count(), map(is_, ends, repeat(_ENDS[_SF]))))


def _instant_summaries(network: TaskNetwork) -> set[int]:
    """The out nodes of summaries all of whose leaves have no duration: their
    finish shows as a start moment (Monday 08:00, not Friday 17:00), as their
    children's do, and a lag from it is counted from there."""
    kind, duration, parent_out = network.kind, network.duration, network.parent_out
    busy: set[int] = set()
    for n, node_kind in enumerate(kind):
        if node_kind == LEAF and duration[n]:
            parent = parent_out[n]
            while parent >= 0 and parent not in busy:
                busy.add(parent)
                parent = parent_out[parent]
    return {n for n, node_kind in enumerate(kind) if node_kind == SUMMARY_OUT} - busy


_LinkColumns = tuple[
    list[int], list[int], list[int], list[int], list[int], list[int], list[LagKind],
    list[tuple[int, int]],
]  # fmt: skip


def _link_columns(
    network: TaskNetwork,
    dependencies: Sequence[Dependency],
    position: dict[str, int],
    problems: list[str],
) -> _LinkColumns:
    """Predecessor tasks, source and target nodes, target slots, from-finish flags,
    lags, lag kinds and end pairs of the valid links; counts them in the targets'
    indegrees. Column by column with C-level maps, not link by link: a large
    project has 150,000 links. (`_sweeps.link_columns` does the same in one pass.)
    """
    try:
        predecessors = list(map(position.__getitem__, map(_PREDECESSOR, dependencies)))
        successors = list(map(position.__getitem__, map(_SUCCESSOR, dependencies)))
        wrong = any(map(eq, predecessors, successors))
    except KeyError:
        wrong = True
    if wrong:
        dependencies = _valid_links(dependencies, position, problems)
        predecessors = list(map(position.__getitem__, map(_PREDECESSOR, dependencies)))
        successors = list(map(position.__getitem__, map(_SUCCESSOR, dependencies)))
    found = list(map(_ENDS.get, map(_TYPE, dependencies)))
    if None in found:  # a plain string, or an unknown type (raises)
        found = [_ENDS[DependencyType(kind)] for kind in map(_TYPE, dependencies)]
    ends = cast(list[tuple[int, int]], found)
    sources, targets = predecessors, successors
    if len(network.kind) > len(network.tasks):  # summaries: out nodes to in nodes
        sources = list(map(network.node_out.__getitem__, predecessors))
        targets = list(map(network.node_in.__getitem__, successors))
    indegree = network.indegree
    for target in targets:
        indegree[target] += 1
    slots = [2 * target + to_finish for target, (_, to_finish) in zip(targets, ends, strict=True)]
    froms = list(map(_FROM_END, ends))
    lags = list(map(_LAG, dependencies))
    lag_kinds = list(map(_LAG_KIND, dependencies))
    return predecessors, sources, targets, slots, froms, lags, lag_kinds, ends


def _relax_floor(network: TaskNetwork, targets: list[int]) -> None:
    """Tasks with predecessors are placed by them alone, not held at the project start.

    Microsoft Project starts a task without predecessors or date constraint at
    the project start; a task with predecessors follows them, even before the
    project start (after a task constrained to start earlier).
    """
    if network.relaxed_floor >= network.floor:
        return
    kind, dated = network.kind, network.dated
    if len(kind) > len(network.tasks):
        _relax_floor_under_linked_summaries(network, targets)
    if compiled.sweeps is not None:
        compiled.sweeps.relax_floor(targets, kind, dated, network.base, network.relaxed_floor)
        return
    linked = set(targets)
    if dated or kind.count(LEAF) < len(kind):
        linked = {n for n in linked if kind[n] == LEAF and n not in dated}
    # Every other detail task starts at the floor (a started one is pinned anyway):
    # set them all by a C-level map, a large project has 100,000 of them.
    deque(map(network.base.__setitem__, linked, repeat(network.relaxed_floor)), maxlen=0)


def _relax_floor_under_linked_summaries(network: TaskNetwork, targets: list[int]) -> None:
    """A summary's predecessors are its subtasks' too: they place them alone.

    Microsoft Project applies a link into a summary task to every task under
    it, so a subtask of a linked summary is a task with predecessors: it
    follows them even before the project start (after a milestone constrained
    to start earlier), rather than being held at the project start.
    """
    kind, parent_in = network.kind, network.parent_in
    linked = {n for n in targets if kind[n] == SUMMARY_IN}
    if not linked:
        return
    base, dated, floor, relaxed = network.base, network.dated, network.floor, network.relaxed_floor
    for n, node_kind in enumerate(kind):
        if node_kind != LEAF or base[n] != floor or n in dated:
            continue
        parent = parent_in[n]
        while parent >= 0 and parent not in linked:
            parent = parent_in[parent]
        if parent >= 0:
            base[n] = relaxed


def _valid_links(
    dependencies: Sequence[Dependency], position: dict[str, int], problems: list[str]
) -> list[Dependency]:
    """The links between two known, different tasks; the others are problems, in order."""
    valid = []
    for dependency in dependencies:
        p = position.get(dependency.predecessor_id)
        s = position.get(dependency.successor_id)
        if p is None or s is None or p == s:
            problems.extend(_link_problems(dependency, p, s))
        else:
            valid.append(dependency)
    return valid


def _link_problems(dependency: Dependency, p: int | None, s: int | None) -> list[str]:
    link = f"dependency {dependency.predecessor_id} → {dependency.successor_id}"
    found = []
    if p is None:
        found.append(f"{link}: unknown task {dependency.predecessor_id!r}")
    if s is None:
        found.append(f"{link}: unknown task {dependency.successor_id!r}")
    if p is not None and p == s:
        found.append(f"{link}: a task cannot depend on itself")
    return found
