"""Users, tokens and sessions: secrets stored hashed, refusals that say why."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from projsync.db import Store, open_store
from projsync.errors import InputError
from projsync.web.access import AccessService, hash_password, verify_password
from projsync.web.model import Right, Role
from projsync.web.tables import metadata, sessions, tokens, users


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store("web", f"sqlite:///{tmp_path / 'web.db'}", "web")


def test_access__history_builds_exactly_the_declared_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": "web_alembic_version"})
        assert compare_metadata(context, metadata) == []


def test_access__a_password_is_stored_as_a_salted_hash() -> None:
    first, second = hash_password("s3cret pass"), hash_password("s3cret pass")
    assert first != second and "s3cret" not in first
    assert verify_password("s3cret pass", first)
    assert not verify_password("s3cret pasS", first)
    assert not verify_password("s3cret pass", "md5$whatever")


def test_access__log_in_with_the_right_password_only(store: Store) -> None:
    access = AccessService(store)
    access.add_user("ann", name="Ann", role=Role.PROJECT_MANAGER, password="long enough")
    assert access.authenticate("ann", "long enough") is not None
    assert access.authenticate("ann", "wrong one!") is None
    assert access.authenticate("nobody", "long enough") is None


def test_access__tokens_and_sessions_keep_only_a_digest(store: Store) -> None:
    access = AccessService(store)
    user = access.add_user("ann", name="Ann", role=Role.ADMINISTRATOR, password="long enough")
    token, secret = access.create_token("ann", name="ci", days=30)
    session = access.open_session(user)
    with store.read() as conn:
        stored = [*conn.execute(select(tokens.c.digest)).scalars()]
        stored += [*conn.execute(select(sessions.c.digest)).scalars()]
        stored += [*conn.execute(select(users.c.password_hash)).scalars()]
    assert secret not in stored and session not in stored
    found = access.user_for_token(secret)
    assert found is not None and found.login == "ann"
    assert token.expires_at is not None and token.expires_at > token.created_at
    assert access.user_for_session(session) == user
    access.close_session(session)
    assert access.user_for_session(session) is None
    assert [t.name for t in access.tokens("ann")] == ["ci"]


def test_access__every_problem_of_a_new_user_at_once(store: Store) -> None:
    access = AccessService(store)
    with pytest.raises(InputError) as refused:
        access.add_user("bad login", name="x", role=Role.TEAM_MEMBER, password="short")
    assert {p.where for p in refused.value.problems} == {"login", "password", "worker"}
    access.add_user("ann", name="Ann", role=Role.PROJECT_MANAGER, password="long enough")
    with pytest.raises(InputError, match="already exists"):
        access.add_user("ann", name="Ann", role=Role.PROJECT_MANAGER, password="long enough")


def test_access__roles_carry_their_rights() -> None:
    from projsync.web.model import ROLE_RIGHTS

    assert ROLE_RIGHTS[Role.TEAM_MEMBER] == {Right.OWN_TIME}
    assert Right.SETTINGS not in ROLE_RIGHTS[Role.PROJECT_ACCOUNTANT]
    assert Right.LEDGER_POST in ROLE_RIGHTS[Role.PROJECT_ACCOUNTANT]
    assert Right.LEDGER_POST not in ROLE_RIGHTS[Role.PROJECT_MANAGER]
    assert Right.LEDGER_WRITE in ROLE_RIGHTS[Role.PROJECT_ACCOUNTANT]
    assert Right.LEDGER_WRITE not in ROLE_RIGHTS[Role.PROJECT_MANAGER]
    assert Right.LEDGER_ACTIVITIES in ROLE_RIGHTS[Role.PROJECT_MANAGER]
    assert ROLE_RIGHTS[Role.ADMINISTRATOR] == set(Right)


def test_access__a_new_password_ends_open_sessions(store: Store) -> None:
    access = AccessService(store)
    user = access.add_user("ann", name="Ann", role=Role.ADMINISTRATOR, password="long enough")
    session = access.open_session(user)
    with pytest.raises(InputError, match="at least 8"):
        access.set_password("ann", "short")
    access.set_password("ann", "another long one")
    assert access.user_for_session(session) is None
    assert access.authenticate("ann", "another long one") is not None
    assert access.authenticate("ann", "long enough") is None
