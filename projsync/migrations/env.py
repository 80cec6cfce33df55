"""Shared Alembic environment: runs a part's history on the connection it is given.

Each part's ``env.py`` calls :func:`run` with its own metadata; the connection and
version table come from :meth:`projsync.db.Store.upgrade`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData


def run(metadata: MetaData) -> None:
    config = context.config
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=config.attributes["version_table"],
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
