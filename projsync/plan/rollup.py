"""Roll-up: a summary task's work, cost, actuals and budget are the sums of its
children's, all the way down. Pure code: records in, records out, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

__all__ = ["Totals", "roll_up"]

_ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """The figures that add up the outline."""

    work: int = 0
    cost: Decimal = _ZERO
    actual_work: int = 0
    actual_cost: Decimal = _ZERO
    revenue: Decimal = _ZERO
    budget_work: int = 0
    budget_cost: Decimal = _ZERO

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Totals)}
        )


def roll_up(
    parents: Mapping[str, str | None], own: Mapping[str, Totals], order: Sequence[str]
) -> dict[str, Totals]:
    """Each task's totals: its own for a detail task, its subtasks' sum for a summary.

    ``parents`` maps every task to its parent; ``order`` lists tasks parents
    first (any outline order does), so one backward sweep adds each task into
    its parent once all its children are in.
    """
    summaries = {p for p in parents.values() if p is not None}
    totals = {t: (Totals() if t in summaries else own.get(t, Totals())) for t in order}
    for task in reversed(order):
        parent = parents.get(task)
        if parent is not None and parent in totals:
            totals[parent] = totals[parent] + totals[task]
    return totals
