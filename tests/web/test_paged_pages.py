"""Pages that scale, over HTTP: the integration log a page at a time by
cursor with list filters and entries in people's words, the resource center
paging through time, and the settings telling what is really integrated and
setting a project's field owners."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from projsync.ledger.model import Project
from projsync.ledger.service import LedgerService
from projsync.plan.entities import PlanProject, PlanResource, PlanTask
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.sync.log import LogStatus, add_entry, entries
from projsync.sync.settings import (
    GlobalSettings,
    ProjectSettings,
    project_settings_of,
    set_project,
)
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.log_view import PAGE_SIZE, payload_rows
from projsync.web.pages.admin import project_integration
from tests.web.conftest import synced_two_companies

ENTRY = re.compile(r'<tr id="entry-(\d+)"')


@dataclass
class Staged:
    context: Context
    client: TestClient
    tokens: dict[str, str]

    def get(self, login: str, path: str) -> str:
        answer = self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[login]}"})
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.text

    def post(self, login: str, path: str, data: dict[str, str]) -> tuple[int, str]:
        answer = self.client.post(
            path, data=data, headers={"Authorization": f"Bearer {self.tokens[login]}"}
        )
        return answer.status_code, answer.text


@pytest.fixture
def staged(tmp_path: Path) -> Iterator[Staged]:
    """Both companies integrated and synchronized; ann administers, ben
    manages BETA's projects."""
    context, tokens = synced_two_companies(tmp_path)
    with TestClient(create_app(context, background_sync=False)) as client:
        yield Staged(context=context, client=client, tokens=tokens)
    context.dispose()


def _add(
    context: Context, count: int, *, start: int = 0, key: str = "PA", **values: object
) -> None:
    """``count`` more failed worker or activity entries of ``key``'s company."""
    with context.sync.write() as conn:
        for n in range(start, start + count):
            add_entry(
                conn,
                run=1,
                origin=str(values.get("origin", "ledger")),
                destination=str(values.get("destination", "plan")),
                entity_type=str(values.get("entity_type", "task")),
                entity_key=f"{key}/{n}",
                action="update",
                entity_version=n,
                status=values.get("status", LogStatus.FAILED),  # type: ignore[arg-type]
                user="sync",
                payload={"name": f"Task {n}"},
            )


def _ids(text: str) -> list[int]:
    return [int(found) for found in ENTRY.findall(text)]


def _link(text: str, which: str) -> str | None:
    found = re.search(rf'<a class="{which}" href="([^"]+)"', text)
    return html.unescape(found.group(1)) if found else None


def test_log_page__pages_by_cursor_none_twice_none_skipped_while_entries_arrive(
    staged: Staged,
) -> None:
    context = staged.context
    _add(context, 2 * PAGE_SIZE + 30)
    before = {e.id for e in entries(context.sync, limit=10_000)}
    first = staged.get("ann", "/log")
    seen = _ids(first)
    assert len(seen) == PAGE_SIZE and seen == sorted(seen, reverse=True)
    assert seen[0] == max(before)
    assert _link(first, "newer") is None
    pages, following = 1, _link(first, "older")
    while following is not None:
        _add(context, 7, start=1_000 * pages)  # a run writes while someone pages
        text = staged.get("ann", following)
        shown = _ids(text)
        assert shown and shown == sorted(shown, reverse=True)
        assert not set(shown) & set(seen), "an entry shown twice"
        seen += shown
        pages, following = pages + 1, _link(text, "older")
    assert set(seen) == before  # every entry there was when paging began, once each
    assert pages == 3
    # and back up, a newer page at a time: every entry there is now, once each
    upward = _ids(text)
    newer = _link(text, "newer")
    while newer is not None:
        text = staged.get("ann", newer)
        shown = _ids(text)
        assert shown and not set(shown) & set(upward), "an entry shown twice"
        upward += shown
        newer = _link(text, "newer")
    assert set(upward) == {e.id for e in entries(context.sync, limit=10_000)}
    assert _link(text, "older") is not None


