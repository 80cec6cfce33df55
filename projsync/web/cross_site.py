"""Requests another origin makes a browser send are refused (403).

The browser sends the session cookie with every request to this server's
host, whoever asks for it. SameSite=Lax keeps other *sites* from posting
with it, not another origin of the same site: another port of the host, a
sibling subdomain. So a request that may change something (POST, PUT, PATCH,
DELETE) and is not authenticated by a bearer token must come from this
server's own origin wherever the browser says where it comes from
(``Origin``, else ``Referer``; ``null`` is another); and if it carries the
session cookie, it must also carry the session's form token: the pages'
forms hold it in a hidden field (``form_token``), a script sends it in the
``X-Form-Token`` header.

The token (``projsync.web.auth.form_token``) is an HMAC keyed by the
session's secret: nothing stored, and it ends with the session. Another
origin can neither read it (the same-origin policy keeps a page's text from
it) nor derive it (the cookie is HttpOnly). The login form, before any
session, is held to the origin alone. A browser never adds a bearer token on
its own: requests that carry one pass untouched, and so does every safe one.
The guard never reads the body of a request it does not check.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from projsync.web.auth import SESSION_COOKIE, bearer_token, form_token
from projsync.web.pages.render import page

__all__ = [
    "FORM_TOKEN_FIELD",
    "FORM_TOKEN_HEADER",
    "UNSAFE_METHODS",
    "CrossSiteGuard",
    "foreign_origin",
]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TOKEN_FIELD = "form_token"
FORM_TOKEN_HEADER = "X-Form-Token"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NO_TOKEN = "the form token is missing or wrong: reload the page and try again"


def _token_matches(session: str, given: str) -> bool:
    return hmac.compare_digest(form_token(session).encode(), given.encode())


def _origin(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, the port left out where it is the
    scheme's own; ``None`` for what is not an absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    shown = "" if port is None or port == _DEFAULT_PORTS[scheme] else f":{port}"
    return f"{scheme}://{host}{shown}"


def foreign_origin(request: Request) -> str | None:
    """The origin a request says it comes from when that is not this server's
    (as the request's own ``Host`` names it); ``None`` when it is, or when the
    request does not say."""
    said = request.headers.get("origin")
    if said is None:
        said = request.headers.get("referer")
    if said is None:
        return None
    own = _origin(f"{request.url.scheme}://{request.url.netloc}")
    found = _origin(said)
    return None if found is not None and found == own else said.strip() or "(empty)"


class CrossSiteGuard:
    """ASGI middleware: refuses what :mod:`projsync.web.cross_site` says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if bearer_token(request) is not None:
            await self.app(scope, receive, send)
            return
        why = None
        elsewhere = foreign_origin(request)
        session = request.cookies.get(SESSION_COOKIE)
        if elsewhere is not None:
            why = f"a request from {elsewhere}, not from this server"
        elif session and request.url.path != "/login":
            body = await _body(receive)
            receive = _replaying(body, receive)
            given = request.headers.get(FORM_TOKEN_HEADER) or await _field(scope, body)
            if not given or not _token_matches(session, given):
                why = _NO_TOKEN
        if why is None:
            await self.app(scope, receive, send)
            return
        await _refusal(request, why)(scope, receive, send)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then waits as the server's."""
    given = False

    async def again() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _field(scope: Scope, body: bytes) -> str | None:
    """The form token field of a form's body (urlencoded or multipart)."""
    kind = Request(scope).headers.get("content-type", "")
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    async with Request(scope, _replaying(body, _nothing)).form() as form:
        value = form.get(FORM_TOKEN_FIELD)
    return value if isinstance(value, str) else None


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def _refusal(request: Request, why: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": why}, status_code=403)
    return page(request, "error.html", None, status_code=403, message=f"Refused: {why}.")
