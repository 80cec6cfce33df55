"""Hour prices: integer arithmetic that agrees with Decimal, to the cent."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from projsync.ledger.model import WorkerPrice
from projsync.ledger.pricing import PriceList, amount_for_hours


@given(st.integers(-100_000, 100_000), st.integers(0, 10_000_000))
def test_pricing__integer_amount_matches_decimal_half_up(hours: int, price: int) -> None:
    exact = (Decimal(hours) / 100) * (Decimal(price) / 10_000)
    expected = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(amount_for_hours(hours, price)) / 100 == expected


def test_pricing__price_list_picks_the_price_valid_on_the_day() -> None:
    prices = PriceList(
        [
            WorkerPrice(
                worker="W",
                valid_from=dt.date(2026, 7, 1),
                cost_price=Decimal("2"),
                sales_price=Decimal("3"),
            ),
            WorkerPrice(
                worker="W",
                valid_from=dt.date(2026, 1, 1),
                cost_price=Decimal("1"),
                sales_price=Decimal("1.5"),
            ),
        ]
    )
    assert prices.at(dt.date(2025, 12, 31).toordinal()) is None
    assert prices.at(dt.date(2026, 6, 30).toordinal()) == (10_000, 15_000)
    assert prices.at(dt.date(2026, 7, 1).toordinal()) == (20_000, 30_000)
    assert prices.first == dt.date(2026, 1, 1)
