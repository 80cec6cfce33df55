"""The ledger's tables. Rows become records in ``service.py``, never elsewhere.

Every table that the change feed covers has a ``version`` column stamped from
the store's one sequence (``change_sequence``) in the same transaction as the
change, and an index on it, so "changed since N" is an index range scan.

The hours, amounts and prices of transactions, forecasts and worker prices
carry CHECK constraints holding them to whole units within the range every
number entering the ledger is held to (``numbers.py``): whatever path writes
a row, the store refuses a REAL, a NaN or an out-of-range value.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)

from projsync.changefeed import sequence_table, tombstone_table
from projsync.columns import Fixed
from projsync.ledger import numbers

__all__ = [
    "activities",
    "categories",
    "change_sequence",
    "companies",
    "forecasts",
    "invoice_lines",
    "invoice_sequences",
    "invoices",
    "journals",
    "markups",
    "metadata",
    "milestones",
    "projects",
    "recognitions",
    "tombstones",
    "transactions",
    "worker_prices",
    "workers",
]

MONEY = Fixed(2)
HOURS = Fixed(2)
PRICE = Fixed(4)
PERCENT = Fixed(2)

metadata = MetaData()


def whole_units_in_range(table: str, column: str, quantity: numbers.Quantity) -> CheckConstraint:
    """``column`` holds a whole number of units within the quantity's range.

    The same words on both databases: on SQLite, whose columns take a value of
    any type, the cast keeps out a REAL (an infinity is out of range, a NaN is
    stored as NULL); on PostgreSQL the BIGINT does that and the range is the check.
    """
    limit = quantity.limit_units
    return CheckConstraint(
        f"{column} BETWEEN -{limit} AND {limit} AND {column} = CAST({column} AS BIGINT)",
        name=f"ck_{table}_{column}",
    )


change_sequence = sequence_table(metadata)
tombstones = tombstone_table(metadata)

companies = Table(
    "companies",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

categories = Table(
    "categories",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

projects = Table(
    "projects",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("company_id", String(40), ForeignKey("companies.id"), nullable=False),
    Column("parent_id", String(40), ForeignKey("projects.id"), index=True),
    Column("name", String(200), nullable=False),
    Column("type", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("customer", String(100)),
    Column("contract", String(100)),
    Column("project_group", String(100)),
    Column("start", Date),
    Column("end", Date),
    Column("manager", String(100)),
    Column("projected_start", Date),
    Column("projected_end", Date),
    # what the customer's contract is worth: a fixed price's milestones stay within it
    Column("contract_value", MONEY),
    # the project's own posted invoices net of credit notes, kept by invoices.py
    Column("invoiced", MONEY, nullable=False, server_default="0"),
    # the revenue recognised from progress that stands, kept by revenue.py
    Column("recognised", MONEY, nullable=False, server_default="0"),
    Column("version", BigInteger, nullable=False, index=True),
    whole_units_in_range("projects", "contract_value", numbers.MONEY),
    whole_units_in_range("projects", "invoiced", numbers.MONEY),
    whole_units_in_range("projects", "recognised", numbers.MONEY),
)

activities = Table(
    "activities",
    metadata,
    Column("project_id", String(40), ForeignKey("projects.id"), primary_key=True),
    Column("number", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("parent_number", String(60)),
    Column("category_id", String(60), ForeignKey("categories.id")),
    Column("start", Date),
    Column("end", Date),
    Column("planned_hours", HOURS, nullable=False),
    # the cost of the activity's forecasts, kept by projsync.ledger.forecasts
    Column("budget_cost", MONEY, nullable=False, server_default="0"),
    # the revenue of the activity's forecasts, kept by projsync.ledger.forecasts
    Column("budget_revenue", MONEY, nullable=False, server_default="0"),
    # the plan's progress, brought back by the sync (None: the plan said nothing)
    Column("percent_complete", Integer),
    Column("scheduled_hours", HOURS),
    Column("version", BigInteger, nullable=False, index=True),
    ForeignKeyConstraint(
        ["project_id", "parent_number"], ["activities.project_id", "activities.number"]
    ),
    CheckConstraint("percent_complete BETWEEN 0 AND 100", name="ck_activities_percent_complete"),
    whole_units_in_range("activities", "scheduled_hours", numbers.HOURS),
    whole_units_in_range("activities", "budget_revenue", numbers.MONEY),
)

workers = Table(
    "workers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("company_id", String(40), ForeignKey("companies.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("calendar", String(60), nullable=False),
    Column("integrated", Boolean, nullable=False),
    Column("end_date", Date),
    Column("version", BigInteger, nullable=False, index=True),
)

worker_prices = Table(
    "worker_prices",
    metadata,
    Column("worker_id", String(40), ForeignKey("workers.id"), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("cost_price", PRICE, nullable=False),
    Column("sales_price", PRICE, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    whole_units_in_range("worker_prices", "cost_price", numbers.PRICE),
    whole_units_in_range("worker_prices", "sales_price", numbers.PRICE),
)

journals = Table(
    "journals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(500), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    # an outside timesheet entry is looked up by the source it was posted under
    Index("ix_journals_source", "source"),
)

# Foreign keys of transactions are checked by the posting pipeline for the
# whole journal at once; the database need not re-check each of a million rows.
transactions = Table(
    "transactions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("journal_id", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("project_id", String(40), nullable=False),
    Column("activity_number", String(60), nullable=False),
    Column("worker_id", String(40)),
    Column("date", Date, nullable=False),
    Column("hours", HOURS, nullable=False),
    Column("cost", MONEY, nullable=False),
    Column("revenue", MONEY, nullable=False),
    Column("category_id", String(60), nullable=False),
    Column("reverses_id", Integer, unique=True),
    Column("text", String(250), nullable=False, server_default=""),
    Column("version", BigInteger, nullable=False),
    Index("ix_transactions_version", "version"),
    Index("ix_transactions_project_date", "project_id", "activity_number", "date"),
    Index("ix_transactions_worker_date", "worker_id", "date"),
    whole_units_in_range("transactions", "hours", numbers.HOURS),
    whole_units_in_range("transactions", "cost", numbers.MONEY),
    whole_units_in_range("transactions", "revenue", numbers.MONEY),
)

forecasts = Table(
    "forecasts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),
    Column("project_id", String(40), nullable=False),
    Column("activity_number", String(60), nullable=False),
    Column("worker_id", String(40), ForeignKey("workers.id")),
    Column("date", Date, nullable=False),
    Column("hours", HOURS, nullable=False),
    Column("cost", MONEY, nullable=False),
    Column("revenue", MONEY, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    ForeignKeyConstraint(
        ["project_id", "activity_number"], ["activities.project_id", "activities.number"]
    ),
    whole_units_in_range("forecasts", "hours", numbers.HOURS),
    whole_units_in_range("forecasts", "cost", numbers.MONEY),
    whole_units_in_range("forecasts", "revenue", numbers.MONEY),
)

milestones = Table(
    "milestones",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", String(40), ForeignKey("projects.id"), nullable=False, index=True),
    Column("date", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("text", String(250), nullable=False, server_default=""),
    Column("version", BigInteger, nullable=False, index=True),
    whole_units_in_range("milestones", "amount", numbers.MONEY),
)

recognitions = Table(
    "recognitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", String(40), ForeignKey("projects.id"), nullable=False, index=True),
    Column("date", Date, nullable=False),
    # percent complete of the project (its leaf activities' work-weighted), to the hundredth
    Column("completion", PERCENT, nullable=False),
    Column("contract_value", MONEY, nullable=False),
    # revenue earned to the date: contract value x completion
    Column("earned", MONEY, nullable=False),
    # what this row recognises: earned less what stood recognised before it
    Column("amount", MONEY, nullable=False),
    # the project's cost to the date, beside it
    Column("cost", MONEY, nullable=False),
    Column("reverses_id", Integer, ForeignKey("recognitions.id"), unique=True),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    whole_units_in_range("recognitions", "completion", numbers.PERCENT),
    whole_units_in_range("recognitions", "contract_value", numbers.MONEY),
    whole_units_in_range("recognitions", "earned", numbers.MONEY),
    whole_units_in_range("recognitions", "amount", numbers.MONEY),
    whole_units_in_range("recognitions", "cost", numbers.MONEY),
)
"""Revenue recognised from the plan's progress, for fixed-price projects. A
reversal is a row of its own pointing at the row it undoes."""

markups = Table(
    "markups",
    metadata,
    Column("contract", String(100), primary_key=True),
    Column("category_id", String(60), ForeignKey("categories.id"), primary_key=True),
    Column("percent", PERCENT, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    whole_units_in_range("markups", "percent", numbers.PERCENT),
)
"""What an expense of a category bills above its cost, per contract: a time
and material project bills an expense without a sales amount at its cost plus
its contract's markup for the category."""

