"""The sync's first tables.

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
        "company_settings",
        sa.Column("company", sa.String(length=40), nullable=False),
        sa.Column("integrate", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("company"),
    )
    op.create_table(
        "cursors",
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("side", "kind"),
    )
    op.create_table(
        "entity_status",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_table(
        "global_settings",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "ledger_headers",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("parent", sa.String(length=200), nullable=True),
        sa.Column("company", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_table(
        "links",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ledger_key", sa.String(length=200), nullable=False),
        sa.Column("plan_key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("kind", "ledger_key"),
        sa.UniqueConstraint("kind", "plan_key", name="uq_links_plan_key"),
    )
    op.create_table(
        "log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("destination", sa.String(length=10), nullable=False),
        sa.Column("entity_type", sa.String(length=30), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("entity_version", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_log_entity", "log", ["entity_type", "entity_key"], unique=False)
    op.create_index("ix_log_run", "log", ["run_id"], unique=False)
    op.create_index("ix_log_status", "log", ["status"], unique=False)

    op.create_table(
        "merge_bases",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ledger_key", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "ledger_key"),
    )
    op.create_table(
        "project_settings",
        sa.Column("project", sa.String(length=40), nullable=False),
        sa.Column("integrate", sa.Boolean(), nullable=False),
        sa.Column("plan_project", sa.String(length=40), nullable=True),
        sa.Column("ownership", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("project"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("runs")
    op.drop_table("project_settings")
    op.drop_table("merge_bases")
    op.drop_index("ix_log_status", table_name="log")
    op.drop_index("ix_log_run", table_name="log")
    op.drop_index("ix_log_entity", table_name="log")

    op.drop_table("log")
    op.drop_table("links")
    op.drop_table("ledger_headers")
    op.drop_table("global_settings")
    op.drop_table("entity_status")
    op.drop_table("cursors")
    op.drop_table("company_settings")
