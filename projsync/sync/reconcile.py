"""Reconciliation: posted hours, cost and revenue in the ledger against the
plan side's actuals, per plan task, resource and day, to the cent; and each
linked worker's end date against its resource's last available day.

It is the check on the sync's actuals, so it shares none of the engine's
path for them: it reads both sides whole through the connectors' snapshots,
folds the ledger's postings with its own few lines, and finds each
activity's task, and each worker's resource, by the links the sync wrote. A
fault in the engine's folding or placing shows here as a difference instead
of being repeated. Only projects the sync has linked are compared (one
integrated but never synchronized has nothing on the plan yet). Every
difference says why and which ledger project it belongs to, so a person can
act on it and the sync can mark that project. End dates are compared over the
whole portfolio only (a resource belongs to no project), and only where the
plan side keeps a resource's availability: a side that keeps none (Redmine)
says nothing, as it does to the sync. Read-only: it never writes either side
nor the sync's store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from sqlalchemy import Connection, select

from projsync.connectors.base import Connector, EntityKind, SyncRecord
from projsync.db import Store
from projsync.sync.tables import links

__all__ = [
    "DIFFERENT",
    "MISSING_ON_PLAN",
    "ONLY_ON_PLAN",
    "Difference",
    "Reconciliation",
    "ResourceDifference",
    "reconcile",
]

MISSING_ON_PLAN = "missing on the plan"
"""Posted in the ledger; the plan has nothing there (or the task is not linked)."""
ONLY_ON_PLAN = "only on the plan"
"""The plan has actuals there; the ledger has no posting."""
DIFFERENT = "figures differ"
"""Both sides have figures there, not the same."""

FIGURES = ("hours", "cost", "revenue")
_ZERO = Decimal("0.00")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """One place where the two sides disagree."""

    plan_key: str | None
    """``plan project/task/resource/day`` on the plan side (no resource: the
    task's own actuals); None when the activity's task is not linked."""
    ledger_key: str | None
    """``project/activity/worker/day`` in the ledger's terms (no worker: the
    activity's postings that count on the task without a resource); None for
    actuals on a plan task linked to no activity."""
    project: str
    """The ledger project or subproject the figures belong to."""
    reason: str
    """``missing on the plan``, ``only on the plan`` or ``figures differ``."""
    ledger: Mapping[str, Decimal]
    plan: Mapping[str, Decimal]

    def summary(self) -> dict[str, object]:
        """As JSON shows it: ``key`` is the plan key, amounts are strings."""
        return {
            "key": self.plan_key,
            "ledger": _texts(self.ledger),
            "plan": _texts(self.plan),
            "reason": self.reason,
            "project": self.project,
            "ledger_key": self.ledger_key,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceDifference:
    """A linked worker whose end date is not its resource's last available day."""

    worker: str
    resource: str
    ledger: dt.date | None
    """The worker's end date (None: none)."""
    plan: dt.date | None
    """The resource's ``available_until`` (None: none)."""

    def summary(self) -> dict[str, object]:
        """As JSON shows it: dates as ``YYYY-MM-DD`` or null."""
        return {
            "worker": self.worker,
            "resource": self.resource,
            "ledger_end_date": None if self.ledger is None else self.ledger.isoformat(),
            "plan_available_until": None if self.plan is None else self.plan.isoformat(),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    differences: tuple[Difference, ...] = ()
    totals: Mapping[str, Mapping[str, Decimal]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """``ledger`` and ``plan``: the compared projects' hours, cost and revenue."""
    projects: tuple[str, ...] = ()
    """The ledger projects and subprojects compared."""
    resources: tuple[ResourceDifference, ...] = ()
    """Workers whose end date differs from their resource's availability."""

    @property
    def agrees(self) -> bool:
        """No difference of figures nor of end dates."""
        return not (self.differences or self.resources)

    def by_project(self) -> dict[str, tuple[Difference, ...]]:
        """The differences of each ledger project (or subproject) that has some."""
        found: dict[str, list[Difference]] = {}
        for difference in self.differences:
            found.setdefault(difference.project, []).append(difference)
        return {project: tuple(listed) for project, listed in sorted(found.items())}

    def counts(self) -> dict[str, int]:
        """How many differences each compared project has (0 for none)."""
        found = self.by_project()
        return {project: len(found.get(project, ())) for project in self.projects}

    def summary(self) -> dict[str, object]:
        """As JSON shows it: every difference, and the totals of both sides."""
        return {
            "differences": [d.summary() for d in self.differences],
            "resources": [r.summary() for r in self.resources],
            "totals": {side: _texts(figures) for side, figures in self.totals.items()},
        }


def _texts(figures: Mapping[str, Decimal]) -> dict[str, str]:
    return {name: str(value) for name, value in figures.items()}


@dataclass(slots=True, kw_only=True)
class _Figures:
    """One place's figures on one side. Work is compared in whole minutes,
    the plan's precision; hours are shown as each side keeps them."""

    project: str
    plan_key: str | None
    ledger_key: str | None
    hours: Decimal = _ZERO
    minutes: int = 0
    cost: Decimal = _ZERO
    revenue: Decimal = _ZERO

    def shown(self) -> dict[str, Decimal]:
        return {"hours": self.hours.quantize(_CENT), "cost": self.cost, "revenue": self.revenue}

    def nothing(self) -> bool:
        return not (self.minutes or self.cost or self.revenue)

    def agrees(self, other: _Figures) -> bool:
        return (self.minutes, self.cost, self.revenue) == (other.minutes, other.cost, other.revenue)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Links:
    """What the sync linked: ledger projects and subprojects, activities and
    integrated workers to their plan keys, and back."""

    projects: Mapping[str, str]
    tasks: Mapping[str, str]
    resources: Mapping[str, str]
    activity_of: Mapping[str, str]
    """Plan task → the ledger's ``project/activity``."""
    project_of: Mapping[str, str]
    """Plan project, or a subproject's plan node → the ledger project."""
    worker_of: Mapping[str, str]

    @staticmethod
    def read(conn: Connection) -> _Links:
        found: dict[str, dict[str, str]] = {"project": {}, "task": {}, "resource": {}}
        rows = conn.execute(
            select(links.c.kind, links.c.ledger_key, links.c.plan_key).where(
                links.c.kind.in_(tuple(found))
            )
        )
        for kind, ledger_key, plan_key in rows:
            found[kind][ledger_key] = plan_key
        projects, tasks, resources = found["project"], found["task"], found["resource"]
        return _Links(
            projects=projects,
            tasks=tasks,
            resources=resources,
            activity_of=_reversed(tasks),
            project_of=_reversed(projects),
            worker_of=_reversed(resources),
        )

    def ledger_project_of(self, plan_task: str) -> str | None:
        """The ledger project of a plan task: its activity's, else the
        subproject whose node it is, else the one linked to its plan project."""
        activity = self.activity_of.get(plan_task)
        if activity is not None:
            return activity.split("/", 1)[0]
        return self.project_of.get(plan_task) or self.project_of.get(plan_task.split("/", 1)[0])


def _reversed(mapping: Mapping[str, str]) -> dict[str, str]:
    return {plan: ledger for ledger, plan in mapping.items()}


def reconcile(
    sync: Store, ledger: Connector, plan: Connector, *, project: str | None = None
) -> Reconciliation:
    """Compare the linked projects' actuals on both sides, and the linked
    workers' end dates; with ``project``, only that ledger project's and its
    subprojects' actuals."""
    with sync.read() as conn:
        linked = _Links.read(conn)
    compared = set(linked.projects)
    if project is not None:
        compared &= _project_and_below(ledger, project)
    expected = _ledger_figures(ledger.snapshot(EntityKind.ACTUAL), linked, compared)
    found = _plan_figures(plan.snapshot(EntityKind.ACTUAL), linked, compared)
    return Reconciliation(
        projects=tuple(sorted(compared)),
        differences=_differences(expected, found),
        totals=MappingProxyType({"ledger": _sum(expected.values()), "plan": _sum(found.values())}),
        resources=()
        if project is not None
        else _end_dates_differing(
            ledger.snapshot(EntityKind.RESOURCE), plan.snapshot(EntityKind.RESOURCE), linked
        ),
    )


def _end_dates_differing(
    workers: Iterable[SyncRecord], resources: Iterable[SyncRecord], linked: _Links
) -> tuple[ResourceDifference, ...]:
    """Each linked worker whose end date is not its resource's last available
    day, where the plan side keeps one (a resource record without the field
    says nothing)."""
    available: dict[str, dt.date | None] = {}
    for record in resources:
        fields = record.fields or {}
        if "available_until" in fields:
            available[record.key] = _day_or_none(fields["available_until"])
    found: list[ResourceDifference] = []
    for record in workers:
        resource = linked.resources.get(record.key)
        if resource is None or resource not in available:
            continue
        mine = _day_or_none((record.fields or {}).get("end_date"))
        if mine != available[resource]:
            found.append(
                ResourceDifference(
                    worker=record.key, resource=resource, ledger=mine, plan=available[resource]
                )
            )
    return tuple(sorted(found, key=lambda d: d.worker))


def _project_and_below(ledger: Connector, project: str) -> set[str]:
    """A ledger project and its subprojects, at any depth."""
    children: dict[str, list[str]] = {}
    for record in ledger.snapshot(EntityKind.PROJECT):
        if record.parent is not None:
            children.setdefault(record.parent, []).append(record.key)
    found = {project}
    pending = [project]
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


_Place = tuple[str | None, str | None]
"""Where figures are compared: the plan key, or for an activity whose task is
not linked, the ledger key alone."""


def _ledger_figures(
    actuals: Iterable[SyncRecord], linked: _Links, compared: set[str]
) -> dict[_Place, _Figures]:
    """The ledger's postings (per project, activity, worker and day) as the
    plan should hold them: per task, resource and day, the hours of a worker
    who is not a resource, expenses and fees on the task without a resource."""
    folded: dict[tuple[str, str, str, dt.date], _Figures] = {}
    for record in actuals:
        fields = record.fields or {}
        project, activity = str(fields["project"]), str(fields["activity"])
        if project not in compared:
            continue
        worker = fields.get("worker")
        counted = str(worker) if worker and str(worker) in linked.resources else ""
        day = _as_date(fields["day"])
        place = (project, activity, counted, day)
        figures = folded.get(place)
        if figures is None:
            task = linked.tasks.get(f"{project}/{activity}")
            resource = linked.resources.get(counted, "")
            figures = folded[place] = _Figures(
                project=project,
                plan_key=None if task is None else f"{task}/{resource}/{day.isoformat()}",
                ledger_key=f"{project}/{activity}/{counted}/{day.isoformat()}",
            )
        figures.hours += _decimal(fields.get("hours"))
        figures.cost += _decimal(fields.get("cost"))
        figures.revenue += _decimal(fields.get("revenue"))
    found: dict[_Place, _Figures] = {}
    for figures in folded.values():
        figures.minutes = round(figures.hours * 60)  # the plan keeps whole minutes
        if figures.nothing():
            continue  # reversed to nothing: the plan should hold nothing either
        found[(figures.plan_key, None if figures.plan_key else figures.ledger_key)] = figures
    return found


def _plan_figures(
    actuals: Iterable[SyncRecord], linked: _Links, compared: set[str]
) -> dict[_Place, _Figures]:
    """The plan's actuals on the tasks of the compared ledger projects."""
    found: dict[_Place, _Figures] = {}
    projects: dict[str, str | None] = {}
    for record in actuals:
        fields = record.fields or {}
        task = f"{fields['project']}/{fields['task']}"
        if task not in projects:
            projects[task] = linked.ledger_project_of(task)
        project = projects[task]
        if project is None or project not in compared:
            continue
        resource = str(fields.get("resource") or "")
        day = _as_date(fields["day"]).isoformat()
        activity = linked.activity_of.get(task)
        worker = linked.worker_of.get(resource, resource)
        minutes = int(str(fields.get("actual_work") or 0))
        figures = _Figures(
            project=project,
            plan_key=f"{task}/{resource}/{day}",
            ledger_key=None if activity is None else f"{activity}/{worker}/{day}",
            hours=Decimal(minutes) / 60,
            minutes=minutes,
            cost=_decimal(fields.get("actual_cost")),
            revenue=_decimal(fields.get("revenue")),
        )
        if not figures.nothing():
            found[(figures.plan_key, None)] = figures
    return found


def _differences(
    expected: Mapping[_Place, _Figures], found: Mapping[_Place, _Figures]
) -> tuple[Difference, ...]:
    listed: list[Difference] = []
    for place in set(expected) | set(found):
        mine, theirs = expected.get(place), found.get(place)
        if mine is not None and theirs is not None and mine.agrees(theirs):
            continue
        shown = mine or theirs
        assert shown is not None
        listed.append(
            Difference(
                plan_key=shown.plan_key,
                ledger_key=shown.ledger_key,
                project=shown.project,
                reason=_reason(mine, theirs),
                ledger=MappingProxyType(mine.shown() if mine else _nothing()),
                plan=MappingProxyType(theirs.shown() if theirs else _nothing()),
            )
        )
    listed.sort(key=lambda d: (d.project, d.plan_key or "", d.ledger_key or ""))
    return tuple(listed)


def _reason(mine: _Figures | None, theirs: _Figures | None) -> str:
    if theirs is None:
        return MISSING_ON_PLAN
    return ONLY_ON_PLAN if mine is None else DIFFERENT


def _nothing() -> dict[str, Decimal]:
    return dict.fromkeys(FIGURES, _ZERO)


def _sum(rows: Iterable[_Figures]) -> Mapping[str, Decimal]:
    total = _nothing()
    for figures in rows:
        for name, value in figures.shown().items():
            total[name] += value
    return MappingProxyType(total)


def _decimal(value: object) -> Decimal:
    return _ZERO if value is None else Decimal(str(value))


def _day_or_none(value: object) -> dt.date | None:
    return None if value is None or value == "" else _as_date(value)


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
