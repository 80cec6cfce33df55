"""Engines, transactions and migrations for projsync's stores.

Each part (ledger, plan, sync) owns one store: its own SQLite file under
``$PROJSYNC_HOME`` by default, or its own schema of a PostgreSQL database when
its URL says so. This module opens stores and runs their Alembic history; it
knows no table of any part.

A store out of reach is a ``RetriableError`` saying which store and why,
wherever it shows (opening, reading, writing, committing): a SQLite file
locked by another writer past the store's wait, a file that cannot be opened,
a PostgreSQL server that cannot be reached or closed the connection. Any
other database error keeps its own class.
"""

from __future__ import annotations

import functools
import itertools
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, insert
from sqlalchemy.engine import Dialect, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.sql.dml import UpdateBase

from projsync.config import DEFAULT_BUSY_TIMEOUT
from projsync.errors import ConfigurationError, RetriableError

__all__ = ["SQLITE_CACHE_KIB", "Store", "insert_many", "open_store"]

_MIGRATIONS = Path(__file__).parent / "migrations"
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SQLITE_CHECKPOINT_PAGES = 16_384
"""Pages the write-ahead log may hold before SQLite copies it into the
database (64 MiB of 4 KiB pages; SQLite's default is 1,000). A sync run
writes millions of rows: fewer, larger checkpoints write each page of a
growing index once rather than again and again."""

SQLITE_CACHE_KIB = {"ledger": 65_536}
"""SQLite's page cache per connection, by store: 64 MiB for the ledger, whose
large postings touch several indexes at once (the default 2 MiB makes SQLite
re-read index pages from disk); the other stores' reads go by key, and the
operating system's own cache serves them as well: 16 MiB keeps a large sync
run's memory down (1,000 projects: 363 MB at 16 MiB everywhere, 540 MB at 64)."""
_SQLITE_CACHE_DEFAULT_KIB = 16_384


@dataclass(frozen=True, slots=True)
class Store:
    """One part's database: an engine and the part's name."""

    part: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that will write: on SQLite it takes the write lock at once,
        so two writers queue instead of failing half-way."""
        with self.engine.connect().execution_options(projsync_write=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction with one consistent view of the store."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def upgrade(self) -> None:
        """Bring the store's tables to the newest migration of its part."""
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS / self.part))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            config.attributes["version_table"] = f"{self.part}_alembic_version"
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()


def insert_many(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, object]],
    *,
    same: Mapping[str, object] | None = None,
) -> None:
    """Insert rows (all with the same keys) in one executemany of the driver.

    What ``conn.execute(insert(table), rows)`` does, without its per-row
    parameter processing: the statement is compiled once and each column's
    type conversion is applied column by column. ``same`` holds the values
    every row shares (a run's id, a timestamp), converted once and not
    repeated in each row. For imports of many rows.
    """
    if not rows:
        return
    shared = dict(same or {})
    sql, positional, converters = _insert_plan(table, tuple(rows[0]) + tuple(shared), conn.dialect)
    columns: list[Iterable[object]] = []
    for name, processor in converters:
        if name in shared:
            value = shared[name]
            columns.append(
                itertools.repeat(value if processor is None else processor(value), len(rows))
            )
        else:
            values = [row[name] for row in rows]
            columns.append(values if processor is None else _converted(values, processor))
    parameters: list[Any] = list(zip(*columns, strict=True))
    if not positional:
        order = [name for name, _ in converters]
        parameters = [dict(zip(order, values, strict=True)) for values in parameters]
    conn.exec_driver_sql(sql, parameters)


_Converters = list[tuple[str, Callable[[Any], Any] | None]]


@functools.lru_cache(maxsize=256)
def _insert_plan(
    table: Table, names: tuple[str, ...], dialect: Dialect
) -> tuple[str, bool, _Converters]:
    """An insert of these columns compiled for the dialect, with each column's
    conversion, in the statement's parameter order: compiled once per process."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    order = list(compiled.positiontup or ()) if compiled.positional else list(names)
    converters: _Converters = [
        (name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order
    ]
    return compiled.string, bool(compiled.positional), converters


def execute_many(
    conn: Connection, statement: UpdateBase, parameters: Sequence[Mapping[str, object]]
) -> None:
    """Run a statement once per parameter set in one executemany of the driver,
    compiled once, values passed as given (texts and numbers: no type
    conversion). What ``conn.execute(statement, parameters)`` does without
    building each set's parameters anew."""
    if not parameters:
        return
    compiled = statement.compile(dialect=conn.dialect)
    if compiled.positional:
        order = list(compiled.positiontup or ())
        rows: list[Any] = [tuple(row[name] for name in order) for row in parameters]
    else:
        rows = [dict(row) for row in parameters]
    conn.exec_driver_sql(compiled.string, rows)


