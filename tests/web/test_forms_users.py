"""The administrator's forms over HTTP: users added, disabled and enabled,
given another role, deleted; API tokens created (the secret shown once) and
revoked. Only the administrator's role may; refused input is said on the
form, as typed, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from projsync.errors import InputError
from projsync.ledger.service import LedgerService
from projsync.web.access import AccessService
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.model import Role
from tests.web.conftest import PASSWORD, USERS, open_context, page_form_token, two_companies


@pytest.fixture
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    context = open_context(tmp_path_factory.mktemp("forms-users"))
    two_companies(LedgerService(context.ledger))
    for login, role, worker, companies in USERS:
        context.access.add_user(
            login, name=login, role=role, password=PASSWORD, worker=worker, companies=companies
        )
    yield context
    context.dispose()


def logged_in(context: Context, login: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(create_app(context, background_sync=False))
    client.post("/login", data={"login": login, "password": password}, follow_redirects=False)
    return client


def send(client: TestClient, path: str, data: dict[str, str]) -> Any:
    return client.post(path, data={"form_token": page_form_token(client, "/users"), **data})


def test_forms_users__a_user_added_disabled_enabled_given_a_role_and_deleted(
    context: Context,
) -> None:
    admin = logged_in(context, "admin")
    shown = admin.get("/users")
    assert shown.status_code == 200 and 'id="user-acct"' in shown.text
    assert '<label for="f-login">' in shown.text and '<label for="company-ACME"' in shown.text
    new = {"login": "cleo", "name": "Cleo", "role": "project-accountant", "password": "long enough"}
    added = send(admin, "/users", new | {"company:BETA": "on"})
    assert added.url.path == "/users" and "User cleo added (project-accountant)." in added.text
    assert context.access.user("cleo").companies == ("BETA",)
    member = send(admin, "/users", new | {"login": "tim", "role": "team-member", "worker": "WB"})
    assert "User tim added" in member.text
    assert context.access.user("tim").companies == ("BETA",)  # the worker's company

    cleo = logged_in(context, "cleo", "long enough")
    assert cleo.get("/projects").status_code == 200
    token, secret = context.access.create_token("cleo", name="ci")
    disabled = send(admin, "/users/cleo/disable", {})
    assert "User cleo disabled" in disabled.text and "disabled</span>" in disabled.text
    assert context.access.authenticate("cleo", "long enough") is None
    assert context.access.user_for_token(secret) is None
    assert logged_in(context, "cleo", "long enough").get("/projects").url.path == "/login"
    assert "User cleo enabled." in send(admin, "/users/cleo/enable", {}).text
    assert context.access.user_for_token(secret) is not None

    role = send(admin, "/users/cleo/role", {"role": "project-manager"})
    assert "User cleo is now project-manager." in role.text
    assert context.access.user("cleo").role is Role.PROJECT_MANAGER
    refused = send(admin, "/users/cleo/role", {"role": "team-member"})
    assert "a team member must be linked to a worker" in refused.text
    assert context.access.user("cleo").role is Role.PROJECT_MANAGER

    gone = send(admin, "/users/cleo/delete", {})
    assert "User cleo deleted" in gone.text and 'id="user-cleo"' not in gone.text
    assert context.access.tokens("cleo") == [] and token.id not in {
        t.id for t in context.access.tokens()
    }
    with pytest.raises(InputError):
        context.access.user("cleo")
    assert send(admin, "/users/cleo/disable", {}).status_code == 404


def test_forms_users__refused_input_is_said_as_typed_and_nothing_added(context: Context) -> None:
    admin = logged_in(context, "admin")
    bad = {"login": "no spaces", "name": "Nobody", "role": "team-member", "password": "short"}
    refused = send(admin, "/users", bad | {"company:ACME": "on"})
    assert refused.status_code == 422
    assert "login: &#39;no spaces&#39;: 1-60 letters, digits or . _ @ -" in refused.text
    assert "password: must have at least 8 characters" in refused.text
    assert "worker: a team member must be linked to a worker" in refused.text
    assert 'value="no spaces"' in refused.text and 'value="Nobody"' in refused.text
    assert 'name="company:ACME" checked' in refused.text
    assert "short" not in refused.text  # a password is never sent back
    taken = send(admin, "/users", {"login": "acct", "role": "project-manager", "password": "x" * 9})
    assert taken.status_code == 422 and "user acct: already exists" in taken.text
    assert [u.login for u in context.access.users()] == [u[0] for u in sorted(USERS)]


def test_forms_users__an_administrator_keeps_themselves_and_the_last_administrator(
    context: Context,
) -> None:
    admin = logged_in(context, "admin")
    for action, data in (("disable", {}), ("delete", {}), ("role", {"role": "team-member"})):
        answer = send(admin, f"/users/admin/{action}", data)
        assert answer.status_code == 200 and "yourself" in answer.text, action
    assert context.access.user("admin").role is Role.ADMINISTRATOR
    assert context.access.authenticate("admin", PASSWORD) is not None
    access = AccessService(context.web)
    with pytest.raises(InputError, match="last enabled administrator"):
        access.set_disabled("admin", True)
    with pytest.raises(InputError, match="last enabled administrator"):
        access.delete_user("admin")


def test_forms_users__a_token_shown_once_then_revoked(context: Context) -> None:
    admin = logged_in(context, "admin")
    made = send(admin, "/tokens", {"token_user": "acct", "token_name": "ci", "token_days": "30"})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = made.text.split('<code id="token-secret">')[1].split("</code>")[0]
    assert secret.startswith("psy_")
    found = context.access.user_for_token(secret)
    assert found is not None and found.login == "acct"
    assert secret not in admin.get("/users").text
    (token,) = [t for t in context.access.tokens("acct") if t.name == "ci"]
    assert token.expires_at is not None
    revoked = send(admin, f"/tokens/{token.id}/revoke", {})
    assert f"Token {token.id} revoked." in revoked.text
    assert context.access.user_for_token(secret) is None
    assert send(admin, f"/tokens/{token.id}/revoke", {}).status_code == 404
    bad = send(admin, "/tokens", {"token_user": "nobody", "token_days": "0"})
    assert bad.status_code == 422 and "days: a whole number of days" in bad.text
    unknown = send(admin, "/tokens", {"token_user": "nobody"})
    assert unknown.status_code == 422 and "user nobody: unknown user" in unknown.text


def test_forms_users__only_an_administrator_may(context: Context) -> None:
    for login in ("acct", "pm", "tm"):
        client = logged_in(context, login)
        assert client.get("/users").status_code == 403, login
        token = page_form_token(client, "/portal" if login == "tm" else "/projects")
        for path in ("/users", "/users/pm/disable", "/users/pm/delete", "/tokens"):
            answer = client.post(path, data={"form_token": token, "login": "eve"})
            assert answer.status_code == 403, (login, path)
    assert context.access.authenticate("pm", PASSWORD) is not None
    assert "eve" not in {u.login for u in context.access.users()}


def test_forms_users__a_post_from_another_origin_or_without_the_token_is_refused(
    context: Context,
) -> None:
    admin = logged_in(context, "admin")
    assert admin.post("/users/pm/disable").status_code == 403
    token = page_form_token(admin, "/users")
    elsewhere = admin.post(
        "/users/pm/disable",
        data={"form_token": token},
        headers={"Origin": "http://admin.example:8001"},
    )
    assert elsewhere.status_code == 403
    assert context.access.authenticate("pm", PASSWORD) is not None
