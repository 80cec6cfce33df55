"""Numbers entering the ledger: one reading of their text and one range.

Hours, amounts and prices come in by many doors (the command line, CSV
journals, the API, the portal timesheet, the sync), and every door reads them
here, so every door accepts the same thing: plain decimal notation in ASCII
(an optional sign, digits 0-9, at most one ``.``), at most two digits after
the point for hours and amounts and four for prices, and less than 10^12 in
size (up to 999,999,999,999.99). No exponent, no digit separators, no digits
of other scripts, no NaN or Infinity.

The range is what the stores hold exactly. In integer units (cents,
hundredths of an hour, ten-thousandths of a price) the largest amount or
hours is just under 10^14 and the largest price just under 10^16, far inside
the signed 64-bit integers of both SQLite and PostgreSQL: a sum of 92,000
amounts at the limit still fits. The stores' CHECK constraints hold the same
bounds (``LIMIT_UNITS``), so nothing that bypasses this module can store more.

This module reads and checks numbers; it never decides whether one may be
negative or zero, which is a rule of the place that takes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from projsync.columns import from_units

__all__ = [
    "HOURS",
    "LIMIT_DIGITS",
    "MONEY",
    "PERCENT",
    "PRICE",
    "NumberRefused",
    "Quantity",
    "checked_units",
    "read_decimal",
    "read_units",
]

LIMIT_DIGITS = 12
"""Digits before the point: every number is less than 10^12 in size."""

_PLAIN = re.compile(r"([+-]?)(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))")
_SHOWN = 40
"""Characters of a refused text repeated in the refusal."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    """A kind of number the ledger keeps: how many decimal places it takes."""

    places: int

    @property
    def limit_units(self) -> int:
        """The largest size in units: 10^12 less one unit."""
        limit: int = 10 ** (LIMIT_DIGITS + self.places) - 1
        return limit

    @property
    def limit(self) -> Decimal:
        return from_units(self.limit_units, self.places)


HOURS = Quantity(places=2)
MONEY = Quantity(places=2)
PRICE = Quantity(places=4)
PERCENT = Quantity(places=2)


class NumberRefused(ValueError):
    """A number the ledger cannot take; the message says why, in words."""


def read_units(text: str, quantity: Quantity) -> int:
    """The value of ``text`` in the quantity's units (``'7.5'`` hours → 750),
    or ``NumberRefused`` saying why it is not one."""
    places = quantity.places
    whole, _, fraction = text.partition(".")
    if (
        whole.isascii()
        and whole.isdigit()
        and len(whole) <= LIMIT_DIGITS
        and len(fraction) <= places
        and (not fraction or (fraction.isascii() and fraction.isdigit()))
    ):  # the common case, "7" or "7.5" or "7.25", read without a pattern
        scale: int = 10**places
        return int(whole) * scale + (int(fraction.ljust(places, "0")) if fraction else 0)
    return _read_units_slowly(text, quantity)


def _read_units_slowly(text: str, quantity: Quantity) -> int:
    match = _PLAIN.fullmatch(text.strip())
    if match is None:
        if not text.strip():
            raise NumberRefused("a number is needed")
        raise NumberRefused(f"{_shown(text)} is not a plain decimal number")
    sign, whole, fraction, only_fraction = match.groups()
    if only_fraction is not None:
        whole, fraction = "", only_fraction
    fraction = fraction or ""
    places = quantity.places
    if len(fraction) > places:
        raise NumberRefused(f"{_shown(text)} has more than {places} decimal places")
    whole = whole.lstrip("0")
    if len(whole) > LIMIT_DIGITS:
        raise NumberRefused(_out_of_range(_shown(text), quantity))
    scale: int = 10**places
    units = int(whole or "0") * scale + int(fraction.ljust(places, "0") or "0")
    return -units if sign == "-" else units


def read_decimal(text: str, quantity: Quantity) -> Decimal:
    """The value of ``text`` as a ``Decimal`` with the quantity's places."""
    return from_units(read_units(text, quantity), quantity.places)


def checked_units(value: Decimal | int, quantity: Quantity) -> int:
    """A value that is a number already (from code, or a JSON integer) in the
    quantity's units, refused as its text would be: not finite, finer than the
    quantity's places, or out of range."""
    number = Decimal(value)
    if not number.is_finite():
        raise NumberRefused(f"{_shown(str(number))} is not a plain decimal number")
    if abs(number) > quantity.limit:  # before scaling: 1E+999999 would overflow
        raise NumberRefused(_out_of_range(_shown(str(number)), quantity))
    scaled = number.scaleb(quantity.places)
    if scaled != scaled.to_integral_value():
        raise NumberRefused(f"{_shown(str(number))} has more than {quantity.places} decimal places")
    return int(scaled)


def _out_of_range(shown: str, quantity: Quantity) -> str:
    return f"{shown} is out of range (at most {quantity.limit:,} either way)"


def _shown(text: str) -> str:
    cut = text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
    return repr(cut)
