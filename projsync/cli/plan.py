"""``projsync plan``: projects, tasks, resources, calendars, scheduling, timesheets."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any

import typer

from projsync.cli import msproject, timesheets
from projsync.cli.exports import AsCsv, AsXlsx, Sheet, one_output, write_csv, write_xlsx
from projsync.cli.output import emit, fail_cleanly, plain, stdout
from projsync.cli.parsing import LARGEST_KEY, parse_date, parse_decimal
from projsync.cli.plan_parsing import MOST_UNITS, parse_after, parse_minutes, parse_moment
from projsync.cli.stores import plan_store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger.numbers import MONEY, PRICE
from projsync.plan import calendars as calendar_store
from projsync.plan import fields as field_store
from projsync.plan.changes import ENTITIES, changes_since
from projsync.plan.entities import (
    ActualEntry,
    CalendarRecord,
    CustomField,
    FieldEntity,
    FieldType,
    LookupValue,
    PlanProject,
    PlanResource,
    PlanTask,
    ResourceType,
    TaskType,
)
from projsync.plan.model import ConstraintType, WorkContour
from projsync.plan.progress import actuals_of, record_actuals, save_baseline, set_budget
from projsync.plan.scheduling import level_project, project_overallocations, schedule_project
from projsync.plan.service import PlanService
from projsync.plan.views import project_view, task_rows

app = typer.Typer(
    help="The plan server: projects, tasks, resources, scheduling.", no_args_is_help=True
)
project_app = typer.Typer(help="Enterprise projects.", no_args_is_help=True)
task_app = typer.Typer(help="Tasks of a project.", no_args_is_help=True)
resource_app = typer.Typer(help="Enterprise resources.", no_args_is_help=True)
calendar_app = typer.Typer(help="Calendars and their exceptions.", no_args_is_help=True)
field_app = typer.Typer(help="Enterprise custom fields.", no_args_is_help=True)
for sub, name in (
    (project_app, "project"),
    (task_app, "task"),
    (resource_app, "resource"),
    (calendar_app, "calendar"),
    (field_app, "field"),
):
    app.add_typer(sub, name=name)
app.add_typer(timesheets.app, name="timesheet")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
msproject.register(app)


def _service() -> PlanService:
    return PlanService(plan_store())


def _moment(text: str | None, option: str, *, end: bool = False) -> dt.datetime | None:
    return parse_moment(text, option, end_of_day=end) if text is not None else None


# -- projects ----------------------------------------------------------------


@project_app.command("add")
def project_add(
    project_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option()],
    start: Annotated[str, typer.Option(help="YYYY-MM-DD (08:00) or YYYY-MM-DDTHH:MM.")],
    calendar: Annotated[str, typer.Option()] = "Standard",
    status_date: Annotated[str | None, typer.Option()] = None,
    timezone: Annotated[str, typer.Option(help="IANA zone of the project's dates.")] = "UTC",
    currency: Annotated[str | None, typer.Option(help="ISO 4217 code, e.g. EUR.")] = None,
    as_json: Json = False,
) -> None:
    """Add an enterprise project."""
    with fail_cleanly():
        project = PlanProject(
            id=project_id,
            name=name,
            start=parse_moment(start, "--start"),
            calendar=calendar,
            status_date=_moment(status_date, "--status-date", end=True),
            timezone=_zone(timezone),
            currency=currency.upper() if currency else None,
        )
        emit(_service().add_project(project), as_json=as_json, title="project")


@project_app.command("update")
def project_update(
    project_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str | None, typer.Option()] = None,
    start: Annotated[str | None, typer.Option()] = None,
    calendar: Annotated[str | None, typer.Option()] = None,
    status_date: Annotated[str | None, typer.Option()] = None,
    currency: Annotated[str | None, typer.Option(help="ISO 4217 code, e.g. EUR.")] = None,
    as_json: Json = False,
) -> None:
    """Change a project; only the options given change."""
    with fail_cleanly():
        changes = {
            "name": name,
            "start": _moment(start, "--start"),
            "calendar": calendar,
            "status_date": _moment(status_date, "--status-date", end=True),
            "currency": currency.upper() if currency else None,
        }
        given = {k: v for k, v in changes.items() if v is not None}
        emit(_service().update_project(project_id, **given), as_json=as_json, title="project")


@project_app.command("list")
def project_list(as_json: Json = False) -> None:
    """List enterprise projects."""
    with fail_cleanly():
        emit(_service().projects(), as_json=as_json, title="projects")


@project_app.command("delete")
def project_delete(project_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Delete a project and everything in it."""
    with fail_cleanly():
        _service().delete_project(project_id)
        stdout.print(f"deleted project {project_id}")


