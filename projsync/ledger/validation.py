"""Posting rules: small named checks that every journal line must pass.

Each rule looks at one line with the facts it needs and returns what is wrong
in words, or ``None``. A rule checks only its own concern and stays silent when
another rule's concern makes it moot (no "unknown activity" when the project
is already unknown), so a person sees every real problem at once. The facts are
read from the store lazily, a project or a worker at a time, so a journal for a
few projects of a large ledger reads only those. Rules never write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Executable, Result, func, select

from projsync.columns import from_units
from projsync.ledger.model import (
    TEXT_LIMIT,
    CategoryKind,
    ProjectStatus,
    TransactionKind,
    WorkerPrice,
)
from projsync.ledger.numbers import MONEY
from projsync.ledger.pricing import PriceList, amount_for_hours
from projsync.ledger.tables import (
    activities,
    categories,
    projects,
    transactions,
    worker_prices,
    workers,
)

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "LINE_RULES",
    "MAX_HOURS_PER_DAY_UNITS",
    "PLACE_RULES",
    "RULES",
    "WORKER_RULES",
    "Facts",
    "Line",
    "Rule",
    "date_out_of_range",
]

MAX_HOURS_PER_DAY_UNITS = 24_00
"""At most 24 hours per worker and day, in hundredths."""

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
"""The dates the ledger takes, for postings, forecasts, prices, projects and
activities: far from the calendar's ends, so that the plan's scheduling and
the sync's day-by-day arithmetic around them stay within it."""
_EARLIEST_DAY = EARLIEST_DATE.toordinal()
_LATEST_DAY = LATEST_DATE.toordinal()

_HOUR = TransactionKind.HOUR
_PRICED_ROOM = MONEY.limit_units * 10_000 + 5_000
"""Hours (hundredths) times a price (ten-thousandths) below this round to an
amount within the range."""
_FINISHED = ProjectStatus.FINISHED.value
_CATEGORY_ID_LIMIT = 40

_KIND_TO_CATEGORY = {
    TransactionKind.HOUR: CategoryKind.HOUR,
    TransactionKind.EXPENSE: CategoryKind.EXPENSE,
    TransactionKind.FEE: CategoryKind.FEE,
}


@dataclass(slots=True)
class Line:
    """A journal line in the units the pipeline computes with."""

    line: int
    kind: TransactionKind
    project: str
    activity: str
    worker: str | None
    date: dt.date
    day: int
    """``date.toordinal()``, kept because every rule and price lookup needs it."""
    hours: int
    """Hundredths of an hour (0 for expenses and fees)."""
    amount: int
    """Cents (0 for hours)."""
    category: str
    """Empty until resolved: the line's own, else the activity's, else the kind's default."""
    text: str = ""
    sales: int = 0
    """An expense's sales amount in cents (0: none given)."""


@dataclass(slots=True)
class _ProjectFacts:
    status: str
    leaves: dict[str, bool] = field(default_factory=dict)
    """Activity number → whether it has no children."""
    categories: dict[str, str] = field(default_factory=dict)
    """Activity number → its category, where it has one."""


