"""``/api/v1``: the ledger's companies, projects, activities, workers,
transactions and journals, scoped to the caller's companies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from projsync.cli.output import plain
from projsync.ledger.forecasts import list_forecasts
from projsync.ledger.model import TEXT_LIMIT, JournalLine, Project, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.reports import iter_transactions, project_totals
from projsync.ledger.service import LedgerService
from projsync.web.api.bounds import (
    ActivityNumber,
    CategoryId,
    Day,
    ProjectId,
    WorkerId,
    text,
)
from projsync.web.api.numbers import ExactNumbersRoute, Hours, Money
from projsync.web.auth import api_user, context_of, require
from projsync.web.context import Context
from projsync.web.model import Right, User
from projsync.web.scope import (
    journal_in_scope,
    visible_project,
    visible_projects,
    visible_worker,
    visible_workers,
)

__all__ = ["JournalIn", "LineIn", "check_own_lines", "project_view", "router"]

router = APIRouter(prefix="/api/v1", tags=["ledger"], route_class=ExactNumbersRoute)


@router.get("/companies")
def companies(request: Request, user: User = Depends(api_user)) -> list[dict[str, Any]]:
    """The companies the caller may see."""
    found = LedgerService(context_of(request).ledger).companies()
    return [plain(c) for c in found if user.sees(c.id)]


@router.get("/projects")
def projects(
    request: Request, user: User = Depends(require(Right.LEDGER_READ))
) -> list[dict[str, Any]]:
    """Projects and subprojects of the caller's companies."""
    return [plain(p) for p in visible_projects(context_of(request), user)]


@router.get("/projects/{project_id}")
def project(
    project_id: ProjectId, request: Request, user: User = Depends(require(Right.LEDGER_READ))
) -> dict[str, Any]:
    """A project with its totals (posted and forecast), its subprojects included."""
    context = context_of(request)
    return project_view(context, visible_project(context, user, project_id))


def project_view(context: Context, found: Project) -> dict[str, Any]:
    """A project as the API shows one: its fields and its totals."""
    return {**plain(found), "totals": plain(project_totals(context.ledger, found.id))}


@router.get("/projects/{project_id}/activities")
def activities(
    project_id: ProjectId, request: Request, user: User = Depends(api_user)
) -> list[dict[str, Any]]:
    """A project's WBS (team members may read it to book their time)."""
    if not (user.can(Right.LEDGER_READ) or user.can(Right.OWN_TIME)):
        raise HTTPException(403, f"the role {user.role} lacks the right {Right.LEDGER_READ}")
    context = context_of(request)
    visible_project(context, user, project_id)
    return [plain(a) for a in LedgerService(context.ledger).activities(project_id)]


@router.get("/projects/{project_id}/forecasts")
def forecasts(
    project_id: ProjectId, request: Request, user: User = Depends(require(Right.LEDGER_READ))
) -> list[dict[str, Any]]:
    context = context_of(request)
    visible_project(context, user, project_id)
    return [plain(f) for f in list_forecasts(context.ledger, project_id)]


@router.get("/workers")
def workers(request: Request, user: User = Depends(api_user)) -> list[dict[str, Any]]:
    """Workers of the caller's companies; a team member sees only themselves."""
    if not user.can(Right.LEDGER_READ) and not user.can(Right.OWN_TIME):
        raise HTTPException(403, f"the role {user.role} lacks the right {Right.LEDGER_READ}")
    return [plain(w) for w in visible_workers(context_of(request), user)]


@router.get("/transactions")
def transactions(
    request: Request,
    user: User = Depends(api_user),
    project: ProjectId | None = None,
    worker: WorkerId | None = None,
    since: Day | None = None,
    until: Day | None = None,
    limit: int = Query(1000, ge=1, le=100_000),
) -> list[dict[str, Any]]:
    """Posted transactions, oldest first. A user without ``ledger:read`` sees
    only their own worker's."""
    context = context_of(request)
    if not user.can(Right.LEDGER_READ):
        if not user.can(Right.OWN_TIME) or user.worker is None:
            raise HTTPException(403, f"the role {user.role} lacks the right {Right.LEDGER_READ}")
        if worker is not None and worker != user.worker:
            raise HTTPException(403, "a team member sees only their own time")
        worker = user.worker
    if project is not None:
        visible_project(context, user, project)
    if worker is not None:
        visible_worker(context, user, worker)
    allowed = {p.id for p in visible_projects(context, user)}
    found = iter_transactions(
        context.ledger, project=project, worker=worker, since=since, until=until
    )
    listed: list[dict[str, Any]] = []
    for item in found:
        if item.project in allowed:
            listed.append(plain(item))
            if len(listed) >= limit:
                break
    return listed


PostingText = Annotated[str, text(TEXT_LIMIT)]


class LineIn(BaseModel):
    """One journal line: an hour needs a worker and hours; an expense or fee an amount."""

    kind: Literal["hour", "expense", "fee"]
    project: ProjectId
    activity: ActivityNumber
    date: Day
    worker: WorkerId | None = None
    hours: Hours | None = None
    amount: Money | None = None
    category: CategoryId | None = None
    text: PostingText = ""
    """What the line is for."""


class JournalIn(BaseModel):
    source: Annotated[str, text(200)] = "api"
    lines: list[LineIn] = Field(min_length=1)


def check_own_lines(user: User, lines: list[JournalLine]) -> None:
    """A poster without ``ledger:post`` posts only their own hours and expenses."""
    if user.can(Right.LEDGER_POST):
        return
    if not user.can(Right.OWN_TIME) or user.worker is None:
        raise HTTPException(403, f"the role {user.role} lacks the right {Right.LEDGER_POST}")
    for line in lines:
        if line.kind is TransactionKind.FEE or line.worker != user.worker:
            raise HTTPException(
                403,
                f"line {line.line}: a team member posts only their own hours and expenses "
                f"(worker {user.worker})",
            )


@router.post("/journals", status_code=201)
def post(journal: JournalIn, request: Request, user: User = Depends(api_user)) -> dict[str, Any]:
    """Post a journal, all or nothing: 422 lists every refused line and why."""
    context = context_of(request)
    lines = [
        JournalLine(
            line=number,
            kind=TransactionKind(item.kind),
            project=item.project,
            activity=item.activity,
            date=item.date,
            worker=item.worker,
            hours=item.hours,
            amount=item.amount,
            category=item.category,
            text=item.text,
        )
        for number, item in enumerate(journal.lines, start=1)
    ]
    check_own_lines(user, lines)
    scoped = journal_in_scope(context, user, lines)
    result = post_journal(context.ledger, scoped, source=f"{journal.source} ({user.login})")
    return plain(result)  # type: ignore[no-any-return]