# -- tasks -------------------------------------------------------------------

ConstraintOption = Annotated[ConstraintType | None, typer.Option(help="ASAP, ALAP, SNET, ...")]


class Switch(enum.StrEnum):
    ON = "on"
    OFF = "off"


TypeOption = Annotated[
    TaskType | None,
    typer.Option("--type", help="What a change of duration, work or units keeps."),
]
EffortOption = Annotated[
    Switch | None,
    typer.Option(help="Adding or removing a resource keeps the task's work (on by default)."),
]


@task_app.command("add")
def task_add(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    task_id: Annotated[str, typer.Argument(metavar="TASK")],
    name: Annotated[str, typer.Option()],
    duration: Annotated[str, typer.Option(help="3d, 24h, 2w, 2ed (elapsed) ...")] = "1d",
    parent: Annotated[str | None, typer.Option(help="Summary task above this one.")] = None,
    after: Annotated[str | None, typer.Option(help="Predecessors: T2,T3:SS+1d,T4:FF-2h.")] = None,
    work: Annotated[str | None, typer.Option(help="Work, e.g. 24h.")] = None,
    milestone: Annotated[bool, typer.Option("--milestone")] = False,
    manual: Annotated[bool, typer.Option("--manual", help="Manually scheduled.")] = False,
    constraint: ConstraintOption = None,
    constraint_date: Annotated[str | None, typer.Option()] = None,
    deadline: Annotated[str | None, typer.Option()] = None,
    priority: Annotated[int, typer.Option(min=0, max=1000)] = 500,
    calendar: Annotated[str | None, typer.Option(help="The task's own calendar.")] = None,
    category: Annotated[str | None, typer.Option()] = None,
    task_type: TypeOption = None,
    effort_driven: EffortOption = None,
    as_json: Json = False,
) -> None:
    """Add a task (a summary task once another task names it as parent)."""
    with fail_cleanly():
        minutes, elapsed = parse_minutes(duration, "--duration")
        kind = constraint or ConstraintType.ASAP
        task = PlanTask(
            project=project,
            id=task_id,
            name=name,
            parent=parent,
            duration=0 if milestone else minutes,
            elapsed=elapsed,
            work=parse_minutes(work, "--work")[0] if work else 0,
            milestone=milestone,
            manual=manual,
            constraint=kind,
            constraint_date=_moment(
                constraint_date, "--constraint-date", end=kind.value.startswith("F")
            ),
            deadline=_moment(deadline, "--deadline", end=True),
            priority=priority,
            calendar=calendar,
            category=category,
            type=task_type or TaskType.FIXED_UNITS,
            effort_driven=effort_driven is not Switch.OFF,
        )
        links = parse_after(after, project, task_id) if after else []
        _emit_task(_service().add_task(task, links), as_json)


