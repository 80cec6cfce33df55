"""The built-in ledger as one side of the bridge.

It reads the ledger's change feed and answers in the ledger's terms: projects
and subprojects, activities (the WBS), integrated workers with their prices of
today, hour forecasts, and posted actuals aggregated per project, activity,
worker and day. It uses the ledger's services only, never its tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from projsync.connectors.base import (
    Action,
    Applied,
    ConnectorRefused,
    EntityKind,
    HourLine,
    HoursPosted,
    Operation,
    SyncRecord,
    apply_one,
    fields_of,
)
from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import forecasts as forecast_service
from projsync.ledger.actuals import DaySums, changed_daily_sums, daily_sums
from projsync.ledger.changes import changes_since, current_version
from projsync.ledger.model import (
    TEXT_LIMIT,
    Activity,
    Forecast,
    ForecastKind,
    JournalLine,
    Project,
    ProjectType,
    TransactionKind,
    Worker,
)
from projsync.ledger.posting import post_in_place_of, sources_standing, withdraw_source
from projsync.ledger.service import LedgerService

__all__ = ["LedgerConnector"]

_FEEDS = {
    EntityKind.PROJECT: "project",
    EntityKind.TASK: "activity",
    EntityKind.RESOURCE: "worker",
    EntityKind.ASSIGNMENT: "forecast",
}


_PROJECT_FIELDS_TAKEN = ("name", "projected_start", "projected_end")
"""What the ledger takes of a project from the plan side."""
_TASK_FIELDS_TAKEN = ("name", "start", "end", "parent", "percent_complete", "scheduled_hours")
"""What the ledger takes of a task from the plan side: its place, its dates
and its progress (the weight and the percent complete revenue is recognised by)."""


class LedgerConnector:
    """The ledger of projsync's own store."""

    side = "ledger"

    def __init__(self, store: Store, *, today: dt.date | None = None) -> None:
        self.store = store
        self.service = LedgerService(store)
        self.today = today
        self._currencies: dict[str, str] = {}

    def kinds(self) -> tuple[EntityKind, ...]:
        return (
            EntityKind.PROJECT,
            EntityKind.TASK,
            EntityKind.RESOURCE,
            EntityKind.ASSIGNMENT,
            EntityKind.ACTUAL,
        )

    def takes(self, kind: EntityKind) -> frozenset[str] | None:
        """What the plan side may set here: names, dates and places of
        activities, project names and dates, hour forecasts. Budgets,
        categories, companies and the rest are the ledger's own."""
        return _TAKES.get(kind, frozenset())

    def high_water(self) -> int:
        with self.store.read() as conn:
            return current_version(conn)

    def _currency_of(self, record: object) -> str | None:
        """A project's currency, its company's (a company's never changes)."""
        if not isinstance(record, Project):
            return None
        if record.company not in self._currencies:
            self._currencies.update((c.id, c.currency) for c in self.service.companies())
        return self._currencies.get(record.company)

    # -- reading -------------------------------------------------------------------

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        if kind is EntityKind.ACTUAL:
            yield from self._changed_actuals(since, until)
            return
        if kind is EntityKind.RESOURCE:
            yield from self._changed_workers(since, until)
            return
        for change in changes_since(self.store, _FEEDS[kind], since, until):
            key = "/".join(change.key)
            record = change.record
            if record is None:
                yield SyncRecord(kind=kind, key=key, version=change.version)
            elif kind is EntityKind.ASSIGNMENT:
                assert isinstance(record, Forecast)
                if record.kind is ForecastKind.HOUR:
                    yield _forecast_record(record, change.version)
            else:
                yield _record(kind, record, change.version, self._currency_of(record))

    def snapshot(self, kind: EntityKind) -> Iterator[SyncRecord]:
        now = self.high_water()
        if kind is EntityKind.ACTUAL:
            for sums in daily_sums(self.store):
                yield _actual_record(sums, now)
            return
        for record in self.changes(kind, 0, now):
            if not record.deleted:
                yield record

    def read(self, kind: EntityKind, keys: Sequence[str]) -> Iterator[SyncRecord]:
        """Projects and activities by key, as they are now (tombstones for the
        keys the ledger does not hold are the engine's to add)."""
        version = self.high_water()
        wanted = set(keys)
        if kind is EntityKind.PROJECT:
            for project in self.service.projects():
                if project.id in wanted:
                    yield _record(kind, project, version, self._currency_of(project))
            return
        if kind is not EntityKind.TASK:
            yield from (r for r in self.snapshot(kind) if r.key in wanted)
            return
        by_project: dict[str, set[str]] = {}
        for key in wanted:
            project_id, _, number = key.partition("/")
            by_project.setdefault(project_id, set()).add(number)
        known = {p.id for p in self.service.projects()}
        for project_id, numbers in sorted(by_project.items()):
            if project_id not in known:
                continue
            for activity in self.service.activities(project_id):
                if activity.number in numbers:
                    yield _record(kind, activity, version)

    def _assignment(self, operation: Operation, key: str) -> str | None:
        """A plan assignment is the total of a worker's hour forecasts on an
        activity. A change replaces all of them, in one ledger transaction.

        With the plan's days (``days``: hours per day that add up to the
        total, as ``mapping.ledger_days_of_plan`` gives them) there is one
        forecast per day, each priced at that day's prices. Without (a task
        not scheduled, a plan side that keeps no days), there is one forecast
        of the total (``hours``): on the first date of the forecasts it
        replaces, else on the activity's start, else on the project's, else
        today. A deletion, or a total of nothing, removes them; an update that
        gives neither hours nor days leaves them as they are.
        """
        project, activity, worker = key.split("/", 2)
        fields = operation.fields
        days: tuple[tuple[dt.date, Decimal], ...] = ()
        if operation.action is not Action.DELETE:
            days = _days(fields.get("days"))
            if "hours" in fields:
                hours = Decimal(str(fields.get("hours") or 0))
            elif days:
                hours = sum((h for _, h in days), Decimal(0))
            else:
                return key
            if days and sum(h for _, h in days) != hours:
                raise refusal(
                    f"assignment {key}",
                    f"the hours of its days add up to {sum(h for _, h in days)}, not {hours}",
                )
            if not days and hours > 0:
                days = ((self._first_day(project, activity, worker), hours),)
        forecast_service.replace_hour_forecasts(
            self.store, project=project, activity=activity, worker=worker, days=days
        )
        return None if operation.action is Action.DELETE else key

    def _first_day(self, project: str, activity: str, worker: str) -> dt.date:
        """Where a total without days goes: see ``_assignment``."""
        held = forecast_service.hour_forecasts(
            self.store, project=project, activity=activity, worker=worker
        )
        if held:
            return held[0].date
        start = self.service.activity(project, activity).start
        start = start or self.service.project(project).start
        return start or self.today or dt.datetime.now(dt.UTC).date()

    def _changed_workers(self, since: int, until: int) -> Iterator[SyncRecord]:
        """Workers whose own row or prices changed; a worker no longer integrated
        reads as gone (the plan side unlinks its resource)."""
        touched: dict[str, int] = {}
        for change in changes_since(self.store, "worker", since, until):
            touched[change.key[0]] = max(touched.get(change.key[0], 0), change.version)
        for change in changes_since(self.store, "worker_price", since, until):
            touched[change.key[0]] = max(touched.get(change.key[0], 0), change.version)
        if not touched:
            return
        known = {w.id: w for w in self.service.workers()}
        for worker_id, version in sorted(touched.items(), key=lambda item: item[1]):
            worker = known.get(worker_id)
            if worker is None or not worker.integrated:
                yield SyncRecord(kind=EntityKind.RESOURCE, key=worker_id, version=version)
            else:
                yield self._worker_record(worker, version)

    def _worker_record(self, worker: Worker, version: int) -> SyncRecord:
        day = self.today or dt.datetime.now(dt.UTC).date()
        prices = [p for p in self.service.worker_prices(worker.id) if p.valid_from <= day]
        current = prices[-1] if prices else None
        return SyncRecord(
            kind=EntityKind.RESOURCE,
            key=worker.id,
            version=version,
            fields={
                "name": worker.name,
                "company": worker.company,
                "calendar": worker.calendar,
                "cost_price": current.cost_price if current else Decimal("0"),
                "sales_price": current.sales_price if current else Decimal("0"),
                "end_date": worker.end_date,
            },
        )

    def _changed_actuals(self, since: int, until: int) -> Iterator[SyncRecord]:
        """The aggregates of every project, activity and day with a changed
        transaction (all workers of such a day), each as it is now, ordered by
        project, activity and day."""
        for sums in changed_daily_sums(self.store, since, until):
            yield _actual_record(sums, until)

    # -- writing -------------------------------------------------------------------

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        """Apply changes that come from the plan side. The ledger takes names,
        dates and structure of activities, project names and projected dates
        (a project's own dates are the accountant's: never taken from the plan),
        and assignments as hour forecasts; a create of an activity that exists
        already is an update (replays change nothing)."""
        return [apply_one(operation, self._apply) for operation in operations]

    def _apply(self, operation: Operation) -> str | None:
        key = operation.target_key
        if key is None:
            raise InputError(
                [Problem(where=operation.source_key, what="no ledger key to apply to")]
            )
        fields = operation.fields
        if operation.kind is EntityKind.PROJECT:
            if operation.action is Action.CREATE and not self._has_project(key):
                self.service.add_project(_born_project(key, fields))
                return key
            changes = {k: fields[k] for k in _PROJECT_FIELDS_TAKEN if k in fields}
            if changes and operation.action is not Action.DELETE:
                self.service.update_project(key, **changes)
            return key
        if operation.kind is EntityKind.ASSIGNMENT:
            return self._assignment(operation, key)
        if operation.kind is not EntityKind.TASK:
            raise InputError(
                [
                    Problem(
                        where=key, what=f"the ledger takes no {operation.kind} from the plan side"
                    )
                ]
            )
        project, number = key.split("/", 1)
        exists = any(a.number == number for a in self.service.activities(project))
        if operation.action is Action.DELETE:
            if exists:
                self.service.delete_activity(project, number)
            return None
        changes = {k: fields[k] for k in _TASK_FIELDS_TAKEN if k in fields}
        if exists:
            if changes:
                self.service.update_activity(project, number, **changes)
        else:
            self.service.add_activity(
                Activity(
                    project=project,
                    number=number,
                    name=str(changes.get("name") or number),
                    parent=changes.get("parent"),  # type: ignore[arg-type]
                    start=changes.get("start"),  # type: ignore[arg-type]
                    end=changes.get("end"),  # type: ignore[arg-type]
                    percent_complete=changes.get("percent_complete"),  # type: ignore[arg-type]
                    scheduled_hours=changes.get("scheduled_hours"),  # type: ignore[arg-type]
                )
            )
        return key

    def _has_project(self, key: str) -> bool:
        return any(p.id == key for p in self.service.projects())

    # -- outside timesheets --------------------------------------------------------

    def post_hours(self, source: str, line: HourLine) -> HoursPosted:
        """Post a timesheet line as one hour transaction, priced at the worker's
        prices on its day, in place of what stands posted under ``source``."""
        journal_line = JournalLine(
            line=1,
            kind=TransactionKind.HOUR,
            project=line.project,
            activity=line.activity,
            worker=line.worker,
            date=line.day,
            hours=line.hours,
            text=" ".join(line.text.split())[:TEXT_LIMIT],  # as a posting's text may be
        )
        try:
            done = post_in_place_of(self.store, journal_line, source=source)
        except InputError as exc:  # the line's problems, named by its source
            raise ConnectorRefused("\n".join(f"{source}: {p.what}" for p in exc.problems)) from exc
        return HoursPosted(journal=done.journal, reversed=done.reversed, changed=done.changed)

    def hours_standing(self, prefix: str) -> set[str]:
        return sources_standing(self.store, prefix)

    def withdraw_hours(self, source: str) -> HoursPosted:
        try:
            done = withdraw_source(self.store, source)
        except InputError as exc:
            raise ConnectorRefused(str(exc)) from exc
        return HoursPosted(journal=None, reversed=done.reversed, changed=done.changed)


