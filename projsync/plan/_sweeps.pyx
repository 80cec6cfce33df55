# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The scheduler's two sweeps over plain nodes, compiled (see network.py).

Line for line the loops of `TaskNetwork._forward` and `TaskNetwork._backward`,
with C ints for the values in flight: the same rules, the same lists read and
written, the same methods called for nodes that are not plain. network.py
uses this module when it was built (`make run`, `make test`) and its own loops
otherwise; tests/plan/test_sweeps.py holds the two to identical results.
Times fit a C long long: they are kept within +-2**62 plus a few centuries.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc

ctypedef long long time_t

cdef time_t INF = 1 << 62


def forward(network, const unsigned char[::1] plain, list order, list indegree):
    """Early dates of every node in topological order, appending to `order`."""
    cdef list early = network.early, bound = network.bound, base = network.base
    cdef list duration = network.duration, delay = network.delay
    cdef list links_of = network.links_of, link_slot = network.link_slot
    cdef list link_reach = network.link_reach
    cdef list parent_in = network.parent_in, parent_out = network.parent_out
    cdef dict outline = network.outline, shifted_out = network.shifted_out
    evaluate_early, release = network.evaluate_early, network.release
    cdef Py_ssize_t i = 0, j, n, m, k, slot, parent
    cdef time_t span, start, value, finish
    cdef list links
    while i < len(order):
        n = order[i]
        i += 1
        if not plain[n]:
            evaluate_early(n)
            order.extend(release(n, indegree))
            continue
        span = duration[n]
        start = base[n]
        value = bound[2 * n]
        if value > start:
            start = value
        value = <time_t>bound[2 * n + 1] - span
        if value > start:
            start = value
        parent = parent_in[n]
        if parent >= 0:
            value = early[2 * parent]
            if value > start:
                start = value
            value = <time_t>early[2 * parent + 1] - span
            if value > start:
                start = value
        start += <time_t>delay[n]
        finish = start + span
        early[2 * n] = start
        early[2 * n + 1] = finish
        parent = parent_out[n]
        if parent >= 0:
            if start < <time_t>early[2 * parent]:
                early[2 * parent] = start
            if finish > <time_t>early[2 * parent + 1]:
                early[2 * parent + 1] = finish
        links = links_of[n]
        for j in range(len(links)):
            k = links[j]
            slot = link_slot[k]
            value = start + <time_t>link_reach[k]
            if value > <time_t>bound[slot]:
                bound[slot] = value
            _one_less(slot >> 1, indegree, order)
        if shifted_out and n in shifted_out:
            for slot, shift in shifted_out[n]:
                value = shift.forward(finish if shift.from_finish else start)
                if value > <time_t>bound[slot]:
                    bound[slot] = value
                _one_less(slot >> 1, indegree, order)
        if outline and n in outline:
            for m in outline[n]:
                _one_less(m, indegree, order)


cdef inline void _one_less(Py_ssize_t m, list indegree, list order):
    """One predecessor of node `m` is done: when it was the last, `m` is ready."""
    cdef Py_ssize_t count = <Py_ssize_t>indegree[m] - 1
    indegree[m] = count
    if not count:
        order.append(m)


def backward(network, const unsigned char[::1] plain):
    """Late dates and successor gaps in reverse topological order."""
    cdef list early = network.early, late = network.late, cap = network.cap
    cdef list duration = network.duration, order = network.order
    cdef list links_of = network.links_of, link_slot = network.link_slot
    cdef list link_reach = network.link_reach, link_seen = network.link_seen
    cdef dict shifted_out = network.shifted_out
    cdef list pair = network.pair
    cdef list parent_in = network.parent_in, parent_out = network.parent_out
    cdef list finish_gap = network.finish_gap, start_gap = network.start_gap
    evaluate_late, evaluate_gaps = network.evaluate_late, network.evaluate_gaps
    cdef time_t project_finish = network.project_finish
    cdef Py_ssize_t i, j, n, k, slot, parent
    cdef time_t span, latest, seen, value, reach, gap, spare, early_start
    cdef list links
    for i in range(len(order) - 1, -1, -1):
        n = order[i]
        if not plain[n]:
            evaluate_late(n, late, alap=False)
            evaluate_gaps(n)
            continue
        span = duration[n]
        latest = cap[n]
        if project_finish < latest:
            latest = project_finish
        latest -= span
        seen = INF
        links = links_of[n]
        for j in range(len(links)):
            k = links[j]
            reach = link_reach[k]
            value = <time_t>late[<Py_ssize_t>link_slot[k]] - reach
            if value < latest:
                latest = value
            value = <time_t>early[<Py_ssize_t>link_seen[k]] - reach
            if value < seen:
                seen = value
        early_start = early[2 * n]
        gap = seen - early_start if seen < INF else INF
        if shifted_out and n in shifted_out:
            for slot, shift in shifted_out[n]:
                value = shift.backward(late[slot]) - (span if shift.from_finish else 0)
                if value < latest:
                    latest = value
                value = early[2 * <Py_ssize_t>pair[slot >> 1] + (slot & 1)]
                value -= <time_t>shift.forward(early[2 * n + shift.from_finish])
                if value < gap:
                    gap = value
        parent = parent_out[n]
        if parent >= 0:
            value = <time_t>late[2 * parent + 1] - span
            if value < latest:
                latest = value
            if <time_t>finish_gap[parent] < INF:
                spare = <time_t>early[2 * parent + 1] - <time_t>early[2 * n + 1]
                value = <time_t>finish_gap[parent] + spare
                if value < gap:
                    gap = value
            if early_start == <time_t>early[2 * parent]:
                value = late[2 * parent]
                if value < latest:
                    latest = value
                value = start_gap[parent]
                if value < gap:
                    gap = value
        finish_gap[n] = gap
        late[2 * n] = latest
        late[2 * n + 1] = latest + span
        parent = parent_in[n]
        if parent >= 0:
            if latest < <time_t>late[2 * parent]:
                late[2 * parent] = latest
            if latest + span < <time_t>late[2 * parent + 1]:
                late[2 * parent + 1] = latest + span


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