def _converted(values: list[object], processor: Callable[[Any], Any]) -> list[object]:
    """A column's values converted for the driver, each distinct value once: a
    batch's rows often share them (one timestamp in every row, a few hundred
    days among thousands of actuals)."""
    done: dict[object, object] = {None: None}
    converted: list[object] = []
    for value in values:
        try:
            converted.append(done[value])
        except KeyError:
            done[value] = result = processor(value)
            converted.append(result)
        except TypeError:  # unhashable: converted as it comes
            converted.append(processor(value))
    return converted


def open_store(
    part: str,
    url: str,
    schema: str,
    *,
    upgrade: bool = True,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
) -> Store:
    """Open the store of ``part`` at ``url``; create it and migrate it when asked.
    ``busy_timeout``: seconds to wait for a lock or a connection before giving up."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"{part} store: malformed database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(
            part,
            url,
            parsed.database,
            SQLITE_CACHE_KIB.get(part, _SQLITE_CACHE_DEFAULT_KIB),
            busy_timeout,
        )
    elif parsed.get_backend_name() == "postgresql":
        engine = _postgresql_engine(part, url, schema, busy_timeout)
    else:
        raise ConfigurationError(
            f"{part} store: unsupported database {parsed.get_backend_name()!r} "
            "(use sqlite:///PATH or postgresql+psycopg://...)"
        )
    store = Store(part, engine)
    if upgrade:
        try:
            store.upgrade()
        except RetriableError:
            engine.dispose()
            raise
        except OperationalError as exc:
            engine.dispose()
            raise RetriableError(f"{part} store: cannot reach the database: {exc.orig}") from exc
    return store


def _sqlite_engine(
    part: str, url: str, database: str | None, cache_kib: int, busy_timeout: float
) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"{part} store: cannot create the folder {folder}: {exc.strerror}"
            ) from exc
    # Posting hands the connection to a writer thread (never two at once).
    engine = create_engine(url, connect_args={"timeout": busy_timeout, "check_same_thread": False})
    _say_when_out_of_reach(engine, part, busy_timeout)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the sqlite3 module, decide when a
        # transaction starts, so reads and writes are real transactions.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA cache_size=-{cache_kib}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={_SQLITE_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("projsync_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _postgresql_engine(part: str, url: str, schema: str, busy_timeout: float) -> Engine:
    if not _SCHEMA_NAME.match(schema):
        raise ConfigurationError(f"{part} store: schema name {schema!r} is not a plain identifier")
    # The search path is set at connection start-up, outside any transaction,
    # so a rollback can never undo it. libpq waits at least 2 s for a connection.
    connect_args: dict[str, object] = {"options": f"-c search_path={schema}"}
    if "connect_timeout" not in make_url(url).query:
        connect_args["connect_timeout"] = max(2, round(busy_timeout))
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    _say_when_out_of_reach(engine, part, busy_timeout)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except RetriableError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise RetriableError(f"{part} store: cannot reach the database: {exc.orig}") from exc
    return engine


_SQLITE_LOCKED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_POSTGRESQL_GONE = {"57P01", "57P02", "57P03", "53300"}
"""Shut down, crashed, starting up, too many connections (besides class 08,
connection exceptions, and errors with no state: the server never answered)."""


def _say_when_out_of_reach(engine: Engine, part: str, busy_timeout: float) -> None:
    """Turn a database error that means the store is out of reach into a
    ``RetriableError`` that says which store and why; leave every other one be."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if context.is_pre_ping:  # the pool reconnects by itself
            return
        error = context.original_exception
        if _not_a_database(error):
            raise ConfigurationError(
                f"{part} store: the file is not a projsync database, or is damaged ({error})"
            ) from context.sqlalchemy_exception
        reason = _out_of_reach(error, busy_timeout)
        if reason is not None:
            raise RetriableError(f"{part} store: {reason}") from context.sqlalchemy_exception


def _not_a_database(error: BaseException) -> bool:
    """A SQLite file that is no database (a text file, random bytes) or a damaged one:
    the setting points at the wrong file; waiting will not help."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return isinstance(error, sqlite3.DatabaseError) and code in (
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_CORRUPT,
    )


def _out_of_reach(error: BaseException, busy_timeout: float) -> str | None:
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code
        if code in _SQLITE_LOCKED:
            return (
                f"the database is locked by another writer; gave up after waiting "
                f"{busy_timeout:g} s"
            )
        if code == sqlite3.SQLITE_CANTOPEN:
            return f"cannot open the database file: {error}"
        return None
    state = getattr(error, "sqlstate", "")
    if type(error).__module__.startswith("psycopg") and (
        state is None or state.startswith("08") or state in _POSTGRESQL_GONE
    ):
        return f"cannot reach the database: {str(error).strip()}"
    return None
