"""Conflicts, refusals and divergence shown and settled on the API and the
pages: the status says conflict or diverged with a link to the entries, a
person with the right to manage the sync resolves a conflict or
resynchronizes a project, and nobody else can."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.plan.entities import ActualEntry
from projsync.plan.progress import actuals_of, record_actuals
from projsync.plan.service import PlanService
from projsync.sync.log import LogStatus, entries
from projsync.sync.settings import set_company, set_project
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.model import Role
from tests.web.conftest import PASSWORD, open_context, page_form_token, two_companies


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Context, TestClient, int]]:
    """PA synchronized with hours on activity 1, then activity 1 renamed on
    both sides: a conflict held. An administrator (ann), a project manager of
    ACME (pete) and an administrator... of BETA only as accountant (bea)."""
    context = open_context(tmp_path)
    ledger = LedgerService(context.ledger)
    two_companies(ledger)
    set_company(context.sync, "ACME", integrate=True)
    set_project(context.sync, "PA", integrate=True)
    post_journal(
        context.ledger,
        [
            JournalLine(
                line=1,
                kind=TransactionKind.HOUR,
                project="PA",
                activity="1",
                worker="WA",
                date=dt.date(2026, 3, 2),
                hours=Decimal("6"),
            )
        ],
        source="test",
    )
    context.run_sync()
    ledger.update_activity("PA", "1", name="Work (ledger)")
    PlanService(context.plan).update_task("PA", "1", name="Work (plan)")
    assert context.run_sync().conflicts == 1
    (entry,) = entries(context.sync, status=LogStatus.CONFLICT)
    access = context.access
    access.add_user("ann", name="Ann", role=Role.ADMINISTRATOR, password=PASSWORD)
    access.add_user(
        "pete", name="Pete", role=Role.PROJECT_MANAGER, password=PASSWORD, companies=("ACME",)
    )
    access.add_user(
        "bea", name="Bea", role=Role.PROJECT_ACCOUNTANT, password=PASSWORD, companies=("BETA",)
    )
    with TestClient(create_app(context, background_sync=False)) as client:
        yield context, client, entry.id
    context.dispose()


def _bearer(context: Context, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {context.access.create_token(login, name='t')[1]}"}


def _names(context: Context) -> tuple[str, str]:
    task = {t.id: t for t in PlanService(context.plan).tasks("PA")}["1"]
    return LedgerService(context.ledger).activity("PA", "1").name, task.name


def test_api__the_status_shows_the_conflict_with_a_link_to_its_entries(
    held: tuple[Context, TestClient, int],
) -> None:
    context, client, _ = held
    listed = client.get("/api/v1/sync/status", headers=_bearer(context, "pete")).json()
    (pa,) = [s for s in listed if s["key"] == "PA"]
    assert pa["status"] == "conflict"
    shown = client.get(pa["log"], headers=_bearer(context, "pete")).json()
    assert [e["status"] for e in shown] == ["conflict"]
    assert shown[0]["payload"]["ledger"] == "Work (ledger)"


def test_api__a_conflict_resolved_reaches_both_sides_once(
    held: tuple[Context, TestClient, int],
) -> None:
    context, client, entry = held
    path = f"/api/v1/sync/log/{entry}/resolve"
    refused = client.post(path, headers=_bearer(context, "pete"), json={"keep": "plan"})
    assert refused.status_code == 403  # a project manager reads the log, manages nothing
    hidden = client.post(path, headers=_bearer(context, "bea"), json={"keep": "plan"})
    assert hidden.status_code in (403, 404)
    bad = client.post(path, headers=_bearer(context, "ann"), json={"keep": "both"})
    assert bad.status_code == 422
    done = client.post(path, headers=_bearer(context, "ann"), json={"keep": "plan"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "completed"
    assert (body["payload"]["resolution"]["by"], body["payload"]["resolution"]["kept"]) == (
        "ann",
        "Work (plan)",
    )
    assert _names(context) == ("Work (plan)", "Work (plan)")
    again = client.post(path, headers=_bearer(context, "ann"), json={"value": "Work"})
    assert again.status_code == 422
    assert "resolved already by ann" in again.json()["detail"][0]["what"]


def test_api__resynchronizing_a_project_repairs_its_actuals_and_records_no_divergence(
    held: tuple[Context, TestClient, int],
) -> None:
    context, client, _ = held
    (actual,) = actuals_of(context.plan, "PA")
    record_actuals(
        context.plan,
        [
            ActualEntry(
                project="PA",
                task=actual.task,
                day=actual.day,
                resource=actual.resource,
                actual_work=actual.actual_work + 60,
                actual_cost=actual.actual_cost + 50,
                revenue=actual.revenue,
            ),
            ActualEntry(project="PA", task=actual.task, day=dt.date(2026, 3, 9), actual_work=30),
        ],
    )
    assert len(client.get("/api/v1/reconcile", headers=_bearer(context, "ann")).json()[
        "differences"
    ]) == 2  # fmt: skip
    answer = client.post(
        "/api/v1/sync/resync", headers=_bearer(context, "ann"), json={"project": "PA"}
    )
    assert answer.status_code == 200, answer.text
    entry = answer.json()
    assert (entry["status"], entry["payload"]["differences"]) == ("completed", 0)
    assert client.get("/api/v1/reconcile", headers=_bearer(context, "ann")).json()[
        "differences"
    ] == []  # fmt: skip
    assert _names(context) == ("Work (ledger)", "Work (plan)")  # a held conflict stays held
    unknown = client.post(
        "/api/v1/sync/resync", headers=_bearer(context, "ann"), json={"project": "PB"}
    )
    assert unknown.status_code == 422 and "not synchronized" in unknown.text


def _logged_in(context: Context, login: str) -> TestClient:
    client = TestClient(create_app(context, background_sync=False))
    answer = client.post(
        "/login", data={"login": login, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert answer.status_code == 303
    return client


def test_pages__the_log_offers_a_decision_on_a_conflict_and_carries_it_out(
    held: tuple[Context, TestClient, int],
) -> None:
    context, _, entry = held
    pete = _logged_in(context, "pete")
    assert "keep-ledger" not in pete.get("/log").text  # reads the log, decides nothing
    ann = _logged_in(context, "ann")
    log = ann.get("/log").text
    row = re.search(rf'<tr id="entry-{entry}".*?</tr>', log, re.S)
    assert row is not None
    assert "name: ledger <b>Work (ledger)</b>, plan <b>Work (plan)</b>" in row.group(0)
    assert 'class="keep-ledger"' in row.group(0) and 'class="keep-plan"' in row.group(0)
    center = ann.get("/projects").text
    assert 'href="/log?entity=PA&amp;status=conflict"' in center
    token = page_form_token(ann, "/log")
    done = ann.post(f"/log/{entry}/resolve", data={"form_token": token, "value": "Groundwork"})
    assert "resolved (the value &#39;Groundwork&#39;): completed" in done.text
    assert _names(context) == ("Groundwork", "Groundwork")
    again = ann.post(f"/log/{entry}/resolve", data={"form_token": token, "keep": "ledger"})
    assert 'role="alert"' in again.text and "resolved already by ann" in again.text
    assert '<span class="badge idle">idle</span>' in ann.get("/projects").text
