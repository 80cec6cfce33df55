"""Revenue: the plan's progress on activities, revenue budgets, revenue
recognised from progress, markups per contract and category, and each
project's invoiced and recognised totals.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_MONEY = 10**14 - 1
"""Cents: 999,999,999,999.99."""
_HOURS = _PERCENT = 10**14 - 1
"""Hundredths (of an hour, of a percent): the ledger's one range."""


def _in_range(table: str, column: str, limit: int) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{column} BETWEEN -{limit} AND {limit} AND {column} = CAST({column} AS BIGINT)",
        name=f"ck_{table}_{column}",
    )


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("percent_complete", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("scheduled_hours", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("budget_revenue", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch.create_check_constraint(
            "ck_activities_percent_complete", "percent_complete BETWEEN 0 AND 100"
        )
        batch.create_check_constraint(
            "ck_activities_scheduled_hours",
            f"scheduled_hours BETWEEN -{_HOURS} AND {_HOURS}"
            " AND scheduled_hours = CAST(scheduled_hours AS BIGINT)",
        )
        batch.create_check_constraint(
            "ck_activities_budget_revenue",
            f"budget_revenue BETWEEN -{_MONEY} AND {_MONEY}"
            " AND budget_revenue = CAST(budget_revenue AS BIGINT)",
        )
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("invoiced", sa.BigInteger(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("recognised", sa.BigInteger(), server_default="0", nullable=False)
        )
        for column in ("invoiced", "recognised"):
            batch.create_check_constraint(
                f"ck_projects_{column}",
                f"{column} BETWEEN -{_MONEY} AND {_MONEY} AND {column} = CAST({column} AS BIGINT)",
            )
    op.execute(
        "UPDATE activities SET budget_revenue = COALESCE((SELECT SUM(f.revenue) FROM forecasts f"
        " WHERE f.project_id = activities.project_id"
        " AND f.activity_number = activities.number), 0)"
    )
    op.execute(
        "UPDATE projects SET invoiced = COALESCE((SELECT SUM(i.total) FROM invoices i"
        " WHERE i.project_id = projects.id AND i.status IN ('posted', 'credited')), 0)"
    )
    op.create_table(
        "recognitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("completion", sa.BigInteger(), nullable=False),
        sa.Column("contract_value", sa.BigInteger(), nullable=False),
        sa.Column("earned", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"]),
        sa.ForeignKeyConstraint(["reverses_id"], ["recognitions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reverses_id"),
        _in_range("recognitions", "completion", _PERCENT),
        _in_range("recognitions", "contract_value", _MONEY),
        _in_range("recognitions", "earned", _MONEY),
        _in_range("recognitions", "amount", _MONEY),
        _in_range("recognitions", "cost", _MONEY),
    )
    op.create_index("ix_recognitions_project_id", "recognitions", ["project_id"])
    op.create_index("ix_recognitions_version", "recognitions", ["version"])
    op.create_table(
        "markups",
        sa.Column("contract", sa.String(length=100), nullable=False),
        sa.Column("category_id", sa.String(length=60), nullable=False),
        sa.Column("percent", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"]),
        sa.PrimaryKeyConstraint("contract", "category_id"),
        _in_range("markups", "percent", _PERCENT),
    )
    op.create_index("ix_markups_version", "markups", ["version"])


def downgrade() -> None:
    op.drop_table("markups")
    op.drop_table("recognitions")
    with op.batch_alter_table("projects") as batch:
        batch.drop_constraint("ck_projects_recognised", type_="check")
        batch.drop_constraint("ck_projects_invoiced", type_="check")
        batch.drop_column("recognised")
        batch.drop_column("invoiced")
    with op.batch_alter_table("activities") as batch:
        batch.drop_constraint("ck_activities_budget_revenue", type_="check")
        batch.drop_constraint("ck_activities_scheduled_hours", type_="check")
        batch.drop_constraint("ck_activities_percent_complete", type_="check")
        batch.drop_column("budget_revenue")
        batch.drop_column("scheduled_hours")
        batch.drop_column("percent_complete")
