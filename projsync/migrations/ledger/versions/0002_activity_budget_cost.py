"""An activity's budget cost: the cost of its forecasts.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(
            sa.Column("budget_cost", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE activities SET budget_cost = COALESCE((SELECT SUM(f.cost) FROM forecasts f"
        " WHERE f.project_id = activities.project_id"
        " AND f.activity_number = activities.number), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("budget_cost")
