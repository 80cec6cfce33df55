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
