"""The sync's own tables: settings, links between ids, merge bases, cursors,
runs, the integration log, per-entity sync status and the mirror of the
ledger's headers.

The sync never touches a table of the ledger or of the plan server; these are
the only tables it writes, and it writes the outcome of an operation (log
entry, link, merge base, cursor) in one transaction.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

__all__ = [
    "company_settings",
    "cursors",
    "divergence",
    "entity_status",
    "global_settings",
    "ledger_headers",
    "links",
    "log",
    "merge_bases",
    "metadata",
    "project_settings",
    "runs",
]

metadata = MetaData()

global_settings = Table(
    "global_settings",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

company_settings = Table(
    "company_settings",
    metadata,
    Column("company", String(40), primary_key=True),
    Column("integrate", Boolean, nullable=False),
    # what a project born on the plan side takes where its plan says nothing
    Column("project_type", String(20)),
    Column("contract", String(100)),
    Column("customer", String(100)),
)

project_settings = Table(
    "project_settings",
    metadata,
    Column("project", String(40), primary_key=True),
    Column("integrate", Boolean, nullable=False),
    Column("plan_project", String(40)),
    Column("ownership", Text, nullable=False),
)

ledger_headers = Table(
    "ledger_headers",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("parent", String(200)),
    Column("company", String(40)),
)
"""The ledger's projects (with their parent) and integrated workers, with their
company, as of the headers' cursors: where entities land, without asking the
ledger for every header on every run."""

links = Table(
    "links",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("ledger_key", String(200), primary_key=True),
    Column("plan_key", String(200), nullable=False),
    UniqueConstraint("kind", "plan_key", name="uq_links_plan_key"),
)

merge_bases = Table(
    "merge_bases",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("ledger_key", String(200), primary_key=True),
    Column("fields", Text, nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
    Column("stale", Boolean, nullable=False, server_default=false()),
    Index(
        "ix_merge_bases_stale",
        "kind",
        "ledger_key",
        sqlite_where=text("stale"),
        postgresql_where=text("stale"),
    ),
)
"""The fields both sides agreed on at the last synchronization of an entity.
``stale``: a side may hold something else (a conflict is held, or a write
was refused or failed): a run that meets the entity reads both sides rather
than take a side as the base says."""

cursors = Table(
    "cursors",
    metadata,
    Column("side", String(10), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(20), nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("counts", Text, nullable=False),
)

log = Table(
    "log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False),
    Column("origin", String(10), nullable=False),
    Column("destination", String(10), nullable=False),
    Column("entity_type", String(30), nullable=False),
    Column("entity_key", String(200), nullable=False),
    Column("action", String(10), nullable=False),
    Column("entity_version", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("notified_at", DateTime(timezone=True)),
    Column("user", String(100), nullable=False),
    Column("payload", Text, nullable=False),
    Column("error", Text),
    Column("plan_key", String(200)),
    Index("ix_log_status", "status"),
    Index("ix_log_entity", "entity_type", "entity_key"),
    Index("ix_log_run", "run_id"),
)

entity_status = Table(
    "entity_status",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("status", String(12), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

divergence = Table(
    "divergence",
    metadata,
    Column("project", String(40), primary_key=True),
    Column("differences", Integer, nullable=False),
    Column("found_at", DateTime(timezone=True), nullable=False),
)
"""Projects whose last reconciliation found differences (ledger project keys),
until a reconciliation or a resynchronization finds them clean."""
