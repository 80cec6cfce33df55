"""What a planner looks at: a project's tasks with rolled-up work, cost,
actuals and budget, and their custom field values. Read-only.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from projsync.db import Store
from projsync.plan.entities import PlanProject, PlanTask, TaskView
from projsync.plan.fields import field_values
from projsync.plan.progress import actual_totals
from projsync.plan.rollup import Totals, roll_up
from projsync.plan.service import PlanService
from projsync.plan.tables import assignments

__all__ = ["outline", "project_view"]


def outline(tasks: list[PlanTask]) -> list[PlanTask]:
    """Tasks as an outline reads: each parent, then its subtasks, by position."""
    ids = {t.id for t in tasks}
    children: dict[str | None, list[PlanTask]] = {}
    for task in sorted(tasks, key=lambda t: (t.position, t.id)):
        parent = task.parent if task.parent in ids else None
        children.setdefault(parent, []).append(task)
    ordered: list[PlanTask] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        task = stack.pop()
        ordered.append(task)
        stack.extend(reversed(children.get(task.id, [])))
    return ordered


def project_view(
    store: Store, project_id: str
) -> tuple[PlanProject, list[TaskView], dict[str, object]]:
    """The project, its tasks in outline order, and the project's own custom fields."""
    service = PlanService(store)
    with store.read() as conn:
        project = service.project_in(conn, project_id)
        tasks = outline(service.tasks_in(conn, project_id))
        costs: dict[str, Decimal] = {
            task: cost
            for task, cost in conn.execute(
                select(assignments.c.task_id, func.sum(assignments.c.cost))
                .where(assignments.c.project_id == project_id)
                .group_by(assignments.c.task_id)
            )
        }
        done = actual_totals(conn, project_id)
        own = {
            t.id: Totals(
                work=t.work,
                cost=costs.get(t.id, Decimal("0.00")),
                budget_work=t.budget_work,
                budget_cost=t.budget_cost,
            )
            + done.get(t.id, Totals())
            for t in tasks
        }
        totals = roll_up({t.id: t.parent for t in tasks}, own, [t.id for t in tasks])
        summaries = {t.parent for t in tasks if t.parent is not None}
        custom = field_values(conn, [project_id, *(f"{project_id}/{t.id}" for t in tasks)])
    views = [
        TaskView(
            task=t,
            summary=t.id in summaries,
            work=totals[t.id].work,
            cost=totals[t.id].cost,
            actual_work=totals[t.id].actual_work,
            actual_cost=totals[t.id].actual_cost,
            revenue=totals[t.id].revenue,
            budget_work=totals[t.id].budget_work,
            budget_cost=totals[t.id].budget_cost,
            custom_fields=custom.get(f"{project_id}/{t.id}", {}),
        )
        for t in tasks
    ]
    return project, views, custom.get(project_id, {})
