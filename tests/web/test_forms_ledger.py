"""The accountant's forms over HTTP: projects, subprojects, activities,
workers and prices, journals and reversals, forecasts. Each succeeds for the
role that holds its right and shows what it did; each is refused (403) to a
role without it; another company's project, worker or transaction answers as
an unknown one does; refused input is said on the form, as typed, and
nothing is written; a post from another origin or without the form token is
refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from projsync.ledger.forecasts import list_forecasts
from projsync.ledger.model import JournalLine, Project, Transaction, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.model import Role
from tests.web.conftest import PASSWORD, USERS, open_context, page_form_token, two_companies


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    context = open_context(tmp_path_factory.mktemp("forms-ledger"))
    two_companies(LedgerService(context.ledger))
    for login, role, worker, companies in USERS:
        context.access.add_user(
            login, name=login, role=role, password=PASSWORD, worker=worker, companies=companies
        )
    context.access.add_user(
        "bea", name="bea", role=Role.PROJECT_ACCOUNTANT, password=PASSWORD, companies=("BETA",)
    )
    yield context
    context.dispose()


def logged_in(context: Context, login: str) -> TestClient:
    client = TestClient(create_app(context, background_sync=False))
    client.post("/login", data={"login": login, "password": PASSWORD}, follow_redirects=False)
    return client


def send(client: TestClient, path: str, data: dict[str, str], *, page: str = "/projects") -> Any:
    """Post a form as its page does: with the session's form token."""
    return client.post(path, data={"form_token": page_form_token(client, page), **data})


def project_of(context: Context, project_id: str) -> Project | None:
    return {p.id: p for p in LedgerService(context.ledger).projects()}.get(project_id)


def test_forms__a_project_and_a_subproject_created_then_edited(context: Context) -> None:
    acct = logged_in(context, "acct")
    form = acct.get("/new-project")
    assert form.status_code == 200
    assert '<label for="f-id">' in form.text and 'id="f-id"' in form.text
    assert 'value="PA"' in form.text and 'value="PB"' not in form.text  # parents: ACME's only
    assert '<option value="BETA"' not in form.text
    made = send(acct, "/new-project", {"id": "PN", "company": "ACME", "name": "New one"})
    assert made.url.path == "/projects/PN" and "Project PN created." in made.text
    sub = send(
        acct,
        "/new-project",
        {"id": "PN-1", "company": "ACME", "name": "Part", "parent": "PN", "type": "fixed-price"},
    )
    assert "Subproject PN-1 created." in sub.text
    assert project_of(context, "PN-1").parent == "PN"
    shown = acct.get("/projects/PN/edit")
    assert shown.status_code == 200 and 'value="New one"' in shown.text
    saved = send(
        acct,
        "/projects/PN/edit",
        {"name": "Renamed", "status": "in-process", "start": "2026-03-02", "customer": "Zed"},
    )
    assert saved.url.path == "/projects/PN" and "Project PN saved." in saved.text
    project = project_of(context, "PN")
    assert project.name == "Renamed" and project.status == "in-process"
    assert project.start == dt.date(2026, 3, 2) and project.customer == "Zed"


def test_forms__refused_input_is_said_on_the_form_as_typed_and_nothing_written(
    context: Context,
) -> None:
    acct = logged_in(context, "acct")
    typed = {
        "id": "PQ",
        "company": "ACME",
        "name": "Quarter",
        "start": "2026-05-01",
        "end": "2026-04-01",
    }
    refused = send(acct, "/new-project", typed)
    assert refused.status_code == 422
    assert "project PQ: ends before it starts" in refused.text
    assert 'value="Quarter"' in refused.text and 'value="2026-04-01"' in refused.text
    assert project_of(context, "PQ") is None
    bad_date = send(acct, "/new-project", typed | {"end": "2026-13-01", "name": ""})
    assert bad_date.status_code == 422
    assert "end: &#39;2026-13-01&#39; is not a date (YYYY-MM-DD)" in bad_date.text
    assert "name: is needed" in bad_date.text and project_of(context, "PQ") is None
    money = send(acct, "/projects/PA/edit", {"name": "Project PA", "contract_value": "1e5"})
    assert money.status_code == 422
    assert "contract value: &#39;1e5&#39; is not a plain decimal number" in money.text


