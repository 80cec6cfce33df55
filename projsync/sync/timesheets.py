"""Outside timesheets posted in the ledger: part of a sync run.

A side whose people record their hours (``TimesheetSource``: the plan
server's approved timesheets, Redmine's time entries) gives its lines; each
becomes one hour posting of the ledger (``PostsHours``), under a source that
names the line for good (``plan timesheet line 7``). The line's task and
resource are translated by the sync's links into an activity and a worker.

Posting a line the ledger holds as it is already changes nothing; a line
changed since it was posted replaces its posting (reversed, posted anew), and
a line withdrawn (reopened, deleted) has its posting reversed, each in one
transaction of the ledger, so that a run killed at any point and run again
posts nothing twice. A line the ledger refuses is held in the log, failed,
with the ledger's reasons, and tried again at each run until it goes in or
changes. Only the sync writes the log; only the ledger writes its tables.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, select, update

from projsync.connectors.base import (
    Action,
    ConnectorError,
    ConnectorUnavailable,
    HourLine,
    HoursPosted,
    PostsHours,
    TimesheetLine,
    TimesheetSource,
)
from projsync.db import Store
from projsync.sync.context import Run
from projsync.sync.links import ledger_keys_of
from projsync.sync.log import LogStatus, add_entry
from projsync.sync.outcomes import count, count_failure
from projsync.sync.tables import log

__all__ = ["CURSOR", "ENTITY_TYPE", "LineOutcome", "line_outcomes", "sync_timesheets"]

ENTITY_TYPE = "timesheet line"
"""The integration log's entity type of a timesheet line."""

CURSOR = "timesheet"
"""The cursor that remembers up to which version of the plan side the
timesheet lines were read."""

_OPEN = (LogStatus.FAILED.value, LogStatus.REFUSED.value, LogStatus.WAITING.value)
_STANDING = ("create", "update")
"""Log actions after which a line's hours stand in the ledger."""


@dataclass(slots=True)
class _Logged:
    """What the log says of one line: its last posting, its open failure."""

    version: int | None = None
    """The line's version when it last went in or out of the ledger."""
    standing: bool = False
    """Its hours stand in the ledger (posted and not withdrawn since)."""
    failure: int | None = None
    """The open failed entry that holds it."""
    held: TimesheetLine | None = None
    """The line as the failed entry holds it."""
    error: str | None = None
    task: str | None = None
    """The task it was last posted on (a deleted line's log entry names it)."""


def sync_timesheets(run: Run, since: int) -> bool:
    """Post the side's timesheet lines changed after ``since``, and retry the
    ones held. False when the side could not be read (the run goes on
    without them; the caller moves the cursor only on True)."""
    side, ledger = run.plan, run.ledger
    if not isinstance(side, TimesheetSource) or not isinstance(ledger, PostsHours):
        return True
    prefix = side.timesheet_source
    try:
        lines = {line.key: line for line in side.timesheet_lines(since, run.plan_until)}
        logged = _read_log(run, prefix, lines, whole=side.timesheets_whole)
        for key, state in logged.items():
            if key not in lines and state.held is not None:
                lines[key] = state.held
        if side.timesheets_whole:  # a line the ledger holds and not given now may be deleted
            named = f"{prefix} "
            standing = ledger.hours_standing(named)
            missing = sorted(s[len(named) :] for s in standing if s[len(named) :] not in lines)
            for key in side.vanished_lines(missing) if missing else ():
                state = logged.get(key, _Logged())
                lines[key] = _deleted(key, state.version or 0, state.task)
    except ConnectorUnavailable:
        return False
    places = _places(run, lines.values())
    for key, line in sorted(lines.items(), key=lambda item: _order(item[0])):
        state = logged.get(key, _Logged())
        if (
            side.timesheets_whole
            and state.failure is None
            and (state.version, state.standing) == (line.version, not line.withdrawn)
        ):
            continue  # in the ledger as it is (Redmine gives every line every time)
        _carry(run, ledger, f"{prefix} {key}", line, places, state)
    return True


