"""Who is asking, and may they: bearer tokens for the API, a session cookie for
the pages (the API also accepts the cookie, so a page's script can call it),
and the form token a session's pages carry (see ``projsync.web.cross_site``).

Without valid credentials the API answers 401; with credentials that lack the
right, 403. Pages send a person without a session to the login page.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from projsync.web.context import Context
from projsync.web.model import Right, User

__all__ = [
    "RECALL_SECONDS",
    "SESSION_COOKIE",
    "LoginRequired",
    "api_user",
    "bearer_token",
    "context_of",
    "form_token",
    "page_user",
    "require",
]

SESSION_COOKIE = "projsync_session"
RECALL_SECONDS = 5.0
"""How long who a token or session belongs to is remembered: a token revoked
or a password changed from the command line takes effect within this time
(logging out of a page at once)."""


_FORM_TOKEN_LABEL = b"projsync form token"


class LoginRequired(Exception):
    """A page was asked for without a session: the answer is the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def context_of(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def bearer_token(request: Request) -> str | None:
    """The bearer token a request is authenticated by, if it names one: then
    the session cookie, if any, is not read."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def form_token(session: str) -> str:
    """The token the pages of the session whose secret is ``session`` carry in
    their forms: an HMAC keyed by the secret, so nothing is stored, it ends
    with the session, and it tells nothing of the secret."""
    return hmac.new(session.encode(), _FORM_TOKEN_LABEL, hashlib.sha256).hexdigest()


def _from_request(request: Request) -> User | None:
    context = context_of(request)
    token = bearer_token(request)
    if token is not None:
        return context.recall(
            ("token", token), lambda: context.access.user_for_token(token), seconds=RECALL_SECONDS
        )
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return context.recall(
            ("session", cookie),
            lambda: context.access.user_for_session(cookie),
            seconds=RECALL_SECONDS,
        )
    return None


_bearer = HTTPBearer(
    auto_error=False,
    description="An API token, made with: projsync token create LOGIN",
)


async def api_user(
    request: Request,
    _credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> User:
    # async, as the other dependencies here: a token lookup is a short read,
    # cheaper on the event loop than a hop to a worker thread
    user = _from_request(request)
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="a valid bearer token is required (Authorization: Bearer <token>)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


async def page_user(request: Request) -> User:
    user = _from_request(request)
    if user is None:
        raise LoginRequired(str(request.url.path))
    return user


def require(right: Right, *, page: bool = False) -> Callable[..., Awaitable[User]]:
    """A dependency: the user, who must hold ``right`` (403 otherwise)."""
    who = page_user if page else api_user

    async def check(user: User = Depends(who)) -> User:
        if not user.can(right):
            raise HTTPException(
                status_code=403, detail=f"the role {user.role} lacks the right {right}"
            )
        return user

    return check
