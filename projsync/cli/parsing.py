"""Values typed on the command line, turned into domain values or clear refusals.

Numbers are read as every number entering the ledger is
(``projsync.ledger.numbers``): the same notation and range on the command
line as in a journal file or the API.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.errors import InputError, Problem, refusal
from projsync.ledger.numbers import NumberRefused, Quantity, read_decimal

__all__ = ["LARGEST_KEY", "parse_date", "parse_decimal"]

LARGEST_KEY = 2**63 - 1
"""The largest id, version or count a store holds (a signed 64-bit integer):
the upper bound of every integer option, so that a larger one is a usage error
rather than a failure of the database driver."""


def parse_decimal(text: str, option: str, quantity: Quantity) -> Decimal:
    """A plain decimal number of the quantity's places, within the ledger's range."""
    try:
        return read_decimal(text, quantity)
    except NumberRefused as exc:
        raise refusal(option, str(exc)) from None


def parse_date(text: str, option: str) -> dt.date:
    """An ISO date: ``2026-03-02``."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            [Problem(where=option, what=f"{text!r} is not a date (YYYY-MM-DD)")]
        ) from None
