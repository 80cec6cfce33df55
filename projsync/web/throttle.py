"""Failed logins held back: guessing passwords takes a long time.

After ``LIMIT`` failed logins within ``WINDOW`` seconds, for one login name or
from one client address, further attempts are refused without the password
being checked until the oldest failure leaves the window. A successful login
clears its name's failures. Kept in the server's memory: one web server
process, as ``projsync serve`` runs, sees every attempt.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["LIMIT", "WINDOW", "LoginThrottle"]

LIMIT = 5
WINDOW = 15 * 60.0


class LoginThrottle:
    def __init__(
        self,
        *,
        limit: int = LIMIT,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, login: str, client: str) -> float:
        """Seconds before ``login`` may be tried from ``client`` (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [self._wait(key, now) for key in _keys(login, client)]
        return max(waits)

    def failed(self, login: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key in _keys(login, client):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._failures.pop(_keys(login, "")[0], None)

    def _wait(self, key: str, now: float) -> float:
        found = self._failures.get(key)
        if not found:
            return 0.0
        while found and now - found[0] >= self.window:
            found.popleft()
        if not found:
            del self._failures[key]
            return 0.0
        return self.window - (now - found[0]) if len(found) >= self.limit else 0.0


def _keys(login: str, client: str) -> tuple[str, str]:
    return f"login:{login.strip().lower()}", f"client:{client}"
