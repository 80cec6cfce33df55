"""Company scope: a user of BETA sees none of ACME's resources, posts nothing
for ACME's worker, and reads none of ACME's log entries, however the ids are
named; an administrator sees both companies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from projsync.ledger.reports import iter_transactions
from projsync.plan.entities import PlanResource
from projsync.plan.service import PlanService
from projsync.web.app import create_app
from projsync.web.context import Context
from tests.web.conftest import synced_two_companies


class Scoped:
    """Both companies synchronized, and a client that calls as one of BETA's people."""

    def __init__(self, context: Context, tokens: dict[str, str], client: TestClient) -> None:
        self.context = context
        self.tokens = tokens
        self.client = client

    def get(self, login: str, path: str) -> Any:
        answer = self.client.get(path, headers=self.as_(login))
        assert answer.status_code == 200, answer.text
        return answer.json() if "/api/" in path else answer.text

    def as_(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}"}


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scoped]:
    context, tokens = synced_two_companies(tmp_path_factory.mktemp("scope"))
    PlanService(context.plan).add_resource(PlanResource(id="CRANE", name="Crane"))  # no worker's
    with TestClient(create_app(context, background_sync=False)) as client:
        yield Scoped(context, tokens, client)
    context.dispose()


def _hours(project: str, worker: str, hours: str = "8") -> dict[str, Any]:
    line = {"kind": "hour", "project": project, "activity": "1", "worker": worker}
    return {"lines": [{**line, "date": "2026-03-02", "hours": hours}]}


def test_scope__plan_resources_are_listed_only_for_the_workers_of_the_users_companies(
    scoped: Scoped,
) -> None:
    for login in ("bea", "ben"):
        listed = scoped.get(login, "/api/v1/plan/resources")
        assert [r["id"] for r in listed] == ["WB"], login
    everything = scoped.get("ann", "/api/v1/plan/resources")
    assert [r["id"] for r in everything] == ["CRANE", "WA", "WB"]  # no worker's: hers alone


def test_scope__the_resource_center_shows_only_the_users_companies_resources(
    scoped: Scoped,
) -> None:
    rows = r'<tr><td>(\S+) [^<]*</td><td class="num">'
    assert re.findall(rows, scoped.get("bea", "/resources")) == ["WB"]
    assert re.findall(rows, scoped.get("ann", "/resources")) == ["CRANE", "WA", "WB"]


def test_scope__hours_for_another_companys_worker_are_refused_as_unknown_and_post_nothing(
    scoped: Scoped,
) -> None:
    before = list(iter_transactions(scoped.context.ledger))
    theirs = scoped.client.post(
        "/api/v1/journals", headers=scoped.as_("bea"), json=_hours("PB", "WA")
    )
    nobody = scoped.client.post(
        "/api/v1/journals", headers=scoped.as_("bea"), json=_hours("PB", "NOPE")
    )
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.json() == {"detail": [{"where": "line 1", "what": "unknown worker WA"}]}
    assert nobody.json() == {"detail": [{"where": "line 1", "what": "unknown worker NOPE"}]}
    assert "400" not in theirs.text and "800" not in theirs.text  # no cost, no revenue
    project = scoped.client.post(
        "/api/v1/journals", headers=scoped.as_("bea"), json=_hours("PA", "WB")
    )
    assert project.json() == {"detail": [{"where": "line 1", "what": "unknown project PA"}]}
    assert list(iter_transactions(scoped.context.ledger)) == before


def test_scope__a_journal_with_another_companys_worker_lists_every_refused_line(
    scoped: Scoped,
) -> None:
    journal = _hours("PB", "WB", hours="30")
    expense = {"kind": "expense", "project": "PB", "activity": "1", "worker": "WA",
               "date": "2026-03-02", "amount": "12.50"}  # fmt: skip
    journal["lines"].append(expense)
    answer = scoped.client.post("/api/v1/journals", headers=scoped.as_("bea"), json=journal)
    assert answer.status_code == 422
    first, second = answer.json()["detail"]
    assert first["where"] == "line 1" and "24" in first["what"]  # the ledger's own rule
    assert second == {"where": "line 2", "what": "unknown worker WA"}
    assert (
        scoped.client.post("/api/v1/journals", headers=scoped.as_("ann"), json=journal).status_code
        == 422
    )


def test_scope__an_administrator_posts_for_any_company(scoped: Scoped) -> None:
    answer = scoped.client.post(
        "/api/v1/journals", headers=scoped.as_("ann"), json=_hours("PB", "WA", hours="1")
    )
    assert answer.status_code == 201, answer.text


