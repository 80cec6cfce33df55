"""The pages over HTTP, without a browser: logging in, what each role may
open, and a refused timesheet that posts nothing and says why per cell."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

from projsync.ledger.forecasts import add_forecast
from projsync.ledger.model import ForecastKind
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.plan.entities import PlanProject, PlanResource, PlanTask
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.sync.settings import project_settings_of, set_company, set_project
from projsync.web.app import create_app
from projsync.web.model import Role
from projsync.web.pages.routes import budget_against_actual
from projsync.web.throttle import LoginThrottle
from tests.web.conftest import (
    PASSWORD,
    Stage,
    open_context,
    page_form_token,
    planned_past_its_contract,
    two_companies,
)


def _logged_in(stage: Stage, login: str) -> TestClient:
    client = TestClient(create_app(stage.context, background_sync=False))
    answer = client.post(
        "/login", data={"login": login, "password": PASSWORD, "next": "/"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert "httponly" in answer.headers["set-cookie"].lower()
    return client


def _refused_cells(html: str) -> dict[str, str]:
    """Cell name → the reason shown on it."""
    pattern = r'name="(r\d_d\d)" value="[^"]*" inputmode="decimal" title="([^"]+)"'
    return dict(re.findall(pattern, html))


def test_pages__without_a_session_a_page_sends_to_the_login(stage: Stage) -> None:
    answer = TestClient(create_app(stage.context, background_sync=False)).get(
        "/projects", follow_redirects=False
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/login?next=/projects")


def test_pages__a_wrong_password_is_refused(stage: Stage) -> None:
    client = TestClient(create_app(stage.context, background_sync=False))
    answer = client.post("/login", data={"login": "admin", "password": "nope nope"})
    assert answer.status_code == 401
    assert "wrong password" in answer.text


def test_pages__login_never_sends_elsewhere(stage: Stage) -> None:
    client = TestClient(create_app(stage.context, background_sync=False))
    answer = client.post(
        "/login",
        data={"login": "admin", "password": PASSWORD, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_pages__each_role_opens_its_pages_and_no_others(stage: Stage) -> None:
    member = _logged_in(stage, "tm")
    assert member.get("/").url.path == "/portal"
    for path in ("/projects", "/settings", "/log", "/resources"):
        assert member.get(path).status_code == 403, path
    manager = _logged_in(stage, "pm")
    assert manager.get("/projects").status_code == 200
    assert "PB" not in manager.get("/projects").text
    assert manager.get("/projects/PB").status_code == 404
    assert manager.get("/settings").status_code == 403
    admin = _logged_in(stage, "admin")
    for path in ("/projects", "/projects/PB", "/settings", "/log", "/resources"):
        assert admin.get(path).status_code == 200, path


def test_pages__logging_out_ends_the_session(stage: Stage) -> None:
    client = _logged_in(stage, "pm")
    client.post("/logout", data={"form_token": page_form_token(client)})
    assert client.get("/projects", follow_redirects=False).status_code == 303


def test_pages__a_refused_timesheet_marks_each_cell_and_posts_nothing(stage: Stage) -> None:
    client = _logged_in(stage, "tm")
    before = len(list(iter_transactions(stage.context.ledger, worker="WA")))
    sheet = {
        "form_token": page_form_token(client),
        "week": "2026-04-06",
        "rows": "2",
        "r0_activity": "PA|1",
        "r0_d0": "8",
        "r0_d1": "25",
        "r0_d2": "eight",
        "r1_activity": "",
        "r1_d3": "4",
        "e0_activity": "PA|1",
        "e0_date": "2026-04-07",
        "e0_amount": "42.50",
    }
    answer = client.post("/portal", data=sheet)
    assert answer.status_code == 422
    refused = _refused_cells(answer.text)
    assert refused["r0_d2"] == "hours: &#39;eight&#39; is not a plain decimal number"
    assert refused["r1_d3"] == "choose the activity of this row"
    assert "r0_d0" not in refused
    assert len(list(iter_transactions(stage.context.ledger, worker="WA"))) == before
    sheet.update(r0_d2="", r1_d3="")
    answer = client.post("/portal", data=sheet)
    assert answer.status_code == 422
    assert set(_refused_cells(answer.text)) == {"r0_d1"}  # the ledger's own reason, on the cell
    assert _refused_cells(answer.text)["r0_d1"].endswith("at most 24 per day")
    assert len(list(iter_transactions(stage.context.ledger, worker="WA"))) == before
    sheet.update(r0_d1="7.5")
    answer = client.post("/portal", data=sheet, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    posted = list(iter_transactions(stage.context.ledger, worker="WA"))
    assert len(posted) == before + 3
    assert sum(t.hours for t in posted[-3:]) == 15.5


def test_pages__logins_after_five_failures_are_held_back_even_with_the_right_password(
    stage: Stage,
) -> None:
    stage.context.logins = LoginThrottle()  # no failures of other tests of the module
    client = TestClient(create_app(stage.context, background_sync=False))
    for _ in range(5):
        assert client.post("/login", data={"login": "pm", "password": "guess"}).status_code == 401
    held = client.post("/login", data={"login": "PM", "password": PASSWORD})
    assert held.status_code == 429 and "try again in 15 minutes" in held.text
    assert held.headers["retry-after"] == "900"
    # once the window has passed, the right password lets the user in
    stage.context.logins.clock = lambda: 10**6  # the window has passed
    assert _logged_in(stage, "pm").get("/projects").status_code == 200
    stage.context.logins = LoginThrottle()


def test_login_throttle__counts_per_login_and_per_client_within_the_window() -> None:
    now = [0.0]
    throttle = LoginThrottle(limit=3, window=60, clock=lambda: now[0])
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        throttle.failed("ada", client)
    assert throttle.wait("Ada", "10.0.0.9") == 60  # the name, from anywhere
    assert throttle.wait("bob", "10.0.0.1") == 0
    for login in ("x", "y", "z"):
        throttle.failed(login, "10.0.0.7")
    assert throttle.wait("carol", "10.0.0.7") == 60  # the address, for any name
    now[0] = 30
    assert throttle.wait("ada", "10.0.0.9") == 30
    throttle.succeeded("ada")
    assert throttle.wait("ada", "10.0.0.9") == 0
    now[0] = 61
    assert throttle.wait("carol", "10.0.0.7") == 0


def test_pages__the_planned_cost_follows_the_schedule_of_the_synced_task(tmp_path: Path) -> None:
    """Eighty planned hours at 50 an hour on activity PA/1, its plan task
    scheduled over two weeks: the planned line rises 2,000 a week, and ends
    where the budget table's planned hour cost does."""
    context = open_context(tmp_path)
    two_companies(LedgerService(context.ledger))
    add_forecast(
        context.ledger,
        kind=ForecastKind.HOUR,
        project="PA",
        activity="1",
        date=dt.date(2026, 6, 1),
        worker="WA",
        hours=Decimal("80"),
    )
    set_company(context.sync, "ACME", integrate=True)
    set_project(context.sync, "PA", integrate=True)
    assert context.run_sync().summary()["failed"] == 0
    plan = PlanService(context.plan)
    plan.update_project("PA", start=dt.datetime(2026, 3, 2, 8))  # noqa: DTZ001 (plan wall clock)
    plan.update_task("PA", "1", duration=10 * 480)
    schedule_project(context.plan, "PA")

    budget, curves = budget_against_actual(context, ["PA"])
    line = dict(curves["planned cost"])
    assert line[dt.date(2026, 3, 2)] == Decimal("400.00")
    assert line[dt.date(2026, 3, 6)] == Decimal("2000.00")
    assert line[dt.date(2026, 3, 13)] == Decimal("4000.00")
    assert max(line) == dt.date(2026, 3, 13)  # nothing left on the forecast's date
    planned_hour_cost = next(row["planned"] for row in budget if row["name"] == "hour cost")
    assert curves["planned cost"][-1][1] == planned_hour_cost
    context.access.add_user("ann", name="Ann", role=Role.ADMINISTRATOR, password=PASSWORD)
    token = context.access.create_token("ann", name="test")[1]
    with TestClient(create_app(context, background_sync=False)) as client:
        page = client.get("/projects/PA", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200
    assert 'data-series="planned cost"' in page.text and "planned cost: 4000.00 EUR" in page.text
    context.dispose()


def test_pages__an_owner_of_an_unknown_field_is_shown_as_an_error_and_nothing_stored(
    stage: Stage,
) -> None:
    admin = _logged_in(stage, "admin")
    token = page_form_token(admin, "/settings")
    answer = admin.post(
        "/settings/projects/PA",
        data={"form_token": token, "integrate": "on", "owners": "name=plan, nme=ledger"},
    )
    assert answer.url.path == "/settings"
    assert 'role="alert"' in answer.text and "owner of nme: no such field" in answer.text
    stored = project_settings_of(stage.context.sync)
    assert "PA" not in stored
    owned = {"form_token": token, "integrate": "on", "owners": "name=plan"}
    saved = admin.post("/settings/projects/PA", data=owned)
    assert "Project PA saved." in saved.text and 'value="name=plan"' in saved.text
    assert project_settings_of(stage.context.sync)["PA"].own_owners() == {"name": "plan"}
    admin.post("/settings/projects/PA", data={"form_token": token, "integrate": "on", "owners": ""})
    assert project_settings_of(stage.context.sync)["PA"].own_owners() == {}


def test_pages__the_contract_dates_are_shown_with_the_plans_projected_ones_beside_them(
    tmp_path: Path,
) -> None:
    context, token = planned_past_its_contract(tmp_path)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(context, background_sync=False)) as client:
        center = client.get("/projects", headers=headers)
        page = client.get("/projects/PA", headers=headers)
    assert center.status_code == page.status_code == 200
    assert ">Contract</th>" in center.text and ">Projected</th>" in center.text
    assert "<th>start</th><th>end</th><th>start</th><th>finish</th>" in center.text
    row = re.search(r'<a href="/projects/PA">.*?</tr>', center.text, re.S)
    assert row is not None
    cells = re.findall(r'<td class="date">([^<]*)</td>', row.group(0))
    assert cells == ["2026-03-02", "2026-09-30", "2026-03-02", "2026-04-22"]
    dates = re.search(r'<table id="dates">.*?</table>', page.text, re.S)
    assert dates is not None
    assert re.findall(r"<th>([^<]*)</th>", dates.group(0)) == [
        "Start", "End", "Projected start", "Projected finish",
    ]  # fmt: skip
    assert re.findall(r"<td>([^<]*)</td>", dates.group(0)) == [
        "2026-03-02", "2026-09-30", "2026-03-02", "2026-04-22",
    ]  # fmt: skip
    context.dispose()


