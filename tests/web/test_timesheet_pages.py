"""The plan timesheet's pages over HTTP: BETA's team member saves and submits
a week of their resource, BETA's project manager rejects or approves it, and
ACME's weeks and projects never show."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from projsync.plan.entities import TimesheetCell, TimesheetEntry, TimesheetStatus
from projsync.plan.timesheets import TimesheetService
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.pages.timesheets import read_week
from tests.web.conftest import PASSWORD, page_form_token, synced_two_companies

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    context, _tokens = synced_two_companies(tmp_path_factory.mktemp("timesheet-pages"))
    sheets = TimesheetService(context.plan)  # ACME's week, waiting for ACME's manager
    sheets.record("WA", [TimesheetCell(project="PA", task="1", day=MONDAY, hours=Decimal(3))])
    sheets.submit("WA", MONDAY)
    yield context
    context.dispose()


def logged_in(context: Context, login: str) -> TestClient:
    client = TestClient(create_app(context, background_sync=False))
    client.post("/login", data={"login": login, "password": PASSWORD}, follow_redirects=False)
    return client


def week_form(client: TestClient, task: str, *hours: str, action: str = "save") -> dict[str, str]:
    form = {"form_token": page_form_token(client, "/timesheet?week=2026-W10")}
    form |= {"week": "2026-W10", "rows": "1", "r0_task": task, "r0_note": "", "action": action}
    return form | {f"r0_d{day}": text for day, text in enumerate(hours)}


def test_timesheet_pages__a_week_refused_then_submitted_rejected_and_approved(
    context: Context,
) -> None:
    member = logged_in(context, "bill")
    shown = member.get("/timesheet?week=2026-W10")
    assert shown.status_code == 200 and "Timesheet of Worker WB" in shown.text
    assert 'value="PB|1"' in shown.text and "PA|" not in shown.text
    refused = member.post("/timesheet", data=week_form(member, "PB|1", "25", "8"))
    assert refused.status_code == 422
    assert re.search(r'name="r0_d0" value="25"[^>]*title="hours 25 exceed 24"', refused.text)
    forged = member.post("/timesheet", data=week_form(member, "PA|1", "2"))
    assert forged.status_code == 422 and "unknown project PA" in forged.text
    assert TimesheetService(context.plan).lines(resources=["WB"]) == []

    done = member.post("/timesheet", data=week_form(member, "PB|1", "8", "6", action="submit"))
    assert done.url.path == "/timesheet" and "Submitted to your manager." in done.text
    assert 'id="status">submitted<' in done.text and 'id="save-week"' not in done.text

    manager = logged_in(context, "ben")
    waiting = manager.get("/approvals").text
    assert 'id="week-WB-2026-W10"' in waiting and "14.00" in waiting
    assert "WA" not in waiting  # ACME's week is ACME's manager's
    token = page_form_token(manager, "/approvals")
    decision = {"form_token": token, "resource": "WB", "week": "2026-W10"}
    bare = manager.post("/approvals", data=decision | {"decision": "reject"})
    assert "a rejection needs a comment saying why" in bare.text
    manager.post("/approvals", data=decision | {"decision": "reject", "comment": "Tuesday off"})
    again = member.get("/timesheet?week=2026-W10").text
    assert "Sent back by your manager: Tuesday off" in again
    member.post("/timesheet", data=week_form(member, "PB|1", "8", "", action="submit"))
    approved = manager.post("/approvals", data=decision | {"decision": "approve"})
    assert "Week 2026-W10 of WB approved." in approved.text
    (line,) = TimesheetService(context.plan).lines(resources=["WB"])
    assert (line.day, line.hours, line.status) == (
        MONDAY,
        Decimal("8.00"),
        TimesheetStatus.APPROVED,
    )
    listed = manager.get("/approvals?show=approved").text
    assert 'id="week-WB-2026-W10"' in listed and 'value="reopen"' in listed
    reopened = manager.post("/approvals", data=decision | {"decision": "reopen"})
    assert "Week 2026-W10 of WB reopened" in reopened.text
    assert TimesheetService(context.plan).week("WB", MONDAY).status is TimesheetStatus.DRAFT
    forged_decision = manager.post(
        "/approvals", data=decision | {"resource": "WA", "decision": "approve"}
    )
    assert forged_decision.status_code == 404
    assert TimesheetService(context.plan).week("WA", MONDAY).status is TimesheetStatus.SUBMITTED
    TimesheetService(context.plan).approve("WA", MONDAY)  # by ACME's manager
    assert "WA" not in manager.get("/approvals?show=approved").text
    forged_reopening = manager.post(
        "/approvals", data=decision | {"resource": "WA", "decision": "reopen"}
    )
    assert forged_reopening.status_code == 404
    assert TimesheetService(context.plan).week("WA", MONDAY).status is TimesheetStatus.APPROVED


def test_timesheet_pages__who_opens_which(context: Context) -> None:
    admin = logged_in(context, "ann")  # no worker: no timesheet of their own
    assert admin.get("/timesheet").status_code == 403
    assert 'href="/timesheet"' not in admin.get("/approvals").text
    member = logged_in(context, "bill")
    assert member.get("/approvals").status_code == 403
    assert 'href="/timesheet"' in member.get("/timesheet").text
    assert logged_in(context, "bea").get("/approvals").status_code == 403


def _line(task: str, day: int, hours: str) -> TimesheetEntry:
    return TimesheetEntry(
        id=1, resource="R", project="P", task=task, day=MONDAY + dt.timedelta(days=day),
        hours=Decimal(hours), note="", status=TimesheetStatus.DRAFT, version=1,
    )  # fmt: skip


def test_read_week__a_row_moved_to_another_task_removes_the_old_lines() -> None:
    form = {"rows": "2", "r0_task": "P|B", "r0_d1": "7,5", "r0_note": " site ", "r1_d3": "2"}
    sheet = read_week(form, MONDAY, [_line("A", 1, "7.5")])
    assert sheet.errors == {"r1_d3": ["choose the task of this row"]}
    typed = [(c.task, c.day.day, c.hours, c.note) for c in sheet.cells if c.hours]
    assert typed == [("B", 3, Decimal("7.50"), "site")]
    assert [(c.task, c.hours) for c in sheet.cells if c.task == "A"] == [("A", Decimal(0))]
    assert len([c for c in sheet.cells if c.task == "B"]) == 7  # a blank day removes its line


def test_timesheet_pages__an_approved_weeks_lines_say_what_the_ledger_made_of_them(
    context: Context,
) -> None:
    """WB's Monday holds 20 hours in the ledger already: of an approved week of
    8 hours on Tuesday and 6 on Monday, the sync posts Tuesday's and the
    ledger refuses Monday's, which the manager reads on the approvals page."""
    from projsync.ledger.model import JournalLine, TransactionKind
    from projsync.ledger.posting import post_journal

    post_journal(
        context.ledger,
        [JournalLine(line=1, kind=TransactionKind.HOUR, project="PB", activity="1",
                     worker="WB", date=MONDAY, hours=Decimal(20))],
        source="test",
    )  # fmt: skip
    sheets = TimesheetService(context.plan)
    sheets.record("WB", [
        TimesheetCell(project="PB", task="1", day=MONDAY, hours=Decimal(6)),
        TimesheetCell(project="PB", task="1", day=MONDAY + dt.timedelta(days=1), hours=Decimal(8)),
    ])  # fmt: skip
    sheets.submit("WB", MONDAY)
    sheets.approve("WB", MONDAY)
    context.run_sync()

    shown = logged_in(context, "ben").get("/approvals?show=approved").text

    week = shown.split('id="week-WB-2026-W10"', 1)[1].split("</form>", 1)[0]
    assert "In the ledger: 1 of 2 lines posted." in week
    assert "2026-03-02 PB/1, 6.00 h: plan timesheet line" in week
    assert "worker WB would have 26.00 hours on 2026-03-02; at most 24 per day" in week
    from projsync.web.model import Role

    manager = logged_in(context, "ben")
    held = manager.get("/api/v1/sync/log", params={"entity_type": "timesheet line"}).json()
    assert sorted((e["status"], e["plan_key"]) for e in held) == [
        ("completed", "PB/1"),
        ("refused", "PB/1"),
    ]
    context.access.add_user(
        "amy", name="amy", role=Role.PROJECT_MANAGER, password=PASSWORD, companies=("ACME",)
    )
    other = logged_in(context, "amy")
    assert other.get("/api/v1/sync/log", params={"entity_type": "timesheet line"}).json() == []
    assert other.get(f"/api/v1/sync/log/{held[0]['id']}").status_code == 404
