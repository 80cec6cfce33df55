"""A project's projected dates: the plan's scheduled start and finish, beside its own.

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
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("projected_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("projected_end", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("projected_end")
        batch.drop_column("projected_start")
