"""The web application: the REST API under ``/api/v1``, the pages, and the
sync running in the background on the configured interval.

Errors keep their meaning over HTTP: input refused → 422 listing every
problem (``where`` and ``what``), or 404 when what was named is unknown;
configuration → 500; a store out of reach → 503. Any other failure is logged
and answered 500 in a few words (``projsync.web.answers``); no input should
reach that.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from projsync import __version__
from projsync.errors import ConfigurationError, InputError, RetriableError
from projsync.web.answers import (
    SafeJSONResponse,
    Unforeseen,
    document_problems,
    request_problems,
)
from projsync.web.api import ledger as ledger_api
from projsync.web.api import ledger_write as ledger_write_api
from projsync.web.api import plan as plan_api
from projsync.web.api import settings as settings_api
from projsync.web.api import sync as sync_api
from projsync.web.api import timesheets as timesheets_api
from projsync.web.auth import LoginRequired
from projsync.web.context import Context, SyncLoop
from projsync.web.cross_site import CrossSiteGuard
from projsync.web.docs import add_docs
from projsync.web.pages import (
    admin,
    exports,
    forms_ledger,
    forms_users,
    invoices,
    portal,
    timesheets,
)
from projsync.web.pages import routes as pages
from projsync.web.pages.render import page

__all__ = ["create_app"]

_STATIC = Path(__file__).parent / "static"


_UNPARSED = "There was an error parsing the body"
_UNPARSED_WHY = "cannot be read as JSON: a number of more than 4,300 digits is refused"


def create_app(
    context: Context, *, background_sync: bool = True, sync_interval: float | None = None
) -> FastAPI:
    """The application over ``context``; with ``background_sync`` it runs the
    sync every interval (the settings' unless ``sync_interval`` is given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loop = SyncLoop(context, interval=sync_interval) if background_sync else None
        if loop is not None:
            loop.start()
        app.state.sync_loop = loop
        try:
            yield
        finally:
            if loop is not None:
                loop.stop()

    app = FastAPI(
        title="projsync",
        version=__version__,
        description="Project accounting and project scheduling, kept in two-way sync.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = context
    app.add_middleware(CrossSiteGuard)
    for module in (
        ledger_api,
        ledger_write_api,
        plan_api,
        timesheets_api,
        sync_api,
        settings_api,
    ):
        app.include_router(module.router)
    for pages_module in (
        pages,
        admin,
        portal,
        timesheets,
        invoices,
        forms_ledger,
        forms_users,
        exports,
    ):
        app.include_router(pages_module.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    add_docs(app)  # /docs (swagger-ui served from here, not a CDN) and /favicon.ico

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        return SafeJSONResponse({"detail": request_problems(exc.errors())}, status_code=422)

    @app.exception_handler(InputError)
    async def refused(request: Request, exc: InputError) -> Response:
        problems = [{"where": p.where, "what": p.what} for p in exc.problems]
        unknown = all(p.what.startswith("unknown") for p in exc.problems)
        return SafeJSONResponse({"detail": problems}, status_code=404 if unknown else 422)

    @app.exception_handler(ConfigurationError)
    async def misconfigured(request: Request, exc: ConfigurationError) -> Response:
        return SafeJSONResponse({"detail": f"configuration error: {exc}"}, status_code=500)

    @app.exception_handler(RetriableError)
    async def unavailable(request: Request, exc: RetriableError) -> Response:
        return SafeJSONResponse({"detail": f"unavailable: {exc}"}, status_code=503)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == _UNPARSED:
            # FastAPI's answer when the JSON reader raises what is not a
            # JSON error: Python refuses to read an integer of more than
            # 4,300 digits. Said as every other body problem is.
            problem = {"where": "body", "what": _UNPARSED_WHY, "loc": ["body"]}
            return SafeJSONResponse({"detail": [problem]}, status_code=422)
        if request.url.path.startswith("/api/") or exc.status_code == 401:
            return SafeJSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        message = {403: "You may not open this page.", 404: "Not found."}.get(
            exc.status_code, str(exc.detail)
        )
        user = None
        return page(
            request,
            "error.html",
            user,
            status_code=exc.status_code,
            message=f"{message} {exc.detail}",
        )

    @app.exception_handler(LoginRequired)
    async def login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)

    generated = app.openapi

    def documented() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generated())
        return app.openapi_schema

    app.openapi = documented  # type: ignore[method-assign]
    app.add_middleware(Unforeseen)
    return app
