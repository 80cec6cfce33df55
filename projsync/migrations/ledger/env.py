"""Alembic environment of the ledger's history."""

from projsync.ledger.tables import metadata
from projsync.migrations.env import run

run(metadata)