class Facts:
    """What the rules need to know of the ledger, read once per project/worker."""

    def __init__(self, conn: Connection, before_read: Callable[[], None] | None = None) -> None:
        self._conn = conn
        self._before_read = before_read
        self._projects: dict[str, _ProjectFacts | None] = {}
        self._prices: dict[str, PriceList | None] = {}
        self._categories: dict[str, CategoryKind | None] = {}
        self._last_days: dict[str, int | None] = {}
        self._day_hours: dict[str, dict[int, int]] = {}

    @property
    def connection(self) -> Connection:
        """The connection, once whoever else uses it has finished."""
        if self._before_read is not None:
            self._before_read()
        return self._conn

    def _execute(self, statement: Executable) -> Result[Any]:
        """Run a read, once the connection is free."""
        return self.connection.execute(statement)

    def project(self, project_id: str) -> _ProjectFacts | None:
        if project_id not in self._projects:
            self._projects[project_id] = self._load_project(project_id)
        return self._projects[project_id]

    def _load_project(self, project_id: str) -> _ProjectFacts | None:
        status = self._execute(
            select(projects.c.status).where(projects.c.id == project_id)
        ).scalar()
        if status is None:
            return None
        facts = _ProjectFacts(status=str(status))
        rows = self._execute(
            select(activities.c.number, activities.c.parent_number, activities.c.category_id).where(
                activities.c.project_id == project_id
            )
        ).all()
        parents = {row.parent_number for row in rows if row.parent_number is not None}
        facts.leaves = {row.number: row.number not in parents for row in rows}
        facts.categories = {row.number: row.category_id for row in rows if row.category_id}
        return facts

    def projects_with_activity(self, number: str) -> list[str]:
        rows = self._execute(
            select(activities.c.project_id).where(activities.c.number == number).limit(5)
        )
        return [r[0] for r in rows]

    def prices(self, worker_id: str) -> PriceList | None:
        if worker_id not in self._prices:
            rows = self._execute(
                select(worker_prices).where(worker_prices.c.worker_id == worker_id)
            ).all()
            self._prices[worker_id] = (
                PriceList(
                    WorkerPrice(
                        worker=r.worker_id,
                        valid_from=r.valid_from,
                        cost_price=r.cost_price,
                        sales_price=r.sales_price,
                    )
                    for r in rows
                )
                if rows
                else None
            )
        return self._prices[worker_id]

    def last_day(self, worker_id: str) -> int | None:
        """The worker's end date as an ordinal (``date.toordinal()``), or
        ``None`` for a worker without one (or unknown)."""
        if worker_id not in self._last_days:
            end = self._execute(
                select(workers.c.end_date).where(workers.c.id == worker_id)
            ).scalar()
            self._last_days[worker_id] = None if end is None else end.toordinal()
        return self._last_days[worker_id]

    def category(self, category_id: str) -> CategoryKind | None:
        if category_id not in self._categories:
            kind = self._execute(
                select(categories.c.kind).where(categories.c.id == category_id)
            ).scalar()
            self._categories[category_id] = CategoryKind(kind) if kind else None
        return self._categories[category_id]

    def note_new_category(self, category_id: str, kind: CategoryKind) -> None:
        self._categories[category_id] = kind

    def day_hours(self, worker_id: str) -> dict[int, int]:
        """Hours already posted by the worker per day (ordinal → hundredths),
        including the lines of this journal that passed so far."""
        days = self._day_hours.get(worker_id)
        if days is None:
            rows = self._execute(
                select(transactions.c.date, func.sum(transactions.c.hours))
                .where(
                    transactions.c.worker_id == worker_id,
                    transactions.c.kind == TransactionKind.HOUR.value,
                )
                .group_by(transactions.c.date)
            )
            sums = cast("Iterable[tuple[dt.date, object]]", rows)
            days = {day.toordinal(): hours_units(total) for day, total in sums}
            self._day_hours[worker_id] = days
        return days


def hours_units(value: object) -> int:
    from decimal import Decimal

    assert isinstance(value, Decimal)  # the HOURS column type returns Decimal
    return int(value.scaleb(2))


Rule = Callable[[Line, Facts], str | None]


def known_project(line: Line, facts: Facts) -> str | None:
    return None if facts.project(line.project) else f"unknown project {line.project}"


def project_open(line: Line, facts: Facts) -> str | None:
    project = facts.project(line.project)
    if project and project.status == _FINISHED:
        return f"project {line.project} is finished and takes no postings"
    return None


def known_activity(line: Line, facts: Facts) -> str | None:
    project = facts.project(line.project)
    if project is None or line.activity in project.leaves:
        return None
    elsewhere = [p for p in facts.projects_with_activity(line.activity) if p != line.project]
    if elsewhere:
        return f"activity {line.activity} belongs to project {elsewhere[0]}, not {line.project}"
    return f"unknown activity {line.activity} in project {line.project}"


def activity_is_leaf(line: Line, facts: Facts) -> str | None:
    project = facts.project(line.project)
    if project and project.leaves.get(line.activity) is False:
        return f"activity {line.activity} has child activities; post to one of them"
    return None


def worker_fits_kind(line: Line, facts: Facts) -> str | None:
    if line.kind is _HOUR and not line.worker:
        return "an hour line needs a worker"
    if line.kind is _HOUR and facts.prices(line.worker or "") is None:
        return f"unknown worker {line.worker}"
    return None