def test_forms__another_companys_project_answers_as_an_unknown_one(context: Context) -> None:
    acct = logged_in(context, "acct")
    for path in ("/projects/PB/edit", "/projects/PB/activities", "/projects/PB/forecasts"):
        assert acct.get(path).status_code == 404, path
        assert acct.get(path.replace("PB", "NOPE")).status_code == 404, path
    assert send(acct, "/projects/PB/edit", {"name": "Mine now"}).status_code == 404
    assert project_of(context, "PB").name == "Project PB"
    base = {"id": "PZ", "name": "Zed"}
    for company in ("BETA", "NOPE"):
        refused = send(acct, "/new-project", base | {"company": company})
        assert refused.status_code == 422
        assert f"project PZ: unknown company {company}" in refused.text
    for parent in ("PB", "NOPE"):
        refused = send(acct, "/new-project", base | {"company": "ACME", "parent": parent})
        assert refused.status_code == 422
        assert f"project PZ: unknown parent project {parent}" in refused.text
    assert project_of(context, "PZ") is None
    assert acct.get("/new-project?parent=PB").status_code == 404


def test_forms__roles_without_the_right_are_refused(context: Context) -> None:
    pm, tm = logged_in(context, "pm"), logged_in(context, "tm")
    assert pm.get("/new-project").status_code == 403
    assert (
        send(pm, "/new-project", {"id": "PM1", "company": "ACME", "name": "x"}).status_code == 403
    )
    assert send(pm, "/workers", {"id": "W-PM"}).status_code == 403
    assert send(pm, "/journal", {"rows": "1"}).status_code == 403
    assert pm.get("/projects/PA/forecasts").status_code == 403
    assert pm.get("/projects/PA/activities").status_code == 200  # a manager breaks the work down
    for path in ("/projects/PA/activities", "/workers", "/journal"):
        assert tm.get(path).status_code == 403, path
    assert project_of(context, "PM1") is None


def test_forms__activities_added_and_edited_by_a_project_manager(context: Context) -> None:
    pm = logged_in(context, "pm")
    page = "/projects/PA/activities"
    added = send(pm, page, {"number": "2", "name": "Design", "planned_hours": "12.5"}, page=page)
    assert added.url.path == page and "Activity 2 added." in added.text
    assert ">Design<" in added.text and "12.50" in added.text
    sub = {"number": "2.1", "name": "Sketch", "parent": "2", "start": "2026-03-02"}
    assert "Activity 2.1 added." in send(pm, page, sub, page=page).text
    saved = send(pm, f"{page}/2.1", {"name": "Sketches", "parent": "2"}, page=page)
    assert "Activity 2.1 saved." in saved.text
    assert LedgerService(context.ledger).activity("PA", "2.1").name == "Sketches"
    bad = send(pm, page, {"number": "3", "name": "Build", "planned_hours": "7,5"}, page=page)
    assert bad.status_code == 422
    assert "planned hours: &#39;7,5&#39; is not a plain decimal number" in bad.text
    assert 'value="Build"' in bad.text
    assert [a.number for a in LedgerService(context.ledger).activities("PA")] == ["1", "2", "2.1"]
    assert pm.get(f"{page}/9").status_code == 404
    assert send(pm, "/projects/PB/activities", {"number": "5", "name": "x"}).status_code == 404