def test_log_page__list_filters_combine_and_are_kept_from_page_to_page(staged: Staged) -> None:
    context = staged.context
    _add(context, PAGE_SIZE + 5, entity_type="resource", status=LogStatus.FAILED)
    _add(context, 20, start=500, entity_type="task", status=LogStatus.FAILED)
    _add(context, 20, start=600, entity_type="resource", status=LogStatus.CANCELLED)
    _add(context, 20, start=700, entity_type="resource", origin="plan", destination="ledger")
    query = "/log?status=failed&status=cancelled&entity_type=worker&origin=ledger"
    text = staged.get("ann", query)
    wanted = {
        e.id
        for e in entries(context.sync, limit=10_000)
        if e.status in (LogStatus.FAILED, LogStatus.CANCELLED)
        and e.entity_type == "resource header"
        and e.origin == "ledger"
    }
    older = _link(text, "older")
    assert older is not None
    for kept in ("status=failed", "status=cancelled", "entity_type=worker", "origin=ledger"):
        assert kept in older
    shown = set(_ids(text)) | set(_ids(staged.get("ann", older)))
    assert shown == wanted and len(wanted) == PAGE_SIZE + 5 + 20
    assert '<input type="checkbox" name="entity_type" value="worker" checked>' in text
    assert '<input type="checkbox" name="status" value="cancelled" checked>' in text
    assert '<input type="checkbox" name="origin" value="plan" >' in text
    # the stored names work too, and a run
    cancelled = {e.id for e in entries(context.sync, status=LogStatus.CANCELLED, limit=10_000)}
    stored = "/log?entity_type=resource+header&status=cancelled&run=1"
    assert set(_ids(staged.get("ann", stored))) == cancelled and len(cancelled) == 20
    assert _ids(staged.get("ann", "/log?status=cancelled&run=2")) == []
    refused = staged.get("ann", "/log?entity_type=gizmo")
    assert "entity type &#39;gizmo&#39; is not one of project, subproject" in refused
    assert "No log entries match." in refused


def test_log_page__speaks_peoples_words_and_shows_the_payload_as_rows(staged: Staged) -> None:
    with staged.context.sync.write() as conn:
        entry = add_entry(
            conn,
            run=1,
            origin="ledger",
            destination="plan",
            entity_type="resource",
            entity_key="WA",
            action="update",
            entity_version=-1,
            status=LogStatus.COMPLETED,
            user="sync",
            payload={
                "name": "R&D <team>",
                "custom_fields": {"DAX_12_WorkerId": "WA", "DAX_99_Note": 'a "quoted" café'},
                "custom_lookups": ["DAX_12_WorkerId", "DAX_99_Note"],
                "available_until": None,
            },
        )
    text = staged.get("ann", "/log")
    row = re.search(rf'<tr id="entry-{entry}".*?</tr>', text, re.S)
    assert row is not None
    shown = row.group(0)
    assert '<span class="entity-type">worker</span> <b>WA</b>' in shown
    assert '<td class="num"></td>' in shown  # version -1: nothing
    assert "<dt>name</dt><dd>R&amp;D &lt;team&gt;</dd>" in shown
    assert "<dt>custom fields · DAX_99_Note</dt><dd>a &#34;quoted&#34; café</dd>" in shown
    assert "<dt>custom lookups</dt><dd>DAX_12_WorkerId, DAX_99_Note</dd>" in shown
    assert "<dt>available until</dt><dd>—</dd>" in shown
    assert "\\u00" not in text and "hierarchy node" not in text and "resource header" not in text
    assert payload_rows({"a": {"b": {"c": 1}}, "d": True}) == [("a · b · c", "1"), ("d", "yes")]
    admin = {"Authorization": f"Bearer {staged.tokens['ann']}"}
    listed = staged.client.get("/api/v1/sync/log?entity=WA", headers=admin).json()
    assert {(e["entity_type"], e["entity_label"]) for e in listed} == {
        ("resource header", "worker")
    }


