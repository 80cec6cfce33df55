"""The administrator's pages: the integration log (filters, details,
resynchronize, cancel, run now) and the settings."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from projsync.errors import InputError, refusal
from projsync.ledger.model import Project
from projsync.ledger.service import LedgerService
from projsync.sync import settings as sync_settings
from projsync.sync.log import LogStatus, cancel_entry, resync_entry
from projsync.sync.requests import request_resync, resolve_conflict
from projsync.sync.scope import header_projects, integrated_through, integrating
from projsync.web import log_view
from projsync.web.api.bounds import LogEntryId
from projsync.web.api.sync import log_entry
from projsync.web.auth import context_of, require
from projsync.web.model import Right, User
from projsync.web.pages.render import page
from projsync.web.scope import entity_filter

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _back(target: str, **message: str) -> Response:
    return RedirectResponse(f"{target}?{urlencode(message)}" if message else target, 303)


@router.get("/log", response_class=HTMLResponse)
def log_page(
    request: Request,
    status: list[str] = Query([]),
    entity_type: list[str] = Query([]),
    origin: list[str] = Query([]),
    destination: list[str] = Query([]),
    direction: str = "",
    run: str = "",
    entity: str = "",
    since: str = "",
    until: str = "",
    before: str = "",
    after: str = "",
    done: str = "",
    error: str = "",
    user: User = Depends(require(Right.SYNC_READ, page=True)),
) -> Response:
    """The log a page at a time (``before`` or ``after`` an entry's id), its
    filters lists that combine, and kept from page to page."""
    wanted, problems = log_view.read_filters(
        status=status,
        entity_type=entity_type,
        origin=origin,
        destination=destination,
        direction=direction,
        run=run,
        entity=entity,
        since=since,
        until=until,
    )
    cursor: dict[str, int] = {}
    for name, text in (("before", before), ("after", after)):
        if text.strip().isdigit() and len(text.strip()) < 19:
            cursor[name] = int(text.strip())
        elif text:
            problems.append(f"{name} {text!r} is not a log entry's id")
    context = context_of(request)
    shown = (
        log_view.log_page(
            context,
            wanted,
            visible=entity_filter(context, user),
            before=cursor.get("before"),
            after=None if "before" in cursor else cursor.get("after"),
        )
        if not problems
        else log_view.LogPage(entries=[], newer=None, older=None)
    )
    runs = log_view.recent_runs(context)
    if wanted.run is not None and wanted.run not in {r for r, _ in runs}:
        runs.insert(0, (wanted.run, None))
    return page(
        request,
        "log.html",
        user,
        entries=shown.entries,
        newer=shown.newer,
        older=shown.older,
        paged=bool(cursor),
        newest=wanted.link(),
        download=urlencode(wanted.query),
        statuses=[s.value for s in LogStatus],
        entity_words=list(log_view.ENTITY_WORDS.values()),
        words_wanted=[log_view.entity_word(t) for t in wanted.entity_types],
        origins=log_view.ORIGINS,
        destinations=log_view.DESTINATIONS,
        runs=runs,
        wanted=wanted,
        filters={"entity": entity, "since": since, "until": until},
        word=log_view.entity_word,
        version=log_view.shown_version,
        rows=log_view.payload_rows,
        problems=problems,
        done=done,
        error=error,
        can_manage=user.can(Right.SYNC_MANAGE),
    )


@router.post("/log/{entry_id}/resolve")
def resolve_action(
    entry_id: LogEntryId,
    request: Request,
    keep: str = Form(""),
    value: str | None = Form(None),
    user: User = Depends(require(Right.SYNC_MANAGE, page=True)),
) -> Response:
    """A person's decision on a held conflict, carried out by a sync at once."""
    context = context_of(request)
    try:
        log_entry(context, entry_id, user)
        decided = resolve_conflict(
            context.sync,
            entry_id,
            keep=keep or None,
            value=None if keep else (value or ""),
            user=user.login,
        )
    except InputError as exc:
        return _back("/log", error=str(exc))
    except HTTPException:
        return _back("/log", error=f"log entry {entry_id}: unknown entry")
    context.run_sync()
    after = log_entry(context, entry_id, user)
    told = f"keep the {keep}'s value" if keep else f"the value {decided['value']!r}"
    if after.status is LogStatus.CONFLICT:
        return _back("/log", error=f"Log entry {entry_id}: {after.error}")
    return _back("/log", done=f"Log entry {entry_id} resolved ({told}): {after.status}.")


@router.post("/projects/{project_id}/resync")
def resync_action(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.SYNC_MANAGE, page=True)),
) -> Response:
    """Resynchronize a project from its page or the project center."""
    context = context_of(request)
    visible = entity_filter(context, user)
    target = f"/projects/{project_id}"
    if visible is not None and not visible.project(project_id):
        return _back("/projects", error=f"project {project_id}: unknown project")
    try:
        entry = request_resync(context.sync, project_id, user=user.login)
    except InputError as exc:
        return _back(target, error=str(exc))
    context.run_sync()
    after = log_entry(context, entry, user)
    if after.error:
        return _back(target, error=str(after.error))
    found = after.payload.get("differences")
    said = "no differences" if not found else f"{found} difference(s) remain"
    return _back(target, done=f"Resynchronized {project_id}: {said}.")


