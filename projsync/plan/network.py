"""The compiled task network and its sweeps: early dates, late dates, slack, the result.

`compile_network` (schedule.py) builds a `TaskNetwork` from the records; this
module holds what runs on it. The rules themselves are described in
schedule.py's docstring; this docstring is about the data layout, which is
shaped by speed: a large project has 100,000 tasks and 150,000 links and the
whole schedule should take well under a second in CPython.

- Nodes are ints; each node's arrays are flat lists of ints indexed by node
  (or by *slot*, 2n for a start and 2n+1 for a finish).
- Links are kept in flat parallel lists of ints (`link_slot`, `link_lag`...),
  one entry per link; `links_of[n]` lists the links out of node n (with the
  compiled module they are packed instead, `link_first`/`link_index`, and
  `links_of` is made when something asks for it). Columns of ints, unlike a
  tuple per link, leave little for the cyclic garbage collector to walk and
  to free one by one, and can be built with C-level maps.
- Most nodes are *plain*: a detail task on the working axis, not pinned. For
  those the end a link leaves from is start or start + duration, so each link
  folds into one constant, its *reach* (lag + duration if it leaves from the
  finish): the sweeps add a single number per link (a shifted link, rarer,
  calls its `Shift`). Other nodes go through the general methods
  (`evaluate_early`, `release`, `evaluate_late`, `evaluate_gaps`), which the
  leveller also drives node by node.
- The sweeps of a network on the working axis also exist compiled
  (`_sweeps.pyx`, built by `make` with Cython; see `compiled.py`): the same
  rules for every kind of node, on C arrays copied from these lists, which
  cuts the whole schedule to about half. So do the building of the links and
  outline and the result's columns. The interpreter's loops stay, for the
  clock axis and where the module is not built, and tests/plan/test_sweeps.py
  requires both ways to give identical schedules.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise, repeat
from operator import add, and_, eq, ge, itemgetter, lt, mul, not_, sub
from typing import cast

from projsync.plan import compiled
from projsync.plan.axes import Axis, ClockTask, Shift, moment_of
from projsync.plan.model import (
    ConstraintType,
    DependencyCycleError,
    Project,
    Schedule,
    Task,
    TaskDates,
)

__all__ = ["INF", "LEAF", "NEG", "SUMMARY_IN", "SUMMARY_OUT", "TaskNetwork"]

NEG = -(1 << 62)
INF = 1 << 62
LEAF, SUMMARY_IN, SUMMARY_OUT = 0, 1, 2
_NO_LINKS: list[int] = []  # shared by the nodes without links out: never appended to


class TaskNetwork:
    """A compiled project: nodes, links and the sweep arrays (mutable, one per run).

    Node `n` keeps its early start/finish in `early[2n]`/`early[2n+1]`, its late
    ones in `late[...]`, its scheduled ones in `scheduled[...]`; `bound[...]` holds
    what its links demand of its start and finish. For a summary *in* node the
    early pair holds the bounds on its children; for an *out* node, the min start
    and max finish of its children. Links are kept on their predecessor only
    (see the module docstring): the forward sweep pushes. The leveller drives
    `evaluate_early` and `release` itself, node by node.
    """

    def __init__(self, project: Project, tasks: Sequence[Task], axis: Axis) -> None:
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
        self.ops: list[ClockTask | None] = []
        self.pins: dict[int, tuple[int, int]] = {}
        self.splits: dict[int, int] = {}  # a split task's node: the gaps its span holds
        self.floor = NEG  # the earliest start of a task without links or date constraint
        self.relaxed_floor = NEG  # the earliest start of a linked one (the status date)
        self.dated: set[int] = set()  # nodes whose earliest start is a date constraint's
        self.alap: list[int] = []
        # Links by predecessor (see `set_links`): node n's are links_of[n], each an
        # index k into these columns (packed in link_first/link_index when compiled):
        self._links_of: list[list[int]] | None = []
        self.link_first: array[int] | None = None
        self.link_index: array[int] | None = None
        self.link_source: list[int] = []  # the predecessor's node
        self.start_to_finish: list[int] = []  # the SF links (their k)
        self.link_slot: list[int] = []  # the successor's slot the link bounds
        self.link_lag: list[int] = []  # on the axis, percent lags resolved
        self.link_from: list[int] = []  # 1 if it leaves from the predecessor's finish
        self.link_reach: list[int] = []  # lag + predecessor duration if from its finish
        self.link_seen: list[int] = []  # the early slot free slack is measured against
        self.shifted_out: dict[int, list[tuple[int, Shift]]] = {}
        self.in_index_order = False  # whether every link goes to a later node
        self.order: list[int] = []
        self.bound: list[int] = []
        self.early: list[int] = []
        self.late: list[int] = []
        self.scheduled: list[int] = []
        self.finish_gap: list[int] = []
        self.start_gap: list[int] = []
        self.project_finish = 0

    def set_links(
        self, sources: list[int], slots: list[int], lags: list[int], froms: list[int]
    ) -> None:
        """Store the (unshifted) links, given as columns, one entry per link."""
        if compiled.sweeps is not None:
            self.link_first, self.link_index, ascending, self.link_seen = (
                compiled.sweeps.index_links(sources, slots, self.pair)
            )
            self._links_of = None  # made when first asked for: the compiled sweeps need none
        else:
            self._links_of = links_of = [_NO_LINKS] * len(self.kind)
            for k, source in enumerate(sources):
                if links_of[source] is _NO_LINKS:
                    links_of[source] = [k]
                else:
                    links_of[source].append(k)
            ascending = all(map(lt, sources, [slot >> 1 for slot in slots]))
            # A link into a summary is measured against its out node (its children).
            pair = self.pair
            self.link_seen = [2 * pair[slot >> 1] + (slot & 1) for slot in slots]
        self.link_slot, self.link_lag, self.link_from = slots, lags, froms
        self.link_source = sources
        spans = map(mul, froms, map(self.duration.__getitem__, sources))
        self.link_reach = list(map(add, lags, spans))
        shifted = [(n, slot >> 1) for n, links in self.shifted_out.items() for slot, _ in links]
        self.in_index_order = not self.outline and ascending and all(n < m for n, m in shifted)

    @property
    def links_of(self) -> list[list[int]]:
        """The links out of each node: their indexes k into the link columns."""
        if self._links_of is None:
            first, index = self.link_first, self.link_index
            assert first is not None and index is not None  # packed by set_links
            if compiled.sweeps is not None:
                self._links_of = compiled.sweeps.unpacked_links(first, index, _NO_LINKS)
            else:  # (switched off since: the comparison test does that)
                spans = pairwise(first)
                self._links_of = [list(index[a:b]) if b > a else _NO_LINKS for a, b in spans]
        return self._links_of

    def successors(self, n: int) -> list[int]:
        """Nodes that node `n` holds up: by its links and by the outline (with repeats)."""
        link_slot = self.link_slot
        found = [link_slot[k] >> 1 for k in self.links_of[n]]
        found.extend(slot >> 1 for slot, _ in self.shifted_out.get(n, ()))
        found.extend(self.outline.get(n, ()))
        return found

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
            pin = self.pins.get(n)  # a manually scheduled summary: its typed dates
            if pin is not None:
                early[2 * n], early[2 * n + 1] = pin
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
        # The later of the start snapped to working time and the start the finish
        # bound asks for (a working moment): a linked task held only by its finish
        # has no start worth snapping (its base is far before the project start).
        held = ops.start_for(finish_bound) if finish_bound > NEG else NEG
        start = ops.snap_start(start) if start > held else held
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
        link_slot, link_lag, link_from = self.link_slot, self.link_lag, self.link_from
        ready = []
        for k in self.links_of[n]:
            slot = link_slot[k]
            bound[slot] = max(bound[slot], early[2 * n + link_from[k]] + link_lag[k])
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
        """Early dates in topological order (Kahn's), the order kept for the backward pass."""
        if self.in_index_order:
            # Every link goes to a later node: node order is a topological order,
            # and walking the arrays in order is much kinder to the CPU caches
            # than Kahn's order. No count ever falls to zero: nothing is appended
            # (more than there are links, so that repeated links never get there)
            links = len(self.link_slot) + sum(map(len, self.shifted_out.values()))
            indegree = [links + 1] * len(self.kind)
            order = list(range(len(self.kind)))
        else:
            indegree = list(self.indegree)
            order = [n for n, count in enumerate(indegree) if not count]
        if compiled.sweeps is not None and self.axis.working:
            compiled.sweeps.forward(self, order, indegree)
        else:
            self._forward_loop(self._plain(), order, indegree)
        if len(order) < len(indegree):
            raise DependencyCycleError(_cycle(self, indegree))
        self.order = order

    def _forward_loop(self, plain: bytearray, order: list[int], indegree: list[int]) -> None:
        """The forward sweep, appending to `order` the nodes it makes ready.

        The loop body is evaluate_early() and release() inlined for plain nodes:
        same rules, several times faster. Comparisons rather than max() and
        locals rather than attributes: a builtin call costs as much as the rest.
        """
        early, bound, base = self.early, self.bound, self.base
        duration, delay = self.duration, self.delay
        links_of, link_slot, link_reach = self.links_of, self.link_slot, self.link_reach
        parent_in, parent_out = self.parent_in, self.parent_out
        evaluate_early, release = self.evaluate_early, self.release
        outline, shifted_out = self.outline, self.shifted_out
        append = order.append
        for n in order:  # the list grows while it is walked
            if not plain[n]:
                evaluate_early(n)
                order.extend(release(n, indegree))
                continue
            span = duration[n]
            start = base[n]
            value = bound[2 * n]
            if value > start:  # noqa: PLR1730 (a branch beats max() here)
                start = value
            value = bound[2 * n + 1] - span
            if value > start:  # noqa: PLR1730 (a branch beats max() here)
                start = value
            parent = parent_in[n]
            if parent >= 0:
                start = max(start, early[2 * parent], early[2 * parent + 1] - span)
            start += delay[n]
            early[2 * n] = start
            early[2 * n + 1] = start + span
            parent = parent_out[n]
            if parent >= 0:
                early[2 * parent] = min(early[2 * parent], start)
                early[2 * parent + 1] = max(early[2 * parent + 1], start + span)
            for k in links_of[n]:
                slot = link_slot[k]
                value = start + link_reach[k]
                if value > bound[slot]:  # noqa: PLR1730
                    bound[slot] = value
                m = slot >> 1
                indegree[m] -= 1
                if not indegree[m]:
                    append(m)
            if shifted_out and n in shifted_out:
                for slot, shift in shifted_out[n]:
                    value = shift.forward(start + span if shift.from_finish else start)
                    if value > bound[slot]:  # noqa: PLR1730
                        bound[slot] = value
                    indegree[slot >> 1] -= 1
                    if not indegree[slot >> 1]:
                        append(slot >> 1)
            if outline and n in outline:
                for m in outline[n]:
                    indegree[m] -= 1
                    if not indegree[m]:
                        append(m)

    def _plain(self) -> bytearray:
        """1 for nodes the sweeps may take the fast path for (see the module docstring)."""
        plain = bytearray(len(self.kind))
        if self.axis.working:
            kind, pins = self.kind, self.pins
            if not pins and kind.count(LEAF) == len(kind):
                return bytearray(b"\x01" * len(kind))
            for n in range(len(plain)):
                plain[n] = kind[n] == LEAF and n not in pins
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
        link_slot, link_lag, link_from = self.link_slot, self.link_lag, self.link_from
        for k in self.links_of[n]:
            if link_from[k]:
                finish = min(finish, late[link_slot[k]] - link_lag[k])
            else:
                start_bound = min(start_bound, late[link_slot[k]] - link_lag[k])
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
        nodes, same rules, on start values: a plain node's finish is its start
        plus its duration, so a link bounds its late start by the successor's
        late end minus the link's reach. A plain node only needs the least of
        its two gaps (its free slack), kept in `finish_gap`.
        """
        early, late, cap, duration = self.early, self.late, self.cap, self.duration
        links_of, link_slot, link_reach = self.links_of, self.link_slot, self.link_reach
        link_seen, shifted_out, pair = self.link_seen, self.shifted_out, self.pair
        parent_in, parent_out = self.parent_in, self.parent_out
        self.finish_gap = finish_gap = [INF] * len(self.kind)
        self.start_gap = start_gap = [INF] * len(self.kind)
        if compiled.sweeps is not None and self.axis.working:
            compiled.sweeps.backward(self)
            return
        plain, evaluate_late, evaluate_gaps = self._plain(), self.evaluate_late, self.evaluate_gaps
        project_finish = self.project_finish
        for n in reversed(self.order):
            if not plain[n]:
                evaluate_late(n, late, alap=False)
                evaluate_gaps(n)
                continue
            span = duration[n]
            latest = cap[n]
            if project_finish < latest:  # noqa: PLR1730 (a branch beats min() here)
                latest = project_finish
            latest -= span  # the late start
            seen = INF
            for k in links_of[n]:
                reach = link_reach[k]
                value = late[link_slot[k]] - reach
                if value < latest:  # noqa: PLR1730
                    latest = value
                value = early[link_seen[k]] - reach
                if value < seen:  # noqa: PLR1730
                    seen = value
            gap = seen - early[2 * n] if seen < INF else INF
            if shifted_out and n in shifted_out:
                for slot, shift in shifted_out[n]:
                    value = shift.backward(late[slot]) - (span if shift.from_finish else 0)
                    if value < latest:  # noqa: PLR1730
                        latest = value
                    target = early[2 * pair[slot >> 1] + (slot & 1)]
                    value = target - shift.forward(early[2 * n + shift.from_finish])
                    if value < gap:  # noqa: PLR1730
                        gap = value
            parent = parent_out[n]
            if parent >= 0:
                latest = min(latest, late[2 * parent + 1] - span)
                if finish_gap[parent] < INF:
                    spare = early[2 * parent + 1] - early[2 * n + 1]
                    gap = min(gap, finish_gap[parent] + spare)
                if early[2 * n] == early[2 * parent]:
                    latest = min(latest, late[2 * parent])
                    gap = min(gap, start_gap[parent])
            finish_gap[n] = gap
            late[2 * n] = latest
            late[2 * n + 1] = latest + span
            parent = parent_in[n]
            if parent >= 0:
                late[2 * parent] = min(late[2 * parent], latest)
                late[2 * parent + 1] = min(late[2 * parent + 1], latest + span)

    def run(self) -> None:
        """Forward pass, backward pass, then ALAP tasks to their scheduled dates."""
        self.reset()
        self._forward()
        self.finish_run()

    def finish_run(self) -> None:
        """Everything after the forward pass (the leveller runs its own forward pass)."""
        early, kind = self.early, self.kind
        finishes = early[1::2]
        if kind.count(LEAF) < len(kind):
            finishes = [finishes[n] for n in range(len(kind)) if kind[n] == LEAF]
        self.project_finish = max(finishes, default=self.axis.value(self.project.start))
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
        early, span = self.early, self.axis.span
        finish_gap, start_gap = self.finish_gap, self.start_gap
        link_seen, link_lag, link_from = self.link_seen, self.link_lag, self.link_from
        gaps = [INF, INF]  # start, finish
        for k in self.links_of[n]:
            end = link_from[k]
            gap = span(early[2 * n + end] + link_lag[k], early[link_seen[k]])
            gaps[end] = min(gaps[end], gap)
        pair = self.pair
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
        if not any(map(and_, map(eq, kind, repeat(LEAF)), map(not_, duration))):
            return found  # (no zero-duration detail task: a C-level test of every node)
        links_of, link_slot, link_lag, link_from = (
            self.links_of, self.link_slot, self.link_lag, self.link_from,
        )  # fmt: skip
        for m in range(len(kind)):
            for k in links_of[m]:
                slot = link_slot[k]
                n = slot >> 1
                if (
                    link_from[k]
                    and kind[n] == LEAF
                    and not duration[n]
                    and early[2 * m + 1] + link_lag[k] == early[slot]
                ):
                    found.add(n)
        return found

    def start_held(self) -> dict[int, int]:
        """Detail tasks whose finish a predecessor's start holds (a start-to-finish
        link without lag).

        Microsoft Project shows such a finish at the moment the link asks for, the
        predecessor's start (Monday 08:00), not at the end of the working time
        before it (Friday 17:00). Returns the start that holds each such finish.
        """
        found: dict[int, int] = {}
        slots, lags, early, source = self.link_slot, self.link_lag, self.early, self.link_source
        if self.axis.working:
            # Cheap tests first: of 150,000 links, tens of thousands may be SF.
            driving = [
                k
                for k in self.start_to_finish
                if not lags[k] and early[2 * source[k]] == early[slots[k]]
            ]
        else:
            driving = []
            for k in self.start_to_finish:
                slot, held = slots[k], early[2 * source[k]]
                ops = self.ops[slot >> 1]
                if lags[k] or held != self.bound[slot]:
                    continue
                if ops is not None and not ops.span(early[slot], held):
                    driving.append(k)
        scheduled, kind, duration, pins = self.scheduled, self.kind, self.duration, self.pins
        for k in driving:
            slot = slots[k]
            n = slot >> 1
            if kind[n] == LEAF and duration[n] and n not in pins and early[slot] == scheduled[slot]:
                found[n] = early[2 * source[k]]
        return found

    def _rolled_up(self) -> dict[int, list[int]]:
        """Per summary out node: min start, max finish, min late start, max late finish, work."""
        kind, scheduled, late, parent_out = self.kind, self.scheduled, self.late, self.parent_out
        if compiled.sweeps is not None:
            return compiled.sweeps.rolled_up(
                self.order, kind, parent_out, scheduled, late, self.work, self.pins
            )
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
            elif n in self.pins:  # a manually scheduled summary rolls up its typed dates
                values = [*self.pins[n], *up[n][2:]]
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
        """The `Schedule` of the last run, one `TaskDates` per task in input order.

        Built column by column with C-level maps: the common task (a detail
        task on the working axis, not pinned, not a milestone) is one row of
        the columns; the others are then made one by one and put in their place.
        """
        axis, kind, pins, duration = self.axis, self.kind, self.pins, self.duration
        nodes = self.node_out
        size = len(nodes)
        if not axis.working:
            special = list(range(size))
        elif kind.count(LEAF) == len(kind) and not pins and 0 not in duration:
            special = []
        else:
            special = [
                i for i, n in enumerate(nodes) if kind[n] != LEAF or n in pins or not duration[n]
            ]
        held = self.start_held()
        shown = self._common_rows(special, held) if len(special) < size else []
        if special:
            up = self._rolled_up()
            finish_driven = self.finish_driven()
            finish_gap, start_gap = self.finish_gap, self.start_gap
            made = []
            for i in special:
                n = nodes[i]
                if kind[n] == LEAF:
                    made.append(self._leaf_dates(n, finish_gap[n], start_gap[n], finish_driven))
                else:
                    made.append(self._summary_dates(n, up[n], finish_gap[n], start_gap[n]))
            if shown:
                for i, dates in zip(special, made, strict=True):
                    shown[i] = dates
            else:
                shown = made
        if not axis.working:  # (on the working axis, `_common_rows` saw to them)
            for n, value in held.items():
                moment = moment_of(value)
                i = self.task_of[n]
                shown[i] = shown[i]._replace(finish=moment, early_finish=moment)
        if held or any(kind[nodes[i]] == LEAF for i in special):
            # (Only pinned, zero-duration or held detail tasks, or any on the clock
            # axis, may show dates other than their swept ones.)
            self._summaries_span_their_children(shown)
        project_start = axis.start_moment(axis.value(self.project.start))
        return Schedule(
            start=min(map(_START, shown), default=project_start),
            finish=max(map(_FINISH, shown), default=project_start),
            tasks=tuple(shown),
        )

    def _summaries_span_their_children(self, shown: list[TaskDates]) -> None:
        """Each summary from its children's dates as shown, not as swept.

        Project's summary starts at its earliest child's Start and finishes at
        its latest child's Finish: an actual start typed outside working time
        (Monday 08:00 on a calendar that opens at 09:00) is its summary's start
        too. A manually scheduled summary keeps its own dates.
        """
        kind, task_of, parent_out, pins = self.kind, self.task_of, self.parent_out, self.pins
        spans: dict[int, list[datetime]] = {}
        for n in self.order:
            if kind[n] == SUMMARY_IN:
                continue
            i = task_of[n]
            if kind[n] == SUMMARY_OUT and n in spans and n not in pins:
                start, finish = spans[n]
                if shown[i].start != start or shown[i].finish != finish:
                    shown[i] = shown[i]._replace(start=start, finish=finish)
            parent = parent_out[n]
            if parent >= 0:
                dates = shown[i]
                span = spans.get(parent)
                if span is None:
                    spans[parent] = [dates.start, dates.finish]
                else:
                    span[0] = min(span[0], dates.start)
                    span[1] = max(span[1], dates.finish)

    def _common_rows(self, special: list[int], held: dict[int, int]) -> list[TaskDates]:
        """A row per task as if every task were a common one (see `result`); the
        rows of `special` tasks hold placeholder values, to be replaced. The
        finishes of `held` tasks (see `start_held`) are shown at the start holding them."""
        early, late, scheduled = self.early, self.late, self.scheduled
        nodes = self.node_out
        if nodes == list(range(len(self.kind))):
            picked = [early[0::2], early[1::2], late[0::2], late[1::2]]
            columns = [scheduled[0::2], scheduled[1::2], self.duration, self.work]
            gaps = [self.finish_gap, self.start_gap]
        elif compiled.sweeps is not None:
            picked, columns, gaps = compiled.sweeps.task_columns(
                nodes, early, late, scheduled, self.duration, self.work,
                self.finish_gap, self.start_gap,
            )  # fmt: skip
        else:
            picked = [[values[2 * n + end] for n in nodes] for values in (early, late)
                      for end in (0, 1)]  # fmt: skip
            columns = [[scheduled[2 * n + end] for n in nodes] for end in (0, 1)]
            columns.extend([values[n] for n in nodes] for values in (self.duration, self.work))
            gaps = [[values[n] for n in nodes] for values in (self.finish_gap, self.start_gap)]
        early_start, early_finish, late_start, late_finish = picked
        start, finish, duration, work = columns
        if special:  # placeholders any calendar can convert (a summary's may be INF)
            safe = self.axis.value(self.project.start)
            for values in (*picked, start, finish):
                for i in special:
                    values[i] = safe
        index = self.axis.project
        size = len(nodes)
        starts = index.start_moments(early_start + late_start)
        finishes = index.finish_moments(early_finish + late_finish)
        if scheduled is early:
            start_moments, finish_moments = starts[:size], finishes[:size]
        else:
            start_moments = index.start_moments(start)
            finish_moments = index.finish_moments(finish)
        if held:
            task_of = self.task_of
            for n, moment in zip(held, index.start_moments(list(held.values())), strict=True):
                finishes[task_of[n]] = finish_moments[task_of[n]] = moment
        total = list(map(sub, late_start, early_start))
        free = map(max, map(min, total, *gaps), repeat(0))
        rows = zip(
            [task.id for task in self.tasks],
            repeat(False),
            start_moments,
            finish_moments,
            starts[:size],
            finishes[:size],
            starts[size:],
            finishes[size:],
            duration,
            work,
            total,
            free,
            map(ge, repeat(0), total),
        )
        # tuple.__new__ on the NamedTuple class is what TaskDates._make does,
        # without a Python-level call per row.
        return list(map(tuple.__new__, repeat(TaskDates), rows))

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
            if axis.working and (n in finish_driven or self._pinned_at_finish(n)):
                at_start = at_finish
            at_finish = at_start
        start = at_start(scheduled[2 * n])
        finish = at_finish(scheduled[2 * n + 1])
        if n in self.pins:
            manual = task.manual and task.start is not None
            start = task.actual_start or (task.start if manual else None) or start
            finish = task.actual_finish or (task.finish if manual else None) or finish
        elif duration == 0 and self._held_by_its_date(n):
            # A milestone needs no working time: Project leaves one placed by
            # its start- or finish-no-earlier-than date at that very moment
            # (Friday 17:00, or 08:00 on a calendar that opens at 09:00).
            start = finish = cast(datetime, task.constraint_date)
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

    def _held_by_its_date(self, n: int) -> bool:
        """Whether the detail task at `n`, not started, starts where its SNET or
        FNET date puts it (no link holds it later)."""
        task = self.tasks[self.task_of[n]]
        if (
            task.constraint not in _EARLIEST
            or task.constraint_date is None
            or task.actual_start is not None
            or task.actual_finish is not None
            or n not in self.dated
        ):
            return False
        earliest, ops = self.base[n], self.ops[n]
        if ops is not None:
            earliest = ops.snap_start(earliest)
        return self.scheduled[2 * n] == earliest

    def _pinned_at_finish(self, n: int) -> bool:
        """Whether the milestone at `n` is pinned by a must-start/finish-on date at
        the end of a working period (Friday 17:00): it stays there, not Monday 08:00."""
        task = self.tasks[self.task_of[n]]
        return (
            n in self.pins
            and task.constraint in _PINNING
            and task.actual_start is None
            and task.actual_finish is None
            and not task.manual
            and task.constraint_date == self.axis.finish_moment(self.scheduled[2 * n])
        )

    def _summary_dates(
        self, n: int, rolled: list[int], finish_gap: int, start_gap: int
    ) -> TaskDates:
        axis, early = self.axis, self.early
        total = min(axis.span(early[2 * n], rolled[2]), axis.span(early[2 * n + 1], rolled[3]))
        start = axis.start_moment(rolled[0])
        # Over milestones only, the summary is a milestone too: it finishes where it starts.
        finish = start if rolled[1] == rolled[0] else axis.finish_moment(rolled[1])
        task = self.tasks[self.task_of[n]]
        if task.manual and task.start is not None:
            # A manually scheduled summary keeps the dates typed on it (Project
            # shows its children's span beside it, but its Start and Finish are these).
            start, finish = task.start, task.finish or finish
        return TaskDates(
            task_id=self.tasks[self.task_of[n]].id,
            summary=True,
            start=start,
            finish=finish,
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


_PINNING = frozenset((ConstraintType.MSO, ConstraintType.MFO))
_EARLIEST = frozenset((ConstraintType.SNET, ConstraintType.FNET))
_START = itemgetter(TaskDates._fields.index("start"))
_FINISH = itemgetter(TaskDates._fields.index("finish"))


# ------------------------------------------------------------------------ ordering


def _cycle(network: TaskNetwork, indegree: list[int]) -> tuple[str, ...]:
    """Task ids around one cycle among the nodes the sort could not place, least id first."""
    predecessors: dict[int, list[int]] = {}
    for n, count in enumerate(indegree):
        if count:
            for m in network.successors(n):
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
