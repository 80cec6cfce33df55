"""With Redmine as the plan side: the project page draws the schedule from the
ledger's activities (the plan's dates as of the last sync), and nothing reads
the plan store as if it were the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from projsync.ledger.model import Activity, Project
from projsync.ledger.service import LedgerService
from projsync.sync.settings import set_company, set_project
from projsync.web.app import create_app
from projsync.web.context import Context, redmine_gantt
from projsync.web.model import Role
from projsync.web.pages.ledger_schedule import ledger_gantt_rows
from tests.web.conftest import PASSWORD, open_context, two_companies

MON = dt.date(2026, 3, 2)


def _activity(project: str, number: str, parent: str | None = None, days: int = 0) -> Activity:
    return Activity(
        project=project,
        number=number,
        name=f"Activity {number}",
        parent=parent,
        start=MON if days else None,
        end=MON + dt.timedelta(days=days) if days else None,
    )


def test_ledger_schedule__rows_follow_the_wbs_and_subprojects_in_plan_ids() -> None:
    projects = [
        Project(id="P", company="C", name="Top"),
        Project(id="S", company="C", name="Sub", parent="P", start=MON, end=MON),
    ]
    activities = {
        "P": [_activity("P", "1", days=4), _activity("P", "1.1", "1", days=2), _activity("P", "2")],
        "S": [_activity("S", "1", days=1)],
    }
    rows = ledger_gantt_rows(projects, activities)
    assert [(r.id, r.level, r.summary) for r in rows] == [
        ("1", 1, True),
        ("1.1", 2, False),
        ("2", 1, False),
        ("S", 1, True),
        ("S.1", 2, False),
    ]
    assert (rows[1].start, rows[1].finish) == (
        dt.datetime(2026, 3, 2, 8),  # noqa: DTZ001 (the plan's wall clock)
        dt.datetime(2026, 3, 4, 17),  # noqa: DTZ001
    )
    assert (rows[2].start, rows[2].finish) == (None, None)  # no dates: no bar


@pytest.fixture
def redmine_side(tmp_path: Path) -> Iterator[tuple[Context, TestClient, dict[str, str]]]:
    """PA synced once to the built-in plan store, then the plan side switched
    to Redmine: the store still holds PA, now stale."""
    context = open_context(tmp_path)
    ledger = LedgerService(context.ledger)
    two_companies(ledger)
    ledger.update_activity("PA", "1", start=MON, end=MON + dt.timedelta(days=4))
    set_company(context.sync, "ACME", integrate=True)
    set_project(context.sync, "PA", integrate=True)
    assert context.run_sync().summary()["failed"] == 0
    context.plan_side_name = "redmine"
    context.access.add_user("pat", name="Pat", role=Role.PROJECT_MANAGER, password=PASSWORD,
                            companies=("ACME",))  # fmt: skip
    token = context.access.create_token("pat", name="test")[1]
    with TestClient(create_app(context, background_sync=False)) as client:
        yield context, client, {"Authorization": f"Bearer {token}"}
    context.dispose()


def test_ledger_schedule__the_project_page_draws_the_ledgers_dates(
    redmine_side: tuple[Context, TestClient, dict[str, str]],
) -> None:
    context, client, pm = redmine_side
    LedgerService(context.ledger).update_activity("PA", "1", name="Work, as in Redmine")
    answer = client.get("/projects/PA", headers=pm)
    assert answer.status_code == 200
    assert "The plan is kept in redmine" in answer.text
    assert 'href="/plan/PA"' not in answer.text
    assert 'class="bar task" data-task="1"' in answer.text
    assert "Work, as in Redmine" in answer.text  # the ledger's, not the stale plan store's


@pytest.mark.parametrize(
    "path", ["/plan/PA", "/resources", "/api/v1/plan/projects", "/api/v1/plan/projects/PA/tasks"]
)
def test_ledger_schedule__the_plan_store_is_not_served_as_the_plan(
    redmine_side: tuple[Context, TestClient, dict[str, str]], path: str
) -> None:
    _context, client, pm = redmine_side
    answer = client.get(path, headers=pm)
    assert answer.status_code == 409
    assert "The plan side is redmine" in answer.text
    if path.startswith("/api/"):
        assert client.get(path).status_code == 401


def test_ledger_schedule__the_project_page_links_to_redmines_gantt_chart(
    redmine_side: tuple[Context, TestClient, dict[str, str]],
) -> None:
    context, client, pm = redmine_side
    context.plan_url = redmine_gantt("http://redmine.test/", "acme-")
    answer = client.get("/projects/PA", headers=pm)
    assert 'href="http://redmine.test/projects/acme-pa/issues/gantt"' in answer.text
    # a project the sync has not linked yet has no place there
    LedgerService(context.ledger).add_project(Project(id="PN", company="ACME", name="New"))
    assert "issues/gantt" not in client.get("/projects/PN", headers=pm).text


def test_ledger_schedule__without_the_right_to_read_the_plan_it_is_403_first(
    redmine_side: tuple[Context, TestClient, dict[str, str]],
) -> None:
    context, client, _pm = redmine_side
    context.access.add_user("tim", name="Tim", role=Role.TEAM_MEMBER, password=PASSWORD,
                            worker="WA")  # fmt: skip
    token = context.access.create_token("tim", name="test")[1]
    answer = client.get("/api/v1/plan/projects", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
