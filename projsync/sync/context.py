"""One run's working state, shared by its stages.

Everything a stage needs to know about the run it is part of: the two sides,
the sync's store, what is integrated, the settings, what the log holds open,
and what the run has done so far. Built once per run by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projsync.connectors.base import Connector, Operation
from projsync.db import Store
from projsync.sync.model import RunReport
from projsync.sync.pending import Pending
from projsync.sync.scope import Scope
from projsync.sync.settings import GlobalSettings

__all__ = ["Run"]


@dataclass(slots=True, kw_only=True)
class Run:
    store: Store
    ledger: Connector
    plan: Connector
    user: str
    scope: Scope
    settings: GlobalSettings
    pending: Pending
    report: RunReport
    until: int
    """The ledger's version this run reads up to."""
    plan_until: int
    """The plan's version this run reads up to."""
    ledger_only: bool = False
    """A second pass, after the run wrote to the ledger: only the ledger's
    changes are read (the plan's are read next run)."""
    settings_changed: bool = False
    """The settings changed since the last run: companies or projects may have
    been integrated, owners changed."""
    resync: dict[str, set[str]] = field(default_factory=dict)
    """Plan projects a person asked to resynchronize, with their ledger projects."""
    touched: dict[str, set[str]] = field(
        default_factory=lambda: {"project": set(), "resource": set()}
    )
    """The compound entities (projects, resources) this run has worked on."""
    echoes: list[Operation] = field(default_factory=list)
    """Values the plan chose itself, to write back to the ledger once recorded."""
    born_projects: set[str] = field(default_factory=set)
    """Plan projects that become ledger projects in this run: their tasks and
    assignments are read whole, whenever they were made."""
    progressed: set[str] = field(default_factory=set)
    """Plan keys of the tasks whose actuals or assignments this run set: their
    progress and work moved on the plan side, and go to the ledger in the
    same run."""
    conflicts_seen: set[tuple[str, str, str]] = field(default_factory=set)
    """(kind, ledger key, field) of the conflicts this run has held."""
    failed_now: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """(kind, ledger key) → the neutral fields of an operation that failed or
    was refused in this run: the base the entity's other operation leaves
    keeps those fields as they were, and stays stale."""

    @property
    def dry_run(self) -> bool:
        return self.report.dry_run

    def resynced(self, project: str | None) -> bool:
        """True when ``project`` (a ledger project) is being resynchronized."""
        return project is not None and any(project in mine for mine in self.resync.values())
