"""A small client of Redmine's REST API (JSON, API key in a header).

It knows HTTP and Redmine's paging, nothing of projsync's terms. The API key
goes in the ``X-Redmine-API-Key`` header only: never in a URL, a message, a
log line or the client's ``repr``.

Errors, by what the caller must do::

    ConnectorError
    ├── RedmineUnavailable (ConnectorUnavailable)  no answer, or a 5xx: try again later
    ├── RedmineRefused     (ConnectorRefused)       a 403 or 422, with Redmine's reasons
    └── RedmineNotFound                             a 404
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from projsync.connectors.base import ConnectorError, ConnectorRefused, ConnectorUnavailable
from projsync.errors import ConfigurationError

__all__ = [
    "PAGE",
    "RedmineClient",
    "RedmineNotFound",
    "RedmineRefused",
    "RedmineUnavailable",
]

PAGE = 100
"""Redmine's largest page."""


class RedmineUnavailable(ConnectorUnavailable):
    """Redmine did not answer, or answered with a server error."""


class RedmineRefused(ConnectorRefused):
    """Redmine refused the request (422, 403): ``reasons`` says why."""

    def __init__(self, where: str, reasons: tuple[str, ...]) -> None:
        self.where = where
        self.reasons = reasons
        super().__init__(f"{where}: Redmine refused: {'; '.join(reasons)}")


class RedmineNotFound(ConnectorError):
    """No such thing on the Redmine server."""


class RedmineClient:
    """One Redmine server, reached with one API key over a kept-alive connection."""

    def __init__(self, url: str, key: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(f"Redmine URL {url!r} is not an http(s) URL")
        if not key:
            raise ConfigurationError("no Redmine API key (PROJSYNC_REDMINE_KEY)")
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={"X-Redmine-API-Key": key, "Accept": "application/json"},
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"RedmineClient({self.url!r})"

    def close(self) -> None:
        self._http.close()

    def __del__(self) -> None:
        # commands drop their connector without closing it: let the socket go with it
        http = getattr(self, "_http", None)
        if http is not None:
            http.close()

    def get(self, path: str, params: Mapping[str, object] | None = None) -> dict[str, Any]:
        return self._call("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, object]) -> dict[str, Any]:
        return self._call("POST", path, json=body)

    def put(self, path: str, body: Mapping[str, object]) -> None:
        self._call("PUT", path, json=body)

    def delete(self, path: str) -> None:
        with contextlib.suppress(RedmineNotFound):  # gone already: nothing to do twice
            self._call("DELETE", path)

    def pages(
        self, path: str, field: str, params: Mapping[str, object] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a paged list, page by page."""
        offset = 0
        while True:
            page = self.get(path, {**(params or {}), "offset": offset, "limit": PAGE})
            items = page.get(field, [])
            yield from items
            offset += len(items)
            if not items or offset >= int(page.get("total_count", 0)):
                return

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        where = f"Redmine {method} {path}"
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            # the exception's text names the URL, never the header with the key
            raise RedmineUnavailable(
                f"{where}: Redmine at {self.url} cannot be reached ({type(exc).__name__})"
            ) from None
        status = response.status_code
        if status == 404:
            raise RedmineNotFound(f"{where}: not found")
        if status == 401:
            raise ConfigurationError(f"{where}: Redmine at {self.url} refused the API key")
        if status >= 500:
            raise RedmineUnavailable(f"{where}: Redmine answered HTTP {status}")
        if status in (403, 422) or status >= 400:
            raise RedmineRefused(where, _reasons(response, status))
        if not response.content.strip():
            return {}
        found = response.json()
        return found if isinstance(found, dict) else {}


def _reasons(response: httpx.Response, status: int) -> tuple[str, ...]:
    try:
        errors = response.json().get("errors")
    except ValueError:
        errors = None
    if isinstance(errors, list) and errors:
        return tuple(str(e) for e in errors)
    return (f"HTTP {status}",)
