"""``/api/v1/plan``: plan projects, their tasks (the Gantt chart's data), links,
resources and over-allocations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from projsync.cli.output import plain
from projsync.plan.entities import TaskView
from projsync.plan.scheduling import project_overallocations
from projsync.plan.service import PlanService
from projsync.plan.views import project_view
from projsync.web.auth import context_of, require
from projsync.web.model import Right, User
from projsync.web.scope import plan_project_company, visible_plan_project

__all__ = ["router", "task_rows"]

router = APIRouter(prefix="/api/v1/plan", tags=["plan"])


def task_rows(views: list[TaskView]) -> list[dict[str, Any]]:
    """Tasks in outline order with their level, dates, progress and roll-ups."""
    levels: dict[str, int] = {}
    rows = []
    for view in views:
        task = view.task
        levels[task.id] = levels[task.parent] + 1 if task.parent in levels else 1
        rows.append(
            {
                "id": task.id,
                "name": task.name,
                "parent": task.parent,
                "outline_level": levels[task.id],
                "summary": view.summary,
                "milestone": task.milestone,
                "start": plain(task.start),
                "finish": plain(task.finish),
                "duration_minutes": task.duration,
                "percent_complete": task.percent_complete,
                "critical": task.critical,
                "total_slack_minutes": task.total_slack,
                "work_minutes": view.work,
                "actual_work_minutes": view.actual_work,
                "cost": str(view.cost),
                "actual_cost": str(view.actual_cost),
                "revenue": str(view.revenue),
                "budget_work_minutes": view.budget_work,
                "budget_cost": str(view.budget_cost),
                "baseline_start": plain(task.baseline_start),
                "baseline_finish": plain(task.baseline_finish),
            }
        )
    return rows


@router.get("/projects")
def projects(
    request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> list[dict[str, Any]]:
    """Plan projects the caller may see."""
    context = context_of(request)
    found = PlanService(context.plan).projects()
    if not user.all_companies:
        found = [p for p in found if (c := plan_project_company(context, p.id)) and user.sees(c)]
    return [plain(p) for p in found]


@router.get("/projects/{project_id}/tasks")
def tasks(
    project_id: str, request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> dict[str, Any]:
    """The project and its tasks in outline order, with the links between them."""
    context = context_of(request)
    visible_plan_project(context, user, project_id)
    project, views, custom = project_view(context.plan, project_id)
    links = PlanService(context.plan).links(project_id)
    return {
        "project": {**plain(project), "custom_fields": plain(custom)},
        "tasks": task_rows(views),
        "links": [
            {
                "predecessor": link.predecessor,
                "successor": link.successor,
                "type": link.type.value,
                "lag_minutes": link.lag,
            }
            for link in links
        ],
    }


@router.get("/projects/{project_id}/overallocations")
def overallocations(
    project_id: str, request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> list[dict[str, Any]]:
    context = context_of(request)
    visible_plan_project(context, user, project_id)
    return [plain(o) for o in project_overallocations(context.plan, project_id)]


@router.get("/resources")
def resources(
    request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> list[dict[str, Any]]:
    return [plain(r) for r in PlanService(context_of(request).plan).resources()]
