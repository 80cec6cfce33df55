"""What Microsoft Project keeps of progress and work that the schedule needs:
a task's actual duration (its percent complete is that, rounded), a split
task's parts of work, and an assignment's overtime work.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("actual_duration", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("splits", sa.Text(), nullable=True))
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(
            sa.Column("overtime_work", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("overtime_work")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("splits")
        batch.drop_column("actual_duration")