def test_log_page__another_companys_entries_are_never_shown(staged: Staged) -> None:
    context = staged.context
    _add(context, PAGE_SIZE + 10, key="PA")
    _add(context, 15, start=400, key="PB")
    mine = {e.id for e in entries(context.sync, limit=10_000) if e.entity_key.startswith("PB")}
    mine |= {e.id for e in entries(context.sync, entity="WB")}
    acme = re.compile(r"\b(ACME|PA|WA)\b")
    text = staged.get("ben", "/log")
    assert set(_ids(text)) == mine and not acme.findall(text)
    assert _link(text, "older") is None and _link(text, "newer") is None
    for path in ("/log?entity=PA", "/log?entity_type=worker&entity=WA&status=completed"):
        assert _ids(staged.get("ben", path)) == [], path  # the key typed is all there is of it
    for path in ("/log?before=1000000", "/log?status=failed&entity_type=activity", "/log?run=1"):
        shown = staged.get("ben", path)
        assert not acme.findall(shown), path
    after = staged.get("ben", f"/log?after={min(mine) - 1}")
    assert set(_ids(after)) == mine


def _weeks(text: str) -> dict[str, str]:
    """The allocation table's first row: each week's Monday → hours shown."""
    heads = re.findall(r'data-week="([\d-]+)"', text)
    body = text.split('id="allocation"', 1)[1].split("<tbody>", 1)[1]
    cells = re.findall(r'<td class="load[^"]*"[^>]*>([^<]*)</td>', body.split("</tr>", 1)[0])
    return dict(zip(heads, cells, strict=True))


def test_resource_center__pages_through_time_from_any_week(staged: Staged) -> None:
    plan = PlanService(staged.context.plan)
    monday = dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 - a plan's dates are local
    plan.add_project(PlanProject(id="LONG", name="Long", start=monday))
    plan.add_tasks("LONG", [PlanTask(project="LONG", id="T1", name="Dig", duration=45 * 5 * 480)])
    plan.add_resource(PlanResource(id="AAA", name="Digger"))
    plan.assign("LONG", "T1", "AAA")
    schedule_project(staged.context.plan, "LONG")
    first = staged.get("ann", "/resources")
    weeks = _weeks(first)
    assert len(weeks) == 26 and next(iter(weeks)) == "2026-03-02"
    assert weeks["2026-03-02"] == "40"
    forty_on = (dt.date(2026, 3, 2) + dt.timedelta(weeks=40)).isoformat()
    assert forty_on not in weeks
    later = re.search(r'id="later-weeks" href="([^"]+)"', first)
    assert later is not None and later.group(1) == "/resources?from=2026-08-31"
    second = staged.get("ann", later.group(1))
    assert _weeks(second)[forty_on] == "40"
    back = re.search(r'id="earlier-weeks" href="([^"]+)"', second)
    assert back is not None and next(iter(_weeks(staged.get("ann", back.group(1))))) == "2026-03-02"
    # any day snaps to its Monday; weeks without allocation are shown, empty
    far = _weeks(staged.get("ann", "/resources?from=2030-01-02"))
    assert next(iter(far)) == "2029-12-31" and set(far.values()) == {""} and len(far) == 26
    today = staged.get("ann", "/resources")
    assert re.search(r'id="this-week" href="/resources\?from=\d{4}-\d{2}-\d{2}"', today)
    for odd in ("nope", "9999-12-31", "0001-01-01"):
        assert staged.client.get(
            f"/resources?from={odd}", headers={"Authorization": f"Bearer {staged.tokens['ann']}"}
        ).status_code == 200  # fmt: skip
    assert "is not a date" in staged.get("ann", "/resources?from=nope")
    assert "AAA" not in staged.get("ben", "/resources?from=2026-08-31")  # linked to no company


