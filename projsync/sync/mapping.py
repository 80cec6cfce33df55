"""Terminology: ledger records in plan terms and plan records in ledger terms.

The merge compares an entity in one vocabulary, the ledger's ("neutral"
fields below); this module turns a plan record into those fields, and the
fields that must go to the plan into the plan's terms. Ledger facts with no
native plan field travel as plan custom fields named ``<prefix><NN>_<Name>``
(``DAX_03_Company`` with the default prefix); lookup-backed ones have lookup
tables on the plan side. Pure code: no I/O, no settings read here.

A project's dates travel one way each. Its own start (neutral
``project_start``) goes to the plan project's start, which the plan schedules
from; the plan's scheduled start and finish come back as ``projected_start``
and ``projected_end``. Its own end, the contract's, has no plan counterpart
and is never compared. Tasks keep ``start`` and ``end`` both ways. A
worker's end date (neutral ``end_date``) goes to its resource's
``available_until``, ledger to plan only, as every field of a resource.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from projsync.columns import money
from projsync.connectors.base import EntityKind

__all__ = [
    "CUSTOM_FIELDS",
    "DAY_END",
    "DAY_START",
    "PLAN_FIELDS_READ",
    "PlanField",
    "as_day",
    "field_name",
    "ledger_days_of_plan",
    "ledger_fields_of_plan",
    "neutral_defaults",
    "neutral_fields",
    "neutral_names",
    "neutral_value",
    "plan_fields_of_ledger",
]

DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanField:
    """A plan custom field that carries a ledger fact."""

    number: int
    name: str
    entity: str
    """project, task or resource."""
    type: str
    """text or cost."""
    source: str
    """The neutral field it carries."""
    lookup: bool = False
    """Backed by a lookup table of the values the ledger knows."""


CUSTOM_FIELDS: tuple[PlanField, ...] = (
    PlanField(number=1, name="ProjectId", entity="project", type="text", source="id"),
    PlanField(number=2, name="ParentProject", entity="project", type="text", source="parent"),
    PlanField(
        number=3, name="Company", entity="project", type="text", source="company", lookup=True
    ),
    PlanField(
        number=4, name="Customer", entity="project", type="text", source="customer", lookup=True
    ),
    PlanField(
        number=5, name="ProjectGroup", entity="project", type="text", source="group", lookup=True
    ),
    PlanField(
        number=6, name="ProjectType", entity="project", type="text", source="type", lookup=True
    ),
    PlanField(
        number=7, name="ProjectStatus", entity="project", type="text", source="status", lookup=True
    ),
    PlanField(
        number=8, name="Contract", entity="project", type="text", source="contract", lookup=True
    ),
    PlanField(number=9, name="ActivityNumber", entity="task", type="text", source="number"),
    PlanField(
        number=10,
        name="ActivityCategory",
        entity="task",
        type="text",
        source="category",
        lookup=True,
    ),
    PlanField(number=11, name="LedgerProject", entity="task", type="text", source="project"),
    PlanField(number=12, name="WorkerId", entity="resource", type="text", source="id"),
    PlanField(
        number=13,
        name="WorkerCompany",
        entity="resource",
        type="text",
        source="company",
        lookup=True,
    ),
    PlanField(number=14, name="SalesPrice", entity="resource", type="cost", source="sales_price"),
    PlanField(number=20, name="Currency", entity="project", type="text", source="currency"),
    PlanField(number=21, name="BudgetRevenue", entity="task", type="cost", source="budget_revenue"),
    PlanField(
        number=22, name="ContractValue", entity="project", type="cost", source="contract_value"
    ),
    PlanField(number=23, name="Invoiced", entity="project", type="cost", source="invoiced"),
    PlanField(number=24, name="Recognised", entity="project", type="cost", source="recognised"),
)
"""Every ledger fact the plan side keeps in a custom field (README lists them)."""

# Neutral fields per kind: what the merge compares (the ledger's vocabulary).
NEUTRAL: Mapping[EntityKind, tuple[str, ...]] = {
    EntityKind.PROJECT: (
        "name", "company", "parent", "type", "status",
        "customer", "contract", "group", "project_start", "projected_start", "projected_end",
        "currency", "contract_value", "invoiced", "recognised",
    ),
    EntityKind.TASK: (
        "name", "parent", "category", "start", "end", "planned_hours", "budget_cost",
        "budget_revenue", "percent_complete", "scheduled_hours",
    ),
    EntityKind.RESOURCE: ("name", "company", "cost_price", "sales_price", "end_date"),
    EntityKind.ASSIGNMENT: ("project", "activity", "worker", "date", "hours"),
}  # fmt: skip


def field_name(prefix: str, field: PlanField) -> str:
    return f"{prefix}{field.number:02d}_{field.name}"


def neutral_fields(kind: EntityKind, ledger: Mapping[str, object]) -> dict[str, object]:
    """The fields of a ledger record that the merge compares. Hours are taken at
    the plan's precision (whole minutes), so that a value that went across and
    came back compares equal and never travels again."""
    found = {name: _plain(ledger.get(name)) for name in NEUTRAL.get(kind, ())}
    if kind is EntityKind.PROJECT:  # the project's own start, named apart from a task's
        found["project_start"] = ledger.get("start")
    if kind is EntityKind.TASK:  # no progress yet is what a new plan task shows: none
        for name, nothing in _NO_PROGRESS.items():
            if found.get(name) is None:
                found[name] = nothing
    for name in ("planned_hours", "hours", "scheduled_hours"):
        if name in found and found[name] is not None:
            found[name] = _hours(round(Decimal(str(found[name])) * 60))
    return found


_NO_PROGRESS: Mapping[str, object] = {"percent_complete": 0, "scheduled_hours": Decimal("0.00")}
"""An activity the plan has said nothing of compares as a task with no
progress and no work, as the plan shows a task it was just given."""

_DATES = frozenset({"start", "end", "date", "projected_start", "projected_end", "end_date"})
_AMOUNTS = frozenset(
    {
        "planned_hours", "budget_cost", "hours", "cost_price", "sales_price", "budget_revenue",
        "contract_value", "invoiced", "recognised", "scheduled_hours",
    }
)  # fmt: skip
_MONEY_FIELDS = frozenset({"budget_revenue", "contract_value", "invoiced", "recognised"})
"""Money that travels in custom fields: read back from the plan as amounts."""


def neutral_value(name: str, value: object) -> object:
    """A neutral field's value from its text (as a person types it, or as the
    log keeps it): a date, a decimal to the cent, or text; empty is None.
    Raises ValueError when the text does not fit the field."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value
    if name in _DATES:
        return dt.date.fromisoformat(value)
    if name in _AMOUNTS:
        try:
            amount = Decimal(value)
        except ArithmeticError as exc:
            raise ValueError(f"{value!r} is not a number") from exc
        if not amount.is_finite():
            raise ValueError(f"{value!r} is not a number")
        return amount.quantize(Decimal("0.01"))
    return value


