"""Stages for the web tests: stores in a temporary folder, two companies,
a user of each role, and a client of the application."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from projsync.db import open_store
from projsync.ledger.model import Activity, Company, Project, Worker, WorkerPrice
from projsync.ledger.service import LedgerService
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.sync.settings import set_company, set_project
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.model import Role
from tests.cli.conftest import projsync  # noqa: F401 (the command-line fixture, for test_cli)

PASSWORD = "correct horse"


def open_context(folder: Path) -> Context:
    def store(part: str):  # type: ignore[no-untyped-def]
        return open_store(part, f"sqlite:///{folder / f'{part}.db'}", part)

    return Context(ledger=store("ledger"), plan=store("plan"), sync=store("sync"), web=store("web"))


def two_companies(ledger: LedgerService) -> None:
    """ACME (project PA, worker WA) and BETA (project PB, worker WB)."""
    for company, project, worker in (("ACME", "PA", "WA"), ("BETA", "PB", "WB")):
        ledger.add_company(Company(id=company, name=f"{company} Ltd", currency="EUR"))
        ledger.add_project(Project(id=project, company=company, name=f"Project {project}"))
        ledger.add_activity(Activity(project=project, number="1", name="Work"))
        ledger.add_worker(
            Worker(id=worker, company=company, name=f"Worker {worker}"),
            WorkerPrice(
                worker=worker,
                valid_from=dt.date(2026, 1, 1),
                cost_price=Decimal("50"),
                sales_price=Decimal("100"),
            ),
        )


def planned_past_its_contract(folder: Path) -> tuple[Context, str]:
    """PA agreed from 2 March to 30 September 2026, integrated, and scheduled
    in the plan to finish on 22 April; synchronized. The context and an
    administrator's token."""
    context = open_context(folder)
    ledger = LedgerService(context.ledger)
    two_companies(ledger)
    ledger.update_project("PA", start=dt.date(2026, 3, 2), end=dt.date(2026, 9, 30))
    set_company(context.sync, "ACME", integrate=True)
    set_project(context.sync, "PA", integrate=True)
    assert context.run_sync().failed == 0
    PlanService(context.plan).update_task("PA", "1", duration=38 * 480)
    schedule_project(context.plan, "PA")
    assert context.run_sync().failed == 0
    context.access.add_user("ann", name="Ann", role=Role.ADMINISTRATOR, password=PASSWORD)
    return context, context.access.create_token("ann", name="test")[1]


@dataclass(frozen=True)
class Stage:
    context: Context
    client: TestClient
    tokens: dict[str, str]

    def as_(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}"}


USERS = (
    ("admin", Role.ADMINISTRATOR, None, ()),
    ("acct", Role.PROJECT_ACCOUNTANT, None, ("ACME",)),
    ("pm", Role.PROJECT_MANAGER, None, ("ACME",)),
    ("tm", Role.TEAM_MEMBER, "WA", ("ACME",)),
)


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    context = open_context(tmp_path_factory.mktemp("web"))
    two_companies(LedgerService(context.ledger))
    tokens = {}
    for login, role, worker, companies in USERS:
        context.access.add_user(
            login, name=login, role=role, password=PASSWORD, worker=worker, companies=companies
        )
        tokens[login] = context.access.create_token(login, name="test")[1]
    with TestClient(create_app(context, background_sync=False)) as client:
        yield Stage(context=context, client=client, tokens=tokens)
    context.dispose()


BETA_USERS = (
    ("bea", Role.PROJECT_ACCOUNTANT, None, ("BETA",)),
    ("ben", Role.PROJECT_MANAGER, None, ("BETA",)),
    ("bill", Role.TEAM_MEMBER, "WB", ("BETA",)),
    ("ann", Role.ADMINISTRATOR, None, ()),
)
"""BETA's people (an accountant, a project manager, WB's team member) and an
administrator, for the stages where ACME's data must stay out of BETA's sight."""


def synced_two_companies(folder: Path) -> tuple[Context, dict[str, str]]:
    """Both companies integrated, each with its project and worker, and
    synchronized: plan projects PA and PB, resources WA and WB, log entries and
    statuses of each. The context and a token of each of ``BETA_USERS``."""
    context = open_context(folder)
    ledger = LedgerService(context.ledger)
    two_companies(ledger)
    for company, project, worker in (("ACME", "PA", "WA"), ("BETA", "PB", "WB")):
        set_company(context.sync, company, integrate=True)
        set_project(context.sync, project, integrate=True)
        ledger.set_worker_integrated(worker, True)
    assert context.run_sync().failed == 0
    tokens = {}
    for login, role, worker, companies in BETA_USERS:
        context.access.add_user(
            login, name=login, role=role, password=PASSWORD, worker=worker, companies=companies
        )
        tokens[login] = context.access.create_token(login, name="test")[1]
    return context, tokens


def page_form_token(client: TestClient, path: str = "/") -> str:
    """The form token the pages of a logged-in client's session carry, as a
    page's form holds it."""
    found = re.search(r'name="form_token" value="([0-9a-f]{64})"', client.get(path).text)
    assert found is not None, f"no form token on {path}"
    return found.group(1)