@router.post("/log/{entry_id}/{action}")
def log_action(
    entry_id: LogEntryId,
    action: str,
    request: Request,
    user: User = Depends(require(Right.SYNC_MANAGE, page=True)),
) -> Response:
    targets = {
        "resync": (resync_entry, "will be synchronized again at the next run"),
        "cancel": (cancel_entry, "cancelled"),
    }
    if action not in targets:
        return _back("/log", error=f"unknown action {action}")
    change, said = targets[action]
    context = context_of(request)
    try:
        log_entry(context, entry_id, user)
        change(context.sync, entry_id)
    except InputError as exc:
        return _back("/log", error=str(exc))
    except HTTPException:
        return _back("/log", error=f"log entry {entry_id}: unknown entry")
    return _back("/log", done=f"Log entry {entry_id} {said}.")


@router.post("/sync/run")
def run_now(
    request: Request, user: User = Depends(require(Right.SYNC_MANAGE, page=True))
) -> Response:
    report = context_of(request).run_sync()
    if report.run is None:
        return _back("/log", done="Nothing to synchronize.")
    counts = report.summary()
    said = ", ".join(f"{counts[k]} {k}" for k in ("created", "updated", "deleted", "failed"))
    return _back("/log", done=f"Sync run {report.run}: {said}.")


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request,
    done: str = "",
    error: str = "",
    user: User = Depends(require(Right.SETTINGS, page=True)),
) -> Response:
    context = context_of(request)
    ledger = LedgerService(context.ledger)
    integrated = sync_settings.integrated_companies(context.sync)
    projects = sync_settings.project_settings_of(context.sync)
    listed = ledger.projects()
    settings = sync_settings.load_global(context.sync)
    return page(
        request,
        "settings.html",
        user,
        settings=settings,
        companies=[(c, c.id in integrated) for c in ledger.companies()],
        projects=[
            (p, projects.get(p.id, sync_settings.ProjectSettings(project=p.id))) for p in listed
        ],
        integration=project_integration(listed, projects, integrated, settings),
        workers=ledger.workers(),
        integrated=integrated,
        default_owners=_owners_by_side(),
        done=done,
        error=error,
    )


def project_integration(
    projects: Sequence[Project],
    chosen: Mapping[str, sync_settings.ProjectSettings],
    companies: Collection[str],
    settings: sync_settings.GlobalSettings,
) -> dict[str, str]:
    """Each project's integration in words, as a run decides it
    (``projsync.sync.scope``): integrated by its own setting, through the
    ancestor whose setting integrates it, or not, and why not."""
    parents = {p.id: p.parent for p in projects}
    through = integrated_through(
        parents,
        {p.id: p.company for p in projects},
        chosen,
        companies,
        no_header_projects=settings.no_header_projects,
    )
    tops = header_projects(parents) if settings.no_header_projects else set()
    said = {}
    for p in projects:
        if p.id in through:
            said[p.id] = "integrated" if through[p.id] == p.id else f"through {through[p.id]}"
        elif integrating(p.id, parents, chosen) is None:
            said[p.id] = "not integrated"
        elif p.id in tops:
            said[p.id] = "not integrated: a header project (its subprojects are)"
        else:
            said[p.id] = f"not integrated: company {p.company} is not"
    return said


@router.get("/settings/projects/{project_id}", response_class=HTMLResponse)
def project_owners_page(
    project_id: str,
    request: Request,
    done: str = "",
    error: str = "",
    user: User = Depends(require(Right.SETTINGS, page=True)),
) -> Response:
    """A project's field owners, a choice of side for each field."""
    context = context_of(request)
    try:
        project = LedgerService(context.ledger).project(project_id)
    except InputError:
        return page(request, "error.html", user, status_code=404, message="Unknown project.")
    chosen = sync_settings.project_settings_of(context.sync).get(project_id)
    owners = chosen.owners if chosen is not None else sync_settings.DEFAULT_OWNERS
    return page(
        request,
        "project_owners.html",
        user,
        project=project,
        fields=[
            (name, sync_settings.DEFAULT_OWNERS.get(name, "none"), owners.get(name, "none"))
            for name in sync_settings.OWNABLE_FIELDS
        ],
        sides=sync_settings.SIDES,
        done=done,
        error=error,
    )


