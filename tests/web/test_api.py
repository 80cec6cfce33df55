"""The REST API: 401 without valid credentials, 403 without the right, every
query scoped to the caller's companies, refusals that say what and where."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from projsync.db import Store, open_store
from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.model import Role
from tests.web.conftest import Stage, planned_past_its_contract, two_companies


def _hours(worker: str, project: str = "PA", hours: str = "8", day: str = "2026-03-02") -> Any:
    line = {"kind": "hour", "project": project, "activity": "1", "worker": worker}
    return {"lines": [{**line, "date": day, "hours": hours}]}


def test_api__no_token_or_a_wrong_one_is_401(stage: Stage) -> None:
    answer = stage.client.get("/api/v1/projects")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    wrong = stage.client.get("/api/v1/projects", headers={"Authorization": "Bearer psy_nope"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    ("login", "method", "path"),
    [
        ("tm", "get", "/api/v1/projects"),
        ("tm", "get", "/api/v1/plan/projects"),
        ("tm", "get", "/api/v1/sync/log"),
        ("pm", "post", "/api/v1/sync/run"),
        ("acct", "get", "/api/v1/settings"),
        ("pm", "patch", "/api/v1/settings"),
    ],
)
def test_api__a_role_without_the_right_is_403(
    stage: Stage, login: str, method: str, path: str
) -> None:
    answer = stage.client.request(method, path, headers=stage.as_(login), json={})
    assert answer.status_code == 403
    assert "lacks the right" in answer.json()["detail"]


def test_api__projects_are_scoped_to_the_users_companies(stage: Stage) -> None:
    seen = stage.client.get("/api/v1/projects", headers=stage.as_("acct")).json()
    assert [p["id"] for p in seen] == ["PA"]
    everything = stage.client.get("/api/v1/projects", headers=stage.as_("admin")).json()
    assert [p["id"] for p in everything] == ["PA", "PB"]
    other = stage.client.get("/api/v1/projects/PB", headers=stage.as_("acct"))
    assert other.status_code == 404
    assert stage.client.get("/api/v1/projects/PA", headers=stage.as_("acct")).status_code == 200
    companies = stage.client.get("/api/v1/companies", headers=stage.as_("pm")).json()
    assert [c["id"] for c in companies] == ["ACME"]


def test_api__a_project_shows_its_contract_dates_and_the_plans_projected_ones(
    tmp_path: Path,
) -> None:
    context, token = planned_past_its_contract(tmp_path)
    with TestClient(create_app(context, background_sync=False)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        listed = {p["id"]: p for p in client.get("/api/v1/projects", headers=headers).json()}
        one = client.get("/api/v1/projects/PA", headers=headers).json()
    dates = ("start", "end", "projected_start", "projected_end")
    expected = {
        "start": "2026-03-02", "end": "2026-09-30",
        "projected_start": "2026-03-02", "projected_end": "2026-04-22",
    }  # fmt: skip
    assert {k: listed["PA"][k] for k in dates} == {k: one[k] for k in dates} == expected
    assert listed["PB"]["projected_start"] is None  # not integrated: the plan has no dates for it
    context.dispose()


def test_api__an_accountant_posts_for_their_companies_only(stage: Stage) -> None:
    posted = stage.client.post("/api/v1/journals", headers=stage.as_("acct"), json=_hours("WA"))
    assert posted.status_code == 201, posted.text
    assert posted.json()["cost"] == "400.00"
    elsewhere = stage.client.post(
        "/api/v1/journals", headers=stage.as_("acct"), json=_hours("WB", project="PB")
    )
    assert elsewhere.status_code == 404
    assert list(iter_transactions(stage.context.ledger, project="PB")) == []


def test_api__a_team_member_posts_and_sees_only_their_own_time(stage: Stage) -> None:
    mine = _hours("WA", day="2026-03-03")
    assert (
        stage.client.post("/api/v1/journals", headers=stage.as_("tm"), json=mine).status_code == 201
    )
    theirs = stage.client.post("/api/v1/journals", headers=stage.as_("tm"), json=_hours("WB"))
    assert theirs.status_code == 403
    fee = {"lines": [{"kind": "fee", "project": "PA", "activity": "1", "date": "2026-03-03",
                      "amount": "10"}]}  # fmt: skip
    assert (
        stage.client.post("/api/v1/journals", headers=stage.as_("tm"), json=fee).status_code == 403
    )
    stage.client.post("/api/v1/journals", headers=stage.as_("admin"), json=_hours("WB", "PB"))
    seen = stage.client.get("/api/v1/transactions", headers=stage.as_("tm")).json()
    assert seen and {t["worker"] for t in seen} == {"WA"}
    other = stage.client.get("/api/v1/transactions?worker=WB", headers=stage.as_("tm"))
    assert other.status_code == 403
    workers = stage.client.get("/api/v1/workers", headers=stage.as_("tm")).json()
    assert [w["id"] for w in workers] == ["WA"]


def test_api__a_refused_journal_lists_every_problem_and_posts_nothing(stage: Stage) -> None:
    before = len(list(iter_transactions(stage.context.ledger, worker="WA")))
    journal = {
        "lines": [
            {"kind": "hour", "project": "PA", "activity": "1", "worker": "WA",
             "date": "2026-03-09", "hours": "8"},
            {"kind": "hour", "project": "PA", "activity": "1", "worker": "WA",
             "date": "2026-03-10", "hours": "30"},
            {"kind": "hour", "project": "PA", "activity": "9", "worker": "WA",
             "date": "2026-03-11", "hours": "2"},
        ]
    }  # fmt: skip
    answer = stage.client.post("/api/v1/journals", headers=stage.as_("acct"), json=journal)
    assert answer.status_code == 422
    where = {p["where"] for p in answer.json()["detail"]}
    assert where == {"line 2", "line 3"}
    assert len(list(iter_transactions(stage.context.ledger, worker="WA"))) == before


def test_api__malformed_input_is_422_naming_the_field(stage: Stage) -> None:
    bad = _hours("WA", day="not a date")
    answer = stage.client.post("/api/v1/journals", headers=stage.as_("acct"), json=bad)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "lines", 0, "date"]
    setting = stage.client.patch(
        "/api/v1/settings", headers=stage.as_("admin"), json={"max_attempts": 0}
    )
    assert setting.status_code == 422
    assert setting.json()["detail"] == [
        {
            "where": "body max_attempts",
            "what": "Input should be greater than or equal to 1",
            "loc": ["body", "max_attempts"],
        }
    ]
    unknown = stage.client.patch("/api/v1/settings", headers=stage.as_("admin"), json={"x": 1})
    assert unknown.status_code == 422


def test_api__an_owner_of_an_unknown_field_is_422_and_nothing_is_stored(stage: Stage) -> None:
    admin = stage.as_("admin")
    path = "/api/v1/settings/projects/PA"
    refused = stage.client.patch(
        path, headers=admin, json={"integrate": True, "owners": {"nme": "ledger"}}
    )
    assert refused.status_code == 422
    (problem,) = refused.json()["detail"]
    assert problem["where"] == "owner of nme" and "budget_revenue, category" in problem["what"]
    listed = {p["project"]: p for p in stage.client.get(path[:-3], headers=admin).json()}
    assert listed["PA"]["integrate"] is False and "nme" not in listed["PA"]["owners"]
    changed = stage.client.patch(path, headers=admin, json={"owners": {"name": "plan"}})
    assert changed.status_code == 200 and changed.json()["owners"]["name"] == "plan"
    back = stage.client.patch(path, headers=admin, json={"owners": {"name": "none"}})
    assert "name" not in back.json()["owners"]


def test_api__settings_integrate_a_company_then_its_worker(stage: Stage) -> None:
    admin = stage.as_("admin")
    refused = stage.client.put(
        "/api/v1/settings/workers/WB", headers=admin, json={"integrated": True}
    )
    assert refused.status_code == 422
    assert "not integrated" in refused.json()["detail"][0]["what"]
    stage.client.put("/api/v1/settings/companies/BETA", headers=admin, json={"integrate": True})
    done = stage.client.put("/api/v1/settings/workers/WB", headers=admin, json={"integrated": True})
    assert done.status_code == 200 and done.json()["integrated"] is True
    assert (
        stage.client.put(
            "/api/v1/settings/companies/NOPE", headers=admin, json={"integrate": True}
        ).status_code
        == 404
    )


def test_api__sync_runs_and_its_log_reads_back(stage: Stage) -> None:
    admin = stage.as_("admin")
    stage.client.put("/api/v1/settings/companies/ACME", headers=admin, json={"integrate": True})
    stage.client.put("/api/v1/settings/projects/PA", headers=admin, json={"integrate": True})
    report = stage.client.post("/api/v1/sync/run", headers=admin).json()
    assert report["failed"] == 0 and report["created"] > 0
    log = stage.client.get("/api/v1/sync/log?direction=ledger-to-plan", headers=admin).json()
    assert log and all(e["origin"] == "ledger" for e in log)
    one = stage.client.get(f"/api/v1/sync/log/{log[0]['id']}", headers=admin).json()
    assert one["id"] == log[0]["id"] and isinstance(one["payload"], dict)
    done = stage.client.post(f"/api/v1/sync/log/{log[0]['id']}/resync", headers=admin)
    assert done.status_code == 422  # a completed entry is not resynchronized
    tasks = stage.client.get("/api/v1/plan/projects/PA/tasks", headers=stage.as_("pm")).json()
    assert [t["id"] for t in tasks["tasks"]] == ["1"]
    hidden = stage.client.get("/api/v1/plan/projects/PB/tasks", headers=stage.as_("pm"))
    assert hidden.status_code == 404
    check = stage.client.get("/api/v1/reconcile", headers=stage.as_("pm")).json()
    assert check["differences"] == []


def test_api__openapi_is_served(stage: Stage) -> None:
    # /docs, which renders it, is opened in a real browser (test_browser.py).
    spec = stage.client.get("/openapi.json").json()
    assert "/api/v1/journals" in spec["paths"]
    assert "/login" not in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/projects"]["get"]["security"] == [{"HTTPBearer": []}]


def test_api__a_revoked_token_no_longer_opens(
    stage: Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from projsync.web import auth

    # who a token belongs to is remembered for a few seconds; not here
    monkeypatch.setattr(auth, "RECALL_SECONDS", 0.0)
    token, secret = stage.context.access.create_token("pm", name="short-lived")
    headers = {"Authorization": f"Bearer {secret}"}
    assert stage.client.get("/api/v1/projects", headers=headers).status_code == 200
    stage.context.access.revoke_token(token.id)
    assert stage.client.get("/api/v1/projects", headers=headers).status_code == 401


def test_api__the_tasks_of_a_project_follow_every_change_of_the_plan(stage: Stage) -> None:
    from projsync.plan.service import PlanService

    admin = stage.as_("admin")
    path = "/api/v1/plan/projects/PA/tasks"
    first = stage.client.get(path, headers=admin)
    assert first.status_code == 200
    tag = first.headers["etag"]
    unchanged = stage.client.get(path, headers={**admin, "If-None-Match": tag})
    assert unchanged.status_code == 304
    zipped = stage.client.get(path, headers={**admin, "Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == first.json()
    PlanService(stage.context.plan).update_task("PA", "1", name="Work, renamed")
    again = stage.client.get(path, headers={**admin, "If-None-Match": tag})
    assert again.status_code == 200 and again.headers["etag"] != tag
    assert [t["name"] for t in again.json()["tasks"]] == ["Work, renamed"]


def test_api__the_log_status_and_reconciliation_are_scoped_too(stage: Stage) -> None:
    admin, pm = stage.as_("admin"), stage.as_("pm")
    stage.client.put("/api/v1/settings/companies/BETA", headers=admin, json={"integrate": True})
    stage.client.put("/api/v1/settings/projects/PB", headers=admin, json={"integrate": True})
    assert stage.client.post("/api/v1/sync/run", headers=admin).json()["failed"] == 0
    everything = stage.client.get("/api/v1/sync/log", headers=admin).json()
    theirs = [e for e in everything if e["entity_key"].split("/")[0] in ("PB", "WB")]
    assert theirs
    mine = stage.client.get("/api/v1/sync/log", headers=pm).json()
    assert mine and {e["entity_key"].split("/")[0] for e in mine} <= {"PA", "WA"}
    assert stage.client.get(f"/api/v1/sync/log/{theirs[0]['id']}", headers=pm).status_code == 404
    keys = {s["key"] for s in stage.client.get("/api/v1/sync/status", headers=pm).json()}
    assert "PA" in keys and "PB" not in keys and "WB" not in keys
    check = stage.client.get("/api/v1/reconcile", headers=pm).json()
    assert check == {"differences": [], "resources": [], "totals": None}
    assert stage.client.get("/api/v1/reconcile", headers=admin).json()["totals"] is not None


def test_api__a_difference_says_why_and_in_which_project_and_shows_only_to_its_company(
    stage: Stage,
) -> None:
    admin, pm = stage.as_("admin"), stage.as_("pm")
    stage.client.put("/api/v1/settings/companies/BETA", headers=admin, json={"integrate": True})
    stage.client.put("/api/v1/settings/projects/PB", headers=admin, json={"integrate": True})
    assert stage.client.post("/api/v1/sync/run", headers=admin).json()["failed"] == 0
    fee = JournalLine(
        line=1,
        kind=TransactionKind.FEE,
        project="PB",
        activity="1",
        date=dt.date(2026, 3, 2),
        amount=Decimal("250"),
    )
    post_journal(stage.context.ledger, [fee], source="test")
    answer = stage.client.get("/api/v1/reconcile", headers=admin)
    assert answer.status_code == 200
    (difference,) = answer.json()["differences"]
    assert difference == {
        "key": "PB/1//2026-03-02",
        "ledger": {"hours": "0.00", "cost": "0.00", "revenue": "250.00"},
        "plan": {"hours": "0.00", "cost": "0.00", "revenue": "0.00"},
        "reason": "missing on the plan",
        "project": "PB",
        "ledger_key": "PB/1//2026-03-02",
    }
    assert stage.client.get("/api/v1/reconcile", headers=pm).json()["differences"] == []
    assert stage.client.post("/api/v1/sync/run", headers=admin).json()["failed"] == 0
    assert stage.client.get("/api/v1/reconcile", headers=admin).json()["differences"] == []


def test_api__a_task_shows_its_type_and_takes_a_new_one(stage: Stage) -> None:
    pm = stage.as_("pm")
    path = "/api/v1/plan/projects/PA/tasks/1"
    (row,) = stage.client.get("/api/v1/plan/projects/PA/tasks", headers=pm).json()["tasks"]
    assert (row["type"], row["effort_driven"]) == ("fixed-units", True)
    body = {"type": "fixed-duration", "effort_driven": False}
    changed = stage.client.patch(path, headers=pm, json=body)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["type"], changed.json()["effort_driven"]) == ("fixed-duration", False)
    (row,) = stage.client.get("/api/v1/plan/projects/PA/tasks", headers=pm).json()["tasks"]
    assert (row["type"], row["effort_driven"]) == ("fixed-duration", False)
    for wrong in ({"type": "fixed-cost"}, {"effort_driven": "no"}):
        assert stage.client.patch(path, headers=pm, json=wrong).status_code == 422
    refused = stage.client.patch(
        path, headers=pm, json={"type": "fixed-work", "effort_driven": False}
    )
    assert refused.status_code == 422
    assert "always effort-driven" in refused.json()["detail"][0]["what"]


def test_api__a_project_manager_changes_a_task_and_schedules(stage: Stage) -> None:
    pm = stage.as_("pm")
    path = "/api/v1/plan/projects/PA/tasks/1"
    changed = stage.client.patch(path, headers=pm, json={"name": "Work", "duration_minutes": 960})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["duration"]) == ("Work", 960)
    loop = stage.client.patch(path, headers=pm, json={"predecessors": [{"predecessor": "1"}]})
    assert loop.status_code == 422
    assert loop.json()["detail"][0]["where"]
    assert stage.client.patch(path, headers=pm, json={"colour": "red"}).status_code == 422
    assert stage.client.patch(path, headers=stage.as_("acct"), json={}).status_code == 403
    other = stage.client.post("/api/v1/plan/projects/PB/schedule", headers=pm)
    assert other.status_code == 404
    done = stage.client.post("/api/v1/plan/projects/PA/schedule", headers=pm)
    assert done.status_code == 200 and done.json()["tasks"] == 1
    tasks = stage.client.get("/api/v1/plan/projects/PA/tasks", headers=pm).json()["tasks"]
    assert tasks[0]["duration_minutes"] == 960 and tasks[0]["critical"] is True


def _raw_journal(
    number: str, field: str = "amount", kind: str = "expense", day: str = "2026-03-16"
) -> str:
    """A journal as JSON text, its number written as given (no JSON encoder
    would write ``1e400`` as such)."""
    worker = ', "worker": "WA"' if kind == "hour" else ""
    return (
        f'{{"lines": [{{"kind": "{kind}", "project": "PA", "activity": "1", '
        f'"date": "{day}"{worker}, "{field}": {number}}}]}}'
    )


@pytest.mark.parametrize(
    ("number", "field", "what"),
    [
        ("1e400", "amount", "'1e400' is not a plain decimal number"),
        ("1.5e3", "amount", "'1.5e3' is not a plain decimal number"),
        ("NaN", "amount", "'NaN' is not a plain decimal number"),
        ("-Infinity", "amount", "'-Infinity' is not a plain decimal number"),
        ("99999999999999999999", "amount", "'99999999999999999999' is out of range"),
        ('"92233720368547758.07"', "amount", "'92233720368547758.07' is out of range"),
        ('"1_000"', "amount", "'1_000' is not a plain decimal number"),
        ('"٥"', "hours", "'٥' is not a plain decimal number"),
        ("7.125", "hours", "'7.125' has more than 2 decimal places"),
    ],
)
def test_api__a_journal_number_not_plain_or_beyond_the_range_is_422_and_posts_nothing(
    stage: Stage, number: str, field: str, what: str
) -> None:
    kind = "hour" if field == "hours" else "expense"
    before = list(iter_transactions(stage.context.ledger, project="PA"))
    answer = stage.client.post(
        "/api/v1/journals",
        headers={**stage.as_("acct"), "Content-Type": "application/json"},
        content=_raw_journal(number, field, kind),
    )
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "lines", 0, field]
    assert what in problem["what"]
    assert list(iter_transactions(stage.context.ledger, project="PA")) == before


@pytest.mark.parametrize(
    ("number", "day"),
    [
        ("7.5", "2026-03-23"),
        ('"7.5"', "2026-03-24"),
        ("7.50", "2026-03-25"),
        ("-0.0", "2026-03-26"),
    ],
)
def test_api__a_journal_number_in_plain_notation_is_read_exactly(
    stage: Stage, number: str, day: str
) -> None:
    answer = stage.client.post(
        "/api/v1/journals",
        headers={**stage.as_("acct"), "Content-Type": "application/json"},
        content=_raw_journal(number, "hours", "hour", day),
    )
    if number == "-0.0":  # read as zero: the ledger's rule refuses it, saying why
        assert answer.json()["detail"] == [
            {"where": "line 1", "what": "hours must be more than zero"}
        ]
        return
    assert answer.status_code == 201, answer.text
    assert answer.json()["hours"] == "7.50"


def test_api__a_ledger_locked_by_another_writer_is_503_saying_so(tmp_path: Path) -> None:
    def store(part: str, wait: float = 30.0) -> Store:
        return open_store(part, f"sqlite:///{tmp_path / f'{part}.db'}", part, busy_timeout=wait)

    context = Context(
        ledger=store("ledger", 0.3), plan=store("plan"), sync=store("sync"), web=store("web")
    )
    two_companies(LedgerService(context.ledger))
    context.access.add_user("ann", name="Ann", role=Role.ADMINISTRATOR, password="x" * 12)
    token = context.access.create_token("ann", name="test")[1]
    other = sqlite3.connect(tmp_path / "ledger.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with TestClient(create_app(context, background_sync=False)) as client:
            answer = client.post(
                "/api/v1/journals",
                headers={"Authorization": f"Bearer {token}"},
                json=_hours("WA"),
            )
        assert answer.status_code == 503
        assert answer.json()["detail"] == (
            "unavailable: ledger store: the database is locked by another writer; "
            "gave up after waiting 0.3 s"
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
        context.dispose()


def test_api__a_journal_line_keeps_its_text_in_the_transactions(stage: Stage) -> None:
    line = {"kind": "expense", "project": "PA", "activity": "1", "date": "2026-03-27"}
    posted = stage.client.post(
        "/api/v1/journals",
        headers=stage.as_("acct"),
        json={"lines": [{**line, "amount": "12.50", "text": "Parking, site visit"}]},
    )
    assert posted.status_code == 201, posted.text
    listed = stage.client.get("/api/v1/transactions?project=PA", headers=stage.as_("acct")).json()
    assert [t["text"] for t in listed if t["date"] == "2026-03-27"] == ["Parking, site visit"]
    too_long = stage.client.post(
        "/api/v1/journals",
        headers=stage.as_("acct"),
        json={"lines": [{**line, "amount": "1", "text": "x" * 251}]},
    )
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["where"] == "body line 1, text"


def test_api__work_after_a_resources_last_available_day_reads_back_to_those_who_see_the_project(
    stage: Stage,
) -> None:
    """Ten days of 8 hours from Monday 2 March for a resource available until
    Monday 9: 4 days from Tuesday 10, 1,920 minutes, beyond."""
    from projsync.plan.entities import PlanProject, PlanResource, PlanTask
    from projsync.plan.service import PlanService

    plan = PlanService(stage.context.plan)
    monday = dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 - a plan's dates are local
    plan.add_project(PlanProject(id="LATER", name="Later", start=monday))
    plan.add_tasks("LATER", [PlanTask(project="LATER", id="T1", name="Dig", duration=10 * 480)])
    plan.add_resource(PlanResource(id="RL2", name="Leaver", available_until=dt.date(2026, 3, 9)))
    plan.assign("LATER", "T1", "RL2")
    try:
        path = "/api/v1/plan/projects/LATER/beyond-availability"
        answer = stage.client.get(path, headers=stage.as_("admin"))
        assert answer.status_code == 200
        assert answer.json() == [
            {"resource_id": "RL2", "task_id": "T1", "available_until": "2026-03-09",
             "first_day": "2026-03-10", "days": 4, "work": 1920}
        ]  # fmt: skip
        assert stage.client.get(path, headers=stage.as_("pm")).status_code == 404
    finally:
        plan.delete_project("LATER")
