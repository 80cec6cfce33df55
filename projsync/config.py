"""Settings from a TOML file and ``PROJSYNC_*`` environment variables.

The environment wins over the file, the file over the defaults. The file is
``$PROJSYNC_HOME/projsync.toml`` unless ``PROJSYNC_CONFIG`` names another. This
module reads settings; it never writes them and never opens a database.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from projsync.errors import ConfigurationError

__all__ = ["DEFAULT_BUSY_TIMEOUT", "Settings", "load_settings"]

DEFAULT_BUSY_TIMEOUT = 30.0
"""Seconds a store waits for a lock or a connection unless told otherwise."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Where projsync keeps its stores and how it reaches them."""

    home: Path
    """Folder of the embedded stores (SQLite files), screenshots, logs."""
    ledger_url: str
    """SQLAlchemy URL of the ledger store."""
    ledger_schema: str
    """PostgreSQL schema of the ledger's tables (ignored on SQLite)."""
    plan_url: str
    """SQLAlchemy URL of the plan server's store."""
    plan_schema: str
    """PostgreSQL schema of the plan server's tables (ignored on SQLite)."""
    sync_url: str
    """SQLAlchemy URL of the sync's own store (links, merge bases, the log)."""
    sync_schema: str
    """PostgreSQL schema of the sync's tables (ignored on SQLite)."""
    web_url: str
    """SQLAlchemy URL of the web server's store (users, API tokens, sessions)."""
    web_schema: str
    """PostgreSQL schema of the web server's tables (ignored on SQLite)."""
    plan_side: str = "builtin"
    """Which plan side the sync talks to: ``builtin`` or ``redmine``."""
    redmine_url: str = ""
    """The Redmine server's URL, when the plan side is Redmine."""
    redmine_key: str = field(default="", repr=False)
    """An administrator's API key of that server: a secret, never shown."""
    redmine_namespace: str = ""
    """Prefix of the project identifiers and user logins projsync gives Redmine,
    so that several installations can share one server."""
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    """Seconds a store waits for another writer's lock (SQLite) or a new
    connection (PostgreSQL) before a command gives up with exit code 4."""


PLAN_SIDES = ("builtin", "redmine")

_KEYS = (
    "ledger_url",
    "ledger_schema",
    "plan_url",
    "plan_schema",
    "sync_url",
    "sync_schema",
    "web_url",
    "web_schema",
)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings in force: environment, then TOML file, then defaults."""
    env = dict(os.environ if environ is None else environ)
    home = Path(env.get("PROJSYNC_HOME", "var")).resolve()
    config_path = (
        Path(env["PROJSYNC_CONFIG"]) if "PROJSYNC_CONFIG" in env else home / "projsync.toml"
    )
    from_file = _read_toml(config_path)
    values: dict[str, str] = {
        "ledger_url": f"sqlite:///{home / 'ledger.db'}",
        "ledger_schema": "ledger",
        "plan_url": f"sqlite:///{home / 'plan.db'}",
        "plan_schema": "plan",
        "sync_url": f"sqlite:///{home / 'sync.db'}",
        "sync_schema": "sync",
        "web_url": f"sqlite:///{home / 'web.db'}",
        "web_schema": "web",
    }
    for key in _KEYS:
        if key in from_file:
            values[key] = str(from_file[key])
        env_key = f"PROJSYNC_{key.upper()}"
        if env.get(env_key):
            values[key] = env[env_key]
    plan = _plan_settings(config_path, env)
    wait = _busy_timeout(
        from_file.get("busy_timeout"), env.get("PROJSYNC_BUSY_TIMEOUT"), config_path
    )
    return Settings(home=home, **values, **plan, busy_timeout=wait)


def _busy_timeout(in_file: object, in_env: str | None, path: Path) -> float:
    """``PROJSYNC_BUSY_TIMEOUT`` or ``busy_timeout`` in ``[stores]``: seconds, 0.1 to 3600."""
    given, where = (in_env, "PROJSYNC_BUSY_TIMEOUT") if in_env else (in_file, f"{path} [stores]")
    if given is None:
        return DEFAULT_BUSY_TIMEOUT
    text = str(given).strip()
    plain = text.replace(".", "", 1)
    seconds = float(text) if plain.isascii() and plain.isdigit() else 0.0
    if not 0.1 <= seconds <= 3600:
        raise ConfigurationError(
            f"busy_timeout {given!r} ({where}) is not a number of seconds from 0.1 to 3600"
        )
    return seconds


def _plan_settings(path: Path, env: dict[str, str]) -> dict[str, str]:
    """``plan = "redmine"`` and a ``[redmine]`` table (url, key, namespace) in the
    file; ``PROJSYNC_PLAN`` and ``PROJSYNC_REDMINE_*`` in the environment."""
    data = _read_file(path)
    redmine = data.get("redmine", {})
    if not isinstance(redmine, dict):
        raise ConfigurationError(f"{path}: [redmine] must be a table")
    unknown = sorted(set(redmine) - {"url", "key", "namespace"})
    if unknown:
        raise ConfigurationError(f"{path}: unknown keys in [redmine]: {', '.join(unknown)}")
    found = {
        "plan_side": str(data.get("plan", "builtin")),
        **{f"redmine_{k}": str(v) for k, v in redmine.items()},
    }
    if env.get("PROJSYNC_PLAN"):
        found["plan_side"] = env["PROJSYNC_PLAN"]
    for name in ("url", "key", "namespace"):
        if f"PROJSYNC_REDMINE_{name.upper()}" in env:
            found[f"redmine_{name}"] = env[f"PROJSYNC_REDMINE_{name.upper()}"]
    if found["plan_side"] not in PLAN_SIDES:
        raise ConfigurationError(
            f"plan side {found['plan_side']!r} (PROJSYNC_PLAN or plan in {path}) "
            f"is none of {', '.join(PLAN_SIDES)}"
        )
    return found


def _read_file(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{path}: cannot read settings: {exc}") from exc


def _read_toml(path: Path) -> dict[str, object]:
    data = _read_file(path)
    stores = data.get("stores", {})
    if not isinstance(stores, dict):
        raise ConfigurationError(f"{path}: [stores] must be a table")
    unknown = sorted(set(stores) - set(_KEYS) - {"busy_timeout"})
    if unknown:
        raise ConfigurationError(f"{path}: unknown keys in [stores]: {', '.join(unknown)}")
    return stores
