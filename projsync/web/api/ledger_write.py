"""``/api/v1``: create the ledger's projects, subprojects, activities and
workers, as ``projsync ledger project|activity|worker add`` does.

Every creation goes through ``LedgerService``, the CLI's path: one transaction,
every problem it finds, nothing written when it refuses. This module only
decides who may ask and how an answer reads over HTTP; it never checks the
data itself.

Answers: 201 with the created record, shaped as its GET; 401/403 as the rest
of the API; 404 when a named company or project is unknown or outside the
caller's companies; 409 when the id is taken; 422 listing every problem's
``where`` and ``what``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import pydantic
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict

from projsync.cli.output import plain
from projsync.errors import InputError
from projsync.ledger.model import Activity, Project, Worker, WorkerPrice
from projsync.ledger.service import LedgerService
from projsync.web.api.bounds import (
    ActivityNumber,
    CategoryId,
    CompanyId,
    Day,
    ProjectId,
    WorkerId,
    key,
    text,
)
from projsync.web.api.ledger import project_view
from projsync.web.api.numbers import ExactNumbersRoute, Hours, Price
from projsync.web.auth import context_of, require
from projsync.web.model import Right, User
from projsync.web.scope import visible_company, visible_project

__all__ = ["NewActivity", "NewProject", "NewWorker", "router"]

router = APIRouter(prefix="/api/v1", tags=["ledger"], route_class=ExactNumbersRoute)

ALREADY_EXISTS = "already exists"
"""The ledger service's words for a taken id: the only refusal answered 409."""

T = TypeVar("T")


@pydantic.dataclasses.dataclass(frozen=True, kw_only=True, config=ConfigDict(extra="forbid"))
class NewProject(Project):
    """The body of ``POST /projects``: the ledger's project record itself (a
    subproject when ``parent`` is set), with an unknown field refused rather
    than dropped: a mistyped ``parent`` must not make a top-level project.
    Its texts and dates are bounded as the API bounds them."""

    id: ProjectId
    company: CompanyId
    name: Annotated[str, text(200)]
    parent: ProjectId | None = None
    customer: Annotated[str, text(100)] | None = None
    contract: Annotated[str, text(100)] | None = None
    group: Annotated[str, text(100)] | None = None
    start: Day | None = None
    end: Day | None = None
    manager: Annotated[str, text(100)] | None = None
    projected_start: Day | None = None
    projected_end: Day | None = None


class NewActivity(BaseModel):
    """An activity of the project named in the path; ``parent`` is the number
    of an activity of the same project."""

    model_config = ConfigDict(extra="forbid")

    number: ActivityNumber
    name: Annotated[str, text(200)]
    parent: ActivityNumber | None = None
    category: CategoryId | None = None
    """An hour category; created on its first use, as on the command line."""
    start: Day | None = None
    end: Day | None = None
    planned_hours: Hours = Decimal("0")


class NewWorker(BaseModel):
    """A worker with a first price, valid from ``valid_from`` on."""

    model_config = ConfigDict(extra="forbid")

    id: WorkerId
    company: CompanyId
    name: Annotated[str, text(200)]
    calendar: Annotated[str, key(60)] = "Standard"
    cost_price: Price
    sales_price: Price
    valid_from: Day
    end_date: Day | None = None
    """The worker's last working day: no hours are posted after it."""


def created(write: Callable[[], T]) -> T:
    """Run a service call that creates something; its refusal becomes 409
    (the id is taken, and nothing else is wrong) or 422 (every problem)."""
    try:
        return write()
    except InputError as exc:
        problems = [{"where": p.where, "what": p.what} for p in exc.problems]
        taken = all(p.what == ALREADY_EXISTS for p in exc.problems)
        raise HTTPException(409 if taken else 422, problems) from None


@router.post("/projects", status_code=201)
def add_project(
    new: NewProject, request: Request, user: User = Depends(require(Right.LEDGER_WRITE))
) -> dict[str, Any]:
    """Create a project, or a subproject when ``parent`` is given."""
    context = context_of(request)
    visible_company(context, user, new.company)
    if new.parent is not None:
        visible_project(context, user, new.parent)
    service = LedgerService(context.ledger)
    created(lambda: service.add_project(new))
    return project_view(context, service.project(new.id))


@router.post("/projects/{project_id}/activities", status_code=201)
def add_activity(
    project_id: ProjectId,
    new: NewActivity,
    request: Request,
    user: User = Depends(require(Right.LEDGER_ACTIVITIES)),
) -> dict[str, Any]:
    """Add an activity to a project's WBS."""
    context = context_of(request)
    visible_project(context, user, project_id)
    service = LedgerService(context.ledger)
    activity = Activity(project=project_id, **new.model_dump())
    created(lambda: service.add_activity(activity))
    return plain(service.activity(project_id, activity.number))  # type: ignore[no-any-return]


@router.post("/workers", status_code=201)
def add_worker(
    new: NewWorker, request: Request, user: User = Depends(require(Right.LEDGER_WRITE))
) -> dict[str, Any]:
    """Create a worker with a first cost and sales price."""
    context = context_of(request)
    visible_company(context, user, new.company)
    worker = Worker(
        id=new.id,
        company=new.company,
        name=new.name,
        calendar=new.calendar,
        end_date=new.end_date,
    )
    price = WorkerPrice(
        worker=new.id,
        valid_from=new.valid_from,
        cost_price=new.cost_price,
        sales_price=new.sales_price,
    )
    service = LedgerService(context.ledger)
    return plain(created(lambda: service.add_worker(worker, price)))  # type: ignore[no-any-return]