def _born_project(key: str, fields: Mapping[str, object]) -> Project:
    """A project born on the plan side, as the ledger keeps it."""

    def text(name: str) -> str | None:
        value = fields.get(name)
        return None if value in (None, "") else str(value)

    kind = text("type") or ProjectType.TIME_MATERIAL.value
    if kind not in {t.value for t in ProjectType}:
        known = ", ".join(t.value for t in ProjectType)
        raise refusal(f"project {key}", f"type {kind!r} is none of {known}")
    return Project(
        id=key,
        company=str(text("company")),
        name=text("name") or key,
        type=ProjectType(kind),
        customer=text("customer"),
        contract=text("contract"),
        group=text("group"),
        start=_date(fields.get("start")),
        end=_date(fields.get("end")),
        projected_start=_date(fields.get("projected_start")),
        projected_end=_date(fields.get("projected_end")),
    )


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


_TAKES = {
    EntityKind.PROJECT: frozenset({"name", "projected_start", "projected_end"}),
    EntityKind.TASK: frozenset(
        {"name", "parent", "start", "end", "percent_complete", "scheduled_hours"}
    ),
    EntityKind.ASSIGNMENT: frozenset({"hours"}),
}


def _pair_forecasts(store: Store, project: str, activity: str, worker: str) -> list[Forecast]:
    return [
        f
        for f in forecast_service.list_forecasts(store, project)
        if f.kind is ForecastKind.HOUR and f.activity == activity and f.worker == worker
    ]