def test_forms__a_worker_with_first_prices_then_a_new_price(context: Context) -> None:
    acct = logged_in(context, "acct")
    first = {
        "id": "W9",
        "company": "ACME",
        "name": "Nine",
        "valid_from": "2026-01-01",
        "cost_price": "40.5",
        "sales_price": "90.1234",
    }
    added = send(acct, "/workers", first, page="/workers")
    assert added.url.path == "/workers" and "Worker W9 added" in added.text
    assert 'id="worker-W9"' in added.text and "90.1234" in added.text
    assert 'id="worker-WB"' not in added.text  # BETA's worker is not listed
    price = {"valid_from": "2026-07-01", "cost_price": "45", "sales_price": "95"}
    newer = send(acct, "/workers/W9/prices", price, page="/workers/W9")
    assert newer.url.path == "/workers/W9" and "Prices of W9 from 2026-07-01 set." in newer.text
    prices = LedgerService(context.ledger).worker_prices("W9")
    assert [(p.valid_from, p.cost_price) for p in prices] == [
        (dt.date(2026, 1, 1), Decimal("40.5000")),
        (dt.date(2026, 7, 1), Decimal("45.0000")),
    ]
    bad = send(acct, "/workers", first | {"id": "W10", "cost_price": "1.23456"}, page="/workers")
    assert bad.status_code == 422
    assert "cost price: &#39;1.23456&#39; has more than 4 decimal places" in bad.text
    assert 'value="Nine"' in bad.text
    foreign = send(acct, "/workers", first | {"id": "W11", "company": "BETA"}, page="/workers")
    assert foreign.status_code == 422 and "worker W11: unknown company BETA" in foreign.text
    known = {w.id for w in LedgerService(context.ledger).workers()}
    assert "W10" not in known and "W11" not in known
    assert acct.get("/workers/WB").status_code == 404
    assert send(acct, "/workers/WB/prices", price).status_code == 404
    assert len(LedgerService(context.ledger).worker_prices("WB")) == 1


def posted(context: Context, project: str) -> list[Transaction]:
    return list(iter_transactions(context.ledger, project=project))


def test_forms__a_journal_posted_then_a_line_reversed(context: Context) -> None:
    acct = logged_in(context, "acct")
    hours = {
        "rows": "3",
        "r0_kind": "hour",
        "r0_project": "PA",
        "r0_activity": "1",
        "r0_worker": "WA",
        "r0_date": "2026-03-03",
        "r0_hours": "7.5",
        "r0_text": "analysis",
        "r1_kind": "expense",
        "r1_project": "PA",
        "r1_activity": "1",
        "r1_date": "2026-03-03",
        "r1_amount": "120.00",
        "r2_kind": "hour",  # as the page fills a row in: no line
        "r2_project": "PA",
        "r2_date": "2026-03-03",
    }
    before = len(posted(context, "PA"))
    done = send(acct, "/journal", hours, page="/journal")
    assert done.url.path == "/projects/PA"
    assert "2 line(s), 7.50 hours, cost 495.00, revenue 750.00" in done.text
    assert "7.50" in done.text.split('id="budget"')[1]  # the project's figures
    lines = posted(context, "PA")[before:]
    assert [(t.kind, t.hours) for t in lines] == [
        (TransactionKind.HOUR, Decimal("7.50")),
        (TransactionKind.EXPENSE, Decimal("0.00")),
    ]
    hour = lines[0].id
    listing = acct.get("/journal?project=PA").text
    assert f'id="transaction-{hour}"' in listing and f"Reverse {hour}" in listing
    token = page_form_token(acct, "/journal?project=PA")
    back = acct.post(f"/transactions/{hour}/reverse", data={"form_token": token, "date": ""})
    assert back.url.path == "/journal" and f"Transaction {hour} reversed by" in back.text
    again = acct.post(f"/transactions/{hour}/reverse", data={"form_token": token})
    assert "already reversed" in again.text and 'role="alert"' in again.text
    assert len(posted(context, "PA")) == before + 3


