"""The ledger's vocabulary: every record the ledger stores or returns.

Records are frozen; change them with ``dataclasses.replace``. Money and hours are
``Decimal`` with two places; prices carry up to four. Transaction dates are
calendar dates in the company's own time; moments (posted at) are aware.
Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Activity",
    "Category",
    "CategoryKind",
    "Change",
    "Company",
    "Forecast",
    "ForecastKind",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "Journal",
    "JournalLine",
    "Markup",
    "Milestone",
    "Project",
    "ProjectStatus",
    "ProjectTotals",
    "ProjectType",
    "Recognition",
    "Transaction",
    "TransactionKind",
    "Worker",
    "WorkerPrice",
]


class ProjectType(enum.StrEnum):
    TIME_MATERIAL = "time-material"
    FIXED_PRICE = "fixed-price"
    INTERNAL = "internal"
    COST = "cost"
    INVESTMENT = "investment"


class ProjectStatus(enum.StrEnum):
    CREATED = "created"
    ESTIMATED = "estimated"
    SCHEDULED = "scheduled"
    IN_PROCESS = "in-process"
    FINISHED = "finished"


class CategoryKind(enum.StrEnum):
    HOUR = "hour"
    EXPENSE = "expense"
    FEE = "fee"


class TransactionKind(enum.StrEnum):
    HOUR = "hour"
    EXPENSE = "expense"
    FEE = "fee"


class ForecastKind(enum.StrEnum):
    HOUR = "hour"
    EXPENSE = "expense"
    REVENUE = "revenue"


@dataclass(frozen=True, slots=True, kw_only=True)
class Company:
    """A legal entity; every amount of its projects is in its currency."""

    id: str
    name: str
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """A project or, when ``parent`` is set, a subproject (any depth)."""

    id: str
    company: str
    name: str
    parent: str | None = None
    type: ProjectType = ProjectType.TIME_MATERIAL
    status: ProjectStatus = ProjectStatus.CREATED
    customer: str | None = None
    contract: str | None = None
    group: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    """With ``start``, the contract dates: the accountant's, never written by the sync."""
    manager: str | None = None
    projected_start: dt.date | None = None
    projected_end: dt.date | None = None
    """With ``projected_start``, the plan's scheduled start and finish as last
    synchronized (None until the plan has them)."""
    contract_value: Decimal | None = None
    """What the customer's contract is worth (None: not given)."""
    invoiced: Decimal = Decimal("0.00")
    """The project's own posted invoices net of its credit notes. Kept by the
    invoices; never set."""
    recognised: Decimal = Decimal("0.00")
    """The revenue recognised from progress that stands. Kept by the
    recognitions; never set."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One node of a project's WBS; only leaves take postings."""

    project: str
    number: str
    """Unique within the project."""
    name: str
    parent: str | None = None
    """Number of the parent activity in the same project."""
    category: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    planned_hours: Decimal = Decimal("0.00")
    budget_cost: Decimal = Decimal("0.00")
    """The cost of the activity's forecasts: planned hours at the workers'
    cost prices and planned expenses. Kept by the forecasts; never set."""
    budget_revenue: Decimal = Decimal("0.00")
    """The revenue of the activity's forecasts. Kept by the forecasts; never set."""
    percent_complete: int | None = None
    """The plan's percent complete of its task (None: the plan said nothing)."""
    scheduled_hours: Decimal | None = None
    """The plan's work of its task: the weight of its percent complete."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerPrice:
    """A worker's hourly cost and sales price from ``valid_from`` on."""

    worker: str
    valid_from: dt.date
    cost_price: Decimal
    sales_price: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Worker:
    """A person who posts hours; prices are kept apart, as a history."""

    id: str
    """Personnel number."""
    company: str
    name: str
    calendar: str = "Standard"
    integrated: bool = False
    """Offered to the plan side as a resource."""
    end_date: dt.date | None = None
    """The worker's last working day: no hours are posted on a later day, and
    the plan's resource is available until it. Hour forecasts after it are
    taken all the same: they are what the plan's over-allocation report shows."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Category:
    """What a transaction is for; its kind says which transactions may use it."""

    id: str
    kind: CategoryKind


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalLine:
    """One line of a journal before posting, as the person wrote it."""

    line: int
    """Line number in the source (a CSV file's line, 1 for a single command)."""
    kind: TransactionKind
    project: str
    activity: str
    date: dt.date
    worker: str | None = None
    hours: Decimal | None = None
    amount: Decimal | None = None
    category: str | None = None
    text: str = ""
    """What the line is for, in the poster's words (at most TEXT_LIMIT characters)."""
    sales_amount: Decimal | None = None
    """An expense's sales amount, what it bills (None: its cost plus its
    contract's markup for its category). Expense lines only."""


TEXT_LIMIT = 250
"""Characters of a posting's text."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Transaction:
    """A posted transaction: immutable; a reversal is another transaction."""

    id: int
    journal: int
    kind: TransactionKind
    project: str
    activity: str
    worker: str | None
    date: dt.date
    hours: Decimal
    cost: Decimal
    revenue: Decimal
    """Sales amount of an hour; the amount of a fee; an expense's sales amount
    where its line gave one, else zero."""
    category: str
    reverses: int | None
    posted_at: dt.datetime
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Journal:
    """A batch of lines posted together, all or nothing."""

    id: int
    source: str
    lines: int
    posted_at: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Forecast:
    """Planned hours of a worker on an activity, or a planned expense or revenue."""

    id: int
    kind: ForecastKind
    project: str
    activity: str
    date: dt.date
    worker: str | None = None
    hours: Decimal = Decimal("0.00")
    cost: Decimal = Decimal("0.00")
    """Hours at the worker's cost price on the date, or the planned expense."""
    revenue: Decimal = Decimal("0.00")
    """Hours at the worker's sales price on the date, or the planned revenue."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectTotals:
    """Posted and forecast totals of a project and all its subprojects."""

    project: str
    hours: Decimal
    cost: Decimal
    revenue: Decimal
    forecast_hours: Decimal
    forecast_cost: Decimal
    forecast_revenue: Decimal


class InvoiceStatus(enum.StrEnum):
    PROPOSAL = "proposal"
    """Not posted: no number, may be discarded."""
    POSTED = "posted"
    """Numbered and final; a credit note is posted too."""
    CREDITED = "credited"
    """Posted, then undone by a credit note."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    """One billed transaction or milestone of an invoice."""

    line: int
    transaction: int | None
    """The transaction billed (None for a milestone)."""
    milestone: int | None
    text: str
    amount: Decimal
    """Negated on a credit note."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """An invoice proposal, a posted invoice or a credit note of one project
    (its subprojects' transactions included)."""

    id: int
    company: str
    project: str
    number: str | None
    """The company's next number when posted, e.g. ``DEMO-000001``; None while a proposal."""
    status: InvoiceStatus
    credits: int | None
    """On a credit note: the invoice it credits."""
    date: dt.date
    created_at: dt.datetime
    total: Decimal
    lines: tuple[InvoiceLine, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone:
    """An agreed amount billed once its date has come."""

    id: int
    project: str
    date: dt.date
    amount: Decimal
    text: str = ""
    invoice: str | None = None
    """The number of the invoice that bills it (None: not billed yet)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Markup:
    """What a contract's expenses of a category bill above their cost."""

    contract: str
    category: str
    percent: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Recognition:
    """Revenue recognised from a fixed-price project's progress on a date, or
    the reversal of such a row (``reverses``: the row it undoes, negated)."""

    id: int
    project: str
    date: dt.date
    completion: Decimal
    """Percent complete of the project, to the hundredth."""
    contract_value: Decimal
    earned: Decimal
    """Revenue earned to the date: contract value x completion."""
    amount: Decimal
    """What this row recognises: earned less what stood recognised before."""
    cost: Decimal
    """The project's cost to the date (with its subprojects)."""
    reverses: int | None
    posted_at: dt.datetime
    reversed_by: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One entry of the change feed: a row's key, its version and, unless it
    was deleted, its current record."""

    entity: str
    key: tuple[str, ...]
    version: int
    record: object | None
    """``None`` for a tombstone."""