def plan_fields_of_ledger(
    kind: EntityKind,
    neutral: Mapping[str, object],
    *,
    key: str,
    prefix: str,
    show_rates: bool,
) -> dict[str, object]:
    """Plan-side values for neutral fields (only those given are returned)."""
    plan: dict[str, object] = {}
    custom: dict[str, object] = {}
    for name, value in neutral.items():
        if kind is EntityKind.TASK and name == "planned_hours":
            plan["budget_work"] = round(Decimal(str(value or 0)) * 60)
        elif kind is EntityKind.TASK and name == "budget_cost":
            plan["budget_cost"] = money(value)
        elif kind is EntityKind.TASK and name == "start":
            plan["start"] = _moment(value, DAY_START)
        elif kind is EntityKind.TASK and name == "end":
            plan["finish"] = _moment(value, DAY_END)
        elif kind is EntityKind.PROJECT and name == "project_start":
            plan["start"] = _moment(value, DAY_START)
        elif kind is EntityKind.PROJECT and name == "currency":
            plan["currency"] = value  # the plan project's own, beside the custom field
        elif kind is EntityKind.RESOURCE and name == "cost_price":
            if show_rates:
                plan["standard_rate"] = value
        elif kind is EntityKind.RESOURCE and name == "end_date":
            plan["available_until"] = value
        elif kind is EntityKind.ASSIGNMENT and name == "hours":
            plan["work"] = round(Decimal(str(value or 0)) * 60)
        elif name in ("name", "parent"):
            plan[name] = value
        for field in _CARRYING.get((kind.value, name), ()):
            if field.name != "SalesPrice" or show_rates:
                custom[field_name(prefix, field)] = None if value is None else str(value)
    for field in _CARRYING.get((kind.value, "id"), ()):  # projects' and resources' ids
        custom[field_name(prefix, field)] = key
    if custom:
        plan["custom_fields"] = custom
        plan["custom_lookups"] = tuple(
            name for name in _lookups_of(prefix, kind.value) if name in custom
        )
    return plan


