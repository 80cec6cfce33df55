"""``/api/v1/sync`` and ``/api/v1/reconcile``: run the sync, read the
integration log, resynchronize or cancel an entry, prove both sides agree."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, select

from projsync.cli.output import plain
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.sync.log import (
    LogEntry,
    LogStatus,
    cancel_entry,
    entity_word,
    entries,
    resync_entry,
)
from projsync.sync.outcomes import counted_as
from projsync.sync.reconcile import reconcile as reconcile_sides
from projsync.sync.requests import request_resync, resolve_conflict
from projsync.sync.tables import entity_status, runs
from projsync.sync.tables import log as log_table
from projsync.web.api.bounds import Day, EntityKey, EntityType, LogEntryId, ProjectId, text
from projsync.web.auth import context_of, require
from projsync.web.context import Context
from projsync.web.model import Right, User
from projsync.web.scope import EntityScope, entity_filter, not_found

__all__ = ["entity_statuses", "filtered_log", "router"]

router = APIRouter(prefix="/api/v1", tags=["sync"])

Direction = Literal["ledger-to-plan", "plan-to-ledger"]
_PAGE = 1_000
"""Log entries read at a time for one filtered listing (newest first)."""
_MOST = 5_000
"""The most entries one listing returns."""


def filtered_log(
    context: Context,
    *,
    visible: EntityScope | None = None,
    status: LogStatus | None = None,
    entity: str | None = None,
    entity_type: str | None = None,
    direction: Direction | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 200,
) -> list[LogEntry]:
    """Log entries, newest first, filtered by the log's store, and by the
    user's scope (``visible``) a page at a time, over the whole log."""
    found: list[LogEntry] = []
    before = None
    while len(found) < limit:
        page = entries(
            context.sync,
            status=status,
            entity=entity,
            entity_type=entity_type,
            origin=None if direction is None else direction.split("-to-", 1)[0],
            since=since,
            until=until,
            before=before,
            limit=_PAGE,
        )
        found += [
            e
            for e in page
            if visible is None or visible.entity(e.entity_type, e.entity_key, e.plan_key)
        ]
        if len(page) < _PAGE:
            break
        before = page[-1].id
    return found[:limit]


def entity_statuses(context: Context) -> dict[tuple[str, str], str]:
    """Each project's and resource's sync status: idle, in progress, failed,
    conflict or diverged (``projsync.sync.status``)."""
    with context.sync.read() as conn:
        return {(r.kind, r.key): r.status for r in conn.execute(select(entity_status))}


def _entry(item: LogEntry) -> dict[str, Any]:
    """An entry as the API gives it, with its entity type in people's words
    (``entity_label``: a ``resource header`` is a ``worker``) beside the log's own."""
    return {
        **plain(item),
        "payload": dict(item.payload),
        "entity_label": entity_word(item.entity_type),
    }


@router.post("/sync/run")
def run(
    request: Request,
    dry_run: bool = False,
    user: User = Depends(require(Right.SYNC_MANAGE)),
) -> dict[str, Any]:
    """Synchronize once (or, with ``dry_run``, tell what would change)."""
    report = context_of(request).run_sync(dry_run=dry_run)
    return plain(report.summary())  # type: ignore[no-any-return]


@router.get("/sync/runs")
def run_list(
    request: Request,
    limit: int = Query(20, ge=1, le=1000),
    user: User = Depends(require(Right.SYNC_READ)),
) -> list[dict[str, Any]]:
    """The latest runs. A run covers every company: a user of some companies
    gets its counts over the run's log entries in those companies (by their
    state now), and no error text, which may name another company's entity."""
    context = context_of(request)
    visible = entity_filter(context, user)
    with context.sync.read() as conn:
        rows = list(conn.execute(select(runs).order_by(runs.c.id.desc()).limit(limit)))
        scoped = None if visible is None else _counts_in_scope(conn, [r.id for r in rows], visible)
    return [
        {
            "run": r.id,
            "started_at": plain(r.started_at),
            "finished_at": plain(r.finished_at),
            "status": r.status,
            "dry_run": bool(r.dry_run),
            **(json.loads(r.counts) if scoped is None else scoped.get(r.id, _no_counts())),
        }
        for r in rows
    ]


