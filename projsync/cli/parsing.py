"""Values typed on the command line, turned into domain values or clear refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from projsync.errors import InputError, Problem, refusal

__all__ = ["parse_date", "parse_decimal"]


def parse_decimal(text: str, option: str, places: int = 2) -> Decimal:
    """A number with at most ``places`` decimal places."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise refusal(option, f"{text!r} is not a number") from None
    if not value.is_finite():
        raise refusal(option, f"{text!r} is not a number")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise InputError(
            [Problem(where=option, what=f"{text!r} has more than {places} decimal places")]
        )
    return value


def parse_date(text: str, option: str) -> dt.date:
    """An ISO date: ``2026-03-02``."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            [Problem(where=option, what=f"{text!r} is not a date (YYYY-MM-DD)")]
        ) from None
