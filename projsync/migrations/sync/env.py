"""Alembic environment of the sync's history."""

from projsync.migrations.env import run
from projsync.sync.tables import metadata

run(metadata)
