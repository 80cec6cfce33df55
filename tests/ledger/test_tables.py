"""The ledger's store refuses hours, amounts and prices that cannot be right,
whatever path writes them: raw SQL past every check of the code, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from projsync.db import Store

_TRANSACTION = (
    "INSERT INTO transactions (journal_id, kind, project_id, activity_number, date,"
    " hours, cost, revenue, category_id, version)"
    " VALUES (1, 'expense', 'P1', 'A1', '2026-03-02', 0, {cost}, 0, 'Travel', 1)"
)
_FORECAST = (
    "INSERT INTO forecasts (kind, project_id, activity_number, date, hours, cost, revenue,"
    " version) VALUES ('expense', 'P1', 'A1', '2026-03-02', {hours}, 0, 0, 1)"
)
_PRICE = (
    "INSERT INTO worker_prices (worker_id, valid_from, cost_price, sales_price, version)"
    " VALUES ('W1', '2026-01-01', {price}, 0, 1)"
)


def _stage(store: Store) -> None:
    """The company, project, activity and worker a forecast and a price refer to."""
    with store.write() as conn:
        conn.execute(text("INSERT INTO companies VALUES ('DEMO', 'Demo', 'EUR', 1)"))
        conn.execute(
            text(
                "INSERT INTO projects (id, company_id, name, type, status, version)"
                " VALUES ('P1', 'DEMO', 'Plant', 'internal', 'created', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO activities (project_id, number, name, planned_hours, version)"
                " VALUES ('P1', 'A1', 'Design', 0, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO workers (id, company_id, name, calendar, integrated, version)"
                " VALUES ('W1', 'DEMO', 'Ada', 'Standard', false, 1)"
            )
        )


def _refused(store: Store, statement: str) -> bool:
    try:
        with store.write() as conn:
            conn.execute(text(statement))
    except DBAPIError:
        return True
    return False


@pytest.mark.parametrize(
    "value",
    ["99999999999999 + 1", "-99999999999999 - 1", "9223372036854775807"],
)
def test_tables__an_amount_beyond_the_range_is_refused_by_the_store(
    ledger_store: Store, value: str
) -> None:
    _stage(ledger_store)
    assert _refused(ledger_store, _TRANSACTION.format(cost=value))
    assert _refused(ledger_store, _FORECAST.format(hours=value))
    assert not _refused(ledger_store, _TRANSACTION.format(cost="99999999999999"))
    assert not _refused(ledger_store, _FORECAST.format(hours="-99999999999999"))


@pytest.mark.parametrize("value", ["9e999", "1.5", "'12abc'", "1e22"])
def test_tables__a_real_or_a_text_is_refused_by_sqlite(sqlite_store: Store, value: str) -> None:
    """SQLite keeps a value of any type in any column; the constraint does not."""
    _stage(sqlite_store)
    assert _refused(sqlite_store, _TRANSACTION.format(cost=value))
    assert _refused(sqlite_store, _FORECAST.format(hours=value))
    assert _refused(sqlite_store, _PRICE.format(price=value))


def test_tables__a_price_beyond_the_range_is_refused_by_the_store(ledger_store: Store) -> None:
    _stage(ledger_store)
    assert _refused(ledger_store, _PRICE.format(price="9999999999999999 + 1"))
    assert not _refused(ledger_store, _PRICE.format(price="9999999999999999"))
