"""Task types and effort-driven scheduling, as in Microsoft Project: what an
edit of a staffed task recalculates so that each assignment's work stays its
duration × its units.

============== =============== ============== ==============
type           change duration change units   change work
============== =============== ============== ==============
fixed units    work            duration       duration
fixed work     units           duration       duration
fixed duration work            work           units
============== =============== ============== ==============

Effort-driven (always, for fixed work): adding or removing a resource keeps
the task's work and shares it among its assignments by units, so the task
gets shorter or longer (fixed units, fixed work) or its units change (fixed
duration). Not effort-driven: a new resource brings duration × its units of
work, and the others keep theirs. A changed type or switch recalculates
nothing. A changed units or work of one assignment changes that one only;
a task's duration, when recalculated, is its longest assignment's, which is
how the scheduler reads it (``effort.py``). A fixed-duration task's
assignments all span it.

Where this differs from Project, by necessity or by choice: units are whole
percents, so units a rule recalculates are the nearest whole percent, and
the duration and work stay as typed. Duration and work typed together make
the units follow (on a fixed-duration task, an assignment's work given with
its units wins over the units). A duration change stretches every
assignment to the new duration. An assignment with a hand-edited contour
that a rule reshapes becomes flat. A task without assignments keeps
duration and work as typed.

Records in, records out: nothing here reads or writes a store. A change that
cannot be made (work to be done in no time) is an ``InputError``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from projsync.errors import refusal
from projsync.plan.effort import length_of, stands, units_for, work_for
from projsync.plan.entities import PlanAssignment, PlanTask, TaskType
from projsync.plan.model import WorkContour

__all__ = [
    "Staffed",
    "add_assignment",
    "change_assignment",
    "edit_task",
    "effort_driven",
    "remove_assignment",
]

_UNITS, _WORK, _DURATION = TaskType.FIXED_UNITS, TaskType.FIXED_WORK, TaskType.FIXED_DURATION


@dataclass(frozen=True, slots=True, kw_only=True)
class Staffed:
    """A task and its assignments, as an edit leaves them."""

    task: PlanTask
    assignments: tuple[PlanAssignment, ...]


def effort_driven(task: PlanTask) -> bool:
    """Whether adding or removing a resource keeps the task's work."""
    return task.effort_driven or task.type is _WORK


def edit_task(
    task: PlanTask,
    staff: Sequence[PlanAssignment],
    *,
    duration: int | None = None,
    work: int | None = None,
) -> Staffed:
    """The task with a new duration or work, or both (None: not changed), and
    its assignments recalculated by its type (``task`` carries its new type)."""
    if duration is not None and work is not None:
        return _duration_and_work(task, staff, duration, work)
    if duration is not None:
        return _change_duration(task, staff, duration)
    if work is not None:
        return _change_work(task, staff, work)
    return Staffed(task=task, assignments=tuple(staff))


def change_assignment(
    task: PlanTask,
    staff: Sequence[PlanAssignment],
    resource: str,
    *,
    units: int | None = None,
    work: int | None = None,
    contour: WorkContour | None = None,
) -> Staffed:
    """An assignment's new units, work or contour (None: not changed).

    Fixed duration: the work follows new units or contour, the units new
    work. Otherwise the assignment keeps its work and lasts what it now
    needs, and the task as long as its longest assignment.
    """
    current = {a.resource: a for a in staff}[resource]
    changed = current
    if contour is not None and contour is not current.contour:
        changed = dataclasses.replace(changed, contour=contour, span=None)
    if units is not None and units != current.units:
        changed = dataclasses.replace(_flat(changed), units=units)
    reshaped = changed != current
    if work is not None and work != current.work:
        changed = dataclasses.replace(_flat(changed), work=work)
    if changed == current:
        return Staffed(task=task, assignments=tuple(staff))
    if task.type is _DURATION:
        if work is not None and work != current.work:
            changed = _spread(task, changed, work)
        elif reshaped:
            changed = _filled(changed, task.duration)
        return _spanning(task, _swapped(staff, changed), keep=changed.resource)
    assignments = _swapped(staff, changed)
    return _totalled(task, assignments, _longest(task.duration, assignments))


def add_assignment(
    task: PlanTask, staff: Sequence[PlanAssignment], new: PlanAssignment, *, work: int | None
) -> Staffed:
    """A resource put on the task, with the work given, else by the effort-driven rule."""
    if work is not None:
        added = _totalled(task, (*staff, dataclasses.replace(new, work=0)), task.duration)
        return change_assignment(added.task, added.assignments, new.resource, work=work)
    if effort_driven(task) and task.work > 0:
        return _shared(task, (*staff, new), task.work)
    brought = _filled(new, task.duration)
    if task.type is _DURATION:
        return _spanning(task, (*staff, brought), keep=new.resource)
    return _totalled(task, (*staff, brought), task.duration)


def remove_assignment(task: PlanTask, staff: Sequence[PlanAssignment], resource: str) -> Staffed:
    """A resource taken off the task: effort-driven, the others take its work."""
    rest = tuple(a for a in staff if a.resource != resource)
    if rest and effort_driven(task) and task.work > 0:
        return _shared(task, rest, task.work)
    if task.type is _DURATION:
        return _spanning(task, rest)
    return _totalled(task, rest, _longest(task.duration, rest))


# -- the three edits of a task -----------------------------------------------------


