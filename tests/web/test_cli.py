"""``projsync user`` and ``projsync token``: listings in JSON, secrets shown once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from projsync.cli import web
from tests.cli.conftest import Run


@pytest.fixture
def cli(projsync: Run) -> Iterator[Run]:
    web.web_store.cache_clear()
    yield projsync
    web.web_store().dispose()
    web.web_store.cache_clear()


def test_cli__users_and_tokens(cli: Run) -> None:
    assert (
        cli("ledger", "company", "add", "DEMO", "--name", "Demo", "--currency", "EUR").exit_code
        == 0
    )
    added = cli(
        "user", "add", "ann", "--role", "administrator", "--password", "long enough", "--json"
    )
    assert added.exit_code == 0, added.stderr
    assert added.json()["role"] == "administrator"
    refused = cli(
        "user", "add", "bob", "--role", "project-manager", "--password", "x", "--company", "NOPE"
    )
    assert refused.exit_code == 1
    assert "password" in refused.stderr and "unknown company" in refused.stderr
    listed = cli("user", "list", "--json").json()
    assert [u["login"] for u in listed] == ["ann"]
    created = cli("token", "create", "ann", "--name", "ci", "--json").json()
    assert created["token"].startswith("psy_")
    tokens = cli("token", "list", "--json")
    assert [t["name"] for t in tokens.json()] == ["ci"]
    assert created["token"] not in tokens.stdout
    assert cli("token", "revoke", str(created["id"])).exit_code == 0
    assert cli("token", "list", "--json").json() == []
    assert cli("user", "add", "x", "--role", "boss", "--password", "long enough").exit_code == 2
    json.dumps(listed)


def test_cli__serve_creates_an_administrator_on_first_start_only(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from projsync.web.access import AccessService

    served: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(options))
    first = cli("serve", "--no-sync", "--port", "8123")
    assert first.exit_code == 0, first.stderr
    lines = first.stdout.splitlines()
    said = next(i for i, line in enumerate(lines) if line.startswith("First start"))
    password = lines[said + 1].strip()
    assert AccessService(web.web_store()).authenticate("admin", password) is not None
    assert served == [{"host": "127.0.0.1", "port": 8123, "log_level": "info"}]
    again = cli("serve", "--no-sync")
    assert "First start" not in again.stdout


def test_cli__users_disabled_enabled_given_a_role_and_deleted(cli: Run) -> None:
    company = ("ledger", "company", "add", "DEMO", "--name", "Demo", "--currency", "EUR")
    assert cli(*company).exit_code == 0
    for login, role in (("ann", "administrator"), ("bob", "project-manager")):
        added = cli("user", "add", login, "--role", role, "--password", "long enough")
        assert added.exit_code == 0, added.stderr
    last = cli("user", "disable", "ann")
    assert last.exit_code == 1 and "administrator" in last.stderr
    assert cli("user", "disable", "bob").exit_code == 0
    assert cli("user", "enable", "bob").exit_code == 0
    promoted = cli("user", "role", "bob", "project-accountant", "--company", "DEMO", "--json")
    assert promoted.exit_code == 0, promoted.stderr
    assert (promoted.json()["role"], promoted.json()["companies"]) == (
        "project-accountant",
        ["DEMO"],
    )
    unknown = cli("user", "role", "bob", "project-manager", "--company", "NOPE")
    assert unknown.exit_code == 1 and "--company NOPE: unknown company" in unknown.stderr
    assert cli("user", "delete", "bob").exit_code == 0
    assert [u["login"] for u in cli("user", "list", "--json").json()] == ["ann"]
    assert cli("user", "delete", "bob").exit_code == 1
