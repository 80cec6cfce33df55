"""The Alembic history builds exactly the tables the code declares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, Connection, insert, inspect, text

import projsync.migrations
from projsync.db import Store, open_store
from projsync.errors import ConfigurationError
from projsync.ledger.model import Company, Project
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import metadata as ledger_metadata
from projsync.plan import records
from projsync.plan.entities import PlanProject, PlanTask, TaskType
from projsync.plan.service import PlanService
from projsync.plan.tables import metadata as plan_metadata
from projsync.plan.tables import projects, tasks
from projsync.sync.tables import metadata as sync_metadata
from tests.conftest import BACKENDS, PG_URL
from tests.plan.conftest import MONDAY


def test_migrations__ledger_history_matches_its_tables(ledger_store: Store) -> None:
    with ledger_store.engine.connect() as conn:
        assert compare_metadata(_context(conn), ledger_metadata) == []


def test_migrations__upgrade_twice_changes_nothing(ledger_store: Store) -> None:
    ledger_store.upgrade()
    with ledger_store.engine.connect() as conn:
        assert compare_metadata(_context(conn), ledger_metadata) == []


def test_migrations__projects_keep_their_dates_and_gain_empty_projected_dates(
    tmp_path: Path,
) -> None:
    store = open_store("ledger", f"sqlite:///{tmp_path / 'ledger.db'}", "ledger", upgrade=False)
    _upgrade_to(store, "0003")
    with store.engine.begin() as conn:  # a project as a ledger of revision 0003 holds it
        conn.execute(
            text("INSERT INTO companies (id, name, currency, version) VALUES (:id, :id, 'EUR', 1)"),
            {"id": "DEMO"},
        )
        conn.execute(
            text(
                'INSERT INTO projects (id, company_id, name, type, status, start, "end", version)'
                " VALUES ('P1', 'DEMO', 'Plant', 'internal', 'created', :start, :end, 2)"
            ),
            {"start": dt.date(2026, 3, 2), "end": dt.date(2026, 9, 30)},
        )
    store.upgrade()
    project = LedgerService(store).project("P1")
    assert (project.start, project.end) == (dt.date(2026, 3, 2), dt.date(2026, 9, 30))
    assert (project.projected_start, project.projected_end) == (None, None)
    store.dispose()


def test_migrations__billing_goes_back_to_0007_keeping_the_projects(ledger_store: Store) -> None:
    LedgerService(ledger_store).add_company(Company(id="DEMO", name="Demo", currency="EUR"))
    LedgerService(ledger_store).add_project(Project(id="P1", company="DEMO", name="Plant"))
    _downgrade_to(ledger_store, "0007")
    found = inspect(ledger_store.engine)
    assert "invoices" not in found.get_table_names()
    assert "contract_value" not in {c["name"] for c in found.get_columns("projects")}
    ledger_store.upgrade()
    assert LedgerService(ledger_store).project("P1").contract_value is None


def test_migrations__ledger_history_holds_the_declared_check_constraints(
    ledger_store: Store,
) -> None:
    found = inspect(ledger_store.engine)
    for table in ledger_metadata.sorted_tables:
        declared = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        assert {c["name"] for c in found.get_check_constraints(table.name)} == declared


def test_migrations__rows_kept_through_the_range_constraints(tmp_path: Path) -> None:
    store = _ledger_at_0004(tmp_path, cost="12345")
    store.upgrade()
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT id, cost FROM transactions")).all() == [(1, 12345)]
    store.dispose()


def test_migrations__a_row_out_of_range_stops_the_upgrade_naming_it(tmp_path: Path) -> None:
    store = _ledger_at_0004(tmp_path, cost="9e999")  # an infinite REAL, as 1e400 once posted
    with pytest.raises(ConfigurationError, match=r"ledger store: transactions 1 hold numbers"):
        store.upgrade()
    store.dispose()


def _ledger_at_0004(tmp_path: Path, *, cost: str) -> Store:
    """A ledger of revision 0004 holding one transaction of the given cost."""
    store = open_store("ledger", f"sqlite:///{tmp_path / 'ledger.db'}", "ledger", upgrade=False)
    _upgrade_to(store, "0004")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO transactions (id, journal_id, kind, project_id, activity_number,"
                " date, hours, cost, revenue, category_id, version)"
                f" VALUES (1, 1, 'expense', 'P1', 'A1', '2026-03-02', 0, {cost}, 0, 'Travel', 1)"
            )
        )
    return store


def test_migrations__plan_history_matches_its_tables(plan_store: Store) -> None:
    with plan_store.engine.connect() as conn:
        assert compare_metadata(_context(conn, "plan"), plan_metadata) == []


@pytest.fixture(params=BACKENDS)
def plan_store_0001(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The plan server's store at revision 0001, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'plan.db'}", "plan"
    else:
        url, schema = PG_URL, request.getfixturevalue("postgres_schema")
    store = open_store("plan", url, schema, upgrade=False)
    _upgrade_to(store, "0001")
    yield store
    store.dispose()


def test_migrations__tasks_stored_before_task_types_are_fixed_units(
    plan_store_0001: Store,
) -> None:
    store = plan_store_0001
    project = PlanProject(id="X", name="Bridge", start=MONDAY)
    task = PlanTask(project="X", id="T1", name="Build", position=1, work=2400, effort_driven=False)
    with store.engine.begin() as conn:  # a task as a plan store of revision 0001 holds it
        project_values = records.project_values(project)
        del project_values["currency"]  # revision 0003's
        conn.execute(insert(projects).values(**project_values, version=1))
        values = records.task_values(task)
        del values["type"], values["actual_duration"], values["splits"]  # 0002's, 0004's
        conn.execute(insert(tasks).values(**values, version=2))
    store.upgrade()
    (stored,) = PlanService(store).tasks("X")
    assert stored == task
    assert (stored.type, stored.effort_driven) == (TaskType.FIXED_UNITS, False)
    with store.engine.connect() as conn:
        assert compare_metadata(_context(conn, "plan"), plan_metadata) == []


def test_migrations__sync_history_matches_its_tables(tmp_path: Path) -> None:
    store = open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync")
    with store.engine.connect() as conn:
        assert compare_metadata(_context(conn, "sync"), sync_metadata) == []


def _context(conn: Connection, part: str = "ledger") -> MigrationContext:
    return MigrationContext.configure(conn, opts={"version_table": f"{part}_alembic_version"})


def _upgrade_to(store: Store, revision: str) -> None:
    _run(store, command.upgrade, revision)


def _downgrade_to(store: Store, revision: str) -> None:
    _run(store, command.downgrade, revision)


def _run(store: Store, step: Callable[[Config, str], None], revision: str) -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(Path(projsync.migrations.__file__).parent / store.part)
    )
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        config.attributes["version_table"] = f"{store.part}_alembic_version"
        step(config, revision)
