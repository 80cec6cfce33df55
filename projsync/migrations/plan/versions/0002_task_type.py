"""A task's type, as in Microsoft Project: fixed units, fixed work or fixed
duration. Tasks stored before it are fixed units, Project's default.

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
    # A plain ADD COLUMN on both databases: SQLite takes NOT NULL with a
    # default, so the table (which others refer to) is not rebuilt.
    op.add_column(
        "tasks",
        sa.Column("type", sa.String(length=20), nullable=False, server_default="fixed-units"),
    )


def downgrade() -> None:
    # SQLite drops a column in place since 3.35, where a rebuilt table would
    # trip over the links and assignments that refer to its rows.
    op.drop_column("tasks", "type")
