# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The scheduler's hot loops compiled (Cython): building the network's links and
outline, both sweeps on the working axis, the result's columns, and the bulk
conversion of working offsets to dates. Each mirrors a loop of network.py,
schedule.py or calendar.py, which name it; the rules stay described there.

The same rules as `TaskNetwork.evaluate_early`/`release`/`evaluate_late`/
`evaluate_gaps` and the interpreter's loops of `_forward_loop`/`_backward`
(network.py), for every node of a network on the working axis (there a node
needs no calendar: pins and durations are plain offsets). The values live in
C arrays while a sweep runs, copied from the network's lists and written back
after: lists of Python ints put every value behind a pointer, and the sweeps
spent their time waiting on memory. A shifted link (an elapsed lag) is
worked out on a copy of the project calendar's day table (`_Calendar`), and
by its `Shift` where the table does not reach (which grows the table).
The modules use it through `compiled.sweeps` when `make` built it, and their
own loops otherwise; tests/plan/test_sweeps.py holds the two to identical
results. Times fit a C long long: they stay within +-2**62 plus centuries.
"""

from cpython cimport array
from cpython.mem cimport PyMem_Free, PyMem_Malloc

ctypedef long long time_t

cdef time_t INF = 1 << 62
cdef time_t LEAF = 0, SUMMARY_IN = 1, SUMMARY_OUT = 2  # as in network.py


cdef array.array _COLUMN = array.array("q")


cdef array.array _zeros(Py_ssize_t size):
    return array.clone(_COLUMN, size, zero=True)


cdef array.array _column(list values):
    """The ints of `values` in a C array (array.array's own constructor parses each.)"""
    cdef Py_ssize_t i, size = len(values)
    cdef array.array column = array.clone(_COLUMN, size, zero=False)
    cdef time_t[::1] view = column
    for i in range(size):
        view[i] = values[i]
    return column


cdef class _Links:
    """The links out of each node, packed: node n's are index[first[n]:first[n + 1]]
    (`TaskNetwork.link_first`/`link_index`, made by `index_links`)."""

    cdef time_t[::1] first, index

    def __init__(self, network):
        if network.link_first is None:  # links stored by the interpreter's set_links
            network.link_first, network.link_index = _packed(network.links_of)
        self.first = network.link_first
        self.index = network.link_index


cdef tuple _packed(list links_of):
    cdef Py_ssize_t n, j, size = len(links_of), total = 0
    cdef list links
    first_values = _zeros(size + 1)
    cdef time_t[::1] first = first_values
    for n in range(size):
        first[n] = total
        total += len(<list>links_of[n])
    first[size] = total
    index_values = _zeros(total)
    cdef time_t[::1] index = index_values
    total = 0
    for n in range(size):
        links = links_of[n]
        for j in range(len(links)):
            index[total] = links[j]
            total += 1
    return first_values, index_values


cdef bytearray _flags(Py_ssize_t size, dict by_node):
    flags = bytearray(size)
    for n in by_node:
        flags[n] = 1
    return flags


def forward(network, list order, list indegree):
    """Early dates of every node in topological order, appending to `order` the
    nodes it makes ready (as `TaskNetwork._forward_loop`); working axis only."""
    cdef Py_ssize_t size = len(network.kind)
    early_values, bound_values, count_values = (
        _column(network.early), _column(network.bound), _column(indegree)
    )
    cdef time_t[::1] early = early_values, bound = bound_values, count = count_values
    cdef time_t[::1] base = _column(network.base), duration = _column(network.duration)
    cdef time_t[::1] delay = _column(network.delay), kind = _column(network.kind)
    cdef time_t[::1] parent_in = _column(network.parent_in)
    cdef time_t[::1] parent_out = _column(network.parent_out)
    cdef time_t[::1] link_slot = _column(network.link_slot), link_lag = _column(network.link_lag)
    cdef time_t[::1] link_from = _column(network.link_from)
    cdef dict pins = network.pins, shifted_out = network.shifted_out, outline = network.outline
    cdef const unsigned char[::1] pinned = _flags(size, pins)
    cdef const unsigned char[::1] shifted = _flags(size, shifted_out)
    cdef const unsigned char[::1] outlined = _flags(size, outline)
    cdef _Links links = _Links(network)
    cdef _Calendar days = _Calendar(network.axis.project) if shifted_out else None
    ready_values = _zeros(max(size, len(order)))
    cdef time_t[::1] ready = ready_values
    cdef Py_ssize_t i, done = 0, waiting = len(order), n, m, k, slot, parent
    cdef time_t start, finish, value
    for i in range(waiting):
        ready[i] = order[i]
    while done < waiting:
        n = ready[done]
        done += 1
        if kind[n] == LEAF:
            if pinned[n]:
                start, finish = pins[n]
            else:
                start = _later(base[n], bound[2 * n])
                start = _later(start, bound[2 * n + 1] - duration[n])
                parent = parent_in[n]
                if parent >= 0:
                    start = _later(start, early[2 * parent])
                    start = _later(start, early[2 * parent + 1] - duration[n])
                start += delay[n]
                finish = start + duration[n]
            early[2 * n] = start
            early[2 * n + 1] = finish
            _roll_up(early, parent_out[n], start, finish)
        elif kind[n] == SUMMARY_OUT:
            if pinned[n]:  # a manually scheduled summary: its typed dates
                early[2 * n], early[2 * n + 1] = pins[n]
            start, finish = early[2 * n], early[2 * n + 1]
            _roll_up(early, parent_out[n], start, finish)
        elif pinned[n]:  # a manually scheduled summary's in node: its own start
            start, finish = pins[n]
            early[2 * n] = start
            early[2 * n + 1] = finish
        else:  # a summary's in node: the bounds on its children
            start = _later(base[n], bound[2 * n])
            finish = bound[2 * n + 1]
            parent = parent_in[n]
            if parent >= 0:
                start = _later(start, early[2 * parent])
                finish = _later(finish, early[2 * parent + 1])
            early[2 * n] = start
            early[2 * n + 1] = finish
        for i in range(links.first[n], links.first[n + 1]):
            k = links.index[i]
            slot = link_slot[k]
            value = (finish if link_from[k] else start) + link_lag[k]
            if value > bound[slot]:
                bound[slot] = value
            waiting = _one_less(slot >> 1, count, ready, waiting)
        if shifted[n]:
            for slot, shift in shifted_out[n]:
                value = days.shift(shift, finish if shift.from_finish else start, True)
                if value > bound[slot]:
                    bound[slot] = value
                waiting = _one_less(slot >> 1, count, ready, waiting)
        if outlined[n]:
            for m in outline[n]:
                waiting = _one_less(m, count, ready, waiting)
    network.early[:] = early_values.tolist()
    network.bound[:] = bound_values.tolist()
    indegree[:] = count_values.tolist()
    order.extend(ready_values[len(order):waiting])


cdef inline time_t _later(time_t first, time_t second):
    return second if second > first else first


cdef inline time_t _sooner(time_t first, time_t second):
    return second if second < first else first


cdef inline Py_ssize_t _one_less(
    Py_ssize_t m, time_t[::1] count, time_t[::1] ready, Py_ssize_t waiting
):
    """One predecessor of node `m` is done: when it was the last, `m` is ready."""
    count[m] -= 1
    if not count[m]:
        ready[waiting] = m
        return waiting + 1
    return waiting


cdef inline void _roll_up(time_t[::1] early, Py_ssize_t parent, time_t start, time_t finish):
    """A child's early dates widen its summary's (out node `parent`, if any)."""
    if parent >= 0:
        early[2 * parent] = _sooner(early[2 * parent], start)
        early[2 * parent + 1] = _later(early[2 * parent + 1], finish)


cdef class _Calendar:
    """The project calendar's day table, as `CalendarIndex.table` gives it now, in C
    arrays: for `Shift.forward`/`backward` on the working axis (an elapsed lag
    added to a working moment) without making a datetime."""

    cdef time_t[::1] cum, pattern_of, before, start_minute, finish_minute
    cdef Py_ssize_t days

    def __init__(self, index):
        cdef Py_ssize_t i, m, p, made = 0
        _, cum, patterns, _ = index.table()
        self.days = len(patterns)
        self.cum = _column(cum)
        self.pattern_of = _zeros(self.days)
        number = {}
        for i in range(self.days):
            self.pattern_of[i] = number.setdefault(id(patterns[i]), len(number))
        self.before = _zeros(1441 * len(number))
        self.start_minute = _zeros(1441 * len(number))
        self.finish_minute = _zeros(1441 * len(number))
        for i in range(self.days):
            p = self.pattern_of[i]
            if p < made:
                continue
            made += 1
            pattern = patterns[i]
            for m in range(1441):
                self.before[1441 * p + m] = pattern.before[m]
            for m in range(len(pattern.start_minute)):
                self.start_minute[1441 * p + m] = pattern.start_minute[m]
            for m in range(len(pattern.finish_minute)):
                self.finish_minute[1441 * p + m] = pattern.finish_minute[m]

    cdef time_t shift(self, shift, time_t value, bint forward) except? -1:
        """`shift.forward(value)` (or `backward`), from the table where it reaches."""
        cdef bint at_finish = shift.read_finish if forward else shift.write_finish
        cdef time_t lag = shift.lag if forward else -<time_t>shift.lag
        cdef Py_ssize_t low = 0, high = self.days + 1, middle, day, p
        cdef time_t clock, minute
        while low < high:  # the day of the offset, as `CalendarIndex.start_at`/`finish_at`
            middle = (low + high) >> 1
            if self.cum[middle] < value or (not at_finish and self.cum[middle] == value):
                low = middle + 1
            else:
                high = middle
        day = low - 1
        if 0 <= day < self.days:
            p = self.pattern_of[day]
            if at_finish:
                minute = self.finish_minute[1441 * p + value - self.cum[day]]
            else:
                minute = self.start_minute[1441 * p + value - self.cum[day]]
            clock = day * 1440 + minute + lag
            day = clock // 1440
            if 0 <= day < self.days:
                return self.cum[day] + self.before[1441 * self.pattern_of[day] + clock % 1440]
        return shift.forward(value) if forward else shift.backward(value)


def backward(network):
    """Late dates and the gaps free slack is made of, in reverse topological order
    (as `TaskNetwork._backward`); working axis only."""
    cdef Py_ssize_t size = len(network.kind)
    late_values = _column(network.late)
    finish_gap_values, start_gap_values = _column(network.finish_gap), _column(network.start_gap)
    cdef time_t[::1] late = late_values, early = _column(network.early)
    cdef time_t[::1] cap = _column(network.cap), duration = _column(network.duration)
    cdef time_t[::1] kind = _column(network.kind), pair = _column(network.pair)
    cdef time_t[::1] order = _column(network.order)
    cdef time_t[::1] parent_in = _column(network.parent_in)
    cdef time_t[::1] parent_out = _column(network.parent_out)
    cdef time_t[::1] link_slot = _column(network.link_slot), link_lag = _column(network.link_lag)
    cdef time_t[::1] link_from = _column(network.link_from)
    cdef time_t[::1] link_seen = _column(network.link_seen)
    cdef time_t[::1] finish_gap = finish_gap_values, start_gap = start_gap_values
    cdef dict pins = network.pins, shifted_out = network.shifted_out
    cdef const unsigned char[::1] pinned = _flags(size, pins)
    cdef const unsigned char[::1] shifted = _flags(size, shifted_out)
    cdef _Links links = _Links(network)
    cdef _Calendar days = _Calendar(network.axis.project) if shifted_out else None
    cdef time_t project_finish = network.project_finish
    cdef Py_ssize_t i, j, n, k, slot, parent, end
    cdef time_t span, start, finish, start_bound, value, gap
    cdef time_t gaps[2]
    for j in range(len(order) - 1, -1, -1):
        n = order[j]
        if kind[n] == SUMMARY_IN:
            _roll_down(late, parent_in[n], late[2 * n], late[2 * n + 1])
            continue
        finish = project_finish
        if kind[n] == LEAF:
            finish = _sooner(finish, cap[n])
        start_bound = INF
        gaps[0] = gaps[1] = INF
        for i in range(links.first[n], links.first[n + 1]):
            k = links.index[i]
            value = late[link_slot[k]] - link_lag[k]
            if link_from[k]:
                finish = _sooner(finish, value)
            else:
                start_bound = _sooner(start_bound, value)
            gap = early[link_seen[k]] - (early[2 * n + link_from[k]] + link_lag[k])
            gaps[link_from[k]] = _sooner(gaps[link_from[k]], gap)
        if shifted[n]:
            for slot, shift in shifted_out[n]:
                end = shift.from_finish
                value = days.shift(shift, late[slot], False)
                if end:
                    finish = _sooner(finish, value)
                else:
                    start_bound = _sooner(start_bound, value)
                value = early[2 * pair[slot >> 1] + (slot & 1)]
                gap = value - days.shift(shift, early[2 * n + end], True)
                gaps[end] = _sooner(gaps[end], gap)
        parent = parent_out[n]
        if parent >= 0:
            finish = _sooner(finish, late[2 * parent + 1])
            if finish_gap[parent] < INF:
                gap = finish_gap[parent] + early[2 * parent + 1] - early[2 * n + 1]
                gaps[1] = _sooner(gaps[1], gap)
            if early[2 * n] == early[2 * parent]:  # only the earliest child holds its start
                start_bound = _sooner(start_bound, late[2 * parent])
                gaps[0] = _sooner(gaps[0], start_gap[parent])
        if kind[n] == SUMMARY_OUT:
            late[2 * n] = start_bound
            late[2 * n + 1] = finish
            start_gap[n], finish_gap[n] = gaps[0], gaps[1]
            continue
        if pinned[n]:
            start, value = pins[n]
            span = value - start
            start_gap[n], finish_gap[n] = gaps[0], gaps[1]
        else:  # a plain task keeps only the lesser gap, its free slack (as _backward)
            span = duration[n]
            finish_gap[n] = _sooner(gaps[0], gaps[1])
        finish = _sooner(finish, start_bound + span)
        late[2 * n] = finish - span
        late[2 * n + 1] = finish
        _roll_down(late, parent_in[n], finish - span, finish)
    network.late[:] = late_values.tolist()
    network.finish_gap[:] = finish_gap_values.tolist()
    network.start_gap[:] = start_gap_values.tolist()


cdef inline void _roll_down(time_t[::1] late, Py_ssize_t parent, time_t start, time_t finish):
    """A child's late dates hold back its summary's (in node `parent`, if any)."""
    if parent >= 0:
        late[2 * parent] = _sooner(late[2 * parent], start)
        late[2 * parent + 1] = _sooner(late[2 * parent + 1], finish)


def moments(list offsets, list cum, list patterns, list midnights, bint finish):
    """`CalendarIndex.start_at` (or `finish_at`) of every offset, each distinct one
    converted once; the index's table must already cover them all."""
    cdef Py_ssize_t days = len(cum), i, low, high, middle
    cdef time_t offset
    cdef time_t *table = <time_t *>PyMem_Malloc(days * sizeof(time_t))
    if table == NULL:
        raise MemoryError()
    cdef dict made = {}
    cdef list shown = []
    try:
        for i in range(days):
            table[i] = cum[i]
        for key in offsets:
            moment = made.get(key)
            if moment is None:
                offset = key
                # The day: the last midnight at or before the offset (a start),
                # or strictly before it (a finish, at the end of a period).
                low, high = 0, days
                while low < high:
                    middle = (low + high) >> 1
                    if table[middle] < offset or (not finish and table[middle] == offset):
                        low = middle + 1
                    else:
                        high = middle
                i = low - 1
                pattern = patterns[i]
                deltas = pattern.finish_delta if finish else pattern.start_delta
                moment = midnights[i] + deltas[offset - table[i]]
                made[key] = moment
            shown.append(moment)
    finally:
        PyMem_Free(table)
    return shown


# ------------------------------------------------------------ building the network


def link_columns(
    dependencies, dict position, dict ends_by_type, list node_out, list node_in, list indegree
):
    """The links as columns (see `schedule._link_columns`), one pass over the records:
    predecessor tasks, source and target nodes, target slots, from-finish flags,
    lags, lag kinds and end pairs; each target's indegree counts its links.

    None, and no count changed, when a link names an unknown task, joins a task
    to itself or has a type not in `ends_by_type`: the caller sorts those out.
    """
    cdef list records = list(dependencies)
    cdef Py_ssize_t k, size = len(records), p, s, target
    cdef list predecessors = [None] * size, sources = [None] * size, targets = [None] * size
    cdef list slots = [None] * size, froms = [None] * size, lags = [None] * size
    cdef list kinds = [None] * size, ends = [None] * size
    for k in range(size):
        link = records[k]
        found = position.get(link.predecessor_id)
        other = position.get(link.successor_id)
        pair = ends_by_type.get(link.type)
        if found is None or other is None or pair is None:
            return None
        p, s = found, other
        if p == s:
            return None
        target = node_in[s]
        predecessors[k] = found
        sources[k] = node_out[p]
        targets[k] = target
        ends[k] = pair
        froms[k] = (<tuple>pair)[0]
        slots[k] = 2 * target + <Py_ssize_t>(<tuple>pair)[1]
        lags[k] = link.lag
        kinds[k] = link.lag_kind
    counts = _column(indegree)
    cdef time_t[::1] count = counts
    for k in range(size):
        count[<Py_ssize_t>targets[k]] += 1
    indegree[:] = counts.tolist()
    return predecessors, sources, targets, slots, froms, lags, kinds, ends


def index_links(list sources, list slots, list pair):
    """For `TaskNetwork.set_links`: the links out of each node, packed (see `_Links`),
    whether every link goes to a later node, and each link's slot for free slack."""
    cdef Py_ssize_t k, size = len(pair), links = len(sources), source, slot
    first_values, index_values = _zeros(size + 1), _zeros(links)
    cdef time_t[::1] first = first_values, index = index_values
    cdef list seen = [None] * links
    cdef bint ascending = True
    for k in range(links):  # a counting sort by source, stable: each node's in k order
        source = sources[k]
        slot = slots[k]
        first[source + 1] += 1
        if source >= slot >> 1:
            ascending = False
        seen[k] = 2 * <Py_ssize_t>pair[slot >> 1] + (slot & 1)
    for k in range(size):
        first[k + 1] += first[k]
    for k in range(links):
        source = sources[k]
        index[first[source]] = k
        first[source] += 1
    for k in range(size, 0, -1):
        first[k] = first[k - 1]
    first[0] = 0
    return first_values, index_values, ascending, seen


def unpacked_links(first_values, index_values, list no_links):
    """The links out of each node as lists (`TaskNetwork.links_of`; `no_links` for none)."""
    cdef time_t[::1] first = first_values, index = index_values
    cdef Py_ssize_t n, size = len(first) - 1
    cdef list links_of = [no_links] * size
    for n in range(size):
        if first[n + 1] > first[n]:
            links_of[n] = list(index_values[first[n]:first[n + 1]])
    return links_of


def relax_floor(list targets, list kind, set dated, list base, floor):
    """Every detail task with a predecessor and no date constraint starts, at the
    earliest, at `floor` (see `schedule._relax_floor`)."""
    cdef Py_ssize_t k, n
    for k in range(len(targets)):
        n = targets[k]
        if <time_t>kind[n] == LEAF and not (dated and n in dated):
            base[n] = floor


# ------------------------------------------------------------------------ the result


def task_columns(
    list nodes, list early, list late, list scheduled, list duration, list work,
    list finish_gap, list start_gap,
):
    """Per task (its node in `nodes`), as `TaskNetwork._common_rows` reads them: early
    start and finish, late start and finish; scheduled start and finish, duration,
    work; finish gap, start gap."""
    cdef Py_ssize_t i, n, size = len(nodes)
    cdef list columns = [[None] * size for _ in range(10)]
    cdef list early_start = columns[0], early_finish = columns[1]
    cdef list late_start = columns[2], late_finish = columns[3]
    cdef list start = columns[4], finish = columns[5], spans = columns[6], works = columns[7]
    cdef list finish_gaps = columns[8], start_gaps = columns[9]
    for i in range(size):
        n = nodes[i]
        early_start[i] = early[2 * n]
        early_finish[i] = early[2 * n + 1]
        late_start[i] = late[2 * n]
        late_finish[i] = late[2 * n + 1]
        start[i] = scheduled[2 * n]
        finish[i] = scheduled[2 * n + 1]
        spans[i] = duration[n]
        works[i] = work[n]
        finish_gaps[i] = finish_gap[n]
        start_gaps[i] = start_gap[n]
    return columns[0:4], columns[4:8], columns[8:10]


def rolled_up(
    list order, list kind, list parent_out, list scheduled, list late, list work, dict pins
):
    """Per summary out node: min start, max finish, min late start, max late finish,
    work of its children (as `TaskNetwork._rolled_up`); a pinned one (a manually
    scheduled summary) rolls up its own start and finish."""
    cdef Py_ssize_t n, parent, size = len(kind)
    cdef dict up = {}
    cdef list values, rolled
    for n in range(size):
        if <time_t>kind[n] == SUMMARY_OUT:
            up[n] = [INF, -INF, INF, -INF, 0]
    if not up:
        return up
    for n in order:
        parent = parent_out[n]
        if parent < 0:
            continue
        if <time_t>kind[n] == LEAF:
            values = [scheduled[2 * n], scheduled[2 * n + 1], late[2 * n], late[2 * n + 1], work[n]]
        elif n in pins:
            values = [*pins[n], *up[n][2:]]
        else:
            values = up[n]
        rolled = up[parent]
        if values[0] < rolled[0]:
            rolled[0] = values[0]
        if values[1] > rolled[1]:
            rolled[1] = values[1]
        if values[2] < rolled[2]:
            rolled[2] = values[2]
        if values[3] > rolled[3]:
            rolled[3] = values[3]
        rolled[4] += values[4]
    return up


def outline_nodes(list has_children, list parents):
    """The nodes of a project with summaries (see `schedule._add_nodes`): kind, task,
    pair, each task's in and out node, indegree, parent in and out node per node,
    and the outline's links between nodes."""
    cdef Py_ssize_t i, n = 0, parent, tasks = len(has_children)
    cdef list kind = [], task_of = [], pair = [], node_in = [], node_out = []
    for i in range(tasks):
        if has_children[i]:
            kind += [SUMMARY_IN, SUMMARY_OUT]
            task_of += [i, i]
            pair += [n + 1, n]
            node_in.append(n)
            node_out.append(n + 1)
            n += 2
        else:
            kind.append(LEAF)
            task_of.append(i)
            pair.append(n)
            node_in.append(n)
            node_out.append(n)
            n += 1
    indegree_values = _zeros(n)
    cdef time_t[::1] indegree = indegree_values
    cdef list parent_in = [-1] * n, parent_out = [-1] * n
    cdef dict outline = {}
    for i in range(tasks):
        parent = parents[i]
        if parent >= 0:
            parent_in[<Py_ssize_t>node_in[i]] = node_in[parent]
            parent_out[<Py_ssize_t>node_out[i]] = node_out[parent]
            # The parent's in node comes before the child, the child before its out node.
            outline.setdefault(node_in[parent], []).append(node_in[i])
            outline.setdefault(node_out[i], []).append(node_out[parent])
            indegree[<Py_ssize_t>node_in[i]] += 1
            indegree[<Py_ssize_t>node_out[parent]] += 1
    for i in range(tasks):
        if has_children[i]:
            outline.setdefault(node_in[i], []).append(node_out[i])
            indegree[<Py_ssize_t>node_out[i]] += 1
    return (
        kind, task_of, pair, node_in, node_out, indegree_values.tolist(), parent_in, parent_out,
        outline,
    )