def _carry(
    run: Run,
    ledger: PostsHours,
    source: str,
    line: TimesheetLine,
    places: Mapping[str, Mapping[str, str]],
    state: _Logged,
) -> None:
    """Post or withdraw one line, and log what became of it (a dry run tells
    what it would ask of the ledger)."""
    if run.dry_run:
        run.report.planned.append(
            {"kind": ENTITY_TYPE, "plan": line.task, "key": source,
             "action": "withdraw" if line.withdrawn else "post"}
        )  # fmt: skip
        return
    error: str | None = None
    status = LogStatus.REFUSED
    done: HoursPosted | None = None
    try:
        if line.withdrawn:
            done = ledger.withdraw_hours(source)
        else:
            done = ledger.post_hours(source, _hour_line(source, line, places))
    except ConnectorUnavailable as exc:
        error, status = str(exc), LogStatus.FAILED
    except (ConnectorError, _Unplaced) as exc:
        error = str(exc)
    with run.store.write() as conn:
        if error is not None:
            _hold(run, conn, source, line, state, error, status)
            return
        assert done is not None
        if state.failure is not None:
            _close(conn, state.failure, LogStatus.COMPLETED)
        # the log tells it already, unless a run ended after the ledger's write
        told = state.standing != line.withdrawn and (
            line.withdrawn or state.version == line.version
        )
        if not done.changed and told:
            return
        action = "delete" if line.withdrawn else "update" if done.reversed else "create"
        add_entry(
            conn,
            run=_run_id(run),
            origin="plan",
            destination="ledger",
            entity_type=ENTITY_TYPE,
            entity_key=source,
            action=action,
            entity_version=line.version,
            status=LogStatus.COMPLETED,
            user=run.user,
            payload={
                **_payload(line),
                "journal": done.journal,
                "reversed": list(done.reversed),
            },
            plan_key=line.task,
        )
        count(run.report, Action(action))


class _Unplaced(Exception):
    """The line names a task or person the ledger has no counterpart of."""


def _hour_line(
    source: str, line: TimesheetLine, places: Mapping[str, Mapping[str, str]]
) -> HourLine:
    if line.task is None:
        raise _Unplaced(f"{source}: is on no task of a synchronized project")
    activity = places["task"].get(line.task)
    if activity is None:
        raise _Unplaced(f"{source}: its task {line.task} is linked to no ledger activity")
    worker = places["resource"].get(line.resource or "")
    if worker is None:
        raise _Unplaced(f"{source}: {line.person} is no integrated worker")
    project, number = activity.split("/", 1)
    return HourLine(
        project=project,
        activity=number,
        worker=worker,
        day=line.day,
        hours=line.hours,
        text=line.text,
    )


def _hold(
    run: Run,
    conn: Connection,
    source: str,
    line: TimesheetLine,
    state: _Logged,
    error: str,
    status: LogStatus,
) -> None:
    """Hold a line the ledger refused (or could not be reached for) in the
    log once: one held already with the same reasons is counted as tried
    again, not logged again."""
    count_failure(run.report, status)
    now = dt.datetime.now(dt.UTC)
    if state.failure is not None and (state.error, state.held) == (error, line):
        conn.execute(
            update(log)
            .where(log.c.id == state.failure)
            .values(attempts=log.c.attempts + 1, updated_at=now)
        )
        return
    if state.failure is not None:
        _close(conn, state.failure, LogStatus.CANCELLED)
    add_entry(
        conn,
        run=_run_id(run),
        origin="plan",
        destination="ledger",
        entity_type=ENTITY_TYPE,
        entity_key=source,
        action="delete" if line.withdrawn else "create",
        entity_version=line.version,
        status=status,
        user=run.user,
        payload=_payload(line),
        error=error,
        plan_key=line.task,
    )


def _close(conn: Connection, entry: int, status: LogStatus) -> None:
    conn.execute(
        update(log)
        .where(log.c.id == entry)
        .values(status=status.value, updated_at=dt.datetime.now(dt.UTC), next_attempt_at=None)
    )


def _run_id(run: Run) -> int:
    assert run.report.run is not None
    return run.report.run


