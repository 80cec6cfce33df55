"""Actuals keep no links of their own: an actual's plan place follows its
task's link. Links written for actuals before are dropped.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM links WHERE kind = 'actual'")


def downgrade() -> None:
    """Nothing to restore: the sync finds each actual's place from its task."""
