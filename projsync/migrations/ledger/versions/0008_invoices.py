"""Billing: invoice proposals, invoices numbered per company without gaps,
credit notes, milestones, and a project's contract value.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_MONEY = 10**14 - 1
"""Cents: 999,999,999,999.99."""
_OPEN_PROPOSAL = sa.text("status = 'proposal'")


def _in_range(table: str, column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{column} BETWEEN -{_MONEY} AND {_MONEY} AND {column} = CAST({column} AS BIGINT)",
        name=f"ck_{table}_{column}",
    )


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("contract_value", sa.BigInteger(), nullable=True))
        batch.create_check_constraint(
            "ck_projects_contract_value",
            f"contract_value BETWEEN -{_MONEY} AND {_MONEY}"
            " AND contract_value = CAST(contract_value AS BIGINT)",
        )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.String(length=250), server_default="", nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"]),
        sa.PrimaryKeyConstraint("id"),
        _in_range("milestones", "amount"),
    )
    op.create_index("ix_milestones_project_id", "milestones", ["project_id"])
    op.create_index("ix_milestones_version", "milestones", ["version"])
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("company_id", sa.String(length=40), nullable=False),
        sa.Column("project_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("credits_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"]),
        sa.ForeignKeyConstraint(["credits_id"], ["invoices.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credits_id"),
        sa.UniqueConstraint("company_id", "number", name="uq_invoices_company_number"),
        _in_range("invoices", "total"),
    )
    op.create_index("ix_invoices_version", "invoices", ["version"])
    op.create_index(
        "ux_invoices_open_proposal",
        "invoices",
        ["project_id"],
        unique=True,
        sqlite_where=_OPEN_PROPOSAL,
        postgresql_where=_OPEN_PROPOSAL,
    )
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=250), server_default="", nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"]),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"]),
        sa.PrimaryKeyConstraint("invoice_id", "line"),
        _in_range("invoice_lines", "amount"),
    )
    op.create_index("ix_invoice_lines_transaction_id", "invoice_lines", ["transaction_id"])
    op.create_index("ix_invoice_lines_milestone_id", "invoice_lines", ["milestone_id"])
    op.create_table(
        "invoice_sequences",
        sa.Column("company_id", sa.String(length=40), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"]),
        sa.PrimaryKeyConstraint("company_id"),
    )


def downgrade() -> None:
    op.drop_table("invoice_sequences")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.drop_table("milestones")
    with op.batch_alter_table("projects") as batch:
        batch.drop_constraint("ck_projects_contract_value", type_="check")
        batch.drop_column("contract_value")