def _read_log(
    run: Run, prefix: str, lines: Mapping[str, TimesheetLine], *, whole: bool
) -> dict[str, _Logged]:
    """What the log says of the side's lines: of those read now, those held
    failed, and (for a side that gives every line) every line it ever posted."""
    sources = [f"{prefix} {key}" for key in lines]
    which: ColumnElement[bool] = log.c.status.in_(_OPEN)
    if whole:
        which = which | log.c.entity_key.startswith(f"{prefix} ", autoescape=True)
    found: dict[str, _Logged] = {}
    query = (
        select(
            log.c.id, log.c.entity_key, log.c.action, log.c.status, log.c.entity_version,
            log.c.payload, log.c.error,
        )
        .where(log.c.entity_type == ENTITY_TYPE)
        .order_by(log.c.id)
    )  # fmt: skip
    with run.store.read() as conn:
        rows = list(conn.execute(query.where(which)))
        for start in range(0, len(sources), 500):
            chunk = sources[start : start + 500]
            rows += conn.execute(query.where(log.c.entity_key.in_(chunk))).all()
    named = f"{prefix} "
    for row in sorted(rows, key=lambda r: r.id):
        if not row.entity_key.startswith(named):
            continue
        key = row.entity_key[len(named) :]
        state = found.setdefault(key, _Logged())
        if row.status == LogStatus.COMPLETED.value:
            state.version = row.entity_version
            state.standing = row.action in _STANDING
            state.task = _task_of(row.payload)
        elif row.status in _OPEN:
            state.failure, state.error = row.id, row.error
            state.held = _from_payload(key, row.entity_version, row.action, row.payload)
    return found


def _payload(line: TimesheetLine) -> dict[str, object]:
    return {
        "task": line.task,
        "resource": line.resource,
        "person": line.person,
        "date": line.day.isoformat(),
        "hours": str(line.hours),
        "text": line.text,
    }


def _from_payload(key: str, version: int, action: str, payload: str) -> TimesheetLine | None:
    """The line a failed entry holds, as it was given."""
    try:
        fields = json.loads(payload)
        return TimesheetLine(
            key=key,
            version=version,
            task=fields.get("task"),
            resource=fields.get("resource"),
            person=str(fields.get("person") or ""),
            day=dt.date.fromisoformat(fields["date"]),
            hours=Decimal(fields["hours"]),
            text=str(fields.get("text") or ""),
            withdrawn=action == "delete",
        )
    except (ValueError, KeyError, TypeError):
        return None


def _task_of(payload: str) -> str | None:
    try:
        task = json.loads(payload).get("task")
    except (ValueError, AttributeError):
        return None
    return str(task) if task else None


def _deleted(key: str, version: int, task: str | None) -> TimesheetLine:
    """A line its side no longer holds: its posting is withdrawn."""
    return TimesheetLine(
        key=key,
        version=version,
        task=task,
        resource=None,
        person="",
        day=dt.date.min,
        hours=Decimal(0),
        withdrawn=True,
    )


def _places(run: Run, lines: Iterable[TimesheetLine]) -> dict[str, dict[str, str]]:
    """The ledger keys of the lines' tasks (activities) and resources (workers)."""
    tasks, resources = set(), set()
    for line in lines:
        if line.task:
            tasks.add(line.task)
        if line.resource:
            resources.add(line.resource)
    with run.store.read() as conn:
        return {
            "task": ledger_keys_of(conn, "task", sorted(tasks)),
            "resource": ledger_keys_of(conn, "resource", sorted(resources)),
        }


def _order(key: str) -> tuple[int, str]:
    """Lines in the order they were recorded, where their keys are numbers."""
    return (int(key), "") if key.isdigit() else (0, key)


@dataclass(frozen=True, slots=True, kw_only=True)
class LineOutcome:
    """What the sync last did with a timesheet line, for the people who approve it."""

    state: str
    """``posted``, ``withdrawn`` or ``held``."""
    journal: int | None = None
    """The ledger journal that holds it (posted)."""
    reason: str | None = None
    """Why the ledger refused it (held)."""


def line_outcomes(store: Store, source: str, keys: Iterable[str]) -> dict[str, LineOutcome]:
    """The latest outcome of each of these lines of ``source`` (``plan
    timesheet line``) that the sync has met, by line key."""
    named = {f"{source} {key}": key for key in keys}
    found: dict[str, LineOutcome] = {}
    names = list(named)
    with store.read() as conn:
        for start in range(0, len(names), 500):
            rows = conn.execute(
                select(log.c.entity_key, log.c.action, log.c.status, log.c.payload, log.c.error)
                .where(
                    log.c.entity_type == ENTITY_TYPE,
                    log.c.entity_key.in_(names[start : start + 500]),
                    log.c.status.in_((LogStatus.COMPLETED.value, *_OPEN)),
                )
                .order_by(log.c.id)
            )
            for row in rows:
                key = named[row.entity_key]
                if row.status != LogStatus.COMPLETED.value:
                    found[key] = LineOutcome(state="held", reason=row.error)
                elif row.action == "delete":
                    found[key] = LineOutcome(state="withdrawn")
                else:
                    journal = json.loads(row.payload).get("journal")
                    found[key] = LineOutcome(state="posted", journal=journal)
    return found