_HELD = {"failed": "failed", "refused": "refused", "conflict": "conflicts"}


def _no_counts() -> dict[str, int]:
    return dict.fromkeys(("created", "updated", "deleted", "failed", "refused", "conflicts"), 0)


def _counts_in_scope(
    conn: Connection, run_ids: list[int], visible: EntityScope
) -> dict[int, dict[str, int]]:
    """Per run, the counts of a run report over its log entries the user sees:
    done entries by action (as the run counts them), held ones by status."""
    found: dict[int, dict[str, int]] = {}
    if not run_ids:
        return found
    columns = log_table.c
    query = select(
        columns.run_id, columns.entity_type, columns.entity_key, columns.plan_key,
        columns.action, columns.status,
    )  # fmt: skip
    for row in conn.execute(query.where(columns.run_id.in_(run_ids))):
        if not visible.entity(row.entity_type, row.entity_key, row.plan_key):
            continue
        counts = found.setdefault(row.run_id, _no_counts())
        if row.status == LogStatus.COMPLETED.value:
            counts[counted_as(row.action)] += 1
        elif row.status in _HELD:
            counts[_HELD[row.status]] += 1
    return found


@router.get("/sync/status")
def status(
    request: Request, user: User = Depends(require(Right.SYNC_READ))
) -> list[dict[str, str]]:
    """Each project's and resource's sync status (of the caller's companies)."""
    context = context_of(request)
    visible = entity_filter(context, user)
    return [
        {"kind": k, "key": key, "status": s, "log": _entries_of(k, key, s)}
        for (k, key), s in sorted(entity_statuses(context).items())
        if visible is None or visible.entity(k, key)
    ]


def _entries_of(kind: str, key: str, status: str) -> str:
    """Where the log entries behind a status are listed."""
    wanted = {"entity": key}
    if status == "conflict":
        wanted["status"] = "conflict"
    elif status == "failed":
        wanted["status"] = "failed"
    return f"/api/v1/sync/log?{urlencode(wanted)}"


@router.get("/sync/log")
def log(
    request: Request,
    status: LogStatus | None = None,
    entity: EntityKey | None = None,
    entity_type: EntityType | None = None,
    direction: Direction | None = None,
    since: Day | None = None,
    until: Day | None = None,
    limit: int = Query(200, ge=1, le=_MOST),
    user: User = Depends(require(Right.SYNC_READ)),
) -> list[dict[str, Any]]:
    """The integration log, newest first, filtered."""
    context = context_of(request)
    found = filtered_log(
        context,
        visible=entity_filter(context, user),
        status=status,
        entity=entity,
        entity_type=entity_type,
        direction=direction,
        since=since,
        until=until,
        limit=limit,
    )
    return [_entry(e) for e in found]


def log_entry(context: Context, entry_id: int, user: User) -> LogEntry:
    """One entry, if it lies in the user's scope (404 otherwise)."""
    with context.sync.read() as conn:
        from projsync.sync.tables import log as log_table

        wanted = select(log_table.c.entity_type, log_table.c.entity_key, log_table.c.plan_key)
        row = conn.execute(wanted.where(log_table.c.id == entry_id)).first()
    visible = entity_filter(context, user)
    seen = visible is None or (
        row is not None and visible.entity(row.entity_type, row.entity_key, row.plan_key)
    )
    if row is None or not seen:
        raise not_found(f"log entry {entry_id}")
    found = entries(context.sync, entity=row.entity_key, before=entry_id + 1, limit=1)
    if not found or found[0].id != entry_id:
        raise not_found(f"log entry {entry_id}")
    return found[0]


