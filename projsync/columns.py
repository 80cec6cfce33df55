"""Column types shared by the stores: exact decimals kept as integers.

SQLite has no exact decimal type, so money, hours and prices are stored as
integers of their smallest unit (cents, hundredths of an hour, ten-thousandths
of a price) and become ``Decimal`` again at the boundary. Never floats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["Fixed", "from_units", "money", "to_units"]

_CENT = Decimal("0.01")


def money(value: object) -> Decimal:
    """An amount given as a number or its text (nothing as zero), to the cent."""
    return Decimal(str(value or "0")).quantize(_CENT)


def to_units(value: Decimal, places: int) -> int:
    """``Decimal('12.34')`` at 2 places → ``1234``; refuses extra precision."""
    scaled = value.scaleb(places)
    units = int(scaled)
    if units != scaled:
        raise ValueError(f"{value} has more than {places} decimal places")
    return units


def from_units(units: int, places: int) -> Decimal:
    """``1234`` at 2 places → ``Decimal('12.34')`` (exact: an integer scaled
    down has exactly ``places`` places)."""
    return Decimal(units).scaleb(-places)


class Fixed(TypeDecorator[Decimal]):
    """A ``Decimal`` with a fixed number of places, stored as a big integer."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, int):
            scaled: int = value * 10**self.places
            return scaled
        return to_units(Decimal(value), self.places)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_units(int(value), self.places)
