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
- the *clock* axis otherwise: minutes since 0001-01-01 00:00, each task's
  arithmetic going through its own calendar.

Datetimes are made at the end, once per distinct time.

What is implemented, exactly:

- constraints: SNET/FNET push the early dates; SNLT/FNLT only cap the late
  dates (so they may give negative slack, never break a link); MSO/MFO pin the
  task, even against its links, and cap its late dates at the pinned ones;
  ALAP tasks move as late as their successors' *scheduled* dates and their own
  late finish allow. Constraints on summary tasks are ignored.
- deadlines cap the late finish (so slack, and the late dates of
  predecessors) and never move a task, except an ALAP one, as in Project.
- progress: a task with an actual start keeps it; with an actual finish (or 100
  percent complete) it keeps both ends; otherwise its completed part
  (percent x duration) runs from the actual start and the remaining part starts
  at the later of where the completed part ends and the status date. A task
  with progress is not moved by its predecessors. A task not started cannot
  start before the status date. Percent complete without an actual start is
  ignored (the service layer should give the actual start).
- manual tasks with a `start` stay at `start`..`finish` (finish defaults to
  start + duration) whatever their links say.
- duration: with assignments of positive units, an effort-driven task (or one
  whose assignments carry no work) lasts work / total units; otherwise it
  lasts as long as its longest assignment (assignment work / its units).
- lags: working lags are counted on the project calendar, elapsed lags on the
  clock, percent lags as a share of the predecessor's duration (of its
  `duration` field for a summary predecessor).
- slack: total slack = min(late start - early start, late finish - early
  finish), in working minutes of the task's calendar (elapsed minutes for an
  elapsed task, project calendar for summaries); free slack = how far the task
  can slip without moving a successor's early dates, at most the total slack,
  never negative. Critical = total slack <= 0.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta

from projsync.plan.calendar import CalendarIndex, calendar_index
from projsync.plan.model import (
    Assignment,
    ConstraintType,
    Dependency,
    DependencyCycleError,
    DependencyType,
    LagKind,
    Project,
    Schedule,
    ScheduleError,
    Task,
    TaskDates,
)

__all__ = ["TaskNetwork", "apply_schedule", "collector_paused", "compile_network", "schedule"]

NEG = -(1 << 62)
INF = 1 << 62
LEAF, SUMMARY_IN, SUMMARY_OUT = 0, 1, 2
_MINUTE = tuple(timedelta(minutes=m) for m in range(1441))
_Edges = list[tuple[int, int]] | None


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
        return network.result()


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


# ---------------------------------------------------------------------------- axes


def _minutes(moment: datetime) -> int:
    return moment.toordinal() * 1440 + moment.hour * 60 + moment.minute


