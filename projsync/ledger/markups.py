"""Markups: what an expense bills above its cost, per contract and category.

A time-and-material project bills an expense at the sales amount given on its
line; an expense without one bills its cost plus the markup its project's
contract has for its category (none: at cost). This module keeps the markups
and does the one multiplication; ``invoices.py`` decides what is billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, delete, select, tuple_

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger.changes import reserve_versions, tombstone
from projsync.ledger.model import CategoryKind, Markup
from projsync.ledger.numbers import PERCENT, NumberRefused, checked_units
from projsync.ledger.service import LedgerService, dialect_insert
from projsync.ledger.tables import markups

__all__ = ["MARKUP_LIMIT", "marked_up", "markups_for", "markups_of", "remove_markup", "set_markup"]

MARKUP_LIMIT = Decimal("1000.00")
"""The largest markup, in percent: an expense bills at most eleven times its cost."""

_CENT = Decimal("0.01")


def marked_up(cost: Decimal, percent: Decimal) -> Decimal:
    """``cost`` plus ``percent`` of it, rounded half away from zero to the cent."""
    return (cost + cost * percent / 100).quantize(_CENT, rounding=ROUND_HALF_UP)


def set_markup(store: Store, contract: str, category: str, percent: Decimal) -> Markup:
    """Give the contract's expenses of ``category`` a markup of ``percent``
    (from 0 to 1000): the next proposals bill them at cost plus it."""
    where = f"markup {contract}/{category}"
    problems = [Problem(where=where, what=what) for what in _problems(contract, percent)]
    if problems:
        raise InputError(problems)
    percent = percent.quantize(_CENT)
    with store.write() as conn:
        found = LedgerService.category_in(conn, category)
        if found is None:
            raise refusal(where, f"unknown category {category}")
        if found.kind is not CategoryKind.EXPENSE:
            raise refusal(
                where, f"category {category} is for {found.kind} transactions, not expenses"
            )
        insert_row = dialect_insert(conn, markups)
        conn.execute(
            insert_row.values(
                contract=contract,
                category_id=category,
                percent=percent,
                version=reserve_versions(conn),
            ).on_conflict_do_update(
                index_elements=[markups.c.contract, markups.c.category_id],
                set_={"percent": percent, "version": reserve_versions(conn)},
            )
        )
    return Markup(contract=contract, category=category, percent=percent)


def remove_markup(store: Store, contract: str, category: str) -> None:
    """The contract's expenses of ``category`` bill at cost again."""
    with store.write() as conn:
        gone = conn.execute(
            delete(markups).where(markups.c.contract == contract, markups.c.category_id == category)
        ).rowcount
        if gone:
            tombstone(conn, "markup", _key(contract, category), reserve_versions(conn))
    if not gone:
        raise refusal(f"markup {contract}/{category}", "no such markup")


def markups_of(store: Store, *, contract: str | None = None) -> list[Markup]:
    """Every markup (or the contract's), by contract and category."""
    query = select(markups).order_by(markups.c.contract, markups.c.category_id)
    if contract is not None:
        query = query.where(markups.c.contract == contract)
    with store.read() as conn:
        return [
            Markup(contract=row.contract, category=row.category_id, percent=row.percent)
            for row in conn.execute(query)
        ]


def markups_for(conn: Connection, pairs: set[tuple[str, str]]) -> Mapping[tuple[str, str], Decimal]:
    """The markups of the given (contract, category) pairs that have one."""
    if not pairs:
        return {}
    rows = conn.execute(
        select(markups.c.contract, markups.c.category_id, markups.c.percent).where(
            tuple_(markups.c.contract, markups.c.category_id).in_(sorted(pairs))
        )
    )
    return {(row.contract, row.category_id): row.percent for row in rows}


def _key(contract: str, category: str) -> str:
    """The change feed's key of a markup: its contract and category."""
    return f"{contract}/{category}"


def _problems(contract: str, percent: Decimal) -> list[str]:
    found = []
    if not contract.strip():
        found.append("the contract is empty")
    elif len(contract) > 100:
        found.append("the contract is longer than 100 characters")
    try:
        checked_units(percent, PERCENT)
    except NumberRefused as exc:
        found.append(f"percent: {exc}")
    else:
        if not Decimal(0) <= percent <= MARKUP_LIMIT:
            found.append(f"a markup is from 0 to {MARKUP_LIMIT} percent")
    return found
