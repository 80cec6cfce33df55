"""The stores a command works on, opened from the settings in force."""

from __future__ import annotations

from functools import cache

from projsync.config import load_settings
from projsync.db import Store, open_store

__all__ = ["ledger_store", "plan_store", "sync_store"]


@cache
def ledger_store() -> Store:
    settings = load_settings()
    return open_store(
        "ledger", settings.ledger_url, settings.ledger_schema, busy_timeout=settings.busy_timeout
    )


@cache
def plan_store() -> Store:
    settings = load_settings()
    return open_store(
        "plan", settings.plan_url, settings.plan_schema, busy_timeout=settings.busy_timeout
    )


@cache
def sync_store() -> Store:
    settings = load_settings()
    return open_store(
        "sync", settings.sync_url, settings.sync_schema, busy_timeout=settings.busy_timeout
    )
