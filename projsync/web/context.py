"""What the web server works on: the four stores, the sides of the sync, and the
background sync loop. One instance per application."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from projsync.config import Settings, load_settings
from projsync.connectors.base import Connector
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store, open_store
from projsync.errors import ProjsyncError
from projsync.redmine.fields import identifier_of
from projsync.sync.engine import RunReport, SyncEngine
from projsync.sync.settings import load_global
from projsync.web.access import AccessService
from projsync.web.throttle import LoginThrottle

__all__ = ["Context", "SyncLoop", "open_context"]

_log = logging.getLogger("projsync.web")
RENDERED_KEPT = 32
"""Response bodies kept in memory (the newest)."""
RECALLED_KEPT = 10_000
"""Values kept by :meth:`Context.recall` before they are all dropped."""
T = TypeVar("T")


@dataclass(slots=True, kw_only=True)
class Context:
    """The stores and the sides the web server reads and writes."""

    ledger: Store
    plan: Store
    sync: Store
    web: Store
    plan_side: Callable[[Store], Connector] = PlanConnector
    """Builds the plan side of the sync (a test may put a failing one here)."""
    plan_side_name: str = "builtin"
    """Which plan side the sync talks to (the settings' ``plan_side``): with
    any but ``builtin`` the plan store is not the plan, and the pages and the
    plan API do not read it as if it were."""
    plan_url: Callable[[str], str] | None = None
    """Where the plan side shows a plan project, by its plan key (Redmine's
    Gantt chart of the project), when it is not this server."""
    logins: LoginThrottle = field(default_factory=LoginThrottle)
    """Failed logins, held back after too many (see projsync.web.throttle)."""
    _sync_lock: threading.Lock = field(default_factory=threading.Lock)
    _rendered: OrderedDict[tuple[str, ...], bytes] = field(default_factory=OrderedDict)
    _rendered_lock: threading.Lock = field(default_factory=threading.Lock)

    _recalled: dict[tuple[str, ...], tuple[float, Any]] = field(default_factory=dict)

    def recall(self, key: tuple[str, ...], compute: Callable[[], T], *, seconds: float) -> T:
        """A value computed at most ``seconds`` ago for ``key``, or computed now.
        For what is read on every request and changes seldom (who a token
        belongs to, which company a project is in): a change made elsewhere
        shows within ``seconds``."""
        now = time.monotonic()
        found = self._recalled.get(key)
        if found is not None and now - found[0] < seconds:
            return cast(T, found[1])
        value = compute()
        if len(self._recalled) >= RECALLED_KEPT:
            self._recalled.clear()
        self._recalled[key] = (now, value)
        return value

    def forget(self, key: tuple[str, ...]) -> None:
        self._recalled.pop(key, None)

    def kept(self, key: tuple[str, ...]) -> bytes | None:
        """The body kept for ``key``, if any."""
        with self._rendered_lock:
            return self._rendered.get(key)

    def rendered(self, key: tuple[str, ...], render: Callable[[], bytes]) -> bytes:
        """A response body kept for ``key``, rendered on first use. Keys carry the
        version of the store they were read at, so a change makes a new key."""
        with self._rendered_lock:
            body = self._rendered.get(key)
            if body is not None:
                self._rendered.move_to_end(key)
                return body
        body = render()
        with self._rendered_lock:
            self._rendered[key] = body
            while len(self._rendered) > RENDERED_KEPT:
                self._rendered.popitem(last=False)
        return body

    @property
    def plan_in_store(self) -> bool:
        """Whether the plan store is the plan side (the built-in plan server)."""
        return self.plan_side_name == "builtin"

    def plan_elsewhere(self) -> str | None:
        """Why the plan store is not read, when it is not the plan side."""
        if self.plan_in_store:
            return None
        return (
            f"The plan side is {self.plan_side_name}: its projects, tasks and resources "
            "are read and changed there; this server's plan store is not the plan."
        )

    @property
    def access(self) -> AccessService:
        return AccessService(self.web)

    def engine(self) -> SyncEngine:
        return SyncEngine(self.sync, LedgerConnector(self.ledger), self.plan_side(self.plan))

    def run_sync(self, *, dry_run: bool = False) -> RunReport:
        """One sync run; runs never overlap (the background loop and a request)."""
        with self._sync_lock:
            return self.engine().run(dry_run=dry_run)

    def dispose(self) -> None:
        for store in (self.ledger, self.plan, self.sync, self.web):
            store.dispose()


def open_context(settings: Settings | None = None) -> Context:
    """The stores named by the settings in force, created or migrated."""
    s = settings or load_settings()
    return Context(
        ledger=open_store("ledger", s.ledger_url, s.ledger_schema, busy_timeout=s.busy_timeout),
        plan=open_store("plan", s.plan_url, s.plan_schema, busy_timeout=s.busy_timeout),
        sync=open_store("sync", s.sync_url, s.sync_schema, busy_timeout=s.busy_timeout),
        web=open_store("web", s.web_url, s.web_schema, busy_timeout=s.busy_timeout),
        plan_side_name=s.plan_side,
        plan_url=(
            redmine_gantt(s.redmine_url, s.redmine_namespace)
            if s.plan_side == "redmine" and s.redmine_url
            else None
        ),
    )


def redmine_gantt(redmine_url: str, namespace: str) -> Callable[[str], str]:
    """Redmine's Gantt chart of the project a plan key names (a subproject's
    node is a Redmine subproject, its identifier from the last part)."""
    base = redmine_url.rstrip("/")

    def url(plan_key: str) -> str:
        identifier = identifier_of(namespace, plan_key.rsplit("/", 1)[-1])
        return f"{base}/projects/{identifier}/issues/gantt"

    return url


class SyncLoop:
    """Runs the sync every ``sync_interval_seconds`` (read again before each
    wait, so a changed setting takes effect) until stopped."""

    def __init__(self, context: Context, *, interval: float | None = None) -> None:
        self.context = context
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="projsync-sync", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.context.run_sync()
                self.runs += 1
                if report.run is not None:
                    _log.info("sync run %s: %s", report.run, report.summary())
            except ProjsyncError as exc:
                _log.warning("sync run failed: %s", exc)
            pause = self.interval
            if pause is None:
                try:
                    pause = float(load_global(self.context.sync).sync_interval_seconds)
                except ProjsyncError:
                    pause = 60.0
            self._stop.wait(pause)
