"""Alembic environment of the web server's history."""

from projsync.migrations.env import run
from projsync.web.tables import metadata

run(metadata)
