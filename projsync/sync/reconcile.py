"""Reconciliation: posted hours, cost and revenue in the ledger against the
plan side's actuals, per project, task, worker and day, to the cent.

Every difference is listed with both sides' figures, so a person can see what
did not arrive (or arrived twice). Read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from projsync.connectors.base import Connector, EntityKind
from projsync.db import Store
from projsync.sync.actuals import actual_targets, fold
from projsync.sync.scope import is_root, read_scope

__all__ = ["Difference", "Reconciliation", "reconcile"]

_ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    plan_key: str
    """project/task/worker/day on the plan side."""
    ledger: Mapping[str, Decimal]
    plan: Mapping[str, Decimal]


@dataclass(slots=True, kw_only=True)
class Reconciliation:
    differences: list[Difference] = field(default_factory=list)
    totals: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    """Plan project → the ledger project it stands for."""

    def by_project(self, projects: Iterable[str]) -> dict[str, int]:
        """Differences per ledger project (0 for those with none)."""
        found = dict.fromkeys(projects, 0)
        for difference in self.differences:
            project = self.owners.get(difference.plan_key.split("/", 1)[0])
            if project is not None:
                found[project] = found.get(project, 0) + 1
        return found


def reconcile(
    sync: Store, ledger: Connector, plan: Connector, *, project: str | None = None
) -> Reconciliation:
    """Compare the integrated projects' actuals on both sides (of the plan
    project ``project`` lands in, when given)."""
    scope = read_scope(sync, ledger)
    expected: dict[str, dict[str, Decimal]] = {}
    records = list(fold(ledger.snapshot(EntityKind.ACTUAL), scope.workers))
    with sync.read() as conn:
        keys = actual_targets(
            conn, [r for r in records if r.key.split("/", 1)[0] in scope.root_of], scope
        )
    only = scope.root_of.get(project) if project is not None else None
    for record in records:
        key = keys.get(record.key)
        if key is None or record.fields is None:
            continue
        if only is not None and key.split("/", 1)[0] != only:
            continue
        fields = record.fields
        figures = {
            "hours": Decimal(str(fields["hours"])),
            "cost": Decimal(str(fields["cost"])),
            "revenue": Decimal(str(fields["revenue"])),
        }
        if any(figures.values()):
            expected[key] = figures
    found: dict[str, dict[str, Decimal]] = {}
    for record in plan.snapshot(EntityKind.ACTUAL):
        if only is not None and record.key.split("/", 1)[0] != only:
            continue
        fields = record.fields or {}
        figures = {
            "hours": (Decimal(int(str(fields["actual_work"]))) / 60).quantize(Decimal("0.01")),
            "cost": Decimal(str(fields["actual_cost"])),
            "revenue": Decimal(str(fields["revenue"])),
        }
        if any(figures.values()):
            found[record.key] = figures
    report = Reconciliation(
        owners={root: key for key, root in scope.root_of.items() if is_root(key, scope)}
    )
    empty = {"hours": _ZERO, "cost": _ZERO, "revenue": _ZERO}
    for key in sorted(set(expected) | set(found)):
        mine, theirs = expected.get(key, empty), found.get(key, empty)
        if mine != theirs:
            report.differences.append(Difference(plan_key=key, ledger=mine, plan=theirs))
    report.totals = {"ledger": _sum(expected.values()), "plan": _sum(found.values())}
    return report


def _sum(rows: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    total = {"hours": _ZERO, "cost": _ZERO, "revenue": _ZERO}
    for figures in rows:
        for name in total:
            total[name] += figures[name]
    return total