def _days(given: object) -> tuple[tuple[dt.date, Decimal], ...]:
    """An operation's ``days`` as dates and hours (dates as text from a log's
    payload read as dates)."""
    if not isinstance(given, tuple | list):
        return ()
    return tuple(
        (day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)), Decimal(str(hours)))
        for day, hours in given
    )


def _record(
    kind: EntityKind, record: object, version: int, currency: str | None = None
) -> SyncRecord:
    fields = fields_of(record)
    if isinstance(record, Project):
        fields["currency"] = currency
        return SyncRecord(
            kind=kind, key=record.id, version=version, fields=fields, parent=record.parent
        )
    if isinstance(record, Activity):
        parent = f"{record.project}/{record.parent}" if record.parent else record.project
        return SyncRecord(
            kind=kind,
            key=f"{record.project}/{record.number}",
            version=version,
            fields=fields,
            parent=parent,
        )
    raise TypeError(f"no ledger record of kind {kind}: {record!r}")


def _forecast_record(forecast: Forecast, version: int) -> SyncRecord:
    return SyncRecord(
        kind=EntityKind.ASSIGNMENT,
        key=str(forecast.id),
        version=version,
        parent=f"{forecast.project}/{forecast.activity}",
        fields={
            "project": forecast.project,
            "activity": forecast.activity,
            "worker": forecast.worker,
            "date": forecast.date,
            "hours": forecast.hours,
            "cost": forecast.cost,
            "revenue": forecast.revenue,
        },
    )


def _actual_record(sums: DaySums, version: int) -> SyncRecord:
    project, activity, worker, day, hours, cost, revenue = sums
    parent = f"{project}/{activity}"
    return SyncRecord(
        kind=EntityKind.ACTUAL,
        key=f"{parent}/{worker}/{day.isoformat()}",
        version=version,
        parent=parent,
        fields={
            "project": project,
            "activity": activity,
            "worker": worker or None,
            "day": day,
            "hours": hours,
            "cost": cost,
            "revenue": revenue,
        },
    )
