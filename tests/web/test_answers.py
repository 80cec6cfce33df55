"""Refusals and failures over HTTP: every refused request reads as where and
what in JSON that can be written whatever it quotes; an unforeseen failure is
logged with its traceback and answered 500 without internals."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from projsync.ledger.service import LedgerService
from projsync.web.answers import (
    UNFORESEEN,
    SafeJSONResponse,
    Unforeseen,
    request_problems,
    writable,
)
from tests.web.conftest import Stage


def test_answers__writable_escapes_lone_surrogates_and_names_infinite_numbers() -> None:
    quoted = {"id\ud800": ["a\udfffb", float("inf"), float("-inf"), float("nan"), 1.5, 2]}
    assert writable(quoted) == {"id\\ud800": ["a\\udfffb", "inf", "-inf", "nan", 1.5, 2]}
    assert writable(("déjà vu", None, True)) == ["déjà vu", None, True]


def test_answers__a_safe_response_writes_what_plain_json_cannot() -> None:
    body = SafeJSONResponse({"detail": ["\ud800", float("inf")]}).body
    assert json.loads(body) == {"detail": ["\\ud800", "inf"]}


def test_answers__request_problems_say_where_in_the_request_and_what() -> None:
    errors = [
        {"type": "finite_number", "loc": ("body", "lines", 0, "hours"),
         "msg": "Input should be a finite number", "input": float("inf")},
        {"type": "string_pattern_mismatch", "loc": ("query", "entity"),
         "msg": "String should match pattern '^[^\\x00-\\x1f\\x7f]*$'", "input": "\x00",
         "ctx": {"pattern": "^[^\\x00-\\x1f\\x7f]*$"}},
        {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None},
        {"type": "value_error", "loc": ("query", "until"), "msg": "Value error, no",
         "input": "0", "ctx": {"error": ValueError("must be a day written YYYY-MM-DD")}},
    ]  # fmt: skip
    assert request_problems(errors) == [
        {"where": "body line 1, hours", "what": "Input should be a finite number",
         "loc": ["body", "lines", 0, "hours"]},
        {"where": "query entity", "what": "must not contain control characters",
         "loc": ["query", "entity"]},
        {"where": "body", "what": "Field required", "loc": ["body"]},
        {"where": "query until", "what": "must be a day written YYYY-MM-DD",
         "loc": ["query", "until"]},
    ]  # fmt: skip


def _failing_app() -> FastAPI:
    app = FastAPI()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("SELECT secret FROM somewhere")

    app.add_middleware(Unforeseen)
    return app


def test_answers__an_unforeseen_failure_is_logged_and_answered_500_without_internals(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="projsync.web"),
        TestClient(_failing_app(), raise_server_exceptions=False) as client,
    ):
        answer = client.get("/boom")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/json"
    assert "secret" not in answer.text and "RuntimeError" not in answer.text
    assert answer.json()["detail"].startswith("internal error")
    [record] = caplog.records
    assert record.getMessage() == "unforeseen failure answering GET /boom"
    assert record.exc_info is not None and "SELECT secret" in str(record.exc_info[1])


def test_answers__the_application_answers_an_unforeseen_failure_500_in_json(
    stage: Stage, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: object) -> None:
        raise ZeroDivisionError("division by zero in a store")

    monkeypatch.setattr(LedgerService, "companies", broken)
    with caplog.at_level(logging.ERROR, logger="projsync.web"):
        answer = stage.client.get("/api/v1/companies", headers=stage.as_("admin"))
    assert answer.status_code == 500
    assert answer.json() == {"detail": UNFORESEEN}
    assert "ZeroDivisionError" in caplog.text


def test_answers__the_openapi_document_describes_a_refusal_as_where_and_what(
    stage: Stage,
) -> None:
    document = stage.client.get("/openapi.json").json()
    problem = document["components"]["schemas"]["ValidationError"]
    assert problem["title"] == "Problem"
    assert problem["required"] == ["where", "what"]