@router.get("/sync/log/{entry_id}")
def log_detail(
    entry_id: LogEntryId, request: Request, user: User = Depends(require(Right.SYNC_READ))
) -> dict[str, Any]:
    """One entry with its payload and error."""
    return _entry(log_entry(context_of(request), entry_id, user))


@router.post("/sync/log/{entry_id}/resync")
def resync(
    entry_id: LogEntryId, request: Request, user: User = Depends(require(Right.SYNC_MANAGE))
) -> dict[str, Any]:
    """Synchronize a failed or cancelled entry again at the next run."""
    context = context_of(request)
    log_entry(context, entry_id, user)
    resync_entry(context.sync, entry_id)
    return _entry(log_entry(context, entry_id, user))


@router.post("/sync/log/{entry_id}/cancel")
def cancel(
    entry_id: LogEntryId, request: Request, user: User = Depends(require(Right.SYNC_MANAGE))
) -> dict[str, Any]:
    """Stop retrying a failed or waiting entry."""
    context = context_of(request)
    log_entry(context, entry_id, user)
    cancel_entry(context.sync, entry_id)
    return _entry(log_entry(context, entry_id, user))


class Decision(BaseModel):
    """A person's decision on a held conflict: ``keep`` a side's value, or give
    the ``value`` that stands on both sides."""

    model_config = ConfigDict(extra="forbid")
    keep: Literal["ledger", "plan"] | None = None
    value: Annotated[str, text(1000)] | None = None


@router.post("/sync/log/{entry_id}/resolve")
def resolve(
    entry_id: LogEntryId,
    request: Request,
    decision: Decision,
    run: bool = True,
    user: User = Depends(require(Right.SYNC_MANAGE)),
) -> dict[str, Any]:
    """Settle a held conflict; with ``run`` (the default) a sync carries it out
    at once, else the next run does. 422 when the entry is no held conflict
    (resolved already: who and when), or the value does not fit the field."""
    context = context_of(request)
    log_entry(context, entry_id, user)
    resolve_conflict(
        context.sync, entry_id, keep=decision.keep, value=decision.value, user=user.login
    )
    if run:
        context.run_sync()
    return _entry(log_entry(context, entry_id, user))


class ResyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    project: ProjectId


@router.post("/sync/resync")
def resync_project(
    request: Request,
    asked: ResyncRequest,
    user: User = Depends(require(Right.SYNC_MANAGE)),
) -> dict[str, Any]:
    """Resynchronize a project (its whole plan project): every field its owner
    holds and every actual sent again, the plan's fields read again, then
    reconciled. Answers the request's log entry once the run is done."""
    context = context_of(request)
    visible = entity_filter(context, user)
    if visible is not None and not visible.project(asked.project):
        raise not_found(f"project {asked.project}")
    entry = request_resync(context.sync, asked.project, user=user.login)
    context.run_sync()
    return _entry(log_entry(context, entry, user))


@router.get("/reconcile")
def reconcile(request: Request, user: User = Depends(require(Right.SYNC_READ))) -> dict[str, Any]:
    """Posted hours, cost and revenue against the plan's actuals, to the cent:
    every difference (of the caller's companies' projects), each with its
    reason and ledger project; the workers (of the caller's companies) whose
    end date differs from their resource's availability; and, for an
    administrator, the portfolio's totals on both sides. 200 whether or not
    there are differences."""
    context = context_of(request)
    report = reconcile_sides(
        context.sync, LedgerConnector(context.ledger), context.plan_side(context.plan)
    )
    visible = entity_filter(context, user)
    return {
        "differences": [
            d.summary() for d in report.differences if visible is None or visible.project(d.project)
        ],
        "resources": [
            r.summary() for r in report.resources if visible is None or r.worker in visible.workers
        ],
        "totals": report.summary()["totals"] if visible is None else None,
    }
