"""What kind of task a scheduler missed: each task whose rescheduled dates differ
from the dates Microsoft Project stored gets one class, read from the task's
own data (its fields, its assignments, its links, the summaries above it),
never from the file's name. It must never do I/O: the facts come in as records.

A task takes the first class of this list that fits it:

- ``manual``: manually scheduled (Project keeps the dates typed; a manual
  summary does not roll up its children);
- ``summary``: a summary task, whose dates roll up from its children;
- ``split``: its work is in more than one piece;
- ``overtime``: it has overtime work;
- ``contour``: one of its assignments has a work contour other than flat;
- ``progress``: started or finished (actual start or finish, percent complete);
- ``status_date``: not started, and Project stored a start before the file's
  status date;
- ``elapsed``: an elapsed duration, or an elapsed lag on a link into it;
- ``leveling_delay``: a levelling delay;
- ``constraint``: a constraint other than as soon as possible;
- ``under_manual``: a summary above it is manually scheduled;
- ``summary_link``: a summary above it has a predecessor link;
- ``predecessor``: none of these, but a task linked into it was missed too by
  the same scheduler (the miss may be inherited);
- ``other``: none of these.

One more class is no kind of task: ``not_scheduled``, every task of a file the
scheduler threw on (MPXJ's, on a few files).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from projsync.msproject.document import ProjectDocument
from projsync.plan.model import ConstraintType, LagKind, WorkContour

__all__ = ["MissClass", "TaskFacts", "classify", "count_classes", "task_facts"]


class MissClass(enum.StrEnum):
    MANUAL = "manual"
    SUMMARY = "summary"
    SPLIT = "split"
    OVERTIME = "overtime"
    CONTOUR = "contour"
    PROGRESS = "progress"
    STATUS_DATE = "status_date"
    ELAPSED = "elapsed"
    LEVELING_DELAY = "leveling_delay"
    CONSTRAINT = "constraint"
    UNDER_MANUAL = "under_manual"
    SUMMARY_LINK = "summary_link"
    PREDECESSOR = "predecessor"
    OTHER = "other"
    NOT_SCHEDULED = "not_scheduled"


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskFacts:
    """What the classes are read from, for one task."""

    manual: bool = False
    summary: bool = False
    split: bool = False
    overtime: bool = False
    contour: bool = False
    started: bool = False
    before_status_date: bool = False
    elapsed: bool = False
    leveling_delay: bool = False
    constrained: bool = False
    under_manual: bool = False
    under_linked: bool = False
    predecessors: tuple[str, ...] = ()


_OWN: tuple[tuple[MissClass, str], ...] = (
    (MissClass.MANUAL, "manual"),
    (MissClass.SUMMARY, "summary"),
    (MissClass.SPLIT, "split"),
    (MissClass.OVERTIME, "overtime"),
    (MissClass.CONTOUR, "contour"),
    (MissClass.PROGRESS, "started"),
    (MissClass.STATUS_DATE, "before_status_date"),
    (MissClass.ELAPSED, "elapsed"),
    (MissClass.LEVELING_DELAY, "leveling_delay"),
    (MissClass.CONSTRAINT, "constrained"),
    (MissClass.UNDER_MANUAL, "under_manual"),
    (MissClass.SUMMARY_LINK, "under_linked"),
)
"""The classes read from a task's own facts, in the order they are tried."""


def classify(facts: TaskFacts, missed: Collection[str]) -> MissClass:
    """The class of a missed task; ``missed`` holds the ids of every task of the
    file the same scheduler missed."""
    for kind, fact in _OWN:
        if getattr(facts, fact):
            return kind
    if any(p in missed for p in facts.predecessors):
        return MissClass.PREDECESSOR
    return MissClass.OTHER


def count_classes(facts: Mapping[str, TaskFacts], missed: Iterable[str]) -> dict[MissClass, int]:
    """How many missed tasks of a file fall in each class, in the list's order."""
    missed = set(missed)
    counts = Counter(classify(facts[task], missed) for task in missed)
    return {kind: counts[kind] for kind in MissClass if counts[kind]}


def task_facts(
    document: ProjectDocument, *, split: Collection[str], overtime: Collection[str]
) -> dict[str, TaskFacts]:
    """The facts of every task of a file by id; which tasks are split or have
    overtime comes from MPXJ (the document does not keep either)."""
    tasks = {t.id: t for t in document.tasks}
    parents = {t.parent for t in document.tasks if t.parent}
    predecessors: dict[str, list[str]] = {}
    elapsed_lag: set[str] = set()
    for link in document.links:
        predecessors.setdefault(link.successor, []).append(link.predecessor)
        if link.lag and link.lag_kind is LagKind.ELAPSED:
            elapsed_lag.add(link.successor)
    contoured = {a.task for a in document.assignments if a.contour is not WorkContour.FLAT}
    status = document.project.status_date

    def above(task_id: str) -> Iterable[str]:
        seen: set[str] = set()
        parent = tasks[task_id].parent
        while parent is not None and parent in tasks and parent not in seen:
            seen.add(parent)
            yield parent
            parent = tasks[parent].parent

    facts: dict[str, TaskFacts] = {}
    for task in document.tasks:
        started = (
            task.actual_start is not None
            or task.actual_finish is not None
            or task.percent_complete > 0
        )
        summaries = list(above(task.id))
        facts[task.id] = TaskFacts(
            manual=task.manual,
            summary=task.id in parents,
            split=task.id in split,
            overtime=task.id in overtime,
            contour=task.id in contoured,
            started=started,
            before_status_date=not started
            and status is not None
            and task.start is not None
            and task.start < status,
            elapsed=task.elapsed or task.id in elapsed_lag,
            leveling_delay=task.leveling_delay > 0,
            constrained=task.constraint is not ConstraintType.ASAP,
            under_manual=any(tasks[s].manual for s in summaries),
            under_linked=any(s in predecessors for s in summaries),
            predecessors=tuple(predecessors.get(task.id, ())),
        )
    return facts