_OPEN_PROPOSAL = text("status = 'proposal'")

# A proposal has no number; a posted invoice or credit note has its company's
# next one. A credited invoice keeps its number and points at nothing: the
# credit note points at it (``credits_id``), at most one per invoice.
invoices = Table(
    "invoices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company_id", String(40), ForeignKey("companies.id"), nullable=False),
    Column("project_id", String(40), ForeignKey("projects.id"), nullable=False),
    Column("number", String(60)),
    Column("status", String(10), nullable=False),
    Column("credits_id", Integer, ForeignKey("invoices.id"), unique=True),
    Column("date", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("total", MONEY, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    UniqueConstraint("company_id", "number", name="uq_invoices_company_number"),
    Index(
        "ux_invoices_open_proposal",
        "project_id",
        unique=True,
        sqlite_where=_OPEN_PROPOSAL,
        postgresql_where=_OPEN_PROPOSAL,
    ),
    whole_units_in_range("invoices", "total", numbers.MONEY),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", Integer, ForeignKey("invoices.id"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("transaction_id", Integer, index=True),
    Column("milestone_id", Integer, ForeignKey("milestones.id"), index=True),
    Column("text", String(250), nullable=False, server_default=""),
    Column("amount", MONEY, nullable=False),
    whole_units_in_range("invoice_lines", "amount", numbers.MONEY),
)

invoice_sequences = Table(
    "invoice_sequences",
    metadata,
    Column("company_id", String(40), ForeignKey("companies.id"), primary_key=True),
    Column("last_number", Integer, nullable=False),
)
"""The last invoice number each company has given: read and raised under a
row lock in the transaction that posts, so numbers have no gaps."""
