"""Journals found by their source (a Redmine time entry is posted once).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_journals_source", "journals", ["source"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_journals_source", table_name="journals")
