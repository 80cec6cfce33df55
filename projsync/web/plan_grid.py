"""The plan page's grid: each task's row as text a person edits (duration
``3d``, predecessors ``T2,T1:SS+1d`` as the command line takes them), and a
row's edit saved with the project rescheduled in one transaction, so a
refused edit, or one the scheduler cannot place, leaves nothing behind."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from projsync.cli.plan_parsing import LONGEST_MINUTES, parse_after
from projsync.db import Store
from projsync.errors import InputError, Problem
from projsync.plan.duration import Duration, format_duration, parse_duration
from projsync.plan.entities import PlanAssignment, PlanLink, PlanTask, TaskType
from projsync.plan.model import DependencyType, DurationError, LagKind
from projsync.plan.scheduling import ScheduleOutcome, schedule_project
from projsync.plan.service import PlanService

__all__ = ["GridEdit", "duration_text", "grid_columns", "predecessors_text", "save_row"]

DAY = 480


def duration_text(minutes: int, *, elapsed: bool = False) -> str:
    """A duration as the grid shows it: in days (to the hundredth) where it
    is a day or more and comes out so, else as ``format_duration`` writes it."""
    if not elapsed and minutes >= DAY and (minutes * 100) % DAY == 0:
        return f"{(Decimal(minutes) / DAY).normalize():f}d"
    return format_duration(Duration(minutes=minutes, elapsed=elapsed))


def predecessors_text(links: Sequence[PlanLink]) -> str:
    """A task's links in, as ``T2,T1:SS+1d`` (the type and lag only where
    they are not finish-to-start without lag)."""
    parts = []
    for link in links:
        if link.type is DependencyType.FS and not link.lag:
            parts.append(link.predecessor)
            continue
        lag = ""
        if link.lag:
            sign = "+" if link.lag > 0 else "-"
            if link.lag_kind is LagKind.PERCENT:
                lag = f"{sign}{abs(link.lag)}%"
            else:
                lag = sign + duration_text(abs(link.lag), elapsed=link.lag_kind is LagKind.ELAPSED)
        parts.append(f"{link.predecessor}:{link.type.value}{lag}")
    return ",".join(parts)


def grid_columns(
    tasks: Sequence[PlanTask], links: Sequence[PlanLink], staff: Sequence[PlanAssignment]
) -> dict[str, dict[str, str]]:
    """Per task id: its duration, predecessors and resources as the grid shows them."""
    links_in: dict[str, list[PlanLink]] = {}
    for link in links:
        links_in.setdefault(link.successor, []).append(link)
    resources: dict[str, list[str]] = {}
    for assignment in staff:
        resources.setdefault(assignment.task, []).append(assignment.resource)
    return {
        task.id: {
            "duration": duration_text(task.duration, elapsed=task.elapsed),
            "predecessors": predecessors_text(links_in.get(task.id, [])),
            "resources": ", ".join(resources.get(task.id, [])),
        }
        for task in tasks
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class GridEdit:
    """What a row's edit changes (``None``: stays as it is)."""

    name: str | None = None
    duration: str | None = None
    predecessors: str | None = None
    percent_complete: int | None = None
    type: TaskType | None = None
    resources: str | None = None
    """Resource ids, comma-separated: those not on the task are put on it at
    100 %, those left out are taken off."""


@dataclass(frozen=True, slots=True)
class _Held(Store):
    """The store seen through one open transaction: the service's and the
    scheduler's writes join it instead of opening their own."""

    conn: Connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        yield self.conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self.conn


def _changes(edit: GridEdit) -> tuple[dict[str, Any], list[Problem]]:
    changes: dict[str, Any] = {}
    problems: list[Problem] = []
    if edit.name is not None:
        if not edit.name.strip():
            problems.append(Problem(where="name", what="a task needs a name"))
        else:
            changes["name"] = edit.name.strip()
    if edit.duration is not None:
        try:
            duration = parse_duration(edit.duration)
        except DurationError as exc:
            problems.append(Problem(where="duration", what=str(exc)))
        else:
            if duration.minutes < 0:
                problems.append(Problem(where="duration", what=f"{edit.duration!r} is negative"))
            elif duration.minutes > LONGEST_MINUTES:
                problems.append(
                    Problem(
                        where="duration", what=f"{edit.duration!r} is longer than a million hours"
                    )
                )
            else:
                changes["duration"] = duration.minutes
                changes["elapsed"] = duration.elapsed
    if edit.percent_complete is not None:
        changes["percent_complete"] = edit.percent_complete
    if edit.type is not None:
        changes["type"] = edit.type
    return changes, problems


def save_row(
    store: Store,
    project_id: str,
    task_id: str,
    edit: GridEdit,
    *,
    visible_resources: Collection[str] | None = None,
) -> ScheduleOutcome:
    """Change a task as its grid row says and reschedule its project, all in
    one transaction: every problem (a duration that cannot be read, an
    unknown predecessor or resource, a link that closes a cycle) is refused
    at once, with where it is, and nothing is written. A resource outside
    ``visible_resources`` (None: any) is as unknown as one that is not."""
    changes, problems = _changes(edit)
    wanted: list[str] | None = None
    if edit.resources is not None:
        wanted = list(dict.fromkeys(r.strip() for r in edit.resources.split(",") if r.strip()))
        problems += [
            Problem(where="resources", what=f"there is no resource {r}")
            for r in wanted
            if visible_resources is not None and r not in visible_resources
        ]
    links: list[PlanLink] | None = None
    if edit.predecessors is not None:
        try:
            links = parse_after(edit.predecessors, project_id, task_id)
        except InputError as exc:
            problems += [Problem(where="predecessors", what=p.what) for p in exc.problems]
    with store.write() as conn:
        held = _Held(store.part, store.engine, conn)
        service = PlanService(held)
        service.task_in(conn, project_id, task_id)  # an unknown task: 404 first
        if problems:
            raise InputError(problems)
        try:
            service.update_task(project_id, task_id, links, **changes)
            if wanted is not None:
                staff = {a.resource for a in service.assignments_in(conn, project_id, task_id)}
                for resource in sorted(staff - set(wanted)):
                    service.unassign(project_id, task_id, resource)
                for resource in wanted:
                    if resource not in staff:
                        service.assign(project_id, task_id, resource)
        except InputError as exc:
            raise InputError([_plainly(p) for p in exc.problems]) from None
        return schedule_project(held, project_id)


def _plainly(problem: Problem) -> Problem:
    """A refusal of the row's edit: "unknown predecessor T9" is a mistake in
    the row (422), not an address that names nothing (404)."""
    if problem.what.startswith("unknown "):
        return Problem(where=problem.where, what=f"there is no {problem.what[8:]}")
    return problem