@task_app.command("update")
def task_update(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    task_id: Annotated[str, typer.Argument(metavar="TASK")],
    name: Annotated[str | None, typer.Option()] = None,
    duration: Annotated[str | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option()] = None,
    after: Annotated[
        str | None, typer.Option(help="Replaces the predecessors; '' for none.")
    ] = None,
    work: Annotated[str | None, typer.Option()] = None,
    constraint: ConstraintOption = None,
    constraint_date: Annotated[str | None, typer.Option()] = None,
    deadline: Annotated[str | None, typer.Option()] = None,
    percent_complete: Annotated[int | None, typer.Option(min=0, max=100)] = None,
    actual_start: Annotated[str | None, typer.Option()] = None,
    actual_finish: Annotated[str | None, typer.Option()] = None,
    priority: Annotated[int | None, typer.Option(min=0, max=1000)] = None,
    category: Annotated[str | None, typer.Option()] = None,
    task_type: TypeOption = None,
    effort_driven: EffortOption = None,
    as_json: Json = False,
) -> None:
    """Change a task; only the options given change. A task with resources
    recalculates its work, units or duration by its type, as Project does."""
    with fail_cleanly():
        changes: dict[str, Any] = {
            "name": name,
            "parent": parent,
            "constraint": constraint,
            "constraint_date": _moment(constraint_date, "--constraint-date"),
            "deadline": _moment(deadline, "--deadline", end=True),
            "percent_complete": percent_complete,
            "actual_start": _moment(actual_start, "--actual-start"),
            "actual_finish": _moment(actual_finish, "--actual-finish", end=True),
            "priority": priority,
            "category": category,
            "type": task_type,
            "effort_driven": None if effort_driven is None else effort_driven is Switch.ON,
        }
        if duration is not None:
            changes["duration"], changes["elapsed"] = parse_minutes(duration, "--duration")
        if work is not None:
            changes["work"] = parse_minutes(work, "--work")[0]
        given = {k: v for k, v in changes.items() if v is not None}
        links = parse_after(after, project, task_id) if after is not None else None
        _emit_task(_service().update_task(project, task_id, links, **given), as_json)


def _emit_task(task: PlanTask, as_json: bool) -> None:
    if as_json:
        emit(task, as_json=True)
        return
    brief = {
        "task": f"{task.project}/{task.id}",
        "name": task.name,
        "parent": task.parent,
        "duration_minutes": task.duration,
        "work_minutes": task.work,
        "type": task.type,
        "effort_driven": task.effort_driven,
        "constraint": task.constraint,
        "start": task.start,
        "finish": task.finish,
    }
    emit(brief, as_json=False, title="task")


@task_app.command("delete")
def task_delete(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    task_id: Annotated[str, typer.Argument(metavar="TASK")],
) -> None:
    """Delete a task without subtasks, with its links and assignments."""
    with fail_cleanly():
        _service().delete_task(project, task_id)
        stdout.print(f"deleted task {project}/{task_id}")


@task_app.command("links")
def task_links(
    project: Annotated[str, typer.Argument(metavar="PROJECT")], as_json: Json = False
) -> None:
    """A project's dependencies."""
    with fail_cleanly():
        rows = [
            {
                "predecessor": link.predecessor,
                "successor": link.successor,
                "type": link.type.value,
                "lag_minutes": link.lag,
                "lag_kind": link.lag_kind.value,
            }
            for link in _service().links(project)
        ]
        emit(rows, as_json=as_json, title="links")


# -- resources and assignments ---------------------------------------------------


