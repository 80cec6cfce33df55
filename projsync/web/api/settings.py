"""``/api/v1/settings``: global integration settings, integration per company
and project, and integrating a worker. Administrators only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from projsync.cli.output import plain
from projsync.errors import refusal
from projsync.ledger.service import LedgerService
from projsync.sync import settings as sync_settings
from projsync.web.auth import context_of, require
from projsync.web.model import Right, User

__all__ = ["GlobalIn", "router"]

router = APIRouter(prefix="/api/v1/settings", tags=["settings"])
Admin = Depends(require(Right.SETTINGS))


class GlobalIn(BaseModel):
    """The settings to change; the others stay as they are."""

    model_config = ConfigDict(extra="forbid")

    custom_field_prefix: str | None = None
    no_header_projects: bool | None = None
    show_worker_rates: bool | None = None
    sync_interval_seconds: int | None = None
    max_attempts: int | None = None
    resync_hours: int | None = None
    notify_hours: int | None = None
    webhook_url: str | None = None
    delete_rule: str | None = None


class Integrate(BaseModel):
    integrate: bool


class ProjectIn(BaseModel):
    """What to change of a project's integration; what is not given stays."""

    model_config = ConfigDict(extra="forbid")

    integrate: bool | None = None
    plan_project: str | None = None
    owners: dict[str, str] | None = None
    """Field owners to change: field name to ledger, plan or none."""


class WorkerIn(BaseModel):
    integrated: bool


@router.get("")
def global_settings(request: Request, user: User = Admin) -> dict[str, Any]:
    return plain(sync_settings.load_global(context_of(request).sync))  # type: ignore[no-any-return]


@router.patch("")
def change_global(changes: GlobalIn, request: Request, user: User = Admin) -> dict[str, Any]:
    given = changes.model_dump(exclude_unset=True)
    updated = sync_settings.save_global(context_of(request).sync, **given)
    return plain(updated)  # type: ignore[no-any-return]


@router.get("/companies")
def companies(request: Request, user: User = Admin) -> list[dict[str, Any]]:
    context = context_of(request)
    integrated = sync_settings.integrated_companies(context.sync)
    return [
        {**plain(c), "integrate": c.id in integrated}
        for c in LedgerService(context.ledger).companies()
    ]


@router.put("/companies/{company}")
def set_company(
    company: str, body: Integrate, request: Request, user: User = Admin
) -> dict[str, Any]:
    context = context_of(request)
    if company not in {c.id for c in LedgerService(context.ledger).companies()}:
        raise refusal(f"company {company}", "unknown company")
    sync_settings.set_company(context.sync, company, integrate=body.integrate)
    return {"company": company, "integrate": body.integrate}


@router.get("/projects")
def projects(request: Request, user: User = Admin) -> list[dict[str, Any]]:
    context = context_of(request)
    known = sync_settings.project_settings_of(context.sync)
    listed = []
    for project in LedgerService(context.ledger).projects():
        found = known.get(project.id, sync_settings.ProjectSettings(project=project.id))
        listed.append(
            {
                "project": project.id,
                "name": project.name,
                "company": project.company,
                "parent": project.parent,
                "integrate": found.integrate,
                "plan_project": found.plan_project,
                "owners": dict(found.owners),
            }
        )
    return listed


@router.patch("/projects/{project_id}")
@router.put("/projects/{project_id}")
def set_project(
    project_id: str, body: ProjectIn, request: Request, user: User = Admin
) -> dict[str, Any]:
    """Change a project's integration, linked plan project and field owners.
    An owner of a field the sync does not compare is refused (422), and then
    nothing is changed."""
    context = context_of(request)
    LedgerService(context.ledger).project(project_id)
    found = sync_settings.set_project(
        context.sync,
        project_id,
        integrate=body.integrate,
        plan_project=body.plan_project,
        owners=body.owners,
    )
    return {
        "project": found.project,
        "integrate": found.integrate,
        "plan_project": found.plan_project,
        "owners": dict(found.owners),
    }


@router.put("/workers/{worker_id}")
def set_worker(
    worker_id: str, body: WorkerIn, request: Request, user: User = Admin
) -> dict[str, Any]:
    """Make a worker a resource of the plan (allowed only when the worker's
    company is integrated), or stop."""
    context = context_of(request)
    ledger = LedgerService(context.ledger)
    worker = ledger.worker(worker_id)
    if body.integrated and not sync_settings.company_integrated(context.sync, worker.company):
        raise refusal(
            f"worker {worker_id}", f"company {worker.company} is not integrated: integrate it first"
        )
    return plain(ledger.set_worker_integrated(worker_id, body.integrated))  # type: ignore[no-any-return]
