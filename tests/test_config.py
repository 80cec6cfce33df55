"""Settings: environment over file over defaults; a bad file is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from projsync.config import load_settings
from projsync.errors import ConfigurationError


def test_config__defaults_put_sqlite_stores_under_home(tmp_path: Path) -> None:
    settings = load_settings({"PROJSYNC_HOME": str(tmp_path)})
    assert settings.ledger_url == f"sqlite:///{tmp_path / 'ledger.db'}"
    assert settings.plan_url == f"sqlite:///{tmp_path / 'plan.db'}"


def test_config__environment_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "projsync.toml").write_text(
        '[stores]\nledger_url = "sqlite:///from-file.db"\nledger_schema = "books"\n'
    )
    env = {"PROJSYNC_HOME": str(tmp_path), "PROJSYNC_LEDGER_URL": "postgresql+psycopg://db/x"}
    settings = load_settings(env)
    assert (settings.ledger_url, settings.ledger_schema) == ("postgresql+psycopg://db/x", "books")


def test_config__malformed_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "projsync.toml").write_text("[stores\n")
    with pytest.raises(ConfigurationError, match=r"projsync\.toml: cannot read settings"):
        load_settings({"PROJSYNC_HOME": str(tmp_path)})


def test_config__unknown_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "projsync.toml").write_text('[stores]\nledgr_url = "x"\n')
    with pytest.raises(ConfigurationError, match="unknown keys in \\[stores\\]: ledgr_url"):
        load_settings({"PROJSYNC_HOME": str(tmp_path)})


def test_config__redmine_plan_side_from_the_file_and_the_environment(tmp_path: Path) -> None:
    (tmp_path / "projsync.toml").write_text(
        'plan = "redmine"\n[redmine]\nurl = "http://127.0.0.1:3000"\nkey = "from-file"\n'
    )
    settings = load_settings({"PROJSYNC_HOME": str(tmp_path), "PROJSYNC_REDMINE_KEY": "secret"})
    assert (settings.plan_side, settings.redmine_url) == ("redmine", "http://127.0.0.1:3000")
    assert settings.redmine_key == "secret"
    assert "secret" not in repr(settings)


def test_config__unknown_plan_side_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"plan side 'jira'.*none of builtin, redmine"):
        load_settings({"PROJSYNC_HOME": str(tmp_path), "PROJSYNC_PLAN": "jira"})


def test_config__the_stores_wait_comes_from_the_environment_or_the_file(tmp_path: Path) -> None:
    assert load_settings({"PROJSYNC_HOME": str(tmp_path)}).busy_timeout == 30.0
    (tmp_path / "projsync.toml").write_text("[stores]\nbusy_timeout = 5\n")
    assert load_settings({"PROJSYNC_HOME": str(tmp_path)}).busy_timeout == 5.0
    env = {"PROJSYNC_HOME": str(tmp_path), "PROJSYNC_BUSY_TIMEOUT": "0.5"}
    assert load_settings(env).busy_timeout == 0.5


@pytest.mark.parametrize("wait", ["0", "-1", "1e3", "NaN", "٥", "99999", "soon"])
def test_config__a_wait_that_is_not_plain_seconds_is_refused(tmp_path: Path, wait: str) -> None:
    env = {"PROJSYNC_HOME": str(tmp_path), "PROJSYNC_BUSY_TIMEOUT": wait}
    with pytest.raises(ConfigurationError, match="PROJSYNC_BUSY_TIMEOUT"):
        load_settings(env)
