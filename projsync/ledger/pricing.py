"""Hour prices from a worker's price history, in integer units.

Prices are kept as ten-thousandths, hours and money as hundredths, so an
hour line's cost is exact integer arithmetic with one half-up rounding to the
cent. Pure code: no I/O.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

from projsync.columns import to_units
from projsync.ledger.model import WorkerPrice

__all__ = ["PriceList", "amount_for_hours"]


class PriceList:
    """A worker's prices, looked up by date in O(log n)."""

    __slots__ = ("_costs", "_sales", "_starts", "first", "highest")

    def __init__(self, prices: Iterable[WorkerPrice]) -> None:
        ordered = sorted(prices, key=lambda p: p.valid_from)
        self._starts = [p.valid_from.toordinal() for p in ordered]
        self._costs = [to_units(p.cost_price, 4) for p in ordered]
        self._sales = [to_units(p.sales_price, 4) for p in ordered]
        self.first: dt.date | None = ordered[0].valid_from if ordered else None
        self.highest = max(self._costs + self._sales, default=0)
        """The highest price of the history, in ten-thousandths."""

    def at(self, ordinal: int) -> tuple[int, int] | None:
        """(cost, sales) per hour in ten-thousandths on the day ``ordinal``,
        or ``None`` before the first price."""
        index = bisect.bisect_right(self._starts, ordinal) - 1
        if index < 0:
            return None
        return self._costs[index], self._sales[index]


def amount_for_hours(hours_units: int, price_units: int) -> int:
    """Cents for ``hours_units`` hundredths of an hour at ``price_units``
    ten-thousandths per hour, rounded half away from zero."""
    product = hours_units * price_units  # millionths of the currency
    quotient, remainder = divmod(abs(product), 10_000)
    if remainder * 2 >= 10_000:
        quotient += 1
    return quotient if product >= 0 else -quotient
