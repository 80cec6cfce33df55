"""Timesheets over the API: BETA's team member records and submits the hours of
their own resource, BETA's project manager approves or rejects them, and the
accountant reads but decides nothing; another company's resources stay out
of sight."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from projsync.connectors.plan_builtin import PlanConnector
from projsync.web.app import create_app
from projsync.web.context import Context
from tests.web.conftest import synced_two_companies

LINES = "/api/v1/timesheets/lines"
WEEK = "/api/v1/timesheets/weeks/WB/2026-W10"


class Client:
    def __init__(self, context: Context, tokens: dict[str, str], client: TestClient) -> None:
        self.context, self.tokens, self.client = context, tokens, client

    def call(self, login: str, method: str, path: str, body: Any = None) -> Response:
        headers = {"Authorization": f"Bearer {self.tokens[login]}"}
        extra = {} if body is None else {"json": body}
        return self.client.request(method, path, headers=headers, **extra)

    def hours(self, login: str, day: str, hours: Any, **more: Any) -> Response:
        line = {"resource": "WB", "project": "PB", "task": "1", "day": day, "hours": hours}
        return self.call(login, "PUT", LINES, {**line, **more})


@pytest.fixture
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    context, tokens = synced_two_companies(tmp_path_factory.mktemp("timesheets"))
    with TestClient(create_app(context, background_sync=False)) as client:
        yield Client(context, tokens, client)
    context.dispose()


def test_api_timesheets__a_week_recorded_submitted_rejected_then_approved(api: Client) -> None:
    line = api.hours("bill", "2026-03-02", "7.5", note="wiring")
    assert line.status_code == 200, line.text
    assert line.json()["line"]["hours"] == "7.50" and line.json()["line"]["status"] == "draft"
    assert api.call("ben", "POST", f"{WEEK}/review", {"decision": "approve"}).status_code == 422
    submitted = api.call("bill", "POST", f"{WEEK}/submit")
    assert submitted.json()["status"] == "submitted", submitted.text
    assert api.hours("bill", "2026-03-03", "1").status_code == 422  # the week is with the manager
    waiting = api.call("ben", "GET", "/api/v1/timesheets/weeks?status=submitted").json()
    assert [(w["resource"], w["week"], w["hours"]) for w in waiting] == [("WB", "2026-W10", "7.50")]
    rejected = api.call("ben", "POST", f"{WEEK}/review", {"decision": "reject", "comment": "Tue"})
    assert (rejected.json()["status"], rejected.json()["comment"]) == ("rejected", "Tue")
    assert api.hours("bill", "2026-03-02", "0").json() == {"line": None}
    assert api.hours("bill", "2026-03-03", "7.5").status_code == 200
    api.call("bill", "POST", f"{WEEK}/submit")
    approved = api.call("ben", "POST", f"{WEEK}/review", {"decision": "approve"})
    assert approved.json()["status"] == "approved", approved.text
    (posted,) = PlanConnector(api.context.plan).timesheet_lines(0, 10**9)
    assert (posted.resource, posted.task, str(posted.day)) == ("WB", "PB/1", "2026-03-03")
    reopened = api.call("ben", "POST", f"{WEEK}/reopen", {"comment": "one more day"})
    assert reopened.json()["status"] == "draft"


def test_api_timesheets__roles_each_do_their_part_only(api: Client) -> None:
    assert api.hours("bill", "2026-03-02", "8").status_code == 200
    for login in ("ben", "bea"):  # no worker of their own: they record no hours
        assert api.hours(login, "2026-03-02", "1").status_code == 403, login
        assert api.call(login, "POST", f"{WEEK}/submit").status_code == 403, login
    assert api.call("bill", "POST", f"{WEEK}/submit").status_code == 200
    for login in ("bill", "bea"):  # neither approves
        refused = api.call(login, "POST", f"{WEEK}/review", {"decision": "approve"})
        assert refused.status_code == 403, login
    for login in ("bill", "bea", "ben", "ann"):  # each reads the week
        (line,) = api.call(login, "GET", f"{LINES}?resource=WB&week=2026-W10").json()
        assert line["status"] == "submitted", login
    assert api.call("ann", "POST", f"{WEEK}/review", {"decision": "approve"}).status_code == 200


def test_api_timesheets__refusals_say_what_and_where(api: Client) -> None:
    refused = api.hours("bill", "2026-03-03", "25")
    assert refused.status_code == 422
    assert {"where": "line 2026-03-03 PB/1", "what": "hours 25 exceed 24"} in [
        {k: p[k] for k in ("where", "what")} for p in refused.json()["detail"]
    ]
    for hours in ("1.234", "1e3", "-1", True):
        assert api.hours("bill", "2026-03-03", hours).status_code == 422, hours
    assert api.hours("bill", "2026-03-03", 16.5).json()["line"]["hours"] == "16.50"
    replaced = api.hours("bill", "2026-03-03", "9")  # the same cell: replaced, not added
    assert replaced.json()["line"]["hours"] == "9.00"
    assert api.hours("bill", "2026-03-03", "1", note="a\tb").status_code == 422
    assert (
        api.call("bill", "POST", "/api/v1/timesheets/weeks/WB/2026-W60/submit").status_code == 422
    )
    empty = api.call("bill", "POST", "/api/v1/timesheets/weeks/WB/2026-W11/submit")
    assert empty.json()["detail"][0]["what"] == "holds no hours to submit"
    api.call("bill", "POST", f"{WEEK}/submit")
    no_why = api.call("ben", "POST", f"{WEEK}/review", {"decision": "reject"})
    assert no_why.json()["detail"][0]["what"] == "a rejection needs a comment saying why"


def test_api_timesheets__another_companys_resource_and_project_stay_out_of_sight(
    api: Client,
) -> None:
    admin = api.call("ann", "PUT", LINES, {
        "resource": "WA", "project": "PA", "task": "1", "day": "2026-03-02", "hours": "4",
    })  # fmt: skip
    assert admin.status_code == 200, admin.text
    assert api.call("ann", "POST", "/api/v1/timesheets/weeks/WA/2026-W10/submit").is_success
    assert api.call("bill", "GET", f"{LINES}?resource=WA").status_code == 404
    assert api.call("ben", "GET", "/api/v1/timesheets/weeks?status=submitted").json() == []
    for login in ("bill", "ben", "bea"):
        assert "WA" not in api.call(login, "GET", LINES).text, login
    refused = api.call("ben", "POST", "/api/v1/timesheets/weeks/WA/2026-W10/review",
                       {"decision": "approve"})  # fmt: skip
    assert refused.status_code == 404
    assert api.hours("bill", "2026-03-02", "1", project="PA").status_code == 404
    assert api.hours("bill", "2026-03-02", "1", resource="WA").status_code == 403