def test_scope__the_log_and_statuses_show_resources_of_the_users_companies_only(
    scoped: Scoped,
) -> None:
    entries = scoped.get("bea", "/api/v1/sync/log")
    assert {(e["entity_type"], e["entity_key"]) for e in entries} == {
        ("project header", "PB"), ("activity", "PB/1"), ("resource header", "WB"),
    }  # fmt: skip
    theirs = next(e for e in scoped.get("ann", "/api/v1/sync/log") if e["entity_key"] == "WA")
    assert (
        scoped.client.get(f"/api/v1/sync/log/{theirs['id']}", headers=scoped.as_("ben")).status_code
        == 404
    )
    statuses = {(s["kind"], s["key"]) for s in scoped.get("ben", "/api/v1/sync/status")}
    assert statuses == {("project", "PB"), ("resource", "WB")}


def test_scope__a_worker_named_as_another_companys_project_opens_none_of_its_entries(
    tmp_path: Path,
) -> None:
    """Project and worker ids are apart in the ledger: BETA's accountant may
    make a worker PA, and still sees nothing of ACME's project PA."""
    context, tokens = synced_two_companies(tmp_path)
    bea = {"Authorization": f"Bearer {tokens['bea']}"}
    with TestClient(create_app(context, background_sync=False)) as client:
        worker = {"id": "PA", "company": "BETA", "name": "Pat", "cost_price": "40",
                  "sales_price": "90", "valid_from": "2026-01-01"}  # fmt: skip
        assert client.post("/api/v1/workers", headers=bea, json=worker).status_code == 201
        keys = {e["entity_key"] for e in client.get("/api/v1/sync/log", headers=bea).json()}
        assert keys == {"PB", "PB/1", "WB"}
        admin = {"Authorization": f"Bearer {tokens['ann']}"}
        header = next(
            e
            for e in client.get("/api/v1/sync/log?entity=PA", headers=admin).json()
            if e["entity_type"] == "project header"
        )
        assert client.get(f"/api/v1/sync/log/{header['id']}", headers=bea).status_code == 404
        statuses = {s["key"] for s in client.get("/api/v1/sync/status", headers=bea).json()}
        assert "PA" not in statuses
        resync = client.post("/api/v1/sync/resync", headers=admin, json={"project": "PA"})
        assert resync.status_code == 200
    context.dispose()


def test_scope__pages_of_another_company_are_not_found_and_lists_name_none_of_it(
    scoped: Scoped,
) -> None:
    acme = re.compile(r"\b(ACME|PA|WA)\b")
    for path in ("/projects/PA", "/plan/PA"):
        answer = scoped.client.get(path, headers=scoped.as_("bea"))
        assert answer.status_code == 404, path
    for login, path in (
        ("bea", "/projects"), ("bea", "/projects/PB"), ("ben", "/plan/PB"), ("bea", "/resources"),
        ("ben", "/log"), ("bill", "/portal?week=2026-03-02"),
    ):  # fmt: skip
        shown = scoped.get(login, path)
        assert not acme.findall(shown), (login, path, acme.findall(shown))
    assert "No log entries match." in scoped.get("ben", "/log?entity=PA")
    assert "PB · 1 Work" in scoped.get("bill", "/portal")  # the sheet offers BETA's own activity


def test_scope__sync_runs_count_only_the_entries_of_the_users_companies(scoped: Scoped) -> None:
    # A run covers both companies; BETA's people see its counts over BETA's
    # entries only (and no error text), an administrator the run's own.
    ours = scoped.get("bea", "/api/v1/sync/runs")
    everything = scoped.get("ann", "/api/v1/sync/runs")
    assert [r["run"] for r in ours] == [r["run"] for r in everything]
    entries = scoped.get("bea", "/api/v1/sync/log")
    for mine, full in zip(ours, everything, strict=True):
        done = [e for e in entries if e["run"] == mine["run"] and e["status"] == "completed"]
        created = sum(1 for e in done if e["action"] == "create")
        assert mine["created"] == created, mine
        assert "error" not in mine
        for count in ("created", "updated", "deleted", "failed", "refused", "conflicts"):
            assert mine[count] <= full[count], (count, mine, full)
    assert sum(r["created"] for r in ours) == 3  # PB, its activity, WB
    assert sum(r["created"] for r in everything) > 3  # ACME's too
