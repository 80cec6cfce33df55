"""Hostile input to the API is refused 422 with where and what, never a 5xx:
numbers past what a column holds or infinite, JSON numbers past the float
range, lone surrogates and NUL characters, days out of range or written as
numbers, null for a setting that must have a value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from projsync.sync import settings
from projsync.web.app import create_app
from tests.web.conftest import PASSWORD, planned_past_its_contract

BEYOND_64_BITS = "9223372036854775808"
"""2^63: one past the largest 64-bit integer."""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Any]]:
    """A client with an administrator's token over PA, integrated and planned."""
    context, token = planned_past_its_contract(tmp_path_factory.mktemp("bounds"))
    app = create_app(context, background_sync=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, context
    context.dispose()


def _send(client: TestClient, method: str, path: str, body: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    return client.request(method, path, content=body, headers=headers)


def _refused(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 422, answer.text
    problems: list[dict[str, Any]] = answer.json()["detail"]
    assert all(p["where"] and p["what"] for p in problems)
    return problems


@pytest.mark.parametrize("number", [BEYOND_64_BITS, "1e400", "Infinity", "-Infinity", "NaN"])
@pytest.mark.parametrize("field", ["duration_minutes", "work_minutes"])
def test_api_bounds__minutes_past_their_range_or_infinite_are_422(
    api: tuple[TestClient, Any], field: str, number: str
) -> None:
    client, _ = api
    body = f'{{"{field}": {number}}}'
    problems = _refused(_send(client, "PATCH", "/api/v1/plan/projects/PA/tasks/1", body))
    assert problems[0]["where"] == f"body {field}"


def test_api_bounds__a_lag_past_its_range_is_422(api: tuple[TestClient, Any]) -> None:
    client, _ = api
    body = f'{{"predecessors": [{{"predecessor": "1", "lag_minutes": -{BEYOND_64_BITS}}}]}}'
    problems = _refused(_send(client, "PATCH", "/api/v1/plan/projects/PA/tasks/1", body))
    assert problems[0]["where"] == "body predecessors[0].lag_minutes"


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("planned_hours", '{"number": "9", "name": "Nine", "planned_hours": %s}'),
        ("cost_price", '{"id": "WX", "company": "ACME", "name": "X", "cost_price": %s, '
         '"sales_price": 1, "valid_from": "2026-01-01"}'),
    ],
    ids=["planned_hours", "cost_price"],
)  # fmt: skip
@pytest.mark.parametrize("number", ["1e400", "Infinity", "NaN"])
def test_api_bounds__an_infinite_amount_is_422_and_the_answer_is_json(
    api: tuple[TestClient, Any], field: str, body: str, number: str
) -> None:
    client, _ = api
    path = "/api/v1/workers" if field == "cost_price" else "/api/v1/projects/PA/activities"
    problems = _refused(_send(client, "POST", path, body % number))
    assert problems[0]["where"] == f"body {field}"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/projects/PA/activities",
         '{"number": "9", "name": "Nine", "planned_hours": %s}'),
        ("/api/v1/workers", '{"id": "WX", "company": "ACME", "name": "X", "cost_price": %s, '
         '"sales_price": 1, "valid_from": "2026-01-01"}'),
    ],
    ids=["planned_hours", "cost_price"],
)  # fmt: skip
def test_api_bounds__an_amount_past_64_bits_is_refused(
    api: tuple[TestClient, Any], path: str, body: str
) -> None:
    client, _ = api
    answer = _send(client, "POST", path, body % BEYOND_64_BITS)
    assert answer.status_code == 422


def test_api_bounds__a_number_past_the_float_range_in_a_journal_is_422(
    api: tuple[TestClient, Any],
) -> None:
    client, _ = api
    line = '{"kind": "hour", "project": "PA", "activity": "1", "date": "2026-03-02", '
    body = '{"lines": [' + line + '"worker": "WA", "hours": 1e400}]}'
    problems = _refused(_send(client, "POST", "/api/v1/journals", body))
    assert problems == [
        {
            "where": "body line 1, hours",
            "what": "'1e400' is not a plain decimal number",
            "loc": ["body", "lines", 0, "hours"],
        }
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/sync/log/{id}"),
        ("POST", "/api/v1/sync/log/{id}/resync"),
        ("POST", "/api/v1/sync/log/{id}/cancel"),
    ],
)
@pytest.mark.parametrize("entry", [BEYOND_64_BITS, "2147483648", "0", "-1"])
def test_api_bounds__a_log_id_the_log_cannot_hold_is_422(
    api: tuple[TestClient, Any], method: str, path: str, entry: str
) -> None:
    client, _ = api
    problems = _refused(_send(client, method, path.format(id=entry)))
    assert problems[0]["where"] == "path entry_id"


def test_api_bounds__resolving_a_log_id_the_log_cannot_hold_is_422(
    api: tuple[TestClient, Any],
) -> None:
    client, _ = api
    answer = _send(client, "POST", f"/api/v1/sync/log/{BEYOND_64_BITS}/resolve", '{"keep": "plan"}')
    assert _refused(answer)[0]["where"] == "path entry_id"


