"""``/api/v1/plan``: plan projects, their tasks (the Gantt chart's data), links,
resources and over-allocations."""

from __future__ import annotations

import gzip
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from projsync.cli.output import plain
from projsync.plan.changes import current_version
from projsync.plan.entities import PlanLink, TaskType, TaskView
from projsync.plan.model import DependencyType
from projsync.plan.scheduling import project_overallocations, schedule_project
from projsync.plan.service import PlanService
from projsync.plan.views import project_view
from projsync.web.api.bounds import Flag, LagMinutes, Minutes, ProjectId, TaskId, text
from projsync.web.auth import context_of, require
from projsync.web.context import Context
from projsync.web.model import Right, User
from projsync.web.plan_grid import GridEdit, save_row
from projsync.web.scope import plan_companies, visible_plan_project, visible_resources

__all__ = ["router", "task_rows"]


async def plan_here(request: Request, user: User = Depends(require(Right.PLAN_READ))) -> None:
    """409 when the plan store is not the plan side: its data would be stale
    (to those who may read the plan; the others get their 403 first)."""
    elsewhere = context_of(request).plan_elsewhere()
    if elsewhere is not None:
        raise HTTPException(409, elsewhere)


router = APIRouter(prefix="/api/v1/plan", tags=["plan"], dependencies=[Depends(plan_here)])


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
                "type": task.type.value,
                "effort_driven": task.effort_driven,
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
        companies = plan_companies(context)
        found = [p for p in found if user.sees(companies.get(p.id, ""))]
    return [plain(p) for p in found]


