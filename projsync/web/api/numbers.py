"""Numbers in the ledger API's JSON bodies, read as they were written.

A JSON number such as ``1e400`` or ``1.5e3`` means nothing exact once it has
become a binary float (``1e400`` is infinity), so the ledger's routes read
their bodies keeping every non-integer number as the text it was written in
(``ExactNumbersRoute``); the models' hours, amounts and prices (``Hours``,
``Money``, ``Price``) then read that text, or a JSON string, or a JSON
integer, through ``projsync.ledger.numbers`` like every other door into the
ledger: ``7.5`` and ``"7.5"`` are taken, ``1.5e3``, ``NaN`` and
``99999999999999999999`` refused with a 422 naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BeforeValidator, WithJsonSchema

from projsync.columns import from_units
from projsync.ledger.numbers import (
    HOURS,
    LIMIT_DIGITS,
    MONEY,
    PRICE,
    NumberRefused,
    Quantity,
    checked_units,
    read_decimal,
)

__all__ = ["ExactNumbersRoute", "Hours", "JsonNumber", "Money", "Price"]


class JsonNumber(str):
    """The text of a JSON number that is not an integer, as written."""

    __slots__ = ()


class _ExactRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(
                await self.body(), parse_float=JsonNumber, parse_constant=JsonNumber
            )
        return self._json


class ExactNumbersRoute(APIRoute):
    """A route whose JSON body keeps its non-integer numbers as written."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact(request: Request) -> Response:
            return await handler(_ExactRequest(request.scope, request.receive))

        return exact


def _reader(quantity: Quantity) -> Callable[[object], object]:
    def read(value: object) -> object:
        try:
            if isinstance(value, str):  # a JSON string, or a JsonNumber
                return read_decimal(value, quantity)
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                return from_units(checked_units(value, quantity), quantity.places)
        except NumberRefused as exc:
            raise ValueError(str(exc)) from None
        if isinstance(value, float):  # only from a body not read by ExactNumbersRoute
            raise ValueError(f"{value!r} is a binary fraction; write the number as text")
        return value  # anything else: the Decimal type refuses it

    return read


def _schema(quantity: Quantity) -> dict[str, Any]:
    limit = float(quantity.limit)
    fraction = rf"(\.[0-9]{{1,{quantity.places}}})?"
    return {
        "anyOf": [
            {"type": "number", "minimum": -limit, "maximum": limit},
            {"type": "string", "pattern": rf"^[+-]?[0-9]{{1,{LIMIT_DIGITS}}}{fraction}$"},
        ],
        "description": (
            f"A plain decimal number with at most {quantity.places} decimal places, "
            f"at most {quantity.limit:,} in size: no exponent, no separators."
        ),
    }


Hours = Annotated[Decimal, BeforeValidator(_reader(HOURS)), WithJsonSchema(_schema(HOURS))]
Money = Annotated[Decimal, BeforeValidator(_reader(MONEY)), WithJsonSchema(_schema(MONEY))]
Price = Annotated[Decimal, BeforeValidator(_reader(PRICE)), WithJsonSchema(_schema(PRICE))]
