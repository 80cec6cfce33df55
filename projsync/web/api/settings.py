"""``/api/v1/settings``: global integration settings, integration per company
and project, and integrating a worker. Administrators only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from projsync.cli.output import plain
from projsync.errors import refusal
from projsync.ledger.service import LedgerService
from projsync.sync import settings as sync_settings
from projsync.web.api.bounds import CompanyId, Flag, ProjectId, WorkerId, key, text
from projsync.web.auth import context_of, require
from projsync.web.model import Right, User

__all__ = ["GlobalIn", "router"]

router = APIRouter(prefix="/api/v1/settings", tags=["settings"])
Admin = Depends(require(Right.SETTINGS))


def _unchanged(**bounds: Any) -> Any:
    """A setting left out stays as it is; given, it must be a value: null is
    refused as no value of its type."""
    return Field(None, **bounds)


def _whole(name: str) -> Any:
    """A whole-number setting within its range."""
    least, most = sync_settings.WHOLE_SETTINGS[name]
    return _unchanged(strict=True, ge=least, le=most)


class GlobalIn(BaseModel):
    """The settings to change; the others stay as they are. Only
    ``webhook_url`` may be null (no webhook): the others always have a value."""

    model_config = ConfigDict(extra="forbid")

    custom_field_prefix: Annotated[str, text(20)] = _unchanged()
    no_header_projects: Flag = _unchanged()
    show_worker_rates: Flag = _unchanged()
    sync_interval_seconds: int = _whole("sync_interval_seconds")
    max_attempts: int = _whole("max_attempts")
    resync_hours: int = _whole("resync_hours")
    notify_hours: int = _whole("notify_hours")
    webhook_url: Annotated[str, text(2000)] | None = None
    delete_rule: Annotated[str, text(20)] = _unchanged()


class Integrate(BaseModel):
    integrate: Flag


class ProjectIn(BaseModel):
    """What to change of a project's integration; what is not given stays."""

    model_config = ConfigDict(extra="forbid")

    integrate: Flag | None = None
    plan_project: ProjectId | None = None
    owners: dict[Annotated[str, key(60)], Annotated[str, key(10)]] | None = None
    """Field owners to change: field name to ledger, plan or none."""


class WorkerIn(BaseModel):
    integrated: Flag


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
    company: CompanyId, body: Integrate, request: Request, user: User = Admin
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
    project_id: ProjectId, body: ProjectIn, request: Request, user: User = Admin
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
    worker_id: WorkerId, body: WorkerIn, request: Request, user: User = Admin
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
