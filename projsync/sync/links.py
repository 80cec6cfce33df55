"""Links between ids and merge bases, read by key.

A run reads the links and merge bases of the entities it handles, never the
whole table: a run with one edit costs the same on ten projects and on ten
thousand. Read-only; the engine writes links and bases with the outcomes they
record.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from projsync.sync.flatjson import flat_json
from projsync.sync.tables import links, merge_bases

__all__ = [
    "base_fields",
    "base_text",
    "bases_of",
    "chunks",
    "ledger_keys_of",
    "links_of",
    "plan_keys_of",
]

CHUNK = 500
"""Keys per ``IN`` list: well under the bound-parameter limits of both databases."""

RANGE_FROM = 100
"""Keys of one project from which its merge bases are read as a range (SQLite)."""


def chunks(keys: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    listed = sorted(set(keys))
    for start in range(0, len(listed), size):
        yield listed[start : start + size]


def bases_of(conn: Connection, kind: str, keys: Iterable[str]) -> dict[str, dict[str, object]]:
    """Merge bases of the given ledger keys that have one. On SQLite, whose
    keys sort by code point, a project's many keys (``P1/...``) are read as
    one range of the key rather than listed: a first run asks for a million."""
    wanted = set(keys)
    found: dict[str, dict[str, object]] = {}
    listed = wanted
    if conn.dialect.name == "sqlite" and len(wanted) > CHUNK:
        heads = collections.Counter(key.partition("/")[0] for key in wanted if "/" in key)
        ranged = {head for head, count in heads.items() if count >= RANGE_FROM}
        for head in sorted(ranged):
            rows = conn.execute(
                select(merge_bases.c.ledger_key, merge_bases.c.fields).where(
                    merge_bases.c.kind == kind,
                    merge_bases.c.ledger_key >= f"{head}/",
                    merge_bases.c.ledger_key < f"{head}0",  # "0" follows "/"
                )
            )
            found.update((key, base_fields(text)) for key, text in rows if key in wanted)
        listed = {key for key in wanted if key.partition("/")[0] not in ranged or "/" not in key}
    for chunk in chunks(listed):
        rows = conn.execute(
            select(merge_bases.c.ledger_key, merge_bases.c.fields).where(
                merge_bases.c.kind == kind, merge_bases.c.ledger_key.in_(chunk)
            )
        )
        found.update((key, base_fields(text)) for key, text in rows)
    return found


def plan_keys_of(conn: Connection, kind: str, ledger_keys: Iterable[str]) -> dict[str, str]:
    """Plan keys of the given ledger keys that are linked."""
    found: dict[str, str] = {}
    for chunk in chunks(ledger_keys):
        rows = conn.execute(
            select(links.c.ledger_key, links.c.plan_key).where(
                links.c.kind == kind, links.c.ledger_key.in_(chunk)
            )
        )
        found.update((ledger, plan) for ledger, plan in rows)
    return found


def ledger_keys_of(conn: Connection, kind: str, plan_keys: Iterable[str]) -> dict[str, str]:
    """Ledger keys of the given plan keys that are linked, by plan key."""
    found: dict[str, str] = {}
    for chunk in chunks(plan_keys):
        rows = conn.execute(
            select(links.c.plan_key, links.c.ledger_key).where(
                links.c.kind == kind, links.c.plan_key.in_(chunk)
            )
        )
        found.update((plan, ledger) for plan, ledger in rows)
    return found


def links_of(conn: Connection, kind: str) -> dict[str, str]:
    """Every link of a kind, ledger key to plan key."""
    rows = conn.execute(select(links.c.ledger_key, links.c.plan_key).where(links.c.kind == kind))
    return {ledger: plan for ledger, plan in rows}


def base_text(fields: Mapping[str, object]) -> str:
    direct = flat_json(fields, tag_decimals=True)
    if direct is not None:
        return direct
    return _BASE.encode(fields if isinstance(fields, dict) else dict(fields))


def base_fields(text: str) -> dict[str, object]:
    return {k: _untagged(v) for k, v in json.loads(text).items()}


def _tagged(value: object) -> Any:
    """Merge bases keep their types: a Decimal must compare equal to a Decimal.
    (Called by the encoder for what JSON has no type for.)"""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise TypeError(f"a merge base cannot keep {value!r}")


def _untagged(value: Any) -> object:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag == "decimal":
            return Decimal(text)
        if tag == "datetime":
            return dt.datetime.fromisoformat(text)
        if tag == "date":
            return dt.date.fromisoformat(text)
    return value


_BASE = json.JSONEncoder(default=_tagged, sort_keys=True)
"""Built once: ``json.dumps`` with options builds an encoder per call, and a
run encodes one merge base per entity."""
