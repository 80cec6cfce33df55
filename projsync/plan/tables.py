"""The plan server's tables. Rows become records in ``records.py``, never elsewhere.

Every table of the change feed has a ``version`` stamped from the store's one
sequence in the same transaction as the change, indexed for range scans.
Datetimes are the project's local wall-clock times (no zone), as in
Microsoft Project; work and durations are minutes; money is integer cents.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
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
    Text,
    UniqueConstraint,
)

from projsync.changefeed import sequence_table, tombstone_table
from projsync.columns import Fixed

__all__ = [
    "actuals",
    "assignments",
    "calendar_exceptions",
    "calendars",
    "change_sequence",
    "custom_fields",
    "custom_values",
    "links",
    "lookup_values",
    "metadata",
    "projects",
    "resources",
    "tasks",
    "timesheet_lines",
    "timesheet_weeks",
    "tombstones",
]

MONEY = Fixed(2)
RATE = Fixed(4)

metadata = MetaData()
change_sequence = sequence_table(metadata)
tombstones = tombstone_table(metadata)

calendars = Table(
    "calendars",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("base_name", String(100), ForeignKey("calendars.name")),
    Column("week", Text, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

calendar_exceptions = Table(
    "calendar_exceptions",
    metadata,
    Column("calendar_name", String(100), ForeignKey("calendars.name"), primary_key=True),
    Column("start", Date, primary_key=True),
    Column("finish", Date, nullable=False),
    Column("working_times", Text, nullable=False),
    Column("name", String(200), nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

projects = Table(
    "projects",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("start", DateTime, nullable=False),
    Column("finish", DateTime),
    Column("status_date", DateTime),
    Column("calendar_name", String(100), ForeignKey("calendars.name"), nullable=False),
    Column("timezone", String(60), nullable=False),
    Column("currency", String(3)),
    Column("version", BigInteger, nullable=False, index=True),
)

tasks = Table(
    "tasks",
    metadata,
    Column("project_id", String(40), ForeignKey("projects.id"), primary_key=True),
    Column("id", String(60), primary_key=True),
    Column("name", String(250), nullable=False),
    Column("parent_id", String(60)),
    Column("position", Integer, nullable=False),
    Column("duration", Integer, nullable=False),
    Column("elapsed", Boolean, nullable=False),
    Column("work", BigInteger, nullable=False),
    Column("manual", Boolean, nullable=False),
    Column("milestone", Boolean, nullable=False),
    Column("type", String(20), nullable=False, server_default="fixed-units"),
    Column("effort_driven", Boolean, nullable=False),
    Column("constraint_type", String(4), nullable=False),
    Column("constraint_date", DateTime),
    Column("deadline", DateTime),
    Column("percent_complete", Integer, nullable=False),
    Column("actual_start", DateTime),
    Column("actual_finish", DateTime),
    Column("calendar_name", String(100), ForeignKey("calendars.name")),
    Column("priority", Integer, nullable=False),
    Column("leveling_delay", Integer, nullable=False),
    Column("leveling_delay_elapsed", Boolean, nullable=False),
    Column("actual_duration", Integer),
    Column("splits", Text),
    Column("category", String(60)),
    Column("budget_work", BigInteger, nullable=False),
    Column("budget_cost", MONEY, nullable=False),
    Column("baseline_start", DateTime),
    Column("baseline_finish", DateTime),
    Column("baseline_duration", Integer),
    Column("baseline_work", BigInteger),
    Column("baseline_cost", MONEY),
    Column("start", DateTime),
    Column("finish", DateTime),
    Column("early_start", DateTime),
    Column("early_finish", DateTime),
    Column("late_start", DateTime),
    Column("late_finish", DateTime),
    Column("total_slack", Integer),
    Column("free_slack", Integer),
    Column("critical", Boolean, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    ForeignKeyConstraint(["project_id", "parent_id"], ["tasks.project_id", "tasks.id"]),
    Index("ix_tasks_parent", "project_id", "parent_id"),
)

links = Table(
    "links",
    metadata,
    Column("project_id", String(40), primary_key=True),
    Column("predecessor_id", String(60), primary_key=True),
    Column("successor_id", String(60), primary_key=True),
    Column("type", String(2), nullable=False),
    Column("lag", Integer, nullable=False),
    Column("lag_kind", String(10), nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    ForeignKeyConstraint(["project_id", "predecessor_id"], ["tasks.project_id", "tasks.id"]),
    ForeignKeyConstraint(["project_id", "successor_id"], ["tasks.project_id", "tasks.id"]),
    Index("ix_links_successor", "project_id", "successor_id"),
)

resources = Table(
    "resources",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(10), nullable=False),
    Column("standard_rate", RATE, nullable=False),
    Column("overtime_rate", RATE, nullable=False),
    Column("cost_per_use", MONEY, nullable=False),
    Column("max_units", Integer, nullable=False),
    Column("calendar_name", String(100), ForeignKey("calendars.name")),
    Column("available_until", Date),
    Column("version", BigInteger, nullable=False, index=True),
)

assignments = Table(
    "assignments",
    metadata,
    Column("project_id", String(40), primary_key=True),
    Column("task_id", String(60), primary_key=True),
    Column("resource_id", String(60), ForeignKey("resources.id"), primary_key=True),
    Column("units", Integer, nullable=False),
    Column("work", BigInteger, nullable=False),
    Column("actual_work", BigInteger, nullable=False),
    Column("cost", MONEY, nullable=False),
    Column("actual_cost", MONEY, nullable=False),
    Column("contour", String(20), nullable=False),
    Column("span", BigInteger),
    Column("overtime_work", BigInteger, nullable=False, server_default="0"),
    Column("version", BigInteger, nullable=False, index=True),
    ForeignKeyConstraint(["project_id", "task_id"], ["tasks.project_id", "tasks.id"]),
)

# Time-phased actuals: one row per task, resource ('' for none) and day.
actuals = Table(
    "actuals",
    metadata,
    Column("project_id", String(40), primary_key=True),
    Column("task_id", String(60), primary_key=True),
    Column("resource_id", String(60), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("actual_work", BigInteger, nullable=False),
    Column("actual_cost", MONEY, nullable=False),
    Column("revenue", MONEY, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    ForeignKeyConstraint(["project_id", "task_id"], ["tasks.project_id", "tasks.id"]),
)

custom_fields = Table(
    "custom_fields",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("entity", String(10), nullable=False),
    Column("type", String(10), nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

lookup_values = Table(
    "lookup_values",
    metadata,
    Column("field_name", String(100), ForeignKey("custom_fields.name"), primary_key=True),
    Column("value", String(250), primary_key=True),
    Column("description", String(250), nullable=False),
    Column("position", Integer, nullable=False),
)

# The value of a custom field on one project, task or resource; the key is the
# project id, "project/task", or the resource id. Stored as canonical text.
custom_values = Table(
    "custom_values",
    metadata,
    Column("field_name", String(100), ForeignKey("custom_fields.name"), primary_key=True),
    Column("entity_key", String(120), primary_key=True),
    Column("value", Text, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

# A resource's hours on one task and day. A line outlives its task: hours
# recorded are facts the ledger may have posted. A line removed after it was
# approved stays, with status "deleted", so the sync withdraws its posting.
timesheet_lines = Table(
    "timesheet_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("resource_id", String(60), ForeignKey("resources.id"), nullable=False),
    Column("project_id", String(40), nullable=False),
    Column("task_id", String(60), nullable=False),
    Column("day", Date, nullable=False),
    Column("hours", Fixed(2), nullable=False),
    Column("note", String(250), nullable=False),
    Column("status", String(10), nullable=False),
    Column("approved_once", Boolean, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
    # the resource and day first: a day's total is read by them
    UniqueConstraint("resource_id", "day", "project_id", "task_id", name="uq_timesheet_lines_cell"),
)

# The status of a resource's ISO week (by its Monday); a week without a row is a draft.
timesheet_weeks = Table(
    "timesheet_weeks",
    metadata,
    Column("resource_id", String(60), ForeignKey("resources.id"), primary_key=True),
    Column("week", Date, primary_key=True),
    Column("status", String(10), nullable=False),
    Column("comment", String(250), nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)
