"""Alembic histories, one per part (``ledger/``, ``plan/``, ``sync/``)."""
