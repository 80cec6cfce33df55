"""The project statement: what an accountant reads of a project and its
subprojects over a range of dates, broken down by one dimension.

Each project of the tree (the project first, then its subprojects, each its
own group) has rows keyed by the dimension (``By``): an activity (its number
and name), a category, a worker (id and name) or a period (the calendar month
``YYYY-MM`` of the date). Every figure is a ``Decimal`` to the cent, summed in
SQL within one read transaction; a group's total is the sum of its rows and
the statement's total the sum of its groups'.

The figures, each over what is dated in the range (both ends included, both
optional):

- ``budget_cost``, ``budget_revenue``: the forecasts' cost and revenue, by the
  forecast's date.
- ``hours``, ``actual_cost``: the transactions' hours and cost, reversals
  included (a reversed pair nets to nothing).
- ``billable``: what the transactions would bill, invoiced or not: of a
  time-and-material project, each transaction that is neither a reversal nor
  reversed at ``invoices.amount_billed`` (an expense without a sales amount at
  its cost plus its contract's markup for its category, rounded per
  transaction); of every other type nothing (a fixed price bills its
  milestones, the other types nothing).
- ``invoiced``: the lines of standing invoices (posted, not credited, not a
  credit note: ``invoices.standing``): a transaction's line on the
  transaction's row (dated by the transaction), a milestone's line on its
  project's ``(milestones)`` row (dated by the invoice).
- ``recognised``: of a fixed-price project the amounts of its recognitions
  (reversals included, dated as the original, so they net), on its
  ``(recognition)`` row; of a time-and-material project what is invoiced, on
  the same rows (it recognises revenue as it invoices); of the other types
  nothing.
- ``wip``, work in progress: time and material ``billable - invoiced``; fixed
  price ``recognised - invoiced`` (negative: billed ahead of progress); other
  types nothing. Per row, so the totals are the rows' sums too.

Where a dimension does not apply to a figure, the figure goes to a row of its
own rather than to a guessed one:

- by worker: expenses and fees (no worker), expense and revenue forecasts go
  to the ``(none)`` row; milestone lines to ``(milestones)``, recognitions to
  ``(recognition)``.
- by category: forecasts carry no category. An hour forecast is taken under
  the category an hour posting on its activity would take without one given:
  the activity's own category, else ``Hours`` (``posting.DEFAULT_CATEGORY``).
  Expense and revenue forecasts go to ``(none)``. Milestones and
  recognitions to their own rows, as by worker.
- by activity: milestones and recognitions belong to the project, not an
  activity: their own rows, as by worker.
- by period: every figure has a date, so nothing goes to an own row: a
  milestone line counts in the month of its invoice's date, a recognition in
  the month of its date.

Read only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    String,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
)

from projsync.columns import from_units
from projsync.db import Store
from projsync.errors import InputError, Problem
from projsync.ledger.invoices import standing, subtree
from projsync.ledger.markups import marked_up
from projsync.ledger.model import ForecastKind, ProjectType, TransactionKind
from projsync.ledger.posting import DEFAULT_CATEGORY
from projsync.ledger.revenue import completion
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import (
    activities,
    companies,
    forecasts,
    invoice_lines,
    invoices,
    markups,
    milestones,
    projects,
    recognitions,
    transactions,
    workers,
)
from projsync.ledger.validation import date_out_of_range

__all__ = [
    "FIGURES",
    "MILESTONES",
    "NONE",
    "RECOGNITION",
    "TOTAL",
    "By",
    "Statement",
    "StatementGroup",
    "StatementHead",
    "StatementRow",
    "statement",
]

NONE = "(none)"
"""The row of what the dimension does not apply to."""
MILESTONES = "(milestones)"
"""The row of a project's invoiced milestones."""
RECOGNITION = "(recognition)"
"""The row of a fixed-price project's recognised revenue."""
TOTAL = "(total)"
"""The key of a group's total and, with it as project too, the statement's."""

FIGURES = (
    "budget_cost",
    "budget_revenue",
    "hours",
    "actual_cost",
    "billable",
    "invoiced",
    "recognised",
    "wip",
)
"""The figures of a row, in the order they are shown."""

