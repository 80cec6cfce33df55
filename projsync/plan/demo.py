"""The demo's schedule: what a planner adds on the plan server once the sync
has brought the demo company's activities there (``projsync demo``).

Durations for the tasks nobody has posted on yet, dependencies of each type
(finish-to-start, start-to-start with and without lag), a milestone at the
end of each customer project, a baseline saved on the first schedule, and
then a slip: the electrical installation takes two weeks more than planned, so
the chart shows it and what follows it past their baseline.
"""

from __future__ import annotations

from projsync.db import Store
from projsync.plan.entities import PlanLink, PlanTask
from projsync.plan.model import DependencyType
from projsync.plan.progress import save_baseline
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService

__all__ = ["DEMO_LINKS", "DEMO_MILESTONES", "shape_demo_plan"]

DAY = 480

# project, task: duration in working days (the tasks nobody has posted on)
_DURATIONS = (
    ("PRJ-1000", "PRJ-1000-01.2", 20),
    ("PRJ-1000", "PRJ-1000-02.2.1", 25),
    ("PRJ-1000", "PRJ-1000-02.2.2", 15),
    ("PRJ-1000", "PRJ-1000-02.3", 8),
    ("PRJ-2000", "4", 5),
)

DEMO_MILESTONES = (
    ("PRJ-1000", "PRJ-1000-01.3", "Design approved", "PRJ-1000-01"),
    ("PRJ-1000", "PRJ-1000-02.4", "Plant handed over", "PRJ-1000-02"),
    ("PRJ-2000", "5", "Go-live", None),
)
"""Project, task id, name and parent of each milestone the demo adds."""

DEMO_LINKS = (
    # project, predecessor, successor, type, lag in working days
    ("PRJ-1000", "PRJ-1000-01.1.1", "PRJ-1000-01.1.2", DependencyType.SS, 0),
    ("PRJ-1000", "PRJ-1000-01.1.2", "PRJ-1000-01.2", DependencyType.FS, 0),
    ("PRJ-1000", "PRJ-1000-01.2", "PRJ-1000-01.3", DependencyType.FS, 0),
    ("PRJ-1000", "PRJ-1000-01.3", "PRJ-1000-02.2.1", DependencyType.FS, 0),
    ("PRJ-1000", "PRJ-1000-02.1", "PRJ-1000-02.2.1", DependencyType.FS, 0),
    ("PRJ-1000", "PRJ-1000-02.2.1", "PRJ-1000-02.2.2", DependencyType.SS, 5),
    ("PRJ-1000", "PRJ-1000-02.2.1", "PRJ-1000-02.3", DependencyType.FS, 0),
    ("PRJ-1000", "PRJ-1000-02.2.2", "PRJ-1000-02.3", DependencyType.FS, 0),
    ("PRJ-1000", "PRJ-1000-02.3", "PRJ-1000-02.4", DependencyType.FS, 0),
    ("PRJ-2000", "1", "2", DependencyType.SS, 0),
    ("PRJ-2000", "2", "3", DependencyType.SS, 0),
    ("PRJ-2000", "3", "4", DependencyType.FS, 0),
    ("PRJ-2000", "4", "5", DependencyType.FS, 0),
)
"""The demo's dependencies."""

SLIP = ("PRJ-1000", "PRJ-1000-02.2.2", 25)
"""After the baseline: the electrical installation takes 25 days, not 15."""


def shape_demo_plan(store: Store) -> list[str]:
    """Give the demo's plan projects their schedule (see the module's text);
    returns what was done, as lines of the demo's story. Idempotent: a plan
    that has the milestones already is left as it is."""
    service = PlanService(store)
    have = {(p, t.id) for p in {m[0] for m in DEMO_MILESTONES} for t in service.tasks(p)}
    if all((project, task) in have for project, task, _name, _parent in DEMO_MILESTONES):
        return []
    for project, task, days in _DURATIONS:
        service.update_task(project, task, duration=days * DAY)
    for project, task, name, parent in DEMO_MILESTONES:
        service.add_task(
            PlanTask(project=project, id=task, name=name, parent=parent, duration=0, milestone=True)
        )
    incoming: dict[tuple[str, str], list[PlanLink]] = {}
    for project, predecessor, successor, kind, lag in DEMO_LINKS:
        incoming.setdefault((project, successor), []).append(
            PlanLink(
                project=project,
                predecessor=predecessor,
                successor=successor,
                type=kind,
                lag=lag * DAY,
            )
        )
    for (project, successor), links in incoming.items():
        service.update_task(project, successor, predecessors=links)
    projects = sorted({p for p, *_ in DEMO_LINKS})
    for project in projects:
        schedule_project(store, project)
        save_baseline(store, project)
    project, task, days = SLIP
    service.update_task(project, task, duration=days * DAY)
    schedule_project(store, project)
    return [
        f"Planned: {len(DEMO_LINKS)} dependencies and {len(DEMO_MILESTONES)} milestones in "
        f"{', '.join(projects)}, scheduled, a baseline saved; then the electrical "
        f"installation slipped to {days} days and {project} was rescheduled.",
    ]