@pytest.mark.parametrize(
    ("method", "path", "body", "where"),
    [
        ("POST", "/api/v1/projects", '{"id": "\\ud800", "company": "ACME", "name": "X"}',
         "body id"),
        ("POST", "/api/v1/sync/resync", '{"project": "P\\udfff"}', "body project"),
        ("PUT", "/api/v1/settings/projects/PA", '{"plan_project": "\\ud800"}',
         "body plan_project"),
        ("PATCH", "/api/v1/plan/projects/PA/tasks/1", '{"name": "A \\ud800 name"}', "body name"),
    ],
)  # fmt: skip
def test_api_bounds__a_lone_surrogate_in_an_id_or_a_name_is_422(
    api: tuple[TestClient, Any], method: str, path: str, body: str, where: str
) -> None:
    client, _ = api
    problems = _refused(_send(client, method, path, body))
    assert problems[0] == {
        "where": where,
        "what": "must be valid Unicode text: it holds a lone surrogate",
        "loc": where.split(" "),
    }


def test_api_bounds__a_nul_in_a_text_or_a_control_character_in_an_id_is_422(
    api: tuple[TestClient, Any],
) -> None:
    client, _ = api
    body = '{"id": "P\\u0007", "company": "ACME", "name": "Null\\u0000name"}'
    problems = _refused(_send(client, "POST", "/api/v1/projects", body))
    assert {(p["where"], p["what"]) for p in problems} == {
        ("body id", "must not contain control characters"),
        ("body name", "must not contain a NUL character"),
    }


def test_api_bounds__an_id_longer_than_its_column_is_422(api: tuple[TestClient, Any]) -> None:
    client, _ = api
    problems = _refused(client.get("/api/v1/projects/" + "P" * 41))
    assert problems[0]["where"] == "path project_id"
    assert problems[0]["what"] == "String should have at most 40 characters"


@pytest.mark.parametrize("path", ["/api/v1/sync/log", "/api/v1/transactions"])
def test_api_bounds__days_out_of_range_are_422_naming_both(
    api: tuple[TestClient, Any], path: str
) -> None:
    client, _ = api
    problems = _refused(client.get(path, params={"since": "0001-01-01", "until": "9999-12-31"}))
    assert [p["where"] for p in problems] == ["query since", "query until"]
    assert problems[0]["what"] == "must be a day from 1900-01-01 to 2999-12-31"


def test_api_bounds__a_day_written_as_a_number_is_422(api: tuple[TestClient, Any]) -> None:
    client, _ = api
    problems = _refused(client.get("/api/v1/sync/log", params={"until": "0"}))
    assert problems == [
        {
            "where": "query until",
            "what": "must be a day written YYYY-MM-DD",
            "loc": ["query", "until"],
        }
    ]
    assert client.get("/api/v1/sync/log", params={"until": "2999-12-31"}).status_code == 200


@pytest.mark.parametrize(
    "name", ["max_attempts", "resync_hours", "sync_interval_seconds", "notify_hours",
             "custom_field_prefix", "delete_rule", "show_worker_rates"],
)  # fmt: skip
def test_api_bounds__null_for_a_setting_that_must_have_a_value_is_422_and_nothing_changes(
    api: tuple[TestClient, Any], name: str
) -> None:
    client, context = api
    before = settings.load_global(context.sync)
    problems = _refused(_send(client, "PATCH", "/api/v1/settings", json.dumps({name: None})))
    assert problems[0]["where"] == f"body {name}"
    assert settings.load_global(context.sync) == before


def test_api_bounds__a_webhook_may_be_null_and_is_then_none(api: tuple[TestClient, Any]) -> None:
    client, _ = api
    answer = _send(client, "PATCH", "/api/v1/settings", '{"webhook_url": null}')
    assert answer.status_code == 200
    assert answer.json()["webhook_url"] is None


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"max_attempts": 9223372036854775808}', "body max_attempts"),
        ('{"resync_hours": 1000000}', "body resync_hours"),
        ('{"notify_hours": true}', "body notify_hours"),
        ('{"sync_interval_seconds": "60"}', "body sync_interval_seconds"),
        ('{"show_worker_rates": 0}', "body show_worker_rates"),
    ],
)
def test_api_bounds__a_setting_out_of_its_range_or_of_another_type_is_422(
    api: tuple[TestClient, Any], body: str, where: str
) -> None:
    client, _ = api
    assert _refused(_send(client, "PATCH", "/api/v1/settings", body))[0]["where"] == where


@pytest.mark.parametrize("action", ["resync", "cancel", "resolve"])
def test_api_bounds__the_log_pages_take_log_ids_within_the_same_bounds(
    api: tuple[TestClient, Any], action: str
) -> None:
    _, context = api
    with TestClient(create_app(context, background_sync=False)) as pages:
        pages.post("/login", data={"login": "ann", "password": PASSWORD})
        answer = pages.post(f"/log/{BEYOND_64_BITS}/{action}", data={"keep": "plan"})
    # refused by the bound (422), or first for want of a cross-site token (403)
    assert answer.status_code in (403, 422)


def test_api_bounds__an_integer_too_long_to_read_is_422_saying_so(
    api: tuple[TestClient, Any],
) -> None:
    # Python reads no integer of more than 4,300 digits; FastAPI answered 400
    # "There was an error parsing the body". Now as every body problem is said.
    client, _ = api
    line = '{"kind": "hour", "project": "PA", "activity": "1", "date": "2026-03-02", '
    body = '{"lines": [' + line + '"worker": "WA", "hours": ' + "9" * 5000 + "}]}"
    problems = _refused(_send(client, "POST", "/api/v1/journals", body))
    assert problems == [
        {
            "where": "body",
            "what": "cannot be read as JSON: a number of more than 4,300 digits is refused",
            "loc": ["body"],
        }
    ]
