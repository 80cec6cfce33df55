"""The plan server's first tables.

Revision ID: 0001
Revises:
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendars",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("base_name", sa.String(length=100), nullable=True),
        sa.Column("week", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_name"],
            ["calendars.name"],
        ),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_calendars_version", "calendars", ["version"], unique=False)

    op.create_table(
        "change_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "custom_fields",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("entity", sa.String(length=10), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_custom_fields_version", "custom_fields", ["version"], unique=False)

    op.create_table(
        "tombstones",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "key"),
    )
    op.create_index("ix_tombstones_version", "tombstones", ["version"], unique=False)

    op.create_table(
        "calendar_exceptions",
        sa.Column("calendar_name", sa.String(length=100), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("finish", sa.Date(), nullable=False),
        sa.Column("working_times", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_name"],
            ["calendars.name"],
        ),
        sa.PrimaryKeyConstraint("calendar_name", "start"),
    )
    op.create_index(
        "ix_calendar_exceptions_version", "calendar_exceptions", ["version"], unique=False
    )

    op.create_table(
        "custom_values",
        sa.Column("field_name", sa.String(length=100), nullable=False),
        sa.Column("entity_key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_name"],
            ["custom_fields.name"],
        ),
        sa.PrimaryKeyConstraint("field_name", "entity_key"),
    )
    op.create_index("ix_custom_values_version", "custom_values", ["version"], unique=False)

    op.create_table(
        "lookup_values",
        sa.Column("field_name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=250), nullable=False),
        sa.Column("description", sa.String(length=250), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_name"],
            ["custom_fields.name"],
        ),
        sa.PrimaryKeyConstraint("field_name", "value"),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("finish", sa.DateTime(), nullable=True),
        sa.Column("status_date", sa.DateTime(), nullable=True),
        sa.Column("calendar_name", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=60), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_name"],
            ["calendars.name"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_projects_version", "projects", ["version"], unique=False)

    op.create_table(
        "resources",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("standard_rate", sa.BigInteger(), nullable=False),
        sa.Column("overtime_rate", sa.BigInteger(), nullable=False),
        sa.Column("cost_per_use", sa.BigInteger(), nullable=False),
        sa.Column("max_units", sa.Integer(), nullable=False),
        sa.Column("calendar_name", sa.String(length=100), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_name"],
            ["calendars.name"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resources_version", "resources", ["version"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("parent_id", sa.String(length=60), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("elapsed", sa.Boolean(), nullable=False),
        sa.Column("work", sa.BigInteger(), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("milestone", sa.Boolean(), nullable=False),
        sa.Column("effort_driven", sa.Boolean(), nullable=False),
        sa.Column("constraint_type", sa.String(length=4), nullable=False),
        sa.Column("constraint_date", sa.DateTime(), nullable=True),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("percent_complete", sa.Integer(), nullable=False),
        sa.Column("actual_start", sa.DateTime(), nullable=True),
        sa.Column("actual_finish", sa.DateTime(), nullable=True),
        sa.Column("calendar_name", sa.String(length=100), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("leveling_delay", sa.Integer(), nullable=False),
        sa.Column("leveling_delay_elapsed", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("budget_work", sa.BigInteger(), nullable=False),
        sa.Column("budget_cost", sa.BigInteger(), nullable=False),
        sa.Column("baseline_start", sa.DateTime(), nullable=True),
        sa.Column("baseline_finish", sa.DateTime(), nullable=True),
        sa.Column("baseline_duration", sa.Integer(), nullable=True),
        sa.Column("baseline_work", sa.BigInteger(), nullable=True),
        sa.Column("baseline_cost", sa.BigInteger(), nullable=True),
        sa.Column("start", sa.DateTime(), nullable=True),
        sa.Column("finish", sa.DateTime(), nullable=True),
        sa.Column("early_start", sa.DateTime(), nullable=True),
        sa.Column("early_finish", sa.DateTime(), nullable=True),
        sa.Column("late_start", sa.DateTime(), nullable=True),
        sa.Column("late_finish", sa.DateTime(), nullable=True),
        sa.Column("total_slack", sa.Integer(), nullable=True),
        sa.Column("free_slack", sa.Integer(), nullable=True),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_name"],
            ["calendars.name"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "parent_id"],
            ["tasks.project_id", "tasks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "id"),
    )
    op.create_index("ix_tasks_version", "tasks", ["version"], unique=False)
    op.create_index("ix_tasks_parent", "tasks", ["project_id", "parent_id"], unique=False)

    op.create_table(
        "actuals",
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("task_id", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.String(length=60), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actual_work", sa.BigInteger(), nullable=False),
        sa.Column("actual_cost", sa.BigInteger(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id", "task_id"],
            ["tasks.project_id", "tasks.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "task_id", "resource_id", "day"),
    )
    op.create_index("ix_actuals_version", "actuals", ["version"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("task_id", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.String(length=60), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("work", sa.BigInteger(), nullable=False),
        sa.Column("actual_work", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("actual_cost", sa.BigInteger(), nullable=False),
        sa.Column("contour", sa.String(length=20), nullable=False),
        sa.Column("span", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id", "task_id"],
            ["tasks.project_id", "tasks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resources.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "task_id", "resource_id"),
    )
    op.create_index("ix_assignments_version", "assignments", ["version"], unique=False)

    op.create_table(
        "links",
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("predecessor_id", sa.String(length=60), nullable=False),
        sa.Column("successor_id", sa.String(length=60), nullable=False),
        sa.Column("type", sa.String(length=2), nullable=False),
        sa.Column("lag", sa.Integer(), nullable=False),
        sa.Column("lag_kind", sa.String(length=10), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id", "predecessor_id"],
            ["tasks.project_id", "tasks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "successor_id"],
            ["tasks.project_id", "tasks.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "predecessor_id", "successor_id"),
    )
    op.create_index("ix_links_version", "links", ["version"], unique=False)
    op.create_index("ix_links_successor", "links", ["project_id", "successor_id"], unique=False)

    op.bulk_insert(
        sa.table(
            "change_sequence", sa.column("id", sa.Integer()), sa.column("value", sa.BigInteger())
        ),
        [{"id": 1, "value": 1}],
    )
    # The default calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00.
    day = [[480, 720], [780, 1020]]
    op.bulk_insert(
        sa.table(
            "calendars",
            sa.column("name", sa.String()),
            sa.column("base_name", sa.String()),
            sa.column("week", sa.Text()),
            sa.column("version", sa.BigInteger()),
        ),
        [
            {
                "name": "Standard",
                "base_name": None,
                "week": json.dumps([day] * 5 + [[], []]),
                "version": 1,
            }
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_links_version", table_name="links")

    op.drop_table("links")
    op.drop_index("ix_assignments_version", table_name="assignments")

    op.drop_table("assignments")
    op.drop_index("ix_actuals_version", table_name="actuals")

    op.drop_table("actuals")
    op.drop_index("ix_tasks_version", table_name="tasks")

    op.drop_table("tasks")
    op.drop_index("ix_resources_version", table_name="resources")

    op.drop_table("resources")
    op.drop_index("ix_projects_version", table_name="projects")

    op.drop_table("projects")
    op.drop_table("lookup_values")
    op.drop_index("ix_custom_values_version", table_name="custom_values")

    op.drop_table("custom_values")
    op.drop_index("ix_calendar_exceptions_version", table_name="calendar_exceptions")

    op.drop_table("calendar_exceptions")
    op.drop_index("ix_tombstones_version", table_name="tombstones")

    op.drop_table("tombstones")
    op.drop_index("ix_custom_fields_version", table_name="custom_fields")

    op.drop_table("custom_fields")
    op.drop_table("change_sequence")
    op.drop_index("ix_calendars_version", table_name="calendars")

    op.drop_table("calendars")
