"""Creating the ledger's projects, subprojects, activities and workers over the
API: the same service as the command line, scoped to the caller's companies,
refusals that say what and where, nothing half-written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from projsync.ledger.service import LedgerService
from tests.web.conftest import Stage


def _project(project_id: str, company: str = "ACME", **more: Any) -> dict[str, Any]:
    return {"id": project_id, "company": company, "name": f"Project {project_id}", **more}


def _worker(worker_id: str, company: str = "ACME", **more: Any) -> dict[str, Any]:
    first = {"cost_price": "60", "sales_price": "120", "valid_from": "2026-01-01"}
    return {"id": worker_id, "company": company, "name": f"Worker {worker_id}", **first, **more}


def _known_projects(stage: Stage) -> set[str]:
    return {p.id for p in LedgerService(stage.context.ledger).projects()}


def test_api_ledger_write__an_accountant_creates_a_project_shaped_as_its_get(
    stage: Stage,
) -> None:
    acct = stage.as_("acct")
    body = _project("PA2", type="fixed-price", start="2026-04-01", end="2026-06-30")
    answer = stage.client.post("/api/v1/projects", headers=acct, json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json() == stage.client.get("/api/v1/projects/PA2", headers=acct).json()
    assert (answer.json()["type"], answer.json()["end"]) == ("fixed-price", "2026-06-30")
    assert answer.json()["totals"]["cost"] == "0.00"


def test_api_ledger_write__a_project_with_a_parent_is_a_subproject(stage: Stage) -> None:
    acct = stage.as_("acct")
    answer = stage.client.post("/api/v1/projects", headers=acct, json=_project("PA-1", parent="PA"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["parent"] == "PA"
    assert LedgerService(stage.context.ledger).project("PA-1").parent == "PA"


def test_api_ledger_write__a_project_manager_adds_an_activity_shaped_as_its_listing(
    stage: Stage,
) -> None:
    pm = stage.as_("pm")
    body = {"number": "2", "name": "Testing", "category": "TEST", "planned_hours": "12.5"}
    answer = stage.client.post("/api/v1/projects/PA/activities", headers=pm, json=body)
    assert answer.status_code == 201, answer.text
    listed = stage.client.get("/api/v1/projects/PA/activities", headers=pm).json()
    assert answer.json() in listed
    assert (answer.json()["planned_hours"], answer.json()["category"]) == ("12.50", "TEST")
    child = {"number": "2.1", "name": "Unit tests", "parent": "2"}
    below = stage.client.post("/api/v1/projects/PA/activities", headers=pm, json=child)
    assert below.status_code == 201 and below.json()["parent"] == "2"


def test_api_ledger_write__an_accountant_creates_a_worker_with_a_first_price(
    stage: Stage,
) -> None:
    acct = stage.as_("acct")
    answer = stage.client.post("/api/v1/workers", headers=acct, json=_worker("WA2"))
    assert answer.status_code == 201, answer.text
    listed = stage.client.get("/api/v1/workers", headers=acct).json()
    assert answer.json() in listed
    prices = LedgerService(stage.context.ledger).worker_prices("WA2")
    assert [(str(p.valid_from), p.cost_price, p.sales_price) for p in prices] == [
        ("2026-01-01", Decimal("60"), Decimal("120"))
    ]


def test_api_ledger_write__a_worker_created_with_an_end_date_lists_it(stage: Stage) -> None:
    acct = stage.as_("acct")
    body = {**_worker("WA3"), "end_date": "2026-03-31"}
    answer = stage.client.post("/api/v1/workers", headers=acct, json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["end_date"] == "2026-03-31"
    listed = {w["id"]: w for w in stage.client.get("/api/v1/workers", headers=acct).json()}
    assert (listed["WA3"]["end_date"], listed["WA"]["end_date"]) == ("2026-03-31", None)
    late = {**_worker("WA4"), "end_date": "3000-01-01"}
    assert stage.client.post("/api/v1/workers", headers=acct, json=late).status_code == 422


@pytest.mark.parametrize(
    ("login", "path", "body"),
    [
        ("pm", "/api/v1/projects", _project("PM1")),
        ("pm", "/api/v1/workers", _worker("WPM")),
        ("tm", "/api/v1/projects/PA/activities", {"number": "9", "name": "Mine"}),
        ("tm", "/api/v1/projects", _project("TM1")),
    ],
)
def test_api_ledger_write__a_role_without_the_right_is_403_and_creates_nothing(
    stage: Stage, login: str, path: str, body: dict[str, Any]
) -> None:
    answer = stage.client.post(path, headers=stage.as_(login), json=body)
    assert answer.status_code == 403
    assert "lacks the right" in answer.json()["detail"]
    service = LedgerService(stage.context.ledger)
    assert {"PM1", "TM1"}.isdisjoint(_known_projects(stage))
    assert "WPM" not in {w.id for w in service.workers()}
    assert "9" not in {a.number for a in service.activities("PA")}


@pytest.mark.parametrize(
    ("path", "body", "unknown"),
    [
        ("/api/v1/projects", _project("PB2", company="BETA"), "company BETA"),
        ("/api/v1/projects", _project("PX", company="NOPE"), "company NOPE"),
        ("/api/v1/projects", _project("PA-B", parent="PB"), "project PB"),
        ("/api/v1/projects/PB/activities", {"number": "2", "name": "Theirs"}, "project PB"),
        ("/api/v1/workers", _worker("WB2", company="BETA"), "company BETA"),
    ],
)
def test_api_ledger_write__outside_the_users_companies_is_404(
    stage: Stage, path: str, body: dict[str, Any], unknown: str
) -> None:
    answer = stage.client.post(path, headers=stage.as_("acct"), json=body)
    assert answer.status_code == 404
    assert answer.json()["detail"] == f"{unknown}: unknown"
    service = LedgerService(stage.context.ledger)
    assert {"PB2", "PX", "PA-B"}.isdisjoint(_known_projects(stage))
    assert [a.number for a in service.activities("PB")] == ["1"]
    assert "WB2" not in {w.id for w in service.workers()}


def test_api_ledger_write__a_refused_project_lists_every_problem_where_and_what(
    stage: Stage,
) -> None:
    body = _project("PBAD", name=" ", start="2026-05-01", end="2026-04-01")
    answer = stage.client.post("/api/v1/projects", headers=stage.as_("acct"), json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"where": "project PBAD", "what": "name is empty"},
        {"where": "project PBAD", "what": "ends before it starts"},
    ]
    assert "PBAD" not in _known_projects(stage)
    bad_id = stage.client.post("/api/v1/projects", headers=stage.as_("acct"), json=_project("A/B"))
    assert bad_id.status_code == 422
    assert bad_id.json()["detail"][0]["where"] == "project"
    typo = stage.client.post(
        "/api/v1/projects", headers=stage.as_("acct"), json=_project("PTYPO", parnet="PA")
    )
    assert typo.status_code == 422
    assert typo.json()["detail"][0]["loc"] == ["body", "parnet"]
    assert "PTYPO" not in _known_projects(stage)


def test_api_ledger_write__a_refused_activity_says_which_activity(stage: Stage) -> None:
    path = "/api/v1/projects/PA/activities"
    orphan = {"number": "7.1", "name": "Orphan", "parent": "7"}
    answer = stage.client.post(path, headers=stage.as_("pm"), json=orphan)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"where": "activity PA/7.1", "what": "unknown parent activity 7"}
    ]
    precise = {"number": "8", "name": "Too precise", "planned_hours": "1.255"}
    malformed = stage.client.post(path, headers=stage.as_("pm"), json=precise)
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["body", "planned_hours"]
    numbers = {a.number for a in LedgerService(stage.context.ledger).activities("PA")}
    assert {"7.1", "8"}.isdisjoint(numbers)


def test_api_ledger_write__a_worker_refused_for_its_price_is_not_half_written(
    stage: Stage,
) -> None:
    body = _worker("WNEG", cost_price="-5")
    answer = stage.client.post("/api/v1/workers", headers=stage.as_("acct"), json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"where": "worker WNEG", "what": "prices cannot be negative"}
    ]
    assert "WNEG" not in {w.id for w in LedgerService(stage.context.ledger).workers()}


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        ("/api/v1/projects", _project("PA"), "project PA"),
        ("/api/v1/projects/PA/activities", {"number": "1", "name": "Again"}, "activity PA/1"),
        ("/api/v1/workers", _worker("WA"), "worker WA"),
    ],
)
def test_api_ledger_write__a_taken_id_is_409(
    stage: Stage, path: str, body: dict[str, Any], where: str
) -> None:
    answer = stage.client.post(path, headers=stage.as_("acct"), json=body)
    assert answer.status_code == 409
    assert answer.json()["detail"] == [{"where": where, "what": "already exists"}]


def test_api_ledger_write__a_created_subproject_reaches_the_plan_at_the_next_sync(
    stage: Stage,
) -> None:
    admin, acct = stage.as_("admin"), stage.as_("acct")
    stage.client.put("/api/v1/settings/companies/ACME", headers=admin, json={"integrate": True})
    stage.client.put("/api/v1/settings/projects/PA", headers=admin, json={"integrate": True})
    assert stage.client.post("/api/v1/sync/run", headers=admin).json()["failed"] == 0
    sub = stage.client.post("/api/v1/projects", headers=acct, json=_project("PA-S", parent="PA"))
    assert sub.status_code == 201, sub.text
    work = {"number": "1", "name": "Subproject work", "planned_hours": "16"}
    added = stage.client.post("/api/v1/projects/PA-S/activities", headers=acct, json=work)
    assert added.status_code == 201, added.text
    report = stage.client.post("/api/v1/sync/run", headers=admin).json()
    assert report["failed"] == 0 and report["created"] > 0
    tasks = stage.client.get("/api/v1/plan/projects/PA/tasks", headers=acct).json()
    by_id = {t["id"]: t for t in tasks["tasks"]}
    assert (by_id["PA-S"]["summary"], by_id["PA-S"]["name"]) == (True, "Project PA-S")
    assert by_id["PA-S.1"]["parent"] == "PA-S"
    assert by_id["PA-S.1"]["budget_work_minutes"] == 16 * 60


@pytest.mark.parametrize(
    ("path", "login", "body", "field"),
    [
        (
            "/api/v1/workers",
            "acct",
            '{"id": "WX", "company": "ACME", "name": "X", "cost_price": 1e400, '
            '"sales_price": "120", "valid_from": "2026-01-01"}',
            "cost_price",
        ),
        (
            "/api/v1/workers",
            "acct",
            '{"id": "WX", "company": "ACME", "name": "X", "cost_price": "60", '
            '"sales_price": 9223372036854775808, "valid_from": "2026-01-01"}',
            "sales_price",
        ),
        (
            "/api/v1/projects/PA/activities",
            "pm",
            '{"number": "9", "name": "X", "planned_hours": 1.5e3}',
            "planned_hours",
        ),
    ],
)
def test_api_ledger_write__numbers_not_plain_or_beyond_the_range_are_422_naming_the_field(
    stage: Stage, path: str, login: str, body: str, field: str
) -> None:
    headers = {**stage.as_(login), "Content-Type": "application/json"}
    answer = stage.client.post(path, headers=headers, content=body)
    assert answer.status_code == 422, answer.text
    assert [p["loc"] for p in answer.json()["detail"]] == [["body", field]]
    service = LedgerService(stage.context.ledger)
    assert "WX" not in {w.id for w in service.workers()}
    assert "9" not in {a.number for a in service.activities("PA")}
