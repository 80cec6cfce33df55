"""Hours, amounts and prices held by the store to whole units within the range.

CHECK constraints on the integer columns of transactions, forecasts and
worker prices: a whole number of units (cents, hundredths of an hour,
ten-thousandths of a price) less than 10^12 in size. On SQLite the tables are
rebuilt (SQLite adds constraints no other way); rows an earlier version let
in beyond the range (an infinite REAL from an exponent, an amount of 10^20)
stop the upgrade with their ids rather than being changed silently.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from projsync.errors import ConfigurationError

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_MONEY = 10**14 - 1
"""Cents and hundredths of an hour: 999,999,999,999.99."""
_PRICE = 10**16 - 1
"""Ten-thousandths of a price: 999,999,999,999.9999."""

_CHECKED = {
    "transactions": (("hours", _MONEY), ("cost", _MONEY), ("revenue", _MONEY)),
    "forecasts": (("hours", _MONEY), ("cost", _MONEY), ("revenue", _MONEY)),
    "worker_prices": (("cost_price", _PRICE), ("sales_price", _PRICE)),
}
_KEYS = {"transactions": "id", "forecasts": "id", "worker_prices": "worker_id || ' ' || valid_from"}


def _condition(column: str, limit: int) -> str:
    return f"{column} BETWEEN -{limit} AND {limit} AND {column} = CAST({column} AS BIGINT)"


def upgrade() -> None:
    for table, columns in _CHECKED.items():
        _refuse_rows_out_of_range(table, columns)
        with op.batch_alter_table(table) as batch:
            for column, limit in columns:
                batch.create_check_constraint(f"ck_{table}_{column}", _condition(column, limit))


def downgrade() -> None:
    for table, columns in _CHECKED.items():
        with op.batch_alter_table(table) as batch:
            for column, _limit in columns:
                batch.drop_constraint(f"ck_{table}_{column}", type_="check")


def _refuse_rows_out_of_range(table: str, columns: tuple[tuple[str, int], ...]) -> None:
    wrong = " OR ".join(f"NOT ({_condition(column, limit)})" for column, limit in columns)
    rows = op.get_bind().execute(
        sa.text(f"SELECT {_KEYS[table]} FROM {table} WHERE {wrong} LIMIT 11")
    )
    keys = [str(row[0]) for row in rows]
    if keys:
        shown = ", ".join(keys[:10]) + (", …" if len(keys) > 10 else "")
        raise ConfigurationError(
            f"ledger store: {table} {shown} hold numbers no posting can make (infinite, "
            "fractional or beyond 999,999,999,999.99), stored by an earlier version; "
            "remove those rows, then open the store again"
        )