def _carrying() -> dict[tuple[str, str], tuple[PlanField, ...]]:
    found: dict[tuple[str, str], list[PlanField]] = {}
    for field in CUSTOM_FIELDS:
        found.setdefault((field.entity, field.source), []).append(field)
    return {place: tuple(fields) for place, fields in found.items()}


_CARRYING = _carrying()
"""The custom fields that carry each (entity, neutral field): looked up, not
searched for, once per field of each of a run's entities."""


@functools.lru_cache(maxsize=64)
def _lookups_of(prefix: str, entity: str) -> tuple[str, ...]:
    """Names of an entity's fields kept with lookup tables, in their order."""
    return tuple(field_name(prefix, f) for f in CUSTOM_FIELDS if f.lookup and f.entity == entity)


PLAN_FIELDS_READ = frozenset(
    {
        "project", "id", "task", "resource", "parent",
        "name", "start", "finish", "budget_work", "budget_cost", "standard_rate", "work",
        "custom_fields", "work_by_day", "available_until", "percent_complete",
    }
)  # fmt: skip
"""Every field of a plan record that the sync reads (here and to place new
tasks and assignments): a run that reads a large plan keeps only these."""


_DATES_OF_PLAN: Mapping[EntityKind, tuple[tuple[str, str], ...]] = {
    EntityKind.PROJECT: (("projected_start", "start"), ("projected_end", "finish")),
    EntityKind.TASK: (("start", "start"), ("end", "finish")),
}
"""Neutral date fields read from a plan record's start and finish: a project's
are its projected dates (its own start and end are the ledger's)."""


def ledger_fields_of_plan(
    kind: EntityKind, plan: Mapping[str, object], *, prefix: str
) -> dict[str, object]:
    """Neutral (ledger-term) values of a plan record: what the merge compares."""
    custom = plan.get("custom_fields") or {}
    assert isinstance(custom, Mapping)
    found: dict[str, object] = {}
    for field in CUSTOM_FIELDS:
        if field.entity == kind.value and field.source in NEUTRAL.get(kind, ()):
            value = custom.get(field_name(prefix, field))
            found[field.source] = _amount(value) if field.source in _MONEY_FIELDS else value
    if kind in (EntityKind.PROJECT, EntityKind.TASK):
        found["name"] = plan.get("name")
        # dates the plan has not computed yet (not scheduled) say nothing
        for ours, theirs in _DATES_OF_PLAN[kind]:
            if plan.get(theirs) is not None:
                found[ours] = as_day(plan.get(theirs))
    if kind is EntityKind.TASK:
        work = plan.get("budget_work")
        found["planned_hours"] = _hours(work)
        if "budget_cost" in plan:  # a side that keeps no budget cost says nothing
            found["budget_cost"] = money(plan["budget_cost"])
        if plan.get("percent_complete") is not None:  # the plan's progress comes back
            found["percent_complete"] = int(plan["percent_complete"])  # type: ignore[call-overload]
        if plan.get("work") is not None:
            found["scheduled_hours"] = _hours(plan.get("work"))
    elif kind is EntityKind.RESOURCE:
        found["name"] = plan.get("name")
        if "standard_rate" in plan:
            found["cost_price"] = plan.get("standard_rate")
        if "available_until" in plan:  # a side that keeps no availability says nothing
            found["end_date"] = as_day(plan["available_until"])
    elif kind is EntityKind.ASSIGNMENT:
        found["hours"] = _hours(plan.get("work"))
    return {name: _plain(found.get(name)) for name in NEUTRAL.get(kind, ()) if name in found}


