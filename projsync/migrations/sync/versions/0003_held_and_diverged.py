"""What the sync holds for a person and what it found diverged: merge bases
that a conflict or a refused write left stale, the plan key of log entries,
and projects whose reconciliation found differences.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merge_bases") as batch:
        batch.add_column(
            sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_merge_bases_stale",
        "merge_bases",
        ["kind", "ledger_key"],
        sqlite_where=sa.text("stale"),
        postgresql_where=sa.text("stale"),
    )
    with op.batch_alter_table("log") as batch:
        batch.add_column(sa.Column("plan_key", sa.String(200)))
    op.create_table(
        "divergence",
        sa.Column("project", sa.String(40), primary_key=True),
        sa.Column("differences", sa.Integer(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
    )
    # conflicts held before this version left their bases as they were: stale
    op.execute(
        "UPDATE merge_bases SET stale = TRUE WHERE EXISTS (SELECT 1 FROM log "
        "WHERE log.status = 'conflict' AND log.entity_key = merge_bases.ledger_key)"
    )


def downgrade() -> None:
    op.drop_table("divergence")
    with op.batch_alter_table("log") as batch:
        batch.drop_column("plan_key")
    op.drop_index("ix_merge_bases_stale", table_name="merge_bases")
    with op.batch_alter_table("merge_bases") as batch:
        batch.drop_column("stale")
