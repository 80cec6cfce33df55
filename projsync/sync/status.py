"""Each compound entity's sync status: projects (by ledger key) and resources.

- ``in progress``: a run is working on it;
- ``failed``: an operation of it could not be done (a side unreachable) and
  waits for its retry;
- ``conflict``: a field of it changed differently on both sides and waits for
  a person (``projsync sync resolve``);
- ``diverged``: a side's rules refused a change of it, or the last
  reconciliation found its actuals differ (``projsync sync resync``);
- ``idle``: both sides agree as far as the sync knows.

When several apply, the first in that order shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import select

from projsync.connectors.base import EntityKind
from projsync.db import Store
from projsync.sync.context import Run
from projsync.sync.log import LogStatus
from projsync.sync.tables import divergence, entity_status, log

__all__ = [
    "STATUSES",
    "mark_in_progress",
    "overall",
    "record_divergence",
    "set_entity_status",
    "settle",
    "statuses_of",
]

STATUSES = ("idle", "in progress", "failed", "conflict", "diverged")

_BY_LOG_STATUS = {
    LogStatus.FAILED.value: "failed",
    LogStatus.CONFLICT.value: "conflict",
    LogStatus.REFUSED.value: "diverged",
}
_RANK = {"failed": 0, "conflict": 1, "diverged": 2, "idle": 3}
_SHOWN = ("in progress", "failed", "conflict", "diverged", "idle")


def overall(statuses: Iterable[str]) -> str:
    """The status a project shows for itself and its subprojects: the first of
    in progress, failed, conflict, diverged that any of them has, else idle
    (or the one status given when it is none of these)."""
    listed = list(statuses)
    for status in _SHOWN:
        if status in listed:
            return status
    return listed[0] if listed else "idle"


def mark_in_progress(run: Run, kind: EntityKind, keys: Iterable[str]) -> None:
    """The projects and resources these entities (by ledger key) belong to are
    in progress."""
    compound = "resource" if kind is EntityKind.RESOURCE else "project"
    heads = set(keys) if compound == "resource" else {key.split("/", 1)[0] for key in keys}
    fresh = heads - run.touched[compound]
    run.touched[compound] |= fresh
    set_entity_status(run.store, compound, sorted(fresh), "in progress")


def settle(store: Store, touched: Mapping[str, set[str]]) -> None:
    """Each compound entity a run touched, that shows anything but idle, or that
    has open entries or a recorded divergence ends with the status they give it."""
    found = statuses_of(store)
    with store.read() as conn:
        marked = {
            (r.kind, r.key)
            for r in conn.execute(
                select(entity_status.c.kind, entity_status.c.key).where(
                    entity_status.c.status != "idle"
                )
            )
        }
    for compound, keys in touched.items():
        involved = set(keys) | {key for kind, key in marked | set(found) if kind == compound}
        by_status: dict[str, list[str]] = {}
        for key in sorted(involved):
            by_status.setdefault(found.get((compound, key), "idle"), []).append(key)
        for status, listed in by_status.items():
            set_entity_status(store, compound, listed, status)


def statuses_of(store: Store) -> dict[tuple[str, str], str]:
    """What the open entries and the recorded divergences say of each compound
    entity that is not idle: (kind, key) → failed, conflict or diverged."""
    found: dict[tuple[str, str], str] = {}

    def worse(place: tuple[str, str], status: str) -> None:
        if _RANK[status] < _RANK[found.get(place, "idle")]:
            found[place] = status

    with store.read() as conn:
        rows = conn.execute(
            select(log.c.entity_type, log.c.entity_key, log.c.status).where(
                log.c.status.in_(list(_BY_LOG_STATUS))
            )
        )
        for entity_type, key, status in rows:
            compound = "resource" if entity_type == "resource header" else "project"
            head = key if compound == "resource" else key.split("/", 1)[0]
            worse((compound, head), _BY_LOG_STATUS[status])
        for project, differences in conn.execute(
            select(divergence.c.project, divergence.c.differences)
        ):
            if differences:
                worse(("project", project), "diverged")
    return found


def record_divergence(store: Store, counts: Mapping[str, int]) -> None:
    """What a reconciliation found per ledger project (0: clean), and the
    projects' statuses that follow from it."""
    now = dt.datetime.now(dt.UTC)
    with store.write() as conn:
        for project, differences in counts.items():
            conn.execute(divergence.delete().where(divergence.c.project == project))
            if differences:
                conn.execute(
                    divergence.insert().values(
                        project=project, differences=differences, found_at=now
                    )
                )
    settle(store, {"project": set(counts), "resource": set()})


def set_entity_status(store: Store, kind: str, keys: Iterable[str], status: str) -> None:
    """Record the sync status of compound entities."""
    listed = list(keys)
    if not listed:  # no transaction for nothing (a run asks once per batch)
        return
    now = dt.datetime.now(dt.UTC)
    with store.write() as conn:
        for key in listed:
            conn.execute(
                entity_status.delete().where(
                    entity_status.c.kind == kind, entity_status.c.key == key
                )
            )
            conn.execute(
                entity_status.insert().values(kind=kind, key=key, status=status, updated_at=now)
            )