_ZERO = Decimal("0.00")


class By(enum.StrEnum):
    """The dimension a statement's rows are broken down by."""

    ACTIVITY = "activity"
    CATEGORY = "category"
    WORKER = "worker"
    PERIOD = "period"


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementRow:
    """One row of a project's group: its key in the dimension and its figures."""

    project: str
    key: str
    """The activity number, category, worker id or month; or ``(none)``,
    ``(milestones)``, ``(recognition)``, ``(total)``."""
    name: str = ""
    """The activity's or worker's name, else empty."""
    budget_cost: Decimal = _ZERO
    budget_revenue: Decimal = _ZERO
    hours: Decimal = _ZERO
    actual_cost: Decimal = _ZERO
    billable: Decimal = _ZERO
    invoiced: Decimal = _ZERO
    recognised: Decimal = _ZERO
    wip: Decimal = _ZERO

    def figures(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in FIGURES}


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementGroup:
    """A project of the tree with its rows and their total."""

    project: str
    name: str
    type: ProjectType
    parent: str | None
    rows: tuple[StatementRow, ...]
    total: StatementRow


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementHead:
    project: str
    name: str
    type: ProjectType
    company: str
    currency: str
    contract: str | None
    customer: str | None
    contract_value: Decimal | None
    date_from: dt.date | None
    date_to: dt.date | None
    by: By
    completion: Decimal | None
    """Percent complete from the plan's progress (None: none given)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    head: StatementHead
    groups: tuple[StatementGroup, ...]
    total: StatementRow

    def rows(self) -> list[StatementRow]:
        """Every row, each group's followed by its total, then the statement's total."""
        found: list[StatementRow] = []
        for group in self.groups:
            found += [*group.rows, group.total]
        return [*found, self.total]


def statement(
    store: Store,
    project: str,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    by: By = By.ACTIVITY,
) -> Statement:
    """The statement of ``project`` with its subprojects over ``[date_from,
    date_to]`` (either may be open), its rows broken down ``by`` one dimension.

    Refused for an unknown project, a date outside the ledger's range, or a
    range that ends before it starts."""
    _check_range(date_from, date_to)
    with store.read() as conn:
        if conn.dialect.name == "postgresql":
            # every sum below from one snapshot, as SQLite's read transaction
            # has it: an invoice posted meanwhile is in all the figures or none
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        held = LedgerService(store).project_in(conn, project)
        currency = conn.execute(
            select(companies.c.currency).where(companies.c.id == held.company)
        ).scalar_one()
        tree = subtree(conn, project)
        reader = _Reader(conn, tree, by, date_from, date_to)
        cells = reader.cells()
        names = reader.names(set(cells))
        head = StatementHead(
            project=held.id,
            name=held.name,
            type=held.type,
            company=held.company,
            currency=str(currency),
            contract=held.contract,
            customer=held.customer,
            contract_value=held.contract_value,
            date_from=date_from,
            date_to=date_to,
            by=by,
            completion=completion(conn, project),
        )
        groups = tuple(_group(reader.projects[member], cells, names, by) for member in reader.order)
    return Statement(
        head=head,
        groups=groups,
        total=_sum_rows(TOTAL, TOTAL, "", [group.total for group in groups]),
    )


def _check_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    problems = [
        Problem(where=where, what=what)
        for where, date in (("--from", date_from), ("--to", date_to))
        if date is not None and (what := date_out_of_range(date))
    ]
    if not problems and date_from is not None and date_to is not None and date_from > date_to:
        problems.append(Problem(where="--from", what=f"{date_from} is after --to {date_to}"))
    if problems:
        raise InputError(problems)


# -- building the rows --------------------------------------------------------

_Cells = dict[tuple[str, str], dict[str, Decimal]]


def _group(member: Any, cells: _Cells, names: dict[tuple[str, str], str], by: By) -> StatementGroup:
    kind = ProjectType(member.type)
    keys = sorted((key for project, key in cells if project == member.id), key=_row_order)
    rows = tuple(
        _row(member.id, key, names.get((member.id, key), ""), kind, cells[(member.id, key)])
        for key in keys
    )
    return StatementGroup(
        project=member.id,
        name=member.name,
        type=kind,
        parent=member.parent_id,
        rows=rows,
        total=_sum_rows(member.id, TOTAL, "", rows),
    )


def _row_order(key: str) -> tuple[int, str]:
    """Keys in order, the rows of their own last."""
    return ({NONE: 1, MILESTONES: 2, RECOGNITION: 3}.get(key, 0), key)


def _row(
    project: str, key: str, name: str, kind: ProjectType, raw: dict[str, Decimal]
) -> StatementRow:
    """A row's figures by its project's type (the module's rules)."""
    figures = {figure: raw.get(figure, _ZERO) for figure in FIGURES}
    if kind is ProjectType.TIME_MATERIAL:
        figures["recognised"] = figures["invoiced"]
        figures["wip"] = figures["billable"] - figures["invoiced"]
    elif kind is ProjectType.FIXED_PRICE:
        figures["billable"] = _ZERO
        figures["wip"] = figures["recognised"] - figures["invoiced"]
    else:
        figures["billable"] = figures["recognised"] = figures["wip"] = _ZERO
    return StatementRow(project=project, key=key, name=name, **figures)


def _sum_rows(project: str, key: str, name: str, rows: Any) -> StatementRow:
    totals = dict.fromkeys(FIGURES, _ZERO)
    for row in rows:
        for figure in FIGURES:
            totals[figure] += getattr(row, figure)
    return StatementRow(project=project, key=key, name=name, **totals)


# -- reading ------------------------------------------------------------------


def _cents(value: object) -> Decimal:
    """A sum of integer units (cents or hundredths of an hour) as a Decimal."""
    return from_units(int(value or 0), 2)  # type: ignore[call-overload]


def _units(column: Any) -> ColumnElement[Any]:
    """A money or hours column as its stored integer units, for summing."""
    return type_coerce(column, BigInteger)


def _sum(expression: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(expression), literal(0, BigInteger))


def _by_position(count: int) -> list[Any]:
    """GROUP BY the first ``count`` columns by position (both databases take
    it): a key with a constant in it is then not written twice, which
    PostgreSQL would take for two different expressions."""
    return [literal_column(str(position)) for position in range(1, count + 1)]


def _text(value: str) -> ColumnElement[Any]:
    """A constant of this module's own (no quotes in it) written into the SQL."""
    assert "'" not in value
    return literal_column(f"'{value}'", String)


class _Reader:
    """The SQL sums of one statement, on one connection."""

    def __init__(
        self,
        conn: Connection,
        tree: list[str],
        by: By,
        date_from: dt.date | None,
        date_to: dt.date | None,
    ) -> None:
        self.conn = conn
        self.tree = tree
        self.by = by
        self.date_from = date_from
        self.date_to = date_to
        rows = conn.execute(
            select(
                projects.c.id,
                projects.c.name,
                projects.c.type,
                projects.c.parent_id,
                projects.c.contract,
            ).where(projects.c.id.in_(tree))
        ).all()
        self.projects = {row.id: row for row in rows}
        self.order = [member for member in tree if member in self.projects]
        self._cells: _Cells = defaultdict(dict)

    def _of_type(self, kind: ProjectType) -> list[str]:
        return [p for p in self.order if self.projects[p].type == kind.value]

    def _range(self, column: Any) -> list[Any]:
        found = []
        if self.date_from is not None:
            found.append(column >= self.date_from)
        if self.date_to is not None:
            found.append(column <= self.date_to)
        return found

    def _month(self, column: Any) -> ColumnElement[Any]:
        """The calendar month of a date column, ``YYYY-MM``."""
        if self.conn.dialect.name == "postgresql":
            return type_coerce(func.to_char(column, _text("YYYY-MM")), String)
        return type_coerce(func.substr(column, literal_column("1"), literal_column("7")), String)

    def _key(self, by_column: dict[By, Any], own_row: str) -> ColumnElement[Any]:
        """The row key: the dimension's column, else the row of its own."""
        column = by_column.get(self.by)
        if column is None:
            return _text(own_row)
        return type_coerce(column, String)

    def _add(self, project: str, key: str | None, figure: str, value: Decimal) -> None:
        cell = self._cells[(project, NONE if key is None else key)]
        cell[figure] = cell.get(figure, _ZERO) + value

    def cells(self) -> _Cells:
        self._budget()
        self._actuals()
        self._markups()
        self._invoiced_transactions()
        self._invoiced_milestones()
        self._recognised()
        return dict(self._cells)

    def _budget(self) -> None:
        f = forecasts
        hour_category = func.coalesce(
            activities.c.category_id, _text(DEFAULT_CATEGORY[TransactionKind.HOUR])
        )
        key = self._key(
            {
                By.ACTIVITY: f.c.activity_number,
                By.WORKER: f.c.worker_id,
                By.PERIOD: self._month(f.c.date),
                By.CATEGORY: case(
                    (f.c.kind == _text(ForecastKind.HOUR.value), hour_category), else_=None
                ),
            },
            NONE,
        ).label("key")
        query = (
            select(f.c.project_id, key, _sum(_units(f.c.cost)), _sum(_units(f.c.revenue)))
            .select_from(
                f.join(
                    activities,
                    and_(
                        activities.c.project_id == f.c.project_id,
                        activities.c.number == f.c.activity_number,
                    ),
                )
            )
            .where(f.c.project_id.in_(self.tree), *self._range(f.c.date))
            .group_by(*_by_position(2))
        )
        for project, row_key, cost, revenue in self.conn.execute(query):
            self._add(project, row_key, "budget_cost", _cents(cost))
            self._add(project, row_key, "budget_revenue", _cents(revenue))

    def _transaction_key(self, t: Any) -> ColumnElement[Any]:
        return self._key(
            {
                By.ACTIVITY: t.c.activity_number,
                By.CATEGORY: t.c.category_id,
                By.WORKER: t.c.worker_id,
                By.PERIOD: self._month(t.c.date),
            },
            NONE,
        ).label("key")

    def _standing_transactions(self) -> tuple[Any, Any, Any]:
        """Transactions outer-joined to their reversal, and the condition of
        one that is neither a reversal nor reversed (what bills)."""
        t = transactions
        reversal = transactions.alias("reversal")
        joined = t.outerjoin(reversal, reversal.c.reverses_id == t.c.id)
        return t, joined, and_(t.c.reverses_id.is_(None), reversal.c.id.is_(None))

    def _actuals(self) -> None:
        t, joined, bills = self._standing_transactions()
        bare_expense = and_(t.c.kind == TransactionKind.EXPENSE.value, _units(t.c.revenue) == 0)
        billed = case(
            (and_(bills, bare_expense), _units(t.c.cost)),
            (bills, _units(t.c.revenue)),
            else_=literal(0, BigInteger),
        )
        key = self._transaction_key(t)
        query = (
            select(
                t.c.project_id,
                key,
                _sum(_units(t.c.hours)),
                _sum(_units(t.c.cost)),
                _sum(billed),
            )
            .select_from(joined)
            .where(t.c.project_id.in_(self.tree), *self._range(t.c.date))
            .group_by(*_by_position(2))
        )
        for project, row_key, hours, cost, billable in self.conn.execute(query):
            self._add(project, row_key, "hours", _cents(hours))
            self._add(project, row_key, "actual_cost", _cents(cost))
            self._add(project, row_key, "billable", _cents(billable))

    def _markups(self) -> None:
        """What the markups add to the billable of bare expenses (no sales
        amount) of time-and-material projects: each expense rounded on its
        own, as ``amount_billed`` does, summed over equal costs."""
        contract_of = {
            p: self.projects[p].contract
            for p in self._of_type(ProjectType.TIME_MATERIAL)
            if self.projects[p].contract
        }
        if not contract_of:
            return
        marks = {
            (row.contract, row.category_id): row.percent
            for row in self.conn.execute(
                select(markups.c.contract, markups.c.category_id, markups.c.percent).where(
                    markups.c.contract.in_(set(contract_of.values()))
                )
            )
        }
        if not marks:
            return
        marked = [p for p, contract in contract_of.items() if any(c == contract for c, _ in marks)]
        t, joined, bills = self._standing_transactions()
        key = self._transaction_key(t)
        query = (
            select(t.c.project_id, key, t.c.category_id, t.c.cost, func.count())
            .select_from(joined)
            .where(
                bills,
                t.c.kind == TransactionKind.EXPENSE.value,
                _units(t.c.revenue) == 0,
                t.c.project_id.in_(marked),
                t.c.category_id.in_({category for _, category in marks}),
                *self._range(t.c.date),
            )
            .group_by(*_by_position(4))
        )
        for project, row_key, category, cost, count in self.conn.execute(query):
            percent = marks.get((contract_of[project], category))
            if percent:
                extra = (marked_up(cost, percent) - cost) * int(count)
                self._add(project, row_key, "billable", extra)

    def _invoiced_transactions(self) -> None:
        t = transactions
        key = self._transaction_key(t)
        query = (
            select(t.c.project_id, key, _sum(_units(invoice_lines.c.amount)))
            .select_from(
                invoice_lines.join(invoices, invoices.c.id == invoice_lines.c.invoice_id).join(
                    t, t.c.id == invoice_lines.c.transaction_id
                )
            )
            .where(standing(), t.c.project_id.in_(self.tree), *self._range(t.c.date))
            .group_by(*_by_position(2))
        )
        for project, row_key, amount in self.conn.execute(query):
            self._add(project, row_key, "invoiced", _cents(amount))

    def _invoiced_milestones(self) -> None:
        key = self._key({By.PERIOD: self._month(invoices.c.date)}, MILESTONES).label("key")
        query = (
            select(milestones.c.project_id, key, _sum(_units(invoice_lines.c.amount)))
            .select_from(
                invoice_lines.join(invoices, invoices.c.id == invoice_lines.c.invoice_id).join(
                    milestones, milestones.c.id == invoice_lines.c.milestone_id
                )
            )
            .where(
                standing(),
                milestones.c.project_id.in_(self.tree),
                *self._range(invoices.c.date),
            )
            .group_by(*_by_position(2))
        )
        for project, row_key, amount in self.conn.execute(query):
            self._add(project, row_key, "invoiced", _cents(amount))

    def _recognised(self) -> None:
        fixed = self._of_type(ProjectType.FIXED_PRICE)
        if not fixed:
            return
        r = recognitions
        key = self._key({By.PERIOD: self._month(r.c.date)}, RECOGNITION).label("key")
        query = (
            select(r.c.project_id, key, _sum(_units(r.c.amount)))
            .where(r.c.project_id.in_(fixed), *self._range(r.c.date))
            .group_by(*_by_position(2))
        )
        for project, row_key, amount in self.conn.execute(query):
            self._add(project, row_key, "recognised", _cents(amount))

    def names(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The names of the rows: an activity's or a worker's."""
        found: dict[tuple[str, str], str] = {}
        if self.by is By.ACTIVITY:
            rows = self.conn.execute(
                select(activities.c.project_id, activities.c.number, activities.c.name).where(
                    activities.c.project_id.in_(self.tree)
                )
            )
            found = {(row.project_id, row.number): row.name for row in rows}
        elif self.by is By.WORKER:
            ids = {key for _, key in keys}
            named = {
                str(row.id): str(row.name)
                for row in self.conn.execute(
                    select(workers.c.id, workers.c.name).where(workers.c.id.in_(ids))
                )
            }
            found = {(project, key): named[key] for project, key in keys if key in named}
        found.update(
            {
                (project, key): {
                    MILESTONES: "milestones invoiced",
                    RECOGNITION: "revenue recognised from progress",
                }[key]
                for project, key in keys
                if key in (MILESTONES, RECOGNITION)
            }
        )
        return {key: name for key, name in found.items() if key in keys}
