"""JSON of flat records, written directly.

Every entity a run records has its payload and merge base written as JSON.
For a flat record of decimals, integers, texts and nothing, the standard
encoder spends most of its time calling back for each decimal; writing the
text directly is several times faster and gives the very same text. Anything
else is left to the encoder (the function answers None).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _quoted

__all__ = ["actual_payload_json", "flat_json", "sums_base_json"]


def flat_json(fields: Mapping[str, object], *, tag_decimals: bool) -> str | None:
    """What ``json.dumps(fields, sort_keys=True)`` writes, decimals, dates and
    times written as text (``"12.50"``, ``"2026-03-02"``) or tagged
    (``{"decimal": "12.50"}``, ``{"date": "2026-03-02"}``); None when a key is
    not a text or a value is not one of those, an integer, a text, nothing, a
    record of them, or a tuple or list of texts."""
    order = _order_of(tuple(fields))
    if order is None:
        return None
    parts: list[str] = []
    for key, prefix in order:
        text = _value_json(fields[key], tag_decimals)
        if text is None:
            return None
        parts.append(prefix + text)
    return "{" + ", ".join(parts) + "}"


def _value_json(value: object, tagged: bool) -> str | None:
    """One value's JSON, or None when the encoder must write it (exact types
    only: a subclass of int may be a bool, and the encoder writes those)."""
    kind = type(value)
    if isinstance(value, str) and kind is str:
        return _quoted(value)
    if isinstance(value, Decimal):
        return f'{{"decimal": "{value}"}}' if tagged else f'"{value}"'
    if isinstance(value, int) and kind is int:
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, dt.date) and kind in (dt.datetime, dt.date):
        text = value.isoformat()
        if not tagged:
            return f'"{text}"'
        return f'{{"{"datetime" if kind is dt.datetime else "date"}": "{text}"}}'
    if isinstance(value, dict) and kind is dict:
        return flat_json(value, tag_decimals=tagged)
    texts = isinstance(value, tuple | list) and kind in (tuple, list)
    if texts and all(isinstance(item, str) and type(item) is str for item in value):  # type: ignore[attr-defined]
        return "[" + ", ".join(_quoted(item) for item in value) + "]"  # type: ignore[attr-defined]
    return None


@functools.lru_cache(maxsize=1024)
def _order_of(keys: tuple[object, ...]) -> tuple[tuple[str, str], ...] | None:
    """The keys of a record's shape in JSON order, each with its ``"key": ``
    (a run writes thousands of records of a handful of shapes)."""
    texts = [key for key in keys if isinstance(key, str) and type(key) is str]
    if len(texts) != len(keys):
        return None
    return tuple((key, f"{_quoted(key)}: ") for key in sorted(texts))


def actual_payload_json(fields: Mapping[str, object]) -> str | None:
    """``flat_json`` of an actual's plan fields (``actual_cost``, ``actual_work``,
    ``revenue``), written in one step: a run writes one for each of millions."""
    if len(fields) != 3:
        return None
    cost, work, revenue = (
        fields.get("actual_cost"),
        fields.get("actual_work"),
        fields.get("revenue"),
    )
    if type(cost) is not Decimal or type(work) is not int or type(revenue) is not Decimal:
        return None
    return f'{{"actual_cost": "{cost}", "actual_work": {work}, "revenue": "{revenue}"}}'


def sums_base_json(fields: Mapping[str, object]) -> str | None:
    """``flat_json`` with tagged decimals of an actual's merge base (``cost``,
    ``hours``, ``revenue``), written in one step."""
    if len(fields) != 3:
        return None
    cost, hours, revenue = fields.get("cost"), fields.get("hours"), fields.get("revenue")
    if type(cost) is not Decimal or type(hours) is not Decimal or type(revenue) is not Decimal:
        return None
    return (
        f'{{"cost": {{"decimal": "{cost}"}}, "hours": {{"decimal": "{hours}"}}, '
        f'"revenue": {{"decimal": "{revenue}"}}}}'
    )
