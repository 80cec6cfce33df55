"""Redmine time entries posted in the ledger as hour transactions.

Redmine is a timesheet source here, like the portal: each time entry on an
issue of a synchronized project becomes one journal of one hour line, whose
source names the entry (``redmine time entry 42``), so an entry is never
posted twice, even after a crash between posting and logging. An entry the
ledger refuses (a finished project, a user who is no integrated worker) is
logged as failed with the ledger's reasons, once, and tried again at each
run until it is posted.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from projsync.connectors.redmine import RedmineConnector, TimeEntry
from projsync.db import Store
from projsync.errors import InputError, refusal
from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.sources import AlreadyPosted, posted_sources
from projsync.sync.links import ledger_keys_of
from projsync.sync.log import LogStatus, add_entry
from projsync.sync.tables import log, runs

__all__ = ["ENTITY_TYPE", "TimesheetReport", "post_time_entries", "source_of"]

ENTITY_TYPE = "time entry"
"""The integration log's entity type of a time entry."""


@dataclass(slots=True, kw_only=True)
class TimesheetReport:
    run: int | None = None
    posted: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    """Time entry id → the reasons the ledger gave."""


def source_of(entry_id: int) -> str:
    return f"redmine time entry {entry_id}"


def post_time_entries(
    redmine: RedmineConnector, ledger: Store, sync: Store, *, user: str = "sync"
) -> TimesheetReport:
    """Post the time entries not in the ledger yet; log what became of each."""
    entries = list(redmine.time_entries())
    done = posted_sources(ledger, (source_of(e.id) for e in entries))
    waiting = [e for e in entries if source_of(e.id) not in done]
    report = TimesheetReport()
    if not waiting:
        return report
    with sync.read() as conn:
        activities = ledger_keys_of(conn, "task", [e.task for e in waiting if e.task])
    for entry in waiting:
        try:
            post_journal(ledger, [_line(entry, activities)], source=source_of(entry.id), once=True)
        except AlreadyPosted:
            continue  # by a run at the same moment, which logs it
        except InputError as exc:
            report.failed[entry.id] = str(exc)
        else:
            report.posted.append(entry.id)
    _record(sync, report, {e.id: e for e in waiting}, user)
    return report


def _line(entry: TimeEntry, activities: dict[str, str]) -> JournalLine:
    where = f"redmine time entry {entry.id}"
    if entry.task is None:
        raise refusal(where, "is not on an issue of a synchronized project")
    activity = activities.get(entry.task)
    if activity is None:
        raise refusal(where, f"its issue ({entry.task}) is linked to no ledger activity")
    if entry.worker is None:
        raise refusal(where, f"Redmine user {entry.user} is no integrated worker")
    project, number = activity.split("/", 1)
    return JournalLine(
        line=1,
        kind=TransactionKind.HOUR,
        project=project,
        activity=number,
        worker=entry.worker,
        date=entry.day,
        hours=entry.hours,
    )


def _record(sync: Store, report: TimesheetReport, entries: dict[int, TimeEntry], user: str) -> None:
    """A run of its own, an entry per posted time entry, one per new refusal;
    a refusal logged already is not logged again, and is closed once posted."""
    keys = {i: source_of(i) for i in [*report.posted, *report.failed]}
    now = dt.datetime.now(dt.UTC)
    with sync.write() as conn:
        open_failures = {
            row.entity_key: row.id
            for row in conn.execute(
                select(log.c.id, log.c.entity_key).where(
                    log.c.entity_type == ENTITY_TYPE,
                    log.c.status == LogStatus.FAILED.value,
                    log.c.entity_key.in_(list(keys.values())),
                )
            )
        }
        fresh = [i for i in report.failed if keys[i] not in open_failures]
        if not report.posted and not fresh:
            return
        counts = {"created": len(report.posted), "updated": 0, "deleted": 0,
                  "failed": len(fresh), "conflicts": 0}  # fmt: skip
        run = int(
            conn.execute(
                insert(runs)
                .values(started_at=now, finished_at=now, dry_run=False,
                        status="failed" if fresh else "completed", counts=json.dumps(counts))
                .returning(runs.c.id)
            ).scalar_one()
        )  # fmt: skip
        report.run = run
        for entry_id in report.posted:
            if keys[entry_id] in open_failures:
                conn.execute(
                    update(log)
                    .where(log.c.id == open_failures[keys[entry_id]])
                    .values(status=LogStatus.COMPLETED.value, updated_at=now)
                )
        for entry_id in [*report.posted, *fresh]:
            entry = entries[entry_id]
            add_entry(
                conn, run=run, origin="plan", destination="ledger",
                entity_type=ENTITY_TYPE, entity_key=keys[entry_id], action="create",
                entity_version=entry_id,
                status=LogStatus.FAILED if entry_id in report.failed else LogStatus.COMPLETED,
                user=user,
                payload={"task": entry.task, "worker": entry.worker, "user": entry.user,
                         "date": entry.day.isoformat(), "hours": str(entry.hours)},
                error=report.failed.get(entry_id),
            )  # fmt: skip