def test_pages__a_timesheet_number_not_plain_or_beyond_the_range_is_refused_on_its_cell(
    stage: Stage,
) -> None:
    client = _logged_in(stage, "tm")
    before = len(list(iter_transactions(stage.context.ledger, worker="WA")))
    sheet = {
        "form_token": page_form_token(client),
        "week": "2026-04-06",
        "rows": "1",
        "r0_activity": "PA|1",
        "r0_d0": "٥",
        "r0_d1": "７",
        "r0_d2": "1e400",
        "r0_d3": "1_000",
        "r0_d4": "7,5",
        "e0_activity": "PA|1",
        "e0_date": "2026-04-07",
        "e0_amount": "92233720368547758.07",
    }
    answer = client.post("/portal", data=sheet)
    assert answer.status_code == 422
    refused = _refused_cells(answer.text)
    assert refused == {
        "r0_d0": "hours: &#39;٥&#39; is not a plain decimal number",
        "r0_d1": "hours: &#39;７&#39; is not a plain decimal number",
        "r0_d2": "hours: &#39;1e400&#39; is not a plain decimal number",
        "r0_d3": "hours: &#39;1_000&#39; is not a plain decimal number",
    }
    assert "amount: &#39;92233720368547758.07&#39; is out of range" in answer.text
    assert len(list(iter_transactions(stage.context.ledger, worker="WA"))) == before
    unreadable_rows = client.post("/portal", data={**sheet, "rows": "²"})
    assert unreadable_rows.status_code == 422  # no rows read: only the expense is refused
    assert _refused_cells(unreadable_rows.text) == {}
    for week in ("9999-12-31", "0001-01-01"):  # the calendar's ends: this week instead
        assert client.get(f"/portal?week={week}").status_code == 200