def test_settings__a_subproject_shows_as_integrated_through_its_parent(staged: Staged) -> None:
    ledger = LedgerService(staged.context.ledger)
    ledger.add_project(Project(id="PA-1", company="ACME", name="Sub", parent="PA"))
    ledger.add_project(Project(id="PC", company="ACME", name="Alone"))
    text = staged.get("ann", "/settings")

    def said(project: str) -> str:
        found = re.search(
            rf'<tr id="settings-{project}">.*?<td class="integration">(.*?)</td>', text, re.S
        )
        assert found is not None, project
        return re.sub(r"<[^>]+>", "", found.group(1)).strip()

    assert said("PA") == "integrated"
    assert said("PA-1") == "integrated through PA"
    assert said("PC") == "not integrated"
    assert staged.context.run_sync().failed == 0  # the sync agrees: PA-1 went across
    across = entries(staged.context.sync, entity="PA-1")
    assert [(e.entity_type, e.action, e.status) for e in across] == [
        ("hierarchy node", "create", LogStatus.COMPLETED)
    ]
    assert "PC" not in {e.entity_key for e in entries(staged.context.sync, limit=10_000)}


def test_settings__field_owners_are_saved_refused_for_bad_input_and_for_others(
    staged: Staged,
) -> None:
    text = staged.get("ann", "/settings/projects/PA")
    assert 'name="owner:name"' in text and 'name="owner:start"' in text
    status, saved = staged.post(
        "ann", "/settings/projects/PA/owners", {"owner:name": "plan", "owner:start": "ledger"}
    )
    assert status == 200 and "Field owners of PA saved." in saved
    assert project_settings_of(staged.context.sync)["PA"].own_owners() == {
        "name": "plan",
        "start": "ledger",
    }
    assert '<option value="plan" selected>plan</option>' in saved
    for bad, said in (
        ({"owner:name": "boss"}, "owner of name: must be ledger, plan or none"),
        ({"owner:nme": "plan"}, "owner of nme: no such field"),
    ):
        status, refused = staged.post("ann", "/settings/projects/PA/owners", bad)
        assert status == 200 and 'role="alert"' in refused and said in refused
    assert project_settings_of(staged.context.sync)["PA"].own_owners() == {
        "name": "plan",
        "start": "ledger",
    }
    set_project(staged.context.sync, "PA", owners={"name": "none", "start": "plan"})
    status, _ = staged.post("ben", "/settings/projects/PB/owners", {"owner:name": "plan"})
    assert status == 403
    ben = staged.client.get(
        "/settings/projects/PB", headers={"Authorization": f"Bearer {staged.tokens['ben']}"}
    )
    assert ben.status_code == 403
    assert (
        "PB" not in project_settings_of(staged.context.sync)
        or not project_settings_of(staged.context.sync)["PB"].own_owners()
    )
    unknown = staged.client.get(
        "/settings/projects/NOPE", headers={"Authorization": f"Bearer {staged.tokens['ann']}"}
    )
    assert unknown.status_code == 404


def test_settings__integration_in_words_as_a_run_decides_it() -> None:
    projects = [
        Project(id="TOP", company="ACME", name="Top"),
        Project(id="SUB", company="ACME", name="Sub", parent="TOP"),
        Project(id="LEAF", company="ACME", name="Leaf", parent="SUB"),
        Project(id="OWN", company="ACME", name="Own", parent="SUB"),
        Project(id="ELSE", company="BETA", name="Else"),
    ]
    chosen = {key: ProjectSettings(project=key, integrate=True) for key in ("TOP", "OWN", "ELSE")}
    said = project_integration(projects, chosen, {"ACME"}, GlobalSettings())
    assert said == {
        "TOP": "integrated",
        "SUB": "through TOP",
        "LEAF": "through TOP",
        "OWN": "integrated",
        "ELSE": "not integrated: company BETA is not",
    }
    headless = project_integration(
        projects, chosen, {"ACME"}, GlobalSettings(no_header_projects=True)
    )
    assert headless["TOP"] == "not integrated: a header project (its subprojects are)"
    assert headless["SUB"] == "through TOP"
