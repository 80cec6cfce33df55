"""What a project born on the plan side takes in the ledger where its plan
says nothing: a company's default project type, contract and customer. And
the integration log's one name for an outside timesheet line (Redmine's time
entries were logged as "time entry").

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
    with op.batch_alter_table("company_settings") as batch:
        batch.add_column(sa.Column("project_type", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("contract", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("customer", sa.String(length=100), nullable=True))
    op.execute("UPDATE log SET entity_type = 'timesheet line' WHERE entity_type = 'time entry'")


def downgrade() -> None:
    with op.batch_alter_table("company_settings") as batch:
        batch.drop_column("customer")
        batch.drop_column("contract")
        batch.drop_column("project_type")
