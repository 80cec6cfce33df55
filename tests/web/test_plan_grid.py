"""The plan page's grid and its API: a row's edit saved and the project
rescheduled in one go, refused whole with the reason when any of it is
wrong, only by those who may write the plan, of their companies' projects,
and from the page's own origin with the session's form token. And the plan
page itself: zoom, collapsed summaries, the grid editable or not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from projsync.ledger.demo import DEMO_COMPANY, ROOT_PROJECTS, load_demo
from projsync.ledger.model import Company
from projsync.ledger.service import LedgerService
from projsync.plan.changes import current_version
from projsync.plan.demo import DEMO_LINKS, DEMO_MILESTONES, shape_demo_plan
from projsync.plan.entities import PlanLink, PlanResource
from projsync.plan.model import DependencyType, LagKind
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.sync import settings as sync_settings
from projsync.web.app import create_app
from projsync.web.auth import form_token
from projsync.web.context import Context
from projsync.web.model import Role
from projsync.web.plan_grid import predecessors_text
from tests.web.conftest import PASSWORD, open_context

PLAN = "PRJ-1000"
MECHANICAL = "PRJ-1000-02.2.1"
ELECTRICAL = "PRJ-1000-02.2.2"
COMMISSIONING = "PRJ-1000-02.3"
GRID = f"/api/v1/plan/projects/{PLAN}/grid"


def demo_schedule(context: Context) -> None:
    """The demo as ``projsync demo`` leaves it: loaded, integrated,
    synchronized, scheduled, shaped into a real schedule, synchronized again."""
    ledger = LedgerService(context.ledger)
    load_demo(context.ledger)
    sync_settings.set_company(context.sync, DEMO_COMPANY, integrate=True)
    for project in ROOT_PROJECTS:
        sync_settings.set_project(context.sync, project, integrate=True)
    for worker in ledger.workers():
        ledger.set_worker_integrated(worker.id, True)
    assert context.run_sync().failed == 0
    for project in ROOT_PROJECTS:
        schedule_project(context.plan, project)
    assert shape_demo_plan(context.plan)
    assert context.run_sync().failed == 0


@dataclass(frozen=True)
class Stage:
    context: Context
    client: TestClient
    tokens: dict[str, str]

    def as_(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}"}

    def task(self, task_id: str) -> dict[str, Any]:
        rows = self.client.get(f"/api/v1/plan/projects/{PLAN}/tasks", headers=self.as_("pm"))
        return next(t for t in rows.json()["tasks"] if t["id"] == task_id)

    def version(self) -> int:
        with self.context.plan.read() as conn:
            return current_version(conn)


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    context = open_context(tmp_path_factory.mktemp("grid"))
    demo_schedule(context)
    LedgerService(context.ledger).add_company(Company(id="OTHER", name="Other", currency="EUR"))
    users = (
        ("pm", Role.PROJECT_MANAGER, None, (DEMO_COMPANY,)),
        ("acct", Role.PROJECT_ACCOUNTANT, None, (DEMO_COMPANY,)),
        ("tm", Role.TEAM_MEMBER, "W-001", (DEMO_COMPANY,)),
        ("stranger", Role.PROJECT_MANAGER, None, ("OTHER",)),
    )
    tokens = {}
    for login, role, worker, companies in users:
        context.access.add_user(
            login, name=login, role=role, password=PASSWORD, worker=worker, companies=companies
        )
        tokens[login] = context.access.create_token(login, name="test")[1]
    with TestClient(create_app(context, background_sync=False)) as client:
        yield Stage(context=context, client=client, tokens=tokens)
    context.dispose()


def test_plan_grid__the_demo_has_a_schedule_with_links_milestones_and_a_baseline(
    stage: Stage,
) -> None:
    plan = PlanService(stage.context.plan)
    tasks = {t.id: t for t in plan.tasks(PLAN)}
    assert sum(1 for t in tasks.values() if t.milestone) == 2
    assert len(plan.links(PLAN)) == sum(1 for link in DEMO_LINKS if link[0] == PLAN)
    assert all(t.baseline_finish is not None for t in tasks.values())
    # the electrical installation slipped after the baseline, and what follows it
    for late in (ELECTRICAL, COMMISSIONING, "PRJ-1000-02.4"):
        task = tasks[late]
        assert task.finish is not None and task.baseline_finish is not None
        assert task.finish > task.baseline_finish, late
    assert any(0 < t.percent_complete < 100 for t in tasks.values())  # work in progress
    ledger = LedgerService(stage.context.ledger)
    names = {a.name for a in ledger.activities("PRJ-1000-02")}
    assert "Plant handed over" in names  # the milestone born in the plan is an activity
    assert {m[1] for m in DEMO_MILESTONES} <= {
        t.id for p in ("PRJ-1000", "PRJ-2000") for t in plan.tasks(p)
    }


def test_plan_grid__a_new_duration_reschedules_the_successors(stage: Stage) -> None:
    pm = stage.as_("pm")
    before = stage.task(MECHANICAL), stage.task(COMMISSIONING)
    answer = stage.client.patch(f"{GRID}/{MECHANICAL}", headers=pm, json={"duration": "35d"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["task"]["duration"] == 35 * 480
    assert answer.json()["schedule"]["project"] == PLAN
    mechanical, commissioning = stage.task(MECHANICAL), stage.task(COMMISSIONING)
    assert mechanical["finish"] > before[0]["finish"]
    assert commissioning["start"] > before[1]["start"]  # the successor moved
    assert mechanical["baseline_finish"] == before[0]["baseline_finish"]


def test_plan_grid__predecessors_as_typed_replace_the_links_in(stage: Stage) -> None:
    pm = stage.as_("pm")
    typed = f"{MECHANICAL}:SS+2d,PRJ-1000-02.1"
    answer = stage.client.patch(f"{GRID}/{ELECTRICAL}", headers=pm, json={"predecessors": typed})
    assert answer.status_code == 200, answer.text
    links = stage.client.get(f"/api/v1/plan/projects/{PLAN}/tasks", headers=pm).json()["links"]
    into = sorted(
        (k["predecessor"], k["type"], k["lag_minutes"])
        for k in links
        if k["successor"] == ELECTRICAL
    )
    assert into == [("PRJ-1000-02.1", "FS", 0), (MECHANICAL, "SS", 960)]
    page = stage.client.get(f"/plan/{PLAN}", headers=pm).text
    assert f'data-field="predecessors">{typed}<' in page


@pytest.mark.parametrize(
    ("row", "where", "what"),
    [
        ({"duration": "three days"}, "duration", "cannot read duration"),
        ({"duration": "-2d"}, "duration", "negative"),
        ({"predecessors": "PRJ-1000-02.3"}, "link", "cycle"),
        ({"predecessors": "NOPE"}, "link", "there is no predecessor"),
        ({"predecessors": "PRJ-1000-02.1:XX"}, "predecessors", "cannot read predecessor"),
        ({"duration": "2d", "predecessors": "PRJ-1000-02.3"}, "link", "cycle"),
        ({"name": "x", "duration": "2 parsecs"}, "duration", "unknown unit"),
    ],
)
def test_plan_grid__a_wrong_row_is_refused_whole_and_nothing_is_saved(
    stage: Stage, row: dict[str, Any], where: str, what: str
) -> None:
    before, version = stage.task(MECHANICAL), stage.version()
    answer = stage.client.patch(f"{GRID}/{MECHANICAL}", headers=stage.as_("pm"), json=row)
    assert answer.status_code == 422, answer.text
    problems = answer.json()["detail"]
    assert any(p["where"].startswith(where) and what in p["what"] for p in problems), problems
    assert stage.task(MECHANICAL) == before
    assert stage.version() == version


def test_plan_grid__bounds_rights_and_scope(stage: Stage) -> None:
    path = f"{GRID}/{MECHANICAL}"
    for wrong in ({"percent_complete": 101}, {"percent_complete": "5"}, {"colour": "red"},
                  {"type": "fixed-cost"}, {"duration": ""}, {"name": "x" * 251}):  # fmt: skip
        assert stage.client.patch(path, headers=stage.as_("pm"), json=wrong).status_code == 422
    assert stage.client.patch(path, headers=stage.as_("acct"), json={}).status_code == 403
    assert stage.client.patch(path, headers=stage.as_("tm"), json={}).status_code == 403
    foreign = stage.client.patch(path, headers=stage.as_("stranger"), json={"duration": "1d"})
    assert foreign.status_code == 404
    unknown = stage.client.patch(f"{GRID}/NOPE", headers=stage.as_("pm"), json={"duration": "1d"})
    assert unknown.status_code == 404
    done = stage.client.patch(
        path, headers=stage.as_("pm"), json={"percent_complete": 10, "type": "fixed-duration"}
    )
    assert done.status_code == 200, done.text
    assert (done.json()["task"]["percent_complete"], done.json()["task"]["type"]) == (
        10,
        "fixed-duration",
    )


def test_plan_grid__a_session_saves_only_with_the_pages_form_token(stage: Stage) -> None:
    client = TestClient(create_app(stage.context, background_sync=False))
    answer = client.post(
        "/login", data={"login": "pm", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 303
    page = client.get(f"/plan/{PLAN}").text
    token = re.search(r'data-form-token="([0-9a-f]{64})"', page)
    assert token is not None
    path = f"{GRID}/{ELECTRICAL}"
    assert client.patch(path, json={"percent_complete": 5}).status_code == 403
    other = {"Origin": "http://testserver:8001", "X-Form-Token": token.group(1)}
    assert client.patch(path, json={"percent_complete": 5}, headers=other).status_code == 403
    own = {"Origin": "http://testserver", "X-Form-Token": token.group(1)}
    assert client.patch(path, json={"percent_complete": 5}, headers=own).status_code == 200
    session = client.cookies.get("projsync_session") or ""
    assert not session or token.group(1) == form_token(session)


def test_plan_grid__the_page_is_editable_only_for_plan_writers(stage: Stage) -> None:
    editable = stage.client.get(f"/plan/{PLAN}", headers=stage.as_("pm")).text
    assert 'table id="tasks" class="grid edit"' in editable
    assert 'tabindex="0" data-field="duration"' in editable and "plan_grid.js" in editable
    read_only = stage.client.get(f"/plan/{PLAN}", headers=stage.as_("acct")).text
    assert 'table id="tasks" class="grid read"' in read_only
    assert "data-field" not in read_only.split('id="tasks"')[1]
    assert "plan_grid.js" not in read_only and "data-form-token" not in read_only
    assert (
        "<input"
        not in stage.client.get(f"/projects/{PLAN}", headers=stage.as_("pm")).text.split(
            'id="tasks"'
        )[1]
    )


def test_plan_grid__zoom_and_collapsed_summaries_by_address(stage: Stage) -> None:
    pm = stage.as_("pm")
    for zoom in ("days", "weeks", "months"):
        page = stage.client.get(f"/plan/{PLAN}?zoom={zoom}", headers=pm).text
        assert f'class="gantt zoom-{zoom}"' in page
        assert re.search(rf'<a href="[^"]*zoom={zoom}"[^>]*aria-current="page"', page)
    assert 'class="gantt zoom-fit"' in stage.client.get(f"/plan/{PLAN}?zoom=x", headers=pm).text
    whole = stage.client.get(f"/plan/{PLAN}", headers=pm).text
    assert 'aria-label="Collapse Construction"' in whole
    folded = stage.client.get(f"/plan/{PLAN}?collapse=PRJ-1000-02&zoom=weeks", headers=pm).text
    assert 'aria-label="Expand Construction"' in folded
    assert f'data-task="{MECHANICAL}"' not in folded and f'id="task-{MECHANICAL}"' not in folded
    assert 'data-task="PRJ-1000-01.2"' in folded
    assert (
        'id="expand-all" ' not in folded
        and 'href="/plan/PRJ-1000?zoom=weeks" id="expand-all"' in folded
    )


def test_plan_grid__predecessors_text_reads_as_the_command_line_takes_it() -> None:
    def link(predecessor: str, **extra: Any) -> PlanLink:
        return PlanLink(project="P", predecessor=predecessor, successor="S", **extra)

    assert predecessors_text([]) == ""
    assert (
        predecessors_text([link("T1"), link("T2", type=DependencyType.SS, lag=480)])
        == "T1,T2:SS+1d"
    )
    assert predecessors_text([link("T3", type=DependencyType.FF, lag=-120)]) == "T3:FF-2h"
    assert predecessors_text([link("T4", lag=50, lag_kind=LagKind.PERCENT)]) == "T4:FS+50%"
    assert predecessors_text([link("T5", lag=1440, lag_kind=LagKind.ELAPSED)]) == "T5:FS+1ed"
    assert dt.date(2026, 1, 1)  # the module's dates are the demo's


def test_plan_grid__resources_as_typed_are_put_on_and_taken_off(stage: Stage) -> None:
    pm, task = stage.as_("pm"), "PRJ-1000-01.2"
    PlanService(stage.context.plan).add_resource(PlanResource(id="X-1", name="No company's"))

    def staff() -> list[str]:
        return sorted(a.resource for a in PlanService(stage.context.plan).assignments(PLAN)
                      if a.task == task)  # fmt: skip

    put = stage.client.patch(f"{GRID}/{task}", headers=pm, json={"resources": "W-004, W-003"})
    assert put.status_code == 200, put.text
    assert staff() == ["W-003", "W-004"]
    page = stage.client.get(f"/plan/{PLAN}", headers=pm).text
    assert 'data-field="resources">W-003, W-004<' in page
    version = stage.version()
    for unknown in ("W-004, NOPE", "X-1"):  # none such, or none of the caller's companies
        refused = stage.client.patch(f"{GRID}/{task}", headers=pm, json={"resources": unknown})
        assert refused.status_code == 422, refused.text
        (problem,) = refused.json()["detail"]
        assert problem["where"] == "resources" and "there is no resource" in problem["what"]
    assert (staff(), stage.version()) == (["W-003", "W-004"], version)
    off = stage.client.patch(f"{GRID}/{task}", headers=pm, json={"resources": "W-004"})
    assert off.status_code == 200, off.text
    assert staff() == ["W-004"]
    summary = stage.client.patch(f"{GRID}/PRJ-1000-01", headers=pm, json={"resources": "W-004"})
    assert summary.status_code == 422 and "summary" in summary.text
