"""Alembic environment of the plan server's history."""

from projsync.migrations.env import run
from projsync.plan.tables import metadata

run(metadata)
