"""Cross-site requests: with the session cookie, a request that changes
something is refused (403, nothing changed) when it comes from another
origin or lacks the session's form token; every form of the pages carries
the token; a bearer token works from anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from projsync.ledger.service import LedgerService
from projsync.plan.service import PlanService
from projsync.sync.log import LogStatus
from projsync.sync.settings import load_global
from projsync.sync.tables import entity_status, log, runs
from projsync.web.app import create_app
from projsync.web.auth import SESSION_COOKIE, form_token
from projsync.web.context import Context
from projsync.web.cross_site import UNSAFE_METHODS, foreign_origin
from tests.web.conftest import PASSWORD, synced_two_companies

TEMPLATES = Path(__file__).parents[2] / "projsync" / "web" / "pages" / "templates"
OWN = "http://testserver"  # the test client's server
SAME_HOST = "http://testserver:8001"  # another port: the same site, another origin
POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>.*?</form>', re.S)


@dataclass
class Stage:
    context: Context
    tokens: dict[str, str]

    def client(self) -> TestClient:
        return TestClient(create_app(self.context, background_sync=False))

    def logged_in(self, login: str) -> TestClient:
        client = self.client()
        answer = client.post(
            "/login", data={"login": login, "password": PASSWORD}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
        return client

    def runs(self) -> int:
        with self.context.sync.read() as conn:
            return int(conn.execute(select(func.count()).select_from(runs)).scalar_one())

    def interval(self) -> int:
        return load_global(self.context.sync).sync_interval_seconds

    def something_to_sync(self, name: str) -> None:
        """PB's activity renamed in the ledger: a run would carry it to the plan."""
        LedgerService(self.context.ledger).update_activity("PB", "1", name=name)

    def plan_name(self) -> str:
        (task,) = PlanService(self.context.plan).tasks("PB")
        return task.name


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    context, tokens = synced_two_companies(tmp_path_factory.mktemp("cross-site"))
    yield Stage(context=context, tokens=tokens)
    context.dispose()


def _token(client: TestClient) -> str:
    return form_token(client.cookies[SESSION_COOKIE])


def _settings(client: TestClient, interval: int, **extra: str) -> dict[str, str]:
    return {
        "custom_field_prefix": "DAX_", "delete_rule": "unlink",
        "sync_interval_seconds": str(interval), "max_attempts": "5", "resync_hours": "4",
        "notify_hours": "24", **extra,
    }  # fmt: skip


def test_cross_site__settings_posted_with_the_cookie_from_another_origin_are_refused(
    stage: Stage,
) -> None:
    ann = stage.logged_in("ann")
    before = stage.interval()
    form = _settings(ann, 77, form_token=_token(ann))
    for header in (
        {"Origin": SAME_HOST},
        {"Referer": f"{SAME_HOST}/attack.html"},
        {"Origin": "null"},
    ):
        answer = ann.post("/settings/global", data=form, headers=header, follow_redirects=False)
        assert answer.status_code == 403, header
        assert "not from this server" in answer.text
    assert stage.interval() == before


def test_cross_site__settings_posted_with_the_cookie_but_no_or_a_wrong_token_are_refused(
    stage: Stage,
) -> None:
    ann, other = stage.logged_in("ann"), stage.logged_in("ann")
    before = stage.interval()
    for token in ({}, {"form_token": ""}, {"form_token": "0" * 64}, {"form_token": _token(other)}):
        form = _settings(ann, 78, **token)
        answer = ann.post("/settings/global", data=form, follow_redirects=False)
        assert answer.status_code == 403, token
        assert "form token is missing or wrong" in answer.text
    assert stage.interval() == before


def test_cross_site__settings_posted_from_the_page_of_the_same_origin_are_saved(
    stage: Stage,
) -> None:
    ann = stage.logged_in("ann")
    before = stage.interval()
    form = _settings(ann, 79, form_token=_token(ann))
    for header in ({"Origin": OWN}, {"Referer": f"{OWN}/settings"}, {}):
        answer = ann.post("/settings/global", data=form, headers=header, follow_redirects=False)
        assert answer.status_code == 303, (header, answer.text)
        assert stage.interval() == 79
    ann.post("/settings/global", data=_settings(ann, before, form_token=_token(ann)))
    assert stage.interval() == before


def test_cross_site__a_sync_asked_for_with_the_cookie_alone_is_refused(stage: Stage) -> None:
    ann = stage.logged_in("ann")
    stage.something_to_sync("Work, asked from elsewhere")
    before, name = stage.runs(), stage.plan_name()
    for headers in ({"Origin": SAME_HOST}, {}, {"X-Form-Token": "nope"}):
        answer = ann.post("/api/v1/sync/run", headers=headers)
        assert answer.status_code == 403, headers
        assert set(answer.json()) == {"detail"}
    refused = ann.post(
        "/api/v1/sync/run", headers={"Origin": SAME_HOST, "X-Form-Token": _token(ann)}
    )
    assert refused.status_code == 403
    assert (stage.runs(), stage.plan_name()) == (before, name)
    done = ann.post("/api/v1/sync/run", headers={"Origin": OWN, "X-Form-Token": _token(ann)})
    assert done.status_code == 200, done.text
    assert (stage.runs(), stage.plan_name()) == (before + 1, "Work, asked from elsewhere")


def test_cross_site__a_bearer_token_works_from_anywhere(stage: Stage) -> None:
    stage.something_to_sync("Work, by token")
    before = stage.runs()
    bearer = {
        "Authorization": f"Bearer {stage.tokens['ann']}",
        "Origin": "https://elsewhere.example",
    }
    client = stage.logged_in("ann")  # the cookie too: the token decides
    assert client.post("/api/v1/sync/run", headers=bearer).status_code == 200
    changed = client.patch("/api/v1/settings", headers=bearer, json={"notify_hours": 25})
    assert changed.status_code == 200 and changed.json()["notify_hours"] == 25
    client.patch("/api/v1/settings", headers=bearer, json={"notify_hours": 24})
    assert (stage.runs(), stage.plan_name()) == (before + 1, "Work, by token")