def _moment(minutes: int) -> datetime:
    return datetime.fromordinal(minutes // 1440) + _MINUTE[minutes % 1440]


class _Axis:
    """Turns datetimes into sweep ints and back, and measures project working time."""

    __slots__ = ("project", "working")

    def __init__(self, project: CalendarIndex, *, working: bool) -> None:
        self.project = project
        self.working = working

    def value(self, moment: datetime) -> int:
        return self.project.to_offset(moment) if self.working else _minutes(moment)

    def start_moment(self, value: int) -> datetime:
        return self.project.start_at(value) if self.working else _moment(value)

    def finish_moment(self, value: int) -> datetime:
        return self.project.finish_at(value) if self.working else _moment(value)

    def span(self, first: int, second: int) -> int:
        """Project working minutes from `first` to `second`."""
        if self.working:
            return second - first
        to_offset = self.project.to_offset
        return to_offset(_moment(second)) - to_offset(_moment(first))


class _ClockTask:
    """A detail task's arithmetic on the clock axis, through its own calendar."""

    __slots__ = ("duration", "elapsed", "index")

    def __init__(self, index: CalendarIndex, duration: int, *, elapsed: bool) -> None:
        self.index = index
        self.duration = duration
        self.elapsed = elapsed

    def snap_start(self, value: int) -> int:
        if self.elapsed:
            return value
        offset = self.index.to_offset(_moment(value))
        if self.duration == 0 and _minutes(self.index.finish_at(offset)) == value:
            return value  # a milestone may sit at the end of a working period
        return _minutes(self.index.start_at(offset))

    def snap_finish(self, value: int) -> int:
        if self.elapsed:
            return value
        offset = self.index.to_offset(_moment(value))
        if self.duration == 0 and _minutes(self.index.start_at(offset)) == value:
            return value
        return _minutes(self.index.finish_at(offset))

    def advance(self, start: int, minutes: int) -> int:
        """Where `minutes` of work begun at `start` end."""
        if self.elapsed:
            return start + minutes
        if minutes == 0:
            return start
        return _minutes(self.index.finish_at(self.index.to_offset(_moment(start)) + minutes))

    def finish_from(self, start: int) -> int:
        return self.advance(start, self.duration)

    def start_for(self, finish: int) -> int:
        if self.elapsed:
            return finish - self.duration
        if self.duration == 0:
            return self.snap_start(finish)
        offset = self.index.to_offset(_moment(finish)) - self.duration
        return _minutes(self.index.start_at(offset))

    def delayed(self, start: int, minutes: int) -> int:
        if self.elapsed:
            return start + minutes
        return _minutes(self.index.start_at(self.index.to_offset(_moment(start)) + minutes))

    def span(self, first: int, second: int) -> int:
        if self.elapsed:
            return second - first
        to_offset = self.index.to_offset
        return to_offset(_moment(second)) - to_offset(_moment(first))


class _Shift:
    """A lag that is not a plain addition on the axis (elapsed on working, working on clock).

    `from_finish`/`to_finish` say which ends the link joins. An end of a
    zero-duration task is read as a start moment (Monday 08:00, not Friday 17:00).
    """

    __slots__ = ("axis", "from_finish", "lag", "read_finish", "to_finish", "write_finish")

    def __init__(
        self, axis: _Axis, lag: int, ends: tuple[int, int], zero: tuple[bool, bool]
    ) -> None:
        self.axis = axis
        self.lag = lag
        self.from_finish = bool(ends[0])
        self.to_finish = bool(ends[1])
        self.read_finish = self.from_finish and not zero[0]
        self.write_finish = self.to_finish and not zero[1]

    def forward(self, value: int) -> int:
        """The bound on the successor's end, given the predecessor's end."""
        project = self.axis.project
        if self.axis.working:
            moment = project.finish_at(value) if self.read_finish else project.start_at(value)
            return project.to_offset(moment + timedelta(minutes=self.lag))
        offset = project.to_offset(_moment(value)) + self.lag
        moment = project.finish_at(offset) if self.write_finish else project.start_at(offset)
        return _minutes(moment)

    def backward(self, value: int) -> int:
        """The bound on the predecessor's end, given the successor's late end."""
        project = self.axis.project
        if self.axis.working:
            moment = project.finish_at(value) if self.write_finish else project.start_at(value)
            return project.to_offset(moment - timedelta(minutes=self.lag))
        offset = project.to_offset(_moment(value)) - self.lag
        moment = project.finish_at(offset) if self.read_finish else project.start_at(offset)
        return _minutes(moment)


# ------------------------------------------------------------------------- network


class TaskNetwork:
    """A compiled project: nodes, links and the sweep arrays (mutable, one per run).

    Node `n` keeps its early start/finish in `early[2n]`/`early[2n+1]`, its late
    ones in `late[...]`, its scheduled ones in `scheduled[...]`; `bound[...]` holds
    what its links demand of its start and finish. For a summary *in* node the
    early pair holds the bounds on its children; for an *out* node, the min start
    and max finish of its children. Links are kept on their predecessor only
    (`finish_out`/`start_out`: (successor slot, lag)): the forward sweep pushes.
    The leveller drives `evaluate_early` and `release` itself, node by node.
    """

    def __init__(self, project: Project, tasks: Sequence[Task], axis: _Axis) -> None:
        self.project = project
        self.tasks = tasks
        self.axis = axis
        self.kind: list[int] = []
        self.task_of: list[int] = []
        self.pair: list[int] = []  # in node <-> out node of a summary; itself for a leaf
        self.node_in: list[int] = []  # per task: the node its incoming links land on
        self.node_out: list[int] = []  # per task: the node its outgoing links leave from
        self.parent_in: list[int] = []
        self.parent_out: list[int] = []
        self.outline: dict[int, list[int]] = {}  # outline successors of a node
        self.indegree: list[int] = []
        self.duration: list[int] = []
        self.work: list[int] = []
        self.base: list[int] = []
        self.cap: list[int] = []
        self.delay: list[int] = []
        self.ops: list[_ClockTask | None] = []
        self.pins: dict[int, tuple[int, int]] = {}
        self.alap: list[int] = []
        self.start_out: list[_Edges] = []
        self.finish_out: list[_Edges] = []
        self.shifted_out: dict[int, list[tuple[int, _Shift]]] = {}
        self.order: list[int] = []
        self.bound: list[int] = []
        self.early: list[int] = []
        self.late: list[int] = []
        self.scheduled: list[int] = []
        self.finish_gap: list[int] = []
        self.start_gap: list[int] = []
        self.project_finish = 0

    # ------------------------------------------------------------------ forward

    def reset(self) -> None:
        size = 2 * len(self.kind)
        self.bound = [NEG] * size
        self.early = early = [NEG] * size
        self.late = [INF] * size
        for n, kind in enumerate(self.kind):
            if kind == SUMMARY_OUT:
                early[2 * n] = INF

    def evaluate_early(self, n: int) -> None:
        """Early dates of node `n`, once every predecessor has been released."""
        early = self.early
        kind = self.kind[n]
        if kind == SUMMARY_OUT:
            self._roll_up(n, early[2 * n], early[2 * n + 1])
            return
        start, finish = self.early_dates(n)
        early[2 * n] = start
        early[2 * n + 1] = finish
        if kind == LEAF:
            self._roll_up(n, start, finish)

    def early_dates(self, n: int) -> tuple[int, int]:
        """What `evaluate_early` would store for a detail task or summary in node, unstored."""
        early, bound = self.early, self.bound
        pin = self.pins.get(n)
        if pin is not None:
            return pin
        start = max(self.base[n], bound[2 * n])
        finish_bound = bound[2 * n + 1]
        parent = self.parent_in[n]
        if parent >= 0:
            start = max(start, early[2 * parent])
            finish_bound = max(finish_bound, early[2 * parent + 1])
        if self.kind[n] == SUMMARY_IN:
            return start, finish_bound
        ops = self.ops[n]
        if ops is None:
            duration = self.duration[n]
            start = max(start, finish_bound - duration) + self.delay[n]
            return start, start + duration
        start = ops.snap_start(start)
        if finish_bound > NEG:
            start = max(start, ops.start_for(finish_bound))
        if self.delay[n]:
            start = ops.delayed(start, self.delay[n])
        return start, ops.finish_from(start)

    def _roll_up(self, n: int, start: int, finish: int) -> None:
        parent = self.parent_out[n]
        if parent >= 0:
            early = self.early
            early[2 * parent] = min(early[2 * parent], start)
            early[2 * parent + 1] = max(early[2 * parent + 1], finish)

    def release(self, n: int, indegree: list[int]) -> list[int]:
        """Push node `n`'s early dates along its links; the successors now ready."""
        early, bound = self.early, self.bound
        ready = []
        pushes = ((self.finish_out[n], early[2 * n + 1]), (self.start_out[n], early[2 * n]))
        for edges, value in pushes:
            for slot, lag in edges or ():
                bound[slot] = max(bound[slot], value + lag)
                indegree[slot >> 1] -= 1
                if not indegree[slot >> 1]:
                    ready.append(slot >> 1)
        for slot, shift in self.shifted_out.get(n, ()):
            bound[slot] = max(bound[slot], shift.forward(early[2 * n + shift.from_finish]))
            indegree[slot >> 1] -= 1
            if not indegree[slot >> 1]:
                ready.append(slot >> 1)
        for m in self.outline.get(n, ()):
            indegree[m] -= 1
            if not indegree[m]:
                ready.append(m)
        return ready

    def _forward(self) -> None:
        """Early dates in topological order (Kahn's), the order kept for the backward pass.

        The loop body is evaluate_early() and release() inlined for plain detail
        tasks (working axis, not pinned, no shifted links): same rules, 3x faster.
        """
        early, bound, base = self.early, self.bound, self.base
        duration, delay = self.duration, self.delay
        start_out, finish_out = self.start_out, self.finish_out
        parent_in, parent_out = self.parent_in, self.parent_out
        plain, evaluate_early, release = self._plain(), self.evaluate_early, self.release
        outline = self.outline
        indegree = list(self.indegree)
        order = [n for n, count in enumerate(indegree) if not count]
        append = order.append
        for n in order:  # the list grows while it is walked
            if not plain[n]:
                evaluate_early(n)
                order.extend(release(n, indegree))
                continue
            span = duration[n]
            start = max(base[n], bound[2 * n], bound[2 * n + 1] - span)
            parent = parent_in[n]
            if parent >= 0:
                start = max(start, early[2 * parent], early[2 * parent + 1] - span)
            start += delay[n]
            finish = start + span
            early[2 * n] = start
            early[2 * n + 1] = finish
            parent = parent_out[n]
            if parent >= 0:
                early[2 * parent] = min(early[2 * parent], start)
                early[2 * parent + 1] = max(early[2 * parent + 1], finish)
            edges = finish_out[n]
            if edges is not None:
                for slot, lag in edges:
                    bound[slot] = max(bound[slot], finish + lag)
                    m = slot >> 1
                    indegree[m] -= 1
                    if not indegree[m]:
                        append(m)
            edges = start_out[n]
            if edges is not None:
                for slot, lag in edges:
                    bound[slot] = max(bound[slot], start + lag)
                    m = slot >> 1
                    indegree[m] -= 1
                    if not indegree[m]:
                        append(m)
            if n in outline:
                for m in outline[n]:
                    indegree[m] -= 1
                    if not indegree[m]:
                        append(m)
        if len(order) < len(indegree):
            raise DependencyCycleError(_cycle(self, indegree))
        self.order = order

    def _plain(self) -> bytearray:
        """1 for nodes the sweeps may take the fast path for (see `_forward`)."""
        plain = bytearray(len(self.kind))
        if self.axis.working:
            kind, pins, shifted = self.kind, self.pins, self.shifted_out
            for n in range(len(plain)):
                plain[n] = kind[n] == LEAF and n not in pins and n not in shifted
        return plain

    # ----------------------------------------------------------------- backward

    def evaluate_late(self, n: int, late: list[int], *, alap: bool) -> None:
        """Late dates of node `n` from its successors' (which must be done).

        With `alap`, computes scheduled dates instead: only ALAP tasks move,
        as late as their successors' scheduled dates and their late finish allow.
        """
        early = self.early
        kind = self.kind[n]
        if kind == SUMMARY_IN:
            self._roll_down(n, late, late[2 * n], late[2 * n + 1])
            return
        if alap and kind == LEAF and not (self.alap[n] and n not in self.pins):
            late[2 * n], late[2 * n + 1] = early[2 * n], early[2 * n + 1]
            self._roll_down(n, late, early[2 * n], early[2 * n + 1])
            return
        finish = self.project_finish
        if kind == LEAF:
            finish = min(finish, self.late[2 * n + 1] if alap else self.cap[n])
        start_bound = INF
        for slot, lag in self.finish_out[n] or ():
            finish = min(finish, late[slot] - lag)
        for slot, lag in self.start_out[n] or ():
            start_bound = min(start_bound, late[slot] - lag)
        for slot, shift in self.shifted_out.get(n, ()):
            if shift.from_finish:
                finish = min(finish, shift.backward(late[slot]))
            else:
                start_bound = min(start_bound, shift.backward(late[slot]))
        parent = self.parent_out[n]
        if parent >= 0:
            finish = min(finish, late[2 * parent + 1])
            if early[2 * n] == early[2 * parent]:  # only the earliest child holds up its start
                start_bound = min(start_bound, late[2 * parent])
        if kind == SUMMARY_OUT:
            late[2 * n] = start_bound
            late[2 * n + 1] = finish
            return
        ops = self.ops[n]
        if ops is None:
            pin = self.pins.get(n)
            span = pin[1] - pin[0] if pin else self.duration[n]
            finish = min(finish, start_bound + span)
            start = finish - span
        else:
            finish = ops.snap_finish(finish)
            if start_bound < INF:
                finish = min(finish, ops.finish_from(ops.snap_start(start_bound)))
            start = ops.start_for(finish)
        if alap and start < early[2 * n]:
            start, finish = early[2 * n], early[2 * n + 1]
        late[2 * n] = start
        late[2 * n + 1] = finish
        self._roll_down(n, late, start, finish)

    def _roll_down(self, n: int, late: list[int], start: int, finish: int) -> None:
        parent = self.parent_in[n]
        if parent >= 0:
            late[2 * parent] = min(late[2 * parent], start)
            late[2 * parent + 1] = min(late[2 * parent + 1], finish)

    def _backward(self) -> None:
        """Late dates and successor gaps in reverse topological order.

        The loop body is evaluate_late() and evaluate_gaps() inlined for plain
        detail tasks: same rules.
        """
        early, late, cap, duration, pair = self.early, self.late, self.cap, self.duration, self.pair
        start_out, finish_out = self.start_out, self.finish_out
        parent_in, parent_out = self.parent_in, self.parent_out
        plain, evaluate_late, evaluate_gaps = self._plain(), self.evaluate_late, self.evaluate_gaps
        self.finish_gap = finish_gap = [INF] * len(self.kind)
        self.start_gap = start_gap = [INF] * len(self.kind)
        project_finish = self.project_finish
        for n in reversed(self.order):
            if not plain[n]:
                evaluate_late(n, late, alap=False)
                evaluate_gaps(n)
                continue
            finish = min(project_finish, cap[n])
            span = duration[n]
            own = early[2 * n + 1]
            gap = INF
            edges = finish_out[n]
            if edges is not None:
                for slot, lag in edges:
                    value = late[slot] - lag
                    if value < finish:  # noqa: PLR1730 (a branch is twice as fast as min() here)
                        finish = value
                    value = early[2 * pair[slot >> 1] + (slot & 1)] - lag - own
                    if value < gap:  # noqa: PLR1730
                        gap = value
            finish_gap[n] = gap
            own = early[2 * n]
            gap = INF
            edges = start_out[n]
            if edges is not None:
                for slot, lag in edges:
                    value = late[slot] - lag + span
                    if value < finish:  # noqa: PLR1730
                        finish = value
                    value = early[2 * pair[slot >> 1] + (slot & 1)] - lag - own
                    if value < gap:  # noqa: PLR1730
                        gap = value
            start_gap[n] = gap
            parent = parent_out[n]
            if parent >= 0:
                finish = min(finish, late[2 * parent + 1])
                if finish_gap[parent] < INF:
                    spare = early[2 * parent + 1] - early[2 * n + 1]
                    finish_gap[n] = min(finish_gap[n], finish_gap[parent] + spare)
                if early[2 * n] == early[2 * parent]:
                    finish = min(finish, late[2 * parent] + span)
                    start_gap[n] = min(start_gap[n], start_gap[parent])
            late[2 * n] = finish - span
            late[2 * n + 1] = finish
            parent = parent_in[n]
            if parent >= 0:
                late[2 * parent] = min(late[2 * parent], finish - span)
                late[2 * parent + 1] = min(late[2 * parent + 1], finish)

    def run(self) -> None:
        """Forward pass, backward pass, then ALAP tasks to their scheduled dates."""
        self.reset()
        self._forward()
        self.finish_run()

    def finish_run(self) -> None:
        """Everything after the forward pass (the leveller runs its own forward pass)."""
        early = self.early
        self.project_finish = max(
            (early[2 * n + 1] for n, kind in enumerate(self.kind) if kind == LEAF),
            default=self.axis.value(self.project.start),
        )
        self._backward()
        if any(self.alap):
            self.scheduled = [INF] * len(early)
            for n in reversed(self.order):
                self.evaluate_late(n, self.scheduled, alap=True)
        else:
            self.scheduled = early

    # ------------------------------------------------------------------- result

    def evaluate_gaps(self, n: int) -> None:
        """How far node `n`'s finish and start can slip before a successor moves.

        Measured in project working minutes on the early dates, once the
        successors are done; a child may also slip as far as its summary's
        links allow. Free slack is the least of the two and the total slack.
        """
        if self.kind[n] == SUMMARY_IN:
            return
        early, pair, span = self.early, self.pair, self.axis.span
        finish_gap, start_gap = self.finish_gap, self.start_gap
        gaps = [INF, INF]  # start, finish
        for end, edges in ((1, self.finish_out[n]), (0, self.start_out[n])):
            own = early[2 * n + end]
            for slot, lag in edges or ():
                target = early[2 * pair[slot >> 1] + (slot & 1)]
                gaps[end] = min(gaps[end], span(own + lag, target))
        for slot, shift in self.shifted_out.get(n, ()):
            target = early[2 * pair[slot >> 1] + (slot & 1)]
            gap = span(shift.forward(early[2 * n + shift.from_finish]), target)
            gaps[shift.from_finish] = min(gaps[shift.from_finish], gap)
        parent = self.parent_out[n]
        if parent >= 0:
            if finish_gap[parent] < INF:
                spare = span(early[2 * n + 1], early[2 * parent + 1])
                gaps[1] = min(gaps[1], finish_gap[parent] + spare)
            if early[2 * n] == early[2 * parent]:
                gaps[0] = min(gaps[0], start_gap[parent])
        start_gap[n], finish_gap[n] = gaps

    def finish_driven(self) -> set[int]:
        """Zero-duration tasks placed by a predecessor's finish: shown at its end, not after."""
        early, duration, kind = self.early, self.duration, self.kind
        found: set[int] = set()
        if not any(kind[n] == LEAF and not duration[n] for n in range(len(kind))):
            return found
        for m, edges in enumerate(self.finish_out):
            for slot, lag in edges or ():
                n = slot >> 1
                if kind[n] == LEAF and not duration[n] and early[2 * m + 1] + lag == early[slot]:
                    found.add(n)
        return found

    def _rolled_up(self) -> dict[int, list[int]]:
        """Per summary out node: min start, max finish, min late start, max late finish, work."""
        kind, scheduled, late, parent_out = self.kind, self.scheduled, self.late, self.parent_out
        up = {n: [INF, NEG, INF, NEG, 0] for n in range(len(kind)) if kind[n] == SUMMARY_OUT}
        if not up:
            return up
        for n in self.order:
            parent = parent_out[n]
            if parent < 0:
                continue
            if kind[n] == LEAF:
                values = [scheduled[2 * n], scheduled[2 * n + 1], late[2 * n], late[2 * n + 1]]
                values.append(self.work[n])
            else:
                values = up[n]
            rolled = up[parent]
            rolled[0] = min(rolled[0], values[0])
            rolled[1] = max(rolled[1], values[1])
            rolled[2] = min(rolled[2], values[2])
            rolled[3] = max(rolled[3], values[3])
            rolled[4] += values[4]
        return up

    def result(self) -> Schedule:
        """The `Schedule` of the last run, one `TaskDates` per task in input order."""
        axis, kind, pins, node_out = self.axis, self.kind, self.pins, self.node_out
        early, late, scheduled, duration, work = (
            self.early, self.late, self.scheduled, self.duration, self.work,
        )  # fmt: skip
        finish_gap, start_gap = self.finish_gap, self.start_gap
        up = self._rolled_up()
        finish_driven = self.finish_driven()
        starts: dict[int, datetime] = {}
        finishes: dict[int, datetime] = {}
        start_moment, finish_moment = axis.project.start_at, axis.project.finish_at
        fast = axis.working
        shown: list[TaskDates] = []
        for i, task in enumerate(self.tasks):
            n = node_out[i]
            span = duration[n]
            if kind[n] != LEAF:
                shown.append(self._summary_dates(n, up[n], finish_gap[n], start_gap[n]))
                continue
            if not fast or n in pins or not span:
                shown.append(self._leaf_dates(n, finish_gap[n], start_gap[n], finish_driven))
                continue
            # The common case, inlined: conversions are cached per distinct time.
            early_start, early_finish = early[2 * n], early[2 * n + 1]
            late_start, late_finish = late[2 * n], late[2 * n + 1]
            total = late_start - early_start
            free = min(total, finish_gap[n], start_gap[n])
            moment_early_start = starts.get(early_start) or starts.setdefault(
                early_start, start_moment(early_start)
            )
            moment_early_finish = finishes.get(early_finish) or finishes.setdefault(
                early_finish, finish_moment(early_finish)
            )
            moment_late_start = starts.get(late_start) or starts.setdefault(
                late_start, start_moment(late_start)
            )
            moment_late_finish = finishes.get(late_finish) or finishes.setdefault(
                late_finish, finish_moment(late_finish)
            )
            if scheduled is early:
                moment_start, moment_finish = moment_early_start, moment_early_finish
            else:
                moment_start = start_moment(scheduled[2 * n])
                moment_finish = finish_moment(scheduled[2 * n + 1])
            shown.append(
                TaskDates(  # by position, in field order: twice as fast as by keyword
                    task.id,
                    False,
                    moment_start,
                    moment_finish,
                    moment_early_start,
                    moment_early_finish,
                    moment_late_start,
                    moment_late_finish,
                    span,
                    work[n],
                    total,
                    free if free > 0 else 0,
                    total <= 0,
                )
            )
        project_start = axis.start_moment(axis.value(self.project.start))
        return Schedule(
            start=min((d.start for d in shown), default=project_start),
            finish=max((d.finish for d in shown), default=project_start),
            tasks=tuple(shown),
        )

    def _leaf_dates(
        self, n: int, finish_gap: int, start_gap: int, finish_driven: set[int]
    ) -> TaskDates:
        task = self.tasks[self.task_of[n]]
        early, late, scheduled, axis = self.early, self.late, self.scheduled, self.axis
        ops = self.ops[n]
        if ops is None:
            total = min(late[2 * n] - early[2 * n], late[2 * n + 1] - early[2 * n + 1])
        else:
            total = min(
                ops.span(early[2 * n], late[2 * n]), ops.span(early[2 * n + 1], late[2 * n + 1])
            )
        duration = self.duration[n]
        at_start, at_finish = axis.start_moment, axis.finish_moment
        if duration == 0:
            if axis.working and n in finish_driven:
                at_start = at_finish
            at_finish = at_start
        start = at_start(scheduled[2 * n])
        finish = at_finish(scheduled[2 * n + 1])
        if n in self.pins:
            manual = task.manual and task.start is not None
            start = task.actual_start or (task.start if manual else None) or start
            finish = task.actual_finish or (task.finish if manual else None) or finish
        return TaskDates(
            task_id=task.id,
            summary=False,
            start=start,
            finish=finish,
            early_start=at_start(early[2 * n]),
            early_finish=at_finish(early[2 * n + 1]),
            late_start=at_start(late[2 * n]),
            late_finish=at_finish(late[2 * n + 1]),
            duration=duration,
            work=self.work[n],
            total_slack=total,
            free_slack=max(0, min(total, finish_gap, start_gap)),
            critical=total <= 0,
        )

    def _summary_dates(
        self, n: int, rolled: list[int], finish_gap: int, start_gap: int
    ) -> TaskDates:
        axis, early = self.axis, self.early
        total = min(axis.span(early[2 * n], rolled[2]), axis.span(early[2 * n + 1], rolled[3]))
        return TaskDates(
            task_id=self.tasks[self.task_of[n]].id,
            summary=True,
            start=axis.start_moment(rolled[0]),
            finish=axis.finish_moment(rolled[1]),
            early_start=axis.start_moment(early[2 * n]),
            early_finish=axis.finish_moment(early[2 * n + 1]),
            late_start=axis.start_moment(rolled[2]),
            late_finish=axis.finish_moment(rolled[3]),
            duration=axis.span(rolled[0], rolled[1]),
            work=rolled[4],
            total_slack=total,
            free_slack=max(0, min(total, finish_gap, start_gap)),
            critical=total <= 0,
        )


# ------------------------------------------------------------------------- compile

_FS, _SS, _FF, _SF = DependencyType.FS, DependencyType.SS, DependencyType.FF, DependencyType.SF
_ENDS = {_FS: (1, 0), _SS: (0, 0), _FF: (1, 1), _SF: (0, 1)}
_ASAP, _ALAP = ConstraintType.ASAP, ConstraintType.ALAP
_WORKING, _ELAPSED, _PERCENT = LagKind.WORKING, LagKind.ELAPSED, LagKind.PERCENT
_DATED = frozenset(ConstraintType) - {_ASAP, _ALAP}


def _divide(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest int, halves away from zero."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -quotient if numerator < 0 else quotient


def _duration(task: Task, assigned: list[Assignment]) -> int:
    if task.milestone:
        return 0
    staffed = [a for a in assigned if a.units > 0]
    if staffed:
        units = sum(a.units for a in staffed)
        with_work = [a for a in staffed if a.work > 0]
        if task.work > 0 and (task.effort_driven or not with_work):
            return _divide(task.work * 100, units)
        if with_work:
            return max(_divide(a.work * 100, a.units) for a in with_work)
    return task.duration


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
        (task.elapsed or (task.calendar is not None and task.calendar != project_calendar))
        and not has_children[i]
        for i, task in enumerate(tasks)
    )
    network = TaskNetwork(project, tasks, _Axis(calendar_index(project_calendar), working=working))
    _add_nodes(network, parents, has_children, assigned, problems)
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
    tasks = network.tasks
    if not any(has_children):
        size = len(tasks)
        network.kind = [LEAF] * size
        network.task_of = network.pair = network.node_in = network.node_out = list(range(size))
    else:
        kind, task_of, pair = network.kind, network.task_of, network.pair
        for i in range(len(tasks)):
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
    network.start_out, network.finish_out = [None] * size, [None] * size
    network.duration, network.work, network.delay = [0] * size, [0] * size, [0] * size
    network.base, network.cap = [NEG] * size, [INF] * size
    network.ops, network.alap = [None] * size, [0] * size
    _set_up_tasks(network, assigned, problems)


def _set_up_tasks(
    network: TaskNetwork, assigned: dict[int, list[Assignment]], problems: list[str]
) -> None:
    project, axis = network.project, network.axis
    start = axis.value(project.start)
    if project.status_date is not None:
        start = max(start, axis.value(project.status_date))
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
            and not task.milestone
            and not task.leveling_delay
            and i not in assigned
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
    duration = _duration(task, assigned)
    if duration < 0:
        problems.append(f"task {task.id!r}: negative duration")
    network.duration[n] = duration
    network.work[n] = task.work or sum(a.work for a in assigned)
    network.delay[n] = task.leveling_delay
    ops = None
    if not axis.working:
        index = calendar_index(task.calendar or project.calendar)
        ops = network.ops[n] = _ClockTask(index, duration, elapsed=task.elapsed)

    def advance(start: int, minutes: int) -> int:
        return start + minutes if ops is None else ops.advance(start, minutes)

    def start_of(finish: int) -> int:
        return finish - duration if ops is None else ops.start_for(finish)

    status = None if project.status_date is None else axis.value(project.status_date)
    started = task.actual_start is not None or task.actual_finish is not None
    base = axis.value(project.start)
    if status is not None and not started:
        base = max(base, status)
    cap = INF
    pin = None
    constraint, when = task.constraint, task.constraint_date
    if when is not None and constraint in _DATED:
        value = axis.value(when)
        if constraint is ConstraintType.SNET:
            base = max(base, value)
        elif constraint is ConstraintType.FNET:
            base = max(base, start_of(value))
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
            done = _divide(duration * task.percent_complete, 100)
            resume = advance(start, done)
            if status is not None and status > resume:
                resume = status  # the remaining part moves after the status date
            pin = (start, advance(resume, duration - done))
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


def _add_links(
    network: TaskNetwork,
    dependencies: Sequence[Dependency],
    position: dict[str, int],
    problems: list[str],
) -> None:
    tasks, axis, kind, duration = network.tasks, network.axis, network.kind, network.duration
    node_in, node_out, indegree = network.node_in, network.node_out, network.indegree
    start_out, finish_out = network.start_out, network.finish_out
    working_axis = axis.working
    find = position.get
    for dependency in dependencies:
        p = find(dependency.predecessor_id)
        s = find(dependency.successor_id)
        if p is None or s is None or p == s:
            problems.extend(_link_problems(dependency, p, s))
            continue
        source, target = node_out[p], node_in[s]
        kind_of_link = dependency.type
        if kind_of_link is _FS:
            from_finish, to_finish = 1, 0
        elif kind_of_link is _SS:
            from_finish, to_finish = 0, 0
        elif kind_of_link is _FF:
            from_finish, to_finish = 1, 1
        else:
            from_finish, to_finish = _ENDS[DependencyType(kind_of_link)]
        lag, lag_kind = dependency.lag, dependency.lag_kind
        if lag_kind is _PERCENT:
            leaf = kind[source] == LEAF
            lag = _divide((duration[source] if leaf else tasks[p].duration) * lag, 100)
            lag_kind = _ELAPSED if leaf and tasks[p].elapsed else _WORKING
        indegree[target] += 1
        target_slot = 2 * target + to_finish
        if lag == 0 or (lag_kind is _WORKING) is working_axis:
            outs = finish_out if from_finish else start_out
            edges = outs[source]
            if edges is None:
                outs[source] = [(target_slot, lag)]
            else:
                edges.append((target_slot, lag))
        else:
            zero = (
                kind[source] == LEAF and not duration[source],
                kind[target] == LEAF and not duration[target],
            )
            shift = _Shift(axis, lag, (from_finish, to_finish), zero)
            network.shifted_out.setdefault(source, []).append((target_slot, shift))


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


# ------------------------------------------------------------------------ ordering


def _cycle(network: TaskNetwork, indegree: list[int]) -> tuple[str, ...]:
    """Task ids around one cycle among the nodes the sort could not place, least id first."""
    predecessors: dict[int, list[int]] = {}
    for n, count in enumerate(indegree):
        if count:
            found = [slot >> 1 for slot, _ in network.finish_out[n] or ()]
            found.extend(slot >> 1 for slot, _ in network.start_out[n] or ())
            found.extend(slot >> 1 for slot, _ in network.shifted_out.get(n, ()))
            found.extend(network.outline.get(n, ()))
            for m in found:
                if indegree[m]:
                    predecessors.setdefault(m, []).append(n)
    node = min(predecessors)
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = min(predecessors[node])
    loop = [network.tasks[network.task_of[n]].id for n in reversed(walk[seen[node] :])]
    names = [name for k, name in enumerate(loop) if name != loop[k - 1]] or loop[:1]
    first = names.index(min(names))
    names = names[first:] + names[:first]
    return (*names, names[0])