def date_out_of_range(date: dt.date) -> str | None:
    """What is wrong with a date outside the ledger's range, or ``None``."""
    if EARLIEST_DATE <= date <= LATEST_DATE:
        return None
    return f"date {date} is outside the ledger's dates ({EARLIEST_DATE} to {LATEST_DATE})"


def dated_within_range(line: Line, facts: Facts) -> str | None:
    if _EARLIEST_DAY <= line.day <= _LATEST_DAY:
        return None
    return date_out_of_range(line.date)


def worked_by_end_date(line: Line, facts: Facts) -> str | None:
    """No hours on a day after the worker's end date (its last working day)."""
    if line.kind is not _HOUR or not line.worker:
        return None
    last = facts.last_day(line.worker)
    if last is None or line.day <= last:
        return None
    return (
        f"worker {line.worker}'s last day is {dt.date.fromordinal(last)}; no hours on {line.date}"
    )


def positive_quantity(line: Line, facts: Facts) -> str | None:
    if line.kind is _HOUR:
        return None if line.hours > 0 else "hours must be more than zero"
    return None if line.amount > 0 else "amount must be more than zero"


def priced_on_date(line: Line, facts: Facts) -> str | None:
    if line.kind is not _HOUR or not line.worker or not _EARLIEST_DAY <= line.day <= _LATEST_DAY:
        return None
    prices = facts.prices(line.worker)
    if prices is None or prices.at(line.day) is not None:
        return None
    return f"worker {line.worker} has no price on {line.date} (first price from {prices.first})"


def priced_within_range(line: Line, facts: Facts) -> str | None:
    """An hour's cost and sales amounts stay within the range amounts are
    held in (``numbers.py``), as an amount typed would have to."""
    if line.kind is not _HOUR or not line.worker:
        return None
    prices = facts.prices(line.worker)
    if prices is None or line.hours * prices.highest < _PRICED_ROOM:
        return None  # the common case, without looking up the day's price
    price = prices.at(line.day)
    if price is None:
        return None
    highest = max(price)
    if amount_for_hours(line.hours, highest) <= MONEY.limit_units:
        return None
    return (
        f"{from_units(line.hours, 2)} hours at {from_units(highest, 4)} an hour "
        f"come to more than {MONEY.limit:,}"
    )


def category_named_well(line: Line, facts: Facts) -> str | None:
    """A category used for the first time is created: its name must be one
    the store can key on, as ``projsync ledger category add`` requires."""
    name = line.category
    if len(name) <= _CATEGORY_ID_LIMIT and "/" not in name and name == name.strip():
        return None
    if facts.category(name) is not None:
        return None  # created before names were checked: it stays usable
    shown = name if len(name) <= 50 else name[:50] + "…"
    return (
        f"category {shown!r} is not a valid id "
        f"(1-{_CATEGORY_ID_LIMIT} characters, no '/', no spaces at the ends)"
    )


def category_fits(line: Line, facts: Facts) -> str | None:
    kind = facts.category(line.category)
    wanted = _KIND_TO_CATEGORY[line.kind]
    if kind is not None and kind != wanted:
        return f"category {line.category} is a {kind} category, not {wanted}"
    return None


def text_within_limit(line: Line, facts: Facts) -> str | None:
    """A posting's text fits its column, in one line of printable text."""
    if not line.text:
        return None
    if len(line.text) > TEXT_LIMIT:
        return f"text has {len(line.text)} characters; at most {TEXT_LIMIT}"
    if not line.text.isprintable():
        return "text holds a line break or another control character"
    return None


PLACE_RULES: tuple[Rule, ...] = (
    known_project,
    project_open,
    known_activity,
    activity_is_leaf,
    category_named_well,
    category_fits,
)
"""Rules that look only at where a line goes (kind, project, activity, category):
the same verdict for every line with the same place, so asked once per place."""

WORKER_RULES: tuple[Rule, ...] = (worker_fits_kind,)
"""Rules that look only at the line's kind and worker: asked once per worker."""

LINE_RULES: tuple[Rule, ...] = (
    dated_within_range,
    worked_by_end_date,
    positive_quantity,
    priced_on_date,
    priced_within_range,
    text_within_limit,
)
"""Rules that look at the line's own date, quantity and text."""

RULES: tuple[Rule, ...] = PLACE_RULES + WORKER_RULES + LINE_RULES