@router.get(
    "/projects/{project_id}/tasks",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
async def tasks(
    project_id: ProjectId, request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> Response:
    """The project and its tasks in outline order (each with its outline level,
    dates, progress, criticality, work, cost and actuals), with the links
    between them: what the Gantt chart draws."""
    context = context_of(request)
    visible_plan_project(context, user, project_id)  # short reads: on the event loop
    # The version first: a write landing before the project is read makes the
    # body newer than its key, never older.
    with context.plan.read() as conn:
        version = str(current_version(conn))
    tag = f'"{project_id}@{version}"'
    headers = {"ETag": tag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    key = ("plan-tasks", project_id, version)

    def render() -> bytes:
        return json.dumps(_tasks_payload(context, project_id), separators=(",", ":")).encode()

    zipped = "gzip" in request.headers.get("accept-encoding", "")
    if zipped:
        headers["Content-Encoding"] = "gzip"
    body = context.kept((*key, "gzip") if zipped else key)
    if body is None:  # reading the project is long: not on the event loop
        body = await run_in_threadpool(
            lambda: (
                context.rendered(
                    (*key, "gzip"), lambda: gzip.compress(context.rendered(key, render), 6)
                )
                if zipped
                else context.rendered(key, render)
            )
        )
    return Response(body, media_type="application/json", headers=headers)


def _tasks_payload(context: Context, project_id: str) -> dict[str, Any]:
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
    project_id: ProjectId, request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> list[dict[str, Any]]:
    context = context_of(request)
    visible_plan_project(context, user, project_id)
    return [plain(o) for o in project_overallocations(context.plan, project_id).periods]


@router.get("/projects/{project_id}/beyond-availability")
def beyond_availability(
    project_id: ProjectId, request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> list[dict[str, Any]]:
    """Each assignment's work after its resource's last available day."""
    context = context_of(request)
    visible_plan_project(context, user, project_id)
    report = project_overallocations(context.plan, project_id)
    return [plain(o) for o in report.beyond_availability]


@router.get("/resources")
def resources(
    request: Request, user: User = Depends(require(Right.PLAN_READ))
) -> list[dict[str, Any]]:
    """The resources of the caller's companies' workers."""
    return [plain(r) for r in visible_resources(context_of(request), user)]


class LinkIn(BaseModel):
    predecessor: TaskId
    type: DependencyType = DependencyType.FS
    lag_minutes: LagMinutes = 0


class TaskChange(BaseModel):
    """The fields to change; the others stay as they are. ``predecessors``,
    when given, replaces the task's links in. A task with resources
    recalculates its work, units or duration by its ``type``, as Microsoft
    Project does; ``effort_driven`` says whether adding or removing a
    resource keeps its work."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, text(250, min_length=1)] | None = None
    duration_minutes: Minutes | None = None
    work_minutes: Minutes | None = None
    type: TaskType | None = None
    effort_driven: Flag | None = None
    percent_complete: int | None = Field(None, strict=True, ge=0, le=100)
    predecessors: list[LinkIn] | None = None


@router.patch("/projects/{project_id}/tasks/{task_id}")
def change_task(
    project_id: ProjectId,
    task_id: TaskId,
    change: TaskChange,
    request: Request,
    user: User = Depends(require(Right.PLAN_WRITE)),
) -> dict[str, Any]:
    """Change a task (422 lists every problem, such as a link that makes a loop)."""
    context = context_of(request)
    visible_plan_project(context, user, project_id)
    fields = {
        name: value
        for name, value in (
            ("name", change.name),
            ("duration", change.duration_minutes),
            ("work", change.work_minutes),
            ("type", change.type),
            ("effort_driven", change.effort_driven),
            ("percent_complete", change.percent_complete),
        )
        if value is not None
    }
    links = (
        None
        if change.predecessors is None
        else [
            PlanLink(
                project=project_id,
                predecessor=link.predecessor,
                successor=task_id,
                type=link.type,
                lag=link.lag_minutes,
            )
            for link in change.predecessors
        ]
    )
    task = PlanService(context.plan).update_task(project_id, task_id, links, **fields)
    return plain(task)  # type: ignore[no-any-return]


@router.post("/projects/{project_id}/schedule")
def schedule(
    project_id: ProjectId, request: Request, user: User = Depends(require(Right.PLAN_WRITE))
) -> dict[str, Any]:
    """Schedule the project: critical path, slack and dates written to its tasks."""
    context = context_of(request)
    visible_plan_project(context, user, project_id)
    return plain(schedule_project(context.plan, project_id))  # type: ignore[no-any-return]


class GridRow(BaseModel):
    """A row of the plan page's grid, as typed: the fields given change, the
    others stay. ``duration`` reads like ``3d``, ``24h``, ``2ed``;
    ``predecessors`` like ``T2,T1:SS+1d,T4:FF-2h`` and replaces the task's
    links in (an empty text removes them)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, text(250, min_length=1)] | None = None
    duration: Annotated[str, text(40, min_length=1)] | None = None
    predecessors: Annotated[str, text(2000)] | None = None
    percent_complete: int | None = Field(None, strict=True, ge=0, le=100)
    type: TaskType | None = None
    resources: Annotated[str, text(2000)] | None = None
    """Resource ids, comma-separated: the task's resources after the edit."""


@router.patch("/projects/{project_id}/grid/{task_id}")
def save_grid_row(
    project_id: ProjectId,
    task_id: TaskId,
    row: GridRow,
    request: Request,
    user: User = Depends(require(Right.PLAN_WRITE)),
) -> dict[str, Any]:
    """Change a task as the grid's row says and reschedule the project, in one
    transaction: 422 lists every problem (a duration that cannot be read, an
    unknown predecessor or resource, a link that closes a cycle) and nothing
    is saved. Resources are those of the caller's companies' workers.
    Answers the task and every task's new dates."""
    context = context_of(request)
    visible_plan_project(context, user, project_id)
    outcome = save_row(
        context.plan,
        project_id,
        task_id,
        GridEdit(
            name=row.name,
            duration=row.duration,
            predecessors=row.predecessors,
            percent_complete=row.percent_complete,
            type=row.type,
            resources=row.resources,
        ),
        visible_resources=(
            None if user.all_companies else {r.id for r in visible_resources(context, user)}
        ),
    )
    with context.plan.read() as conn:
        task = PlanService(context.plan).task_in(conn, project_id, task_id)
    return {"task": plain(task), "schedule": plain(outcome)}
