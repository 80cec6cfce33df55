"""What a planner looks at: a project's tasks with rolled-up work, cost,
actuals and budget, and their custom field values. Read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select

from projsync.db import Store
from projsync.plan.entities import PlanProject, PlanTask, TaskView
from projsync.plan.fields import field_values
from projsync.plan.progress import actual_totals
from projsync.plan.rollup import Totals, roll_up
from projsync.plan.service import PlanService
from projsync.plan.tables import assignments

__all__ = ["outline", "project_view", "task_rows"]


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


def task_rows(views: Sequence[TaskView]) -> list[dict[str, object]]:
    """Tasks as rows of every field, in outline order, each with its outline
    level; durations and work in exact minutes under names that say so."""
    levels: dict[str, int] = {}
    for view in views:  # outline order: parents come first
        parent = view.task.parent
        levels[view.task.id] = levels[parent] + 1 if parent in levels else 1
    return [{**_task_row(view), "outline_level": levels[view.task.id]} for view in views]


def _task_row(view: TaskView) -> dict[str, object]:
    task = view.task
    return {
        "id": task.id,
        "name": task.name,
        "parent": task.parent,
        "summary": view.summary,
        "start": task.start,
        "finish": task.finish,
        "early_start": task.early_start,
        "early_finish": task.early_finish,
        "late_start": task.late_start,
        "late_finish": task.late_finish,
        "total_slack_minutes": task.total_slack,
        "free_slack_minutes": task.free_slack,
        "critical": task.critical,
        "duration_minutes": task.duration,
        "type": task.type,
        "effort_driven": task.effort_driven,
        "milestone": task.milestone,
        "manual": task.manual,
        "constraint": task.constraint,
        "constraint_date": task.constraint_date,
        "deadline": task.deadline,
        "percent_complete": task.percent_complete,
        "actual_start": task.actual_start,
        "actual_finish": task.actual_finish,
        "leveling_delay_minutes": task.leveling_delay,
        "category": task.category,
        "work_minutes": view.work,
        "cost": view.cost,
        "actual_work_minutes": view.actual_work,
        "actual_cost": view.actual_cost,
        "revenue": view.revenue,
        "budget_work_minutes": view.budget_work,
        "budget_cost": view.budget_cost,
        "baseline_start": task.baseline_start,
        "baseline_finish": task.baseline_finish,
        "baseline_work_minutes": task.baseline_work,
        "baseline_cost": task.baseline_cost,
        "custom_fields": view.custom_fields,
    }