def test_forms__a_refused_journal_posts_nothing_and_keeps_the_lines(context: Context) -> None:
    acct = logged_in(context, "acct")
    before = len(posted(context, "PA")), len(posted(context, "PB"))
    line = {
        "rows": "3",
        "r0_project": "PA",
        "r0_activity": "1",
        "r0_worker": "WA",
        "r0_date": "2026-03-04",
        "r0_hours": "2",
    }
    worse = line | {"r1_project": "PA", "r1_activity": "1", "r1_worker": "WA"}
    worse |= {"r1_date": "2026-03-04", "r1_hours": "2.555"}
    refused = send(acct, "/journal", worse, page="/journal")
    assert refused.status_code == 422
    assert "line 2 hours: &#39;2.555&#39; has more than 2 decimal places" in refused.text
    assert 'value="2.555"' in refused.text
    for project, worker in (("PB", "WA"), ("NOPE", "WA"), ("PA", "WB"), ("PA", "NOBODY")):
        other = line | {"r1_project": project, "r1_activity": "1", "r1_worker": worker}
        other |= {"r1_date": "2026-03-04", "r1_hours": "1"}
        answer = send(acct, "/journal", other, page="/journal")
        assert answer.status_code == 422
        unknown = f"project {project}" if project != "PA" else f"worker {worker}"
        assert f"line 2: unknown {unknown}" in answer.text, answer.text
    nothing = send(acct, "/journal", {"rows": "3"}, page="/journal")
    assert nothing.status_code == 422 and "no line is filled in" in nothing.text
    assert (len(posted(context, "PA")), len(posted(context, "PB"))) == before


def test_forms__another_companys_transaction_answers_as_an_unknown_one(context: Context) -> None:
    line = JournalLine(
        line=1,
        kind=TransactionKind.FEE,
        project="PB",
        activity="1",
        date=dt.date(2026, 3, 2),
        amount=Decimal("10"),
    )
    post_journal(context.ledger, [line], source="test")
    theirs = posted(context, "PB")[-1].id
    acct = logged_in(context, "acct")
    token = page_form_token(acct, "/journal")
    for transaction in (theirs, 999_999):
        refused = acct.post(f"/transactions/{transaction}/reverse", data={"form_token": token})
        assert refused.status_code == 404
    assert len(posted(context, "PB")) == 1
    assert "PB" not in acct.get("/journal?project=PB").text.split('id="posted"')[1]


def test_forms__forecasts_added_and_deleted(context: Context) -> None:
    acct = logged_in(context, "acct")
    page = "/projects/PA/forecasts"
    hour = {"kind": "hour", "activity": "1", "date": "2026-04-01", "worker": "WA", "hours": "16"}
    added = send(acct, page, hour, page=page)
    assert added.url.path == page and "Forecast" in added.text and "800.00" in added.text
    (made,) = [f for f in list_forecasts(context.ledger, "PA") if f.date == dt.date(2026, 4, 1)]
    assert (made.hours, made.cost, made.revenue) == (
        Decimal("16.00"),
        Decimal("800.00"),
        Decimal("1600.00"),
    )
    revenue = {"kind": "revenue", "activity": "1", "date": "2026-05-01", "amount": "5000"}
    assert "added" in send(acct, page, revenue, page=page).text
    for worker in ("WB", "NOBODY"):
        refused = send(acct, page, hour | {"worker": worker}, page=page)
        assert refused.status_code == 422
        assert f"forecast PA/1: unknown worker {worker}" in refused.text
    bad = send(acct, page, hour | {"hours": "-3"}, page=page)
    assert bad.status_code == 422 and "must be more than zero" in bad.text
    assert len(list_forecasts(context.ledger, "PA")) == 2
    gone = send(acct, f"{page}/{made.id}/delete", {}, page=page)
    assert f"Forecast {made.id} deleted." in gone.text
    assert len(list_forecasts(context.ledger, "PA")) == 1
    assert send(acct, f"{page}/{made.id}/delete", {}, page=page).status_code == 404


def test_forms__a_post_from_another_origin_or_without_the_token_is_refused(
    context: Context,
) -> None:
    acct = logged_in(context, "acct")
    new = {"id": "PX9", "company": "ACME", "name": "Forged"}
    assert acct.post("/new-project", data=new).status_code == 403
    token = page_form_token(acct, "/new-project")
    elsewhere = acct.post(
        "/new-project",
        data=new | {"form_token": token},
        headers={"Origin": "http://evil.example"},
    )
    assert elsewhere.status_code == 403
    assert project_of(context, "PX9") is None