def _change_duration(task: PlanTask, staff: Sequence[PlanAssignment], duration: int) -> Staffed:
    task = dataclasses.replace(task, duration=duration)
    if not staff:
        return Staffed(task=task, assignments=())
    if task.type is _WORK:  # the work stays: the units spread it over the new duration
        _needs_time(task, sum(a.work for a in staff))
        spread = tuple(_spread(task, a, a.work) if a.work else a for a in staff)
        return _totalled(task, spread, duration)
    return _totalled(task, tuple(_filled(a, duration) for a in staff), duration)


def _change_work(task: PlanTask, staff: Sequence[PlanAssignment], work: int) -> Staffed:
    if not staff:
        return Staffed(task=dataclasses.replace(task, work=work), assignments=())
    return _shared(task, staff, work)


def _duration_and_work(
    task: PlanTask, staff: Sequence[PlanAssignment], duration: int, work: int
) -> Staffed:
    task = dataclasses.replace(task, duration=duration, work=work)
    if not staff:
        return Staffed(task=task, assignments=())
    _needs_time(task, work)
    shares = _shares(work, staff)
    spread = tuple(_spread(task, a, share) for a, share in zip(staff, shares, strict=True))
    return _totalled(task, spread, duration)


# -- pieces ------------------------------------------------------------------------


def _shared(task: PlanTask, staff: Sequence[PlanAssignment], work: int) -> Staffed:
    """``work`` shared among the assignments by units; fixed duration keeps the
    duration (the units follow), the others keep the units (the duration follows)."""
    shares = _shares(work, staff)
    if task.type is _DURATION:
        _needs_time(task, work)
        spread = tuple(_spread(task, a, share) for a, share in zip(staff, shares, strict=True))
        return _totalled(task, spread, task.duration)
    given = tuple(
        a if a.work == share else dataclasses.replace(_flat(a), work=share)
        for a, share in zip(staff, shares, strict=True)
    )
    return _totalled(task, given, _longest(task.duration, given))


def _shares(total: int, staff: Sequence[PlanAssignment]) -> list[int]:
    """``total`` minutes shared by units, each share within a minute of its exact
    part and none lost (largest remainders); equal parts when no one has units."""
    weights = [max(0, a.units) for a in staff]
    whole = sum(weights)
    if not whole:
        weights, whole = [1] * len(staff), len(staff)
    parts = [total * weight for weight in weights]
    shares = [part // whole for part in parts]
    left = total - sum(shares)
    for i in sorted(range(len(staff)), key=lambda i: (-(parts[i] % whole), i))[:left]:
        shares[i] += 1
    return shares


def _filled(assignment: PlanAssignment, length: int) -> PlanAssignment:
    """The assignment with the work that fills ``length`` at its units."""
    work = work_for(length, assignment.units, assignment.contour)
    if work == assignment.work:
        return assignment
    return dataclasses.replace(_flat(assignment), work=work)


def _spread(task: PlanTask, assignment: PlanAssignment, work: int) -> PlanAssignment:
    """The assignment doing ``work`` over the task's duration: its units follow."""
    _needs_time(task, work)
    units = units_for(work, task.duration, assignment.contour) if task.duration else 0
    if (units, work) == (assignment.units, assignment.work):
        return assignment
    return dataclasses.replace(_flat(assignment), units=units, work=work)


def _spanning(
    task: PlanTask, staff: Sequence[PlanAssignment], *, keep: str | None = None
) -> Staffed:
    """Fixed duration: every assignment spans the task, ``keep`` as the edit
    left it; one that does not (only a change of type leaves one so) gets the
    work that fills the duration. A hand-edited contour keeps its own span."""
    spanning = tuple(
        a
        if a.resource == keep
        or a.contour is WorkContour.CONTOURED
        or stands(task.duration, [(a.units, a.work, a.contour)])
        else _filled(a, task.duration)
        for a in staff
    )
    return _totalled(task, spanning, task.duration)


def _longest(duration: int, staff: Sequence[PlanAssignment]) -> int:
    """How long the longest assignment with work lasts; ``duration`` when none has work."""
    lengths = [
        length_of(a.work, a.units, a.contour, a.span) for a in staff if a.units > 0 and a.work > 0
    ]
    return max(lengths, default=duration)


def _totalled(task: PlanTask, staff: Sequence[PlanAssignment], duration: int) -> Staffed:
    """The task with its duration and its assignments' work summed."""
    work = sum(a.work for a in staff) if staff else 0
    return Staffed(
        task=dataclasses.replace(task, duration=duration, work=work), assignments=tuple(staff)
    )


def _swapped(
    staff: Sequence[PlanAssignment], changed: PlanAssignment
) -> tuple[PlanAssignment, ...]:
    return tuple(changed if a.resource == changed.resource else a for a in staff)


def _flat(assignment: PlanAssignment) -> PlanAssignment:
    """A hand-edited contour does not survive a recalculation: it becomes flat."""
    if assignment.contour is WorkContour.CONTOURED:
        return dataclasses.replace(assignment, contour=WorkContour.FLAT, span=None)
    return assignment


def _needs_time(task: PlanTask, work: int) -> None:
    if work > 0 and task.duration <= 0:
        raise refusal(
            f"task {task.project}/{task.id}",
            f"a {task.type} task cannot do {work} minutes of work in no time",
        )