def test_cross_site__a_login_from_another_origin_is_refused_and_opens_no_session(
    stage: Stage,
) -> None:
    client = stage.client()
    form = {"login": "ann", "password": PASSWORD}
    answer = client.post("/login", data=form, headers={"Origin": SAME_HOST}, follow_redirects=False)
    assert answer.status_code == 403
    assert SESSION_COOKIE not in answer.cookies
    own = client.post("/login", data=form, headers={"Origin": OWN}, follow_redirects=False)
    assert own.status_code == 303 and SESSION_COOKIE in own.cookies


def test_cross_site__logging_out_needs_the_token(stage: Stage) -> None:
    ben = stage.logged_in("ben")
    assert ben.post("/logout", follow_redirects=False).status_code == 403
    assert ben.get("/projects", follow_redirects=False).status_code == 200  # still in
    out = ben.post("/logout", data={"form_token": _token(ben)}, follow_redirects=False)
    assert out.status_code == 303
    assert stage.client().get("/projects", follow_redirects=False).status_code == 303


def test_cross_site__every_route_that_changes_something_refuses_the_cookie_without_a_token(
    stage: Stage,
) -> None:
    """Walked from the application's routes, pages and API alike: a new route
    is covered without a word here."""
    ann = stage.logged_in("ann")
    stage.something_to_sync("Work, by a walk")
    before, walked = stage.runs(), []
    for path, methods in _routes(ann.app.routes):  # type: ignore[attr-defined]
        for method in sorted(methods & UNSAFE_METHODS):
            if path == "/login":
                continue  # before any session: held to the origin alone
            url = re.sub(r"\{[^}]+\}", "1", path)
            answer = ann.request(method, url, data={"x": "1"}, follow_redirects=False)
            assert answer.status_code == 403, f"{method} {path}: {answer.status_code}"
            walked.append(f"{method} {path}")
    assert len(walked) >= 25, walked
    assert stage.runs() == before and ann.get("/projects").status_code == 200  # still in


def _routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """Every route's path and methods, within included routers too."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())


def _forms(html: str) -> list[str]:
    return POST_FORM.findall(html)


def test_cross_site__every_form_of_the_templates_that_posts_carries_the_token() -> None:
    field = '<input type="hidden" name="form_token" value="{{ form_token }}">'
    found = 0
    for template in sorted(TEMPLATES.glob("*.html")):
        for form in _forms(template.read_text()):
            if template.name == "login.html":
                continue  # before any session: held to the origin alone
            found += 1
            assert field in form, f"{template.name}: {form[:120]}"
    assert found >= 14


def test_cross_site__every_rendered_form_that_posts_carries_the_sessions_token(
    stage: Stage,
) -> None:
    """Each page rendered for a session, with the log's entries in the states
    that offer their actions and a project in conflict."""
    with stage.context.sync.write() as conn:
        for key, status in (("PB", LogStatus.FAILED), ("PB/1", LogStatus.CONFLICT),
                            ("WB", LogStatus.WAITING)):  # fmt: skip
            first = select(func.min(log.c.id)).where(log.c.entity_key == key).scalar_subquery()
            conn.execute(update(log).where(log.c.id == first).values(status=status.value))
        conn.execute(
            update(entity_status).where(entity_status.c.key == "PB").values(status="conflict")
        )
    ann, bill = stage.logged_in("ann"), stage.logged_in("bill")
    expected = {
        (ann, "/projects"): 2,  # log out, resynchronize PB
        (ann, "/projects/PB"): 2,
        (ann, "/log"): 1 + 1 + 1 + 3 + 2,  # log out, run, resync, resolve ×3, cancel ×2
        (ann, "/settings"): 1 + 1 + 2 + 2 + 2,  # log out, global, companies, projects, workers
        (ann, "/resources"): 1,
        (ann, "/plan/PB"): 1,
        (bill, "/portal"): 2,  # log out, the sheet
    }
    for (client, path), count in expected.items():
        page = client.get(path)
        assert page.status_code == 200, path
        forms = _forms(page.text)
        assert len(forms) == count, path
        token = f'name="form_token" value="{_token(client)}"'
        assert all(token in form for form in forms), path


@pytest.mark.parametrize(
    ("headers", "foreign"),
    [
        ({}, None),
        ({"origin": "http://testserver"}, None),
        ({"origin": "HTTP://TestServer:80"}, None),
        ({"referer": "http://testserver/settings?x=1"}, None),
        ({"origin": "http://testserver:8001"}, "http://testserver:8001"),
        ({"origin": "https://testserver"}, "https://testserver"),
        ({"origin": "null"}, "null"),
        ({"origin": "http://[::1"}, "http://[::1"),
        ({"referer": "http://evil.example/testserver"}, "http://evil.example/testserver"),
        ({"origin": "http://testserver", "referer": "http://evil.example/"}, None),
    ],
)
def test_foreign_origin__names_another_origin_and_only_that(
    headers: dict[str, str], foreign: str | None
) -> None:
    scope = {
        "type": "http", "method": "POST", "scheme": "http", "path": "/x", "query_string": b"",
        "server": ("testserver", 80),
        "headers": [(b"host", b"testserver"), *((k.encode(), v.encode()) for k, v in headers.items())],  # noqa: E501
    }  # fmt: skip
    assert foreign_origin(Request(scope)) == foreign