def test_pages__the_log_filters_refuse_a_key_longer_than_the_api_takes_with_a_message(
    stage: Stage,
) -> None:
    # a 50,000-character filter made SQLite's LIKE give up ("pattern too complex"): a 500
    admin = _logged_in(stage, "admin")
    for query, said in (
        ("entity=" + "x" * 50_000, "entity key: at most 200 characters, not 50000"),
        ("entity_type=" + "y" * 31, "entity type: at most 30 characters, not 31"),
    ):
        answer = admin.get(f"/log?{query}")
        assert answer.status_code == 200
        assert said in answer.text
    assert admin.get("/log?entity=" + "x" * 200).status_code == 200


def test_pages__a_project_that_cannot_be_scheduled_hides_no_other_on_the_resource_center(
    stage: Stage,
) -> None:
    # One project whose task runs past the calendars used to turn the whole
    # resource center into an error; now that project is named, with why.
    plan = PlanService(stage.context.plan)
    monday = dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 - a plan's dates are local
    plan.add_project(PlanProject(id="HUGE", name="Huge", start=monday))
    plan.add_tasks("HUGE", [PlanTask(project="HUGE", id="T1", name="Forever", duration=59_999_940)])
    try:
        answer = _logged_in(stage, "admin").get("/resources")
        assert answer.status_code == 200
        assert "cannot be scheduled" in answer.text
        assert "task T1: 999,999 hours of duration" in answer.text
        assert 'id="overallocations"' in answer.text
    finally:
        plan.delete_project("HUGE")


def test_pages__the_resource_center_shows_work_after_a_resources_last_available_day(
    stage: Stage,
) -> None:
    """Ten days of 8 hours from Monday 2 March for a resource available until
    Monday 9: 4 days from Tuesday 10, 32 hours, beyond."""
    plan = PlanService(stage.context.plan)
    monday = dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 - a plan's dates are local
    plan.add_project(PlanProject(id="LATE", name="Late", start=monday))
    plan.add_tasks("LATE", [PlanTask(project="LATE", id="T1", name="Dig", duration=10 * 480)])
    plan.add_resource(PlanResource(id="RL", name="Leaver", available_until=dt.date(2026, 3, 9)))
    plan.assign("LATE", "T1", "RL")
    try:
        answer = _logged_in(stage, "admin").get("/resources")
        assert answer.status_code == 200
        table = answer.text.split('id="beyond-availability"', 1)[1].split("</table>", 1)[0]
        row = (
            '<td><a href="/plan/LATE">LATE</a></td><td>RL</td><td>T1</td><td>2026-03-09</td>'
            '<td>2026-03-10</td><td class="num">4</td><td class="num">32.00</td>'
        )
        assert row in table
    finally:
        plan.delete_project("LATE")
