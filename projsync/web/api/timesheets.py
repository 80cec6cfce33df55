"""``/api/v1/timesheets``: the plan server's timesheets. A person records and
submits the hours of their own resource (their worker's, as the sync links
them); a project manager or an administrator approves, rejects or reopens
the submitted weeks of the resources of their companies. Lines on projects
of another company are neither listed nor approved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict

from projsync.cli.output import plain
from projsync.errors import refusal
from projsync.plan.entities import TimesheetCell, TimesheetEntry, TimesheetStatus, TimesheetWeek
from projsync.plan.timesheets import TimesheetService, parse_week, week_name
from projsync.web.api.bounds import Day, ProjectId, ResourceId, TaskId, WeekName, text
from projsync.web.api.numbers import ExactNumbersRoute, Hours
from projsync.web.auth import context_of, require
from projsync.web.context import Context
from projsync.web.model import Right, User
from projsync.web.scope import (
    may_decide,
    may_record,
    not_found,
    plan_companies,
    timesheet_resources,
    visible_plan_project,
)

__all__ = ["line_json", "router", "week_json"]


async def plan_here(request: Request, user: User = Depends(require(Right.OWN_TIME))) -> None:
    """409 when the plan store is not the plan side: its timesheets are not the ones kept."""
    elsewhere = context_of(request).plan_elsewhere()
    if elsewhere is not None:
        raise HTTPException(409, elsewhere)


router = APIRouter(
    prefix="/api/v1/timesheets",
    tags=["timesheets"],
    route_class=ExactNumbersRoute,
    dependencies=[Depends(plan_here)],
)

Note = Annotated[str, text(250)]


def line_json(entry: TimesheetEntry) -> dict[str, Any]:
    return {**plain(entry), "week": week_name(entry.day)}


def week_json(week: TimesheetWeek) -> dict[str, Any]:
    return {**plain(week), "week": week_name(week.week), "monday": week.week.isoformat()}


def _seen(context: Context, user: User, resource: str | None) -> set[str] | None:
    """The resources to list: the one asked for (404 when the user does not
    see it), else every one the user sees (None: all)."""
    scope = timesheet_resources(context, user)
    if resource is None:
        return scope
    if scope is not None and resource not in scope:
        raise not_found(f"resource {resource}")
    return {resource}


@dataclass(frozen=True, slots=True, kw_only=True)
class Wanted:
    """A listing's filters, read from its query, within what the user sees."""

    user: User
    resources: set[str] | None
    week: dt.date | None
    status: TimesheetStatus | None


def wanted(
    request: Request,
    resource: ResourceId | None = None,
    week: WeekName | None = None,
    status: TimesheetStatus | None = None,
    user: User = Depends(require(Right.OWN_TIME)),
) -> Wanted:
    return Wanted(
        user=user,
        resources=_seen(context_of(request), user, resource),
        week=None if week is None else parse_week(week, "week"),
        status=status,
    )


@router.get("/lines")
def lines(request: Request, asked: Wanted = Depends(wanted)) -> list[dict[str, Any]]:
    """Timesheet lines the caller sees, by resource and day (removed ones,
    kept until the ledger withdraws them, only with ``status=deleted``)."""
    context, user = context_of(request), asked.user
    found = TimesheetService(context.plan).lines(
        resources=asked.resources, week=asked.week, status=asked.status
    )
    if not user.all_companies:
        companies = plan_companies(context)
        found = [e for e in found if user.sees(companies.get(e.project, ""))]
    return [line_json(e) for e in found]


class LineIn(BaseModel):
    """Hours of a resource on one task and day; 0 removes the line."""

    model_config = ConfigDict(extra="forbid")

    resource: ResourceId
    project: ProjectId
    task: TaskId
    day: Day
    hours: Hours
    note: Note = ""


@router.put("/lines")
def set_line(
    line: LineIn, request: Request, user: User = Depends(require(Right.OWN_TIME))
) -> dict[str, Any]:
    """Set one's hours on a task and day, replacing what was there (422 says
    why it is refused: a week submitted, more than 24 hours in a day, ...).
    ``line`` is null once the line is removed."""
    context = context_of(request)
    may_record(context, user, line.resource)
    visible_plan_project(context, user, line.project)
    cell = TimesheetCell(
        project=line.project, task=line.task, day=line.day, hours=line.hours, note=line.note
    )
    written = TimesheetService(context.plan).record(line.resource, [cell])
    return {"line": line_json(written[0]) if written else None}


@router.get("/weeks")
def weeks(request: Request, asked: Wanted = Depends(wanted)) -> list[dict[str, Any]]:
    """Weeks with hours the caller sees, with status and totals:
    ``status=submitted`` lists those waiting for a manager."""
    found = TimesheetService(context_of(request).plan).weeks(
        resources=asked.resources, week=asked.week, status=asked.status
    )
    return [week_json(w) for w in found]


@router.post("/weeks/{resource}/{week}/submit")
def submit(
    resource: ResourceId,
    week: WeekName,
    request: Request,
    user: User = Depends(require(Right.OWN_TIME)),
) -> dict[str, Any]:
    """Hand one's draft or rejected week to a manager."""
    context = context_of(request)
    may_record(context, user, resource)
    return week_json(TimesheetService(context.plan).submit(resource, parse_week(week, "week")))


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class Review(BaseModel):
    """Approve a submitted week, or reject it with a comment saying why."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    comment: Note = ""


@router.post("/weeks/{resource}/{week}/review")
def review(
    resource: ResourceId,
    week: WeekName,
    decision: Review,
    request: Request,
    user: User = Depends(require(Right.PLAN_WRITE)),
) -> dict[str, Any]:
    """Approve a submitted week (its hours go to the ledger at the next sync),
    or reject it: the resource edits it and submits it again."""
    context = context_of(request)
    monday = parse_week(week, "week")
    may_decide(context, user, resource, monday)
    sheets = TimesheetService(context.plan)
    if decision.decision is Decision.REJECT:
        return week_json(sheets.reject(resource, monday, decision.comment))
    if decision.comment:
        raise refusal("comment", "a comment goes with a rejection or a reopening")
    return week_json(sheets.approve(resource, monday))


class Reopening(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Note = ""


@router.post("/weeks/{resource}/{week}/reopen")
def reopen(
    resource: ResourceId,
    week: WeekName,
    reopening: Reopening,
    request: Request,
    user: User = Depends(require(Right.PLAN_WRITE)),
) -> dict[str, Any]:
    """Make an approved week a draft again: its hours are withdrawn from the
    ledger until it is approved again."""
    context = context_of(request)
    monday = parse_week(week, "week")
    may_decide(context, user, resource, monday)
    return week_json(TimesheetService(context.plan).reopen(resource, monday, reopening.comment))