_NEUTRAL_NAME = {
    (EntityKind.PROJECT, "start"): "project_start",
    (EntityKind.PROJECT, "finish"): "projected_end",
    (EntityKind.TASK, "finish"): "end",
    (EntityKind.TASK, "budget_work"): "planned_hours",
    (EntityKind.TASK, "work"): "scheduled_hours",
    (EntityKind.RESOURCE, "standard_rate"): "cost_price",
    (EntityKind.RESOURCE, "available_until"): "end_date",
    (EntityKind.ASSIGNMENT, "work"): "hours",
}


def neutral_names(kind: EntityKind, plan_names: frozenset[str]) -> frozenset[str]:
    """The neutral fields that plan-side fields carry (custom fields: every
    ledger fact the kind keeps in one)."""
    found = set()
    for name in plan_names:
        if name == "custom_fields":
            found |= {f.source for f in CUSTOM_FIELDS if f.entity == kind.value}
        else:
            found.add(_NEUTRAL_NAME.get((kind, name), name))
    return frozenset(found)


def ledger_days_of_plan(plan: Mapping[str, object]) -> tuple[tuple[dt.date, Decimal], ...]:
    """An assignment's hours per day in ledger terms (``days`` of a ledger
    operation), from the plan's ``work_by_day`` (minutes per day).

    The days share the assignment's hours (its ``work`` as the merge counts
    it, to the hundredth) by their minutes, in hundredths that add up to those
    hours exactly: each day takes its running share rounded down, so what
    rounding leaves over falls on the last day (10 h over three equal days:
    3.33, 3.33, 3.34); a day left with no hundredth is left out. Empty when the
    plan gives no days (a task not scheduled, a side that keeps none): the
    ledger then places the hours itself. The merge compares the total hours
    only; the days travel with them.
    """
    hours = _hours(plan.get("work"))
    given = plan.get("work_by_day") or ()
    assert isinstance(given, tuple | list)
    days: dict[dt.date, int] = {}
    for day, minutes in given:
        if int(minutes) > 0:
            days[day] = days.get(day, 0) + int(minutes)
    total = sum(days.values())
    if hours is None or hours <= 0 or total <= 0:
        return ()
    hundredths = int(hours * 100)
    found: list[tuple[dt.date, Decimal]] = []
    so_far, given_so_far = 0, 0
    for day in sorted(days):
        so_far += days[day]
        upto = hundredths * so_far // total  # the last day: the whole, exactly
        if upto > given_so_far:
            found.append((day, Decimal(upto - given_so_far).scaleb(-2)))
            given_so_far = upto
    return tuple(found)


def neutral_defaults(plan: Mapping[str, object]) -> dict[str, object]:
    """Values the plan side settled itself for a project (its start, and a
    finish where it gives one), in neutral terms: its projected dates."""
    return {
        ours: as_day(plan[theirs])
        for ours, theirs in _DATES_OF_PLAN[EntityKind.PROJECT]
        if theirs in plan
    }


def _amount(value: object) -> object:
    """A money custom field's text as an amount to the cent; text that is no
    number stays as it is (it differs from the ledger's, which then goes back)."""
    try:
        return neutral_value("invoiced", value)
    except (ValueError, ArithmeticError):
        return value


def _plain(value: object) -> object:
    """Enums as their values, so both sides compare equal."""
    if value is None or type(value) in _PLAIN:  # most values: looked at once
        return value
    return getattr(value, "value", value) if not isinstance(value, str | int | Decimal) else value


_PLAIN = frozenset({str, int, Decimal, dt.date, dt.datetime})
"""Types whose values are their own plain form (no ``value`` to read)."""


def _moment(value: object, time: dt.time) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, time)
    return None


def as_day(value: object) -> dt.date | None:
    """A plan moment as its day (a date as it is; anything else: none)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _hours(minutes: object) -> Decimal | None:
    if minutes is None:
        return None
    return (Decimal(int(str(minutes))) / 60).quantize(Decimal("0.01"))
