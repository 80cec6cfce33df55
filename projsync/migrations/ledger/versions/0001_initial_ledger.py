"""The ledger's first tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_categories_version", "categories", ["version"], unique=False)

    op.create_table(
        "change_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "companies",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_companies_version", "companies", ["version"], unique=False)

    op.create_table(
        "journals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tombstones",
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "key"),
    )
    op.create_index("ix_tombstones_version", "tombstones", ["version"], unique=False)

    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("activity_number", sa.String(length=60), nullable=False),
        sa.Column("worker_id", sa.String(length=40), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("hours", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("category_id", sa.String(length=60), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reverses_id"),
    )
    op.create_index(
        "ix_transactions_project_date",
        "transactions",
        ["project_id", "activity_number", "date"],
        unique=False,
    )
    op.create_index("ix_transactions_version", "transactions", ["version"], unique=False)
    op.create_index(
        "ix_transactions_worker_date", "transactions", ["worker_id", "date"], unique=False
    )

    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("company_id", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("customer", sa.String(length=100), nullable=True),
        sa.Column("contract", sa.String(length=100), nullable=True),
        sa.Column("project_group", sa.String(length=100), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("manager", sa.String(length=100), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_projects_parent_id", "projects", ["parent_id"], unique=False)
    op.create_index("ix_projects_version", "projects", ["version"], unique=False)

    op.create_table(
        "workers",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("company_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("calendar", sa.String(length=60), nullable=False),
        sa.Column("integrated", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_workers_version", "workers", ["version"], unique=False)

    op.create_table(
        "activities",
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_number", sa.String(length=60), nullable=True),
        sa.Column("category_id", sa.String(length=60), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("planned_hours", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id", "parent_number"],
            ["activities.project_id", "activities.number"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "number"),
    )
    op.create_index("ix_activities_version", "activities", ["version"], unique=False)

    op.create_table(
        "worker_prices",
        sa.Column("worker_id", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("cost_price", sa.BigInteger(), nullable=False),
        sa.Column("sales_price", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["workers.id"],
        ),
        sa.PrimaryKeyConstraint("worker_id", "valid_from"),
    )
    op.create_index("ix_worker_prices_version", "worker_prices", ["version"], unique=False)

    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("activity_number", sa.String(length=60), nullable=False),
        sa.Column("worker_id", sa.String(length=40), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("hours", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id", "activity_number"],
            ["activities.project_id", "activities.number"],
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["workers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_forecasts_version", "forecasts", ["version"], unique=False)

    op.bulk_insert(
        sa.table(
            "change_sequence", sa.column("id", sa.Integer()), sa.column("value", sa.BigInteger())
        ),
        [{"id": 1, "value": 0}],
    )


def downgrade() -> None:
    op.drop_index("ix_forecasts_version", table_name="forecasts")

    op.drop_table("forecasts")
    op.drop_index("ix_worker_prices_version", table_name="worker_prices")

    op.drop_table("worker_prices")
    op.drop_index("ix_activities_version", table_name="activities")

    op.drop_table("activities")
    op.drop_index("ix_workers_version", table_name="workers")

    op.drop_table("workers")
    op.drop_index("ix_projects_version", table_name="projects")
    op.drop_index("ix_projects_parent_id", table_name="projects")

    op.drop_table("projects")
    op.drop_index("ix_transactions_worker_date", table_name="transactions")
    op.drop_index("ix_transactions_version", table_name="transactions")
    op.drop_index("ix_transactions_project_date", table_name="transactions")

    op.drop_table("transactions")
    op.drop_index("ix_tombstones_version", table_name="tombstones")

    op.drop_table("tombstones")
    op.drop_table("journals")
    op.drop_index("ix_companies_version", table_name="companies")

    op.drop_table("companies")
    op.drop_table("change_sequence")
    op.drop_index("ix_categories_version", table_name="categories")

    op.drop_table("categories")