@resource_app.command("add")
def resource_add(
    resource_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option()],
    rate: Annotated[str, typer.Option(help="Standard rate per hour.")] = "0",
    overtime_rate: Annotated[str, typer.Option()] = "0",
    cost_per_use: Annotated[str, typer.Option()] = "0",
    max_units: Annotated[
        int, typer.Option(help="Percent: 100 is one full-time person.", max=MOST_UNITS)
    ] = 100,
    type_: Annotated[ResourceType, typer.Option("--type")] = ResourceType.WORK,
    calendar: Annotated[str | None, typer.Option()] = None,
    available_until: Annotated[
        str | None,
        typer.Option(help="Last available day, YYYY-MM-DD (a worker's end date)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Add an enterprise resource."""
    with fail_cleanly():
        resource = PlanResource(
            id=resource_id,
            name=name,
            type=type_,
            standard_rate=parse_decimal(rate, "--rate", PRICE),
            overtime_rate=parse_decimal(overtime_rate, "--overtime-rate", PRICE),
            cost_per_use=parse_decimal(cost_per_use, "--cost-per-use", MONEY),
            max_units=max_units,
            calendar=calendar,
            available_until=None
            if available_until is None
            else parse_date(available_until, "--available-until"),
        )
        emit(_service().add_resource(resource), as_json=as_json, title="resource")


@resource_app.command("list")
def resource_list(as_json: Json = False) -> None:
    """List enterprise resources."""
    with fail_cleanly():
        found = _service().resources()
        with plan_store().read() as conn:
            custom = field_store.field_values(conn, [r.id for r in found])
        rows = [{**plain(r), "custom_fields": plain(custom.get(r.id, {}))} for r in found]
        emit(
            rows,
            as_json=as_json,
            columns=("id", "name", "type", "standard_rate", "max_units", "available_until"),
            title="resources",
        )


@app.command("assign")
def assign(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    task_id: Annotated[str, typer.Argument(metavar="TASK")],
    resource_id: Annotated[str, typer.Argument(metavar="RESOURCE")],
    units: Annotated[
        int | None,
        typer.Option(
            help="Percent of the resource's time (a new assignment: 100).", max=MOST_UNITS
        ),
    ] = None,
    work: Annotated[str | None, typer.Option(help="Work of this resource, e.g. 16h.")] = None,
    contour: Annotated[
        str | None,
        typer.Option(help=f"Work contour: {', '.join(c.value for c in _PATTERNS)}."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Put a resource on a task (or change its units, work or work contour); the
    task's duration, work and other assignments follow its type."""
    with fail_cleanly():
        minutes = parse_minutes(work, "--work")[0] if work else None
        shape = _contour(contour) if contour else None
        assignment = _service().assign(
            project, task_id, resource_id, units=units, work=minutes, contour=shape
        )
        emit(
            {
                **_plain_assignment(assignment),
                "remaining_work_minutes": assignment.remaining_work,
            },
            as_json=as_json,
            title="assignment",
        )


@app.command("unassign")
def unassign(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    task_id: Annotated[str, typer.Argument(metavar="TASK")],
    resource_id: Annotated[str, typer.Argument(metavar="RESOURCE")],
) -> None:
    """Take a resource off a task."""
    with fail_cleanly():
        _service().unassign(project, task_id, resource_id)
        stdout.print(f"unassigned {resource_id} from {project}/{task_id}")


@app.command("assignments")
def assignments(
    project: Annotated[str, typer.Argument(metavar="PROJECT")], as_json: Json = False
) -> None:
    """A project's assignments."""
    with fail_cleanly():
        rows = [
            {**_plain_assignment(a), "remaining_work_minutes": a.remaining_work}
            for a in _service().assignments(project)
        ]
        emit(rows, as_json=as_json, title="assignments")


_PATTERNS = [c for c in WorkContour if c is not WorkContour.CONTOURED]


def _contour(text: str) -> WorkContour:
    wanted = text.strip().lower().replace("-", " ").replace("_", " ")
    for pattern in _PATTERNS:
        if pattern.value == wanted:
            return pattern
    choices = ", ".join(c.value for c in _PATTERNS)
    raise refusal("--contour", f"unknown work contour {text!r}; one of: {choices}")


def _plain_assignment(assignment: Any) -> dict[str, object]:
    return {
        "project": assignment.project,
        "task": assignment.task,
        "resource": assignment.resource,
        "units": assignment.units,
        "work_minutes": assignment.work,
        "actual_work_minutes": assignment.actual_work,
        "cost": assignment.cost,
        "actual_cost": assignment.actual_cost,
        "contour": assignment.contour.value,
    }


# -- calendars -------------------------------------------------------------------


@calendar_app.command("list")
def calendar_list(as_json: Json = False) -> None:
    """List calendars."""
    with fail_cleanly(), plan_store().read() as conn:
        emit([{"name": n} for n in calendar_store.calendar_names(conn)], as_json=as_json)


@calendar_app.command("add")
def calendar_add(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    base: Annotated[str | None, typer.Option(help="Derive from this base calendar.")] = None,
    hours: Annotated[
        str | None, typer.Option(help="Working hours of Mon-Fri, e.g. 07:00-12:00,12:30-15:30.")
    ] = None,
) -> None:
    """Add a base calendar (with --hours), or a calendar derived from --base."""
    with fail_cleanly():
        if hours is None and base is None:
            raise refusal("calendar", "give --hours, --base, or both")
        day = _periods(hours) if hours else None
        week = (day,) * 5 + ((None, None) if base else ((), ()))
        record = CalendarRecord(name=name, base=base, week=week)
        with plan_store().write() as conn:
            calendar_store.add_calendar(conn, record)
        stdout.print(f"added calendar {name}")


@calendar_app.command("exception")
def calendar_exception(
    calendar: Annotated[str, typer.Argument(metavar="CALENDAR")],
    day: Annotated[str, typer.Argument(metavar="DATE")],
    until: Annotated[str | None, typer.Option(help="Last day, when several.")] = None,
    name: Annotated[str, typer.Option()] = "",
    hours: Annotated[str | None, typer.Option(help="Worked in these hours instead.")] = None,
) -> None:
    """Make a day (or days) non-working, or worked in other hours."""
    with fail_cleanly():
        start = parse_date(day, "DATE")
        finish = parse_date(until, "--until") if until else None
        with plan_store().write() as conn:
            calendar_store.add_exception(
                conn,
                calendar,
                start,
                finish,
                name=name,
                working_times=_periods(hours) if hours else (),
            )
        stdout.print(f"{calendar}: exception on {start}{' to ' + str(finish) if finish else ''}")


@calendar_app.command("holidays")
def calendar_holidays(
    calendar: Annotated[str, typer.Argument(metavar="CALENDAR")],
    country: Annotated[str, typer.Option(help="ISO country code, e.g. FR.")],
    year: Annotated[list[int], typer.Option(help="Year; repeat for several.", min=1900, max=2999)],
) -> None:
    """Add a country's public holidays as non-working days."""
    with fail_cleanly():
        with plan_store().write() as conn:
            count = calendar_store.add_public_holidays(
                conn, calendar, country, range(min(year), max(year) + 1)
            )
        stdout.print(f"{calendar}: {count} public holidays of {country}")


def _periods(text: str) -> tuple[tuple[int, int], ...]:
    periods = []
    for part in text.split(","):
        try:
            start, end = (dt.time.fromisoformat(t.strip()) for t in part.split("-"))
        except ValueError:
            raise InputError(
                [Problem(where="--hours", what=f"cannot read {part!r} (HH:MM-HH:MM)")]
            ) from None
        periods.append((start.hour * 60 + start.minute, (end.hour * 60 + end.minute) or 1440))
    return tuple(periods)


# -- scheduling ----------------------------------------------------------------


@app.command("schedule")
def schedule(
    project: Annotated[str, typer.Argument(metavar="PROJECT")], as_json: Json = False
) -> None:
    """Schedule a project: critical path, slack, and dates written to its tasks."""
    with fail_cleanly():
        emit(schedule_project(plan_store(), project), as_json=as_json, title="schedule")


@app.command("level")
def level(
    project: Annotated[str, typer.Argument(metavar="PROJECT")], as_json: Json = False
) -> None:
    """Level resources: delay tasks until their resources are free."""
    with fail_cleanly():
        outcome = level_project(plan_store(), project)
        found = {
            **plain(outcome),
            "delayed": [{"task": task, "delay_minutes": delay} for task, delay in outcome.delayed],
        }
        if as_json:
            emit(found, as_json=True)
            return
        emit({k: v for k, v in found.items() if k != "delayed"}, as_json=False, title="levelling")
        emit(found["delayed"], as_json=False, columns=("task", "delay_minutes"), title="delayed")


@app.command("overallocations")
def overallocations(
    project: Annotated[str, typer.Argument(metavar="PROJECT")], as_json: Json = False
) -> None:
    """Where resources are asked for more than they have, without levelling:
    periods over a resource's maximum units, and work assigned after a
    resource's last available day (its worker's end date)."""
    with fail_cleanly():
        report = project_overallocations(plan_store(), project)
        beyond = [
            {**plain(b), "project": report.project, "hours": str(_hours(b.work))}
            for b in report.beyond_availability
        ]
        if as_json:
            emit({**plain(report), "beyond_availability": beyond}, as_json=True)
            return
        emit(list(report.periods), as_json=False, title="over-allocations")
        emit(
            beyond,
            as_json=False,
            columns=_BEYOND_COLUMNS,
            title="work after the last available day",
        )


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


_BEYOND_COLUMNS = (
    "project", "resource_id", "task_id", "available_until", "first_day", "days", "hours",
)  # fmt: skip


# -- progress and budget ---------------------------------------------------------


@app.command("baseline")
def baseline(project: Annotated[str, typer.Argument(metavar="PROJECT")]) -> None:
    """Save a baseline of every task's dates, work and cost."""
    with fail_cleanly():
        changed = save_baseline(plan_store(), project)
        stdout.print(f"baseline saved for {project} ({changed} tasks changed)")


@app.command("budget")
def budget(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    task_id: Annotated[str, typer.Argument(metavar="TASK")],
    work: Annotated[str, typer.Option(help="Budget work, e.g. 40h.")] = "0h",
    cost: Annotated[str, typer.Option(help="Budget cost.")] = "0",
) -> None:
    """Set a task's budget work and cost."""
    with fail_cleanly():
        set_budget(
            plan_store(),
            project,
            task_id,
            work=parse_minutes(work, "--work")[0],
            cost=parse_decimal(cost, "--cost", MONEY),
        )
        stdout.print(f"budget of {project}/{task_id} set")


@app.command("actual")
def actual(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    task_id: Annotated[str, typer.Argument(metavar="TASK")],
    date: Annotated[str, typer.Option()],
    work: Annotated[str, typer.Option(help="Actual work that day, e.g. 6h.")] = "0h",
    cost: Annotated[str, typer.Option()] = "0",
    revenue: Annotated[str, typer.Option()] = "0",
    resource: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Record a day's actual work, cost and revenue on a task (and resource)."""
    with fail_cleanly():
        entry = ActualEntry(
            project=project,
            task=task_id,
            resource=resource,
            day=parse_date(date, "--date"),
            actual_work=parse_minutes(work, "--work")[0],
            actual_cost=parse_decimal(cost, "--cost", MONEY),
            revenue=parse_decimal(revenue, "--revenue", MONEY),
        )
        record_actuals(plan_store(), [entry])
        stdout.print(f"actuals of {project}/{task_id} on {entry.day} recorded")


@app.command("actuals")
def actuals(
    project: Annotated[str, typer.Argument(metavar="PROJECT")], as_json: Json = False
) -> None:
    """A project's time-phased actuals, per task, resource and day."""
    with fail_cleanly():
        emit(actuals_of(plan_store(), project), as_json=as_json, title="actuals")


# -- custom fields ---------------------------------------------------------------


@field_app.command("add")
def field_add(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    entity: Annotated[FieldEntity, typer.Option()],
    type_: Annotated[FieldType, typer.Option("--type")] = FieldType.TEXT,
    lookup: Annotated[str | None, typer.Option(help="Allowed values, comma-separated.")] = None,
) -> None:
    """Define an enterprise custom field (with a lookup table when --lookup)."""
    with fail_cleanly():
        values = tuple(LookupValue(value=v.strip()) for v in lookup.split(",")) if lookup else ()
        field_store.add_field(
            plan_store(), CustomField(name=name, entity=entity, type=type_, lookup=values)
        )
        stdout.print(f"added field {name}")


@field_app.command("set")
def field_set(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    key: Annotated[str, typer.Argument(metavar="KEY", help="P1, P1/T1 or R1.")],
    value: Annotated[
        str | None, typer.Argument(metavar="VALUE", help="Leave out to clear.")
    ] = None,
) -> None:
    """Set a custom field on a project, task or resource."""
    with fail_cleanly():
        field_store.set_field_value(plan_store(), name, key, value)
        stdout.print(f"{name} on {key} = {value}")


@field_app.command("list")
def field_list(as_json: Json = False) -> None:
    """List custom fields and their lookup tables."""
    with fail_cleanly():
        emit(field_store.fields(plan_store()), as_json=as_json, title="fields")


# -- views -------------------------------------------------------------------------


@app.command("show")
def show(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    as_json: Json = False,
    as_csv: AsCsv = False,
    xlsx: AsXlsx = None,
) -> None:
    """A project's tasks with dates, slack, work, cost, actuals and custom fields
    (CSV and the spreadsheet: every field of every task, minutes exact)."""
    one_output(json=as_json, csv=as_csv, xlsx=xlsx)
    with fail_cleanly():
        record, views, custom = project_view(plan_store(), project)
        rows = task_rows(views)
        if as_csv or xlsx is not None:
            every = list(rows[0]) if rows else ["id", "name"]
            if as_csv:
                write_csv(rows, every)
                return
            assert xlsx is not None
            head = [("Project", record.id), ("Name", record.name), ("Start", record.start)]
            count = write_xlsx(xlsx, Sheet(title="Tasks", columns=every, rows=rows, head=head))
            stdout.print(f"{count} tasks of {record.id} written to {xlsx}")
            return
        if as_json:
            emit(
                {
                    "project": record.id,
                    "name": record.name,
                    "start": record.start,
                    "finish": record.finish,
                    "status_date": record.status_date,
                    "calendar": record.calendar,
                    "timezone": record.timezone,
                    "currency": record.currency,
                    "custom_fields": custom,
                    "tasks": rows,
                },
                as_json=True,
            )
            return
        columns = (
            "id",
            "name",
            "start",
            "finish",
            "total_slack_minutes",
            "critical",
            "work_minutes",
            "type",
            "effort_driven",
            "cost",
        )
        emit(rows, as_json=False, columns=columns, title=f"{record.id} {record.name}")


@app.command("changes")
def changes(
    entity: Annotated[str, typer.Argument(help=f"One of: {', '.join(ENTITIES)}.")],
    since: Annotated[int, typer.Option(min=0, max=LARGEST_KEY)] = 0,
    as_json: Json = False,
) -> None:
    """The plan server's change feed after a version."""
    with fail_cleanly():
        if entity not in ENTITIES:
            raise InputError(
                [Problem(where="ENTITY", what=f"{entity!r} is not one of {', '.join(ENTITIES)}")]
            )
        rows = [
            {
                "version": c.version,
                "key": "/".join(c.key),
                "deleted": c.record is None,
                "record": c.record,
            }
            for c in changes_since(plan_store(), entity, since)
        ]
        emit(rows, as_json=as_json, columns=("version", "key", "deleted"), title="changes")


def _zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            [Problem(where="--timezone", what=f"unknown time zone {name!r}")]
        ) from None
    return name