@router.post("/settings/projects/{project_id}/owners")
async def save_project_owners(
    project_id: str,
    request: Request,
    user: User = Depends(require(Right.SETTINGS, page=True)),
) -> Response:
    """Set a project's field owners as ``projsync settings project P --owner
    FIELD=SIDE`` does (``projsync.sync.settings.set_project``): every field's
    side, as chosen (``owner:FIELD``); a wrong field or side refuses them all."""
    context = context_of(request)
    try:
        LedgerService(context.ledger).project(project_id)
    except InputError:
        return _back("/settings", error=f"project {project_id}: unknown project")
    form = await request.form()
    owners = {
        name.removeprefix("owner:"): str(value).strip()
        for name, value in form.multi_items()
        if name.startswith("owner:")
    }
    target = f"/settings/projects/{project_id}"
    try:
        sync_settings.set_project(context.sync, project_id, owners=owners)
    except InputError as exc:
        return _back(target, error=str(exc))
    return _back(target, done=f"Field owners of {project_id} saved.")


def _owners_by_side() -> dict[str, list[str]]:
    """The fields with an owner, listed under their default owner's side."""
    found: dict[str, list[str]] = {side: [] for side in sync_settings.SIDES}
    for name in sync_settings.OWNABLE_FIELDS:
        found[sync_settings.DEFAULT_OWNERS.get(name, "none")].append(name)
    return found


@router.post("/settings/global")
async def save_global(
    request: Request, user: User = Depends(require(Right.SETTINGS, page=True))
) -> Response:
    form = await request.form()
    changes: dict[str, Any] = {}
    problems = []
    for name in ("custom_field_prefix", "delete_rule"):
        changes[name] = str(form.get(name, "")).strip()
    changes["webhook_url"] = str(form.get("webhook_url", "")).strip() or None
    for name in ("no_header_projects", "show_worker_rates"):
        changes[name] = form.get(name) == "on"
    for name in ("sync_interval_seconds", "max_attempts", "resync_hours", "notify_hours"):
        text = str(form.get(name, "")).strip()
        try:
            changes[name] = int(text)
        except ValueError:
            problems.append(f"{name.replace('_', ' ')}: {text!r} is not a whole number")
    if problems:
        return _back("/settings", error="; ".join(problems))
    try:
        sync_settings.save_global(context_of(request).sync, **changes)
    except InputError as exc:
        return _back("/settings", error=str(exc))
    return _back("/settings", done="Global settings saved.")


@router.post("/settings/companies/{company}")
def save_company(
    company: str,
    request: Request,
    integrate: str = Form(""),
    user: User = Depends(require(Right.SETTINGS, page=True)),
) -> Response:
    context = context_of(request)
    if company not in {c.id for c in LedgerService(context.ledger).companies()}:
        return _back("/settings", error=f"company {company}: unknown company")
    sync_settings.set_company(context.sync, company, integrate=integrate == "on")
    return _back("/settings", done=f"Company {company} saved.")


@router.post("/settings/projects/{project_id}")
def save_project(
    project_id: str,
    request: Request,
    integrate: str = Form(""),
    plan_project: str = Form(""),
    owners: str = Form(""),
    user: User = Depends(require(Right.SETTINGS, page=True)),
) -> Response:
    context = context_of(request)
    try:
        LedgerService(context.ledger).project(project_id)
        current = sync_settings.project_settings_of(context.sync).get(project_id)
        sync_settings.set_project(
            context.sync,
            project_id,
            integrate=integrate == "on",
            plan_project=plan_project.strip() or None,
            owners=_owners_replacing(current, owners),
        )
    except InputError as exc:
        return _back("/settings", error=str(exc))
    return _back("/settings", done=f"Project {project_id} saved.")


def _owners_replacing(current: sync_settings.ProjectSettings | None, text: str) -> dict[str, str]:
    """The owners typed on the page (``name=plan, start=ledger``) in place of
    the project's own: an owner no longer listed goes back to its default."""
    typed: dict[str, str] = {}
    for item in text.replace(";", ",").split(","):
        if not item.strip():
            continue
        name, _, side = item.partition("=")
        if not name.strip() or not side.strip():
            raise refusal("owners", f"{item.strip()!r} is not FIELD=SIDE")
        typed[name.strip()] = side.strip()
    earlier = current.own_owners() if current is not None else {}
    reset = {name: sync_settings.DEFAULT_OWNERS.get(name, "none") for name in earlier}
    return {**reset, **typed}


@router.post("/settings/workers/{worker_id}")
def save_worker(
    worker_id: str,
    request: Request,
    integrated: str = Form(""),
    user: User = Depends(require(Right.SETTINGS, page=True)),
) -> Response:
    context = context_of(request)
    ledger = LedgerService(context.ledger)
    try:
        worker = ledger.worker(worker_id)
        wanted = integrated == "on"
        if wanted and not sync_settings.company_integrated(context.sync, worker.company):
            return _back(
                "/settings",
                error=f"worker {worker_id}: company {worker.company} is not integrated",
            )
        ledger.set_worker_integrated(worker_id, wanted)
    except InputError as exc:
        return _back("/settings", error=str(exc))
    return _back("/settings", done=f"Worker {worker_id} saved.")
