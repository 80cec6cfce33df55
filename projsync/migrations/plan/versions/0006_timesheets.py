"""Timesheets: a resource's hours per task and day, and the status of each
of its weeks (draft, submitted, approved, rejected).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timesheet_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("resource_id", sa.String(length=60), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("task_id", sa.String(length=60), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hours", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=250), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("approved_once", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "resource_id", "day", "project_id", "task_id", name="uq_timesheet_lines_cell"
        ),
    )
    op.create_index("ix_timesheet_lines_version", "timesheet_lines", ["version"], unique=False)
    op.create_table(
        "timesheet_weeks",
        sa.Column("resource_id", sa.String(length=60), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.String(length=250), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"]),
        sa.PrimaryKeyConstraint("resource_id", "week"),
    )
    op.create_index("ix_timesheet_weeks_version", "timesheet_weeks", ["version"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_timesheet_weeks_version", table_name="timesheet_weeks")
    op.drop_table("timesheet_weeks")
    op.drop_index("ix_timesheet_lines_version", table_name="timesheet_lines")
    op.drop_table("timesheet_lines")
