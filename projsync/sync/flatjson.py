"""JSON of flat records, written directly.

Every entity a run records has its payload and merge base written as JSON.
For a flat record of decimals, integers, texts and nothing, the standard
encoder spends most of its time calling back for each decimal; writing the
text directly is several times faster and gives the very same text. Anything
else is left to the encoder (the function answers None).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _quoted

__all__ = ["flat_json"]


def flat_json(fields: Mapping[str, object], *, tag_decimals: bool) -> str | None:
    """What ``json.dumps(fields, sort_keys=True)`` writes, decimals written as
    text (``"12.50"``) or tagged (``{"decimal": "12.50"}``); None when a key is
    not a text or a value is not a decimal, integer, text or None."""
    parts: list[str] = []
    for key in sorted(fields):
        if type(key) is not str:
            return None
        value = fields[key]
        kind = type(value)
        if kind is Decimal:
            text = f'{{"decimal": "{value}"}}' if tag_decimals else f'"{value}"'
        elif kind is int:
            text = str(value)
        elif isinstance(value, str) and kind is str:
            text = _quoted(value)
        elif value is None:
            text = "null"
        else:
            return None
        parts.append(f"{_quoted(key)}: {text}")
    return "{" + ", ".join(parts) + "}"
