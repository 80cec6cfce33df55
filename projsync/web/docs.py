"""The interactive API docs at ``/docs`` and the site's icon at ``/favicon.ico``.

The docs are swagger-ui 5, which reads the OpenAPI 3.1 that FastAPI serves. Its
script and style come with the ``swagger-ui-py`` package (a dependency) and are
served from here, under ``/docs-assets``, never from a CDN.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from projsync.errors import ConfigurationError

__all__ = ["add_docs", "swagger_ui_assets"]

_FAVICON = Path(__file__).parent / "static" / "favicon.ico"


def swagger_ui_assets() -> Path:
    """The folder of swagger-ui's script and style, as ``swagger-ui-py`` ships
    them (found without importing the package, which loads web frameworks'
    handlers projsync has no use for)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError("swagger-ui-py is not installed: `pip install -e .` installs it")
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    if not (folder / "swagger-ui-bundle.js").is_file():
        raise ConfigurationError(f"swagger-ui-py has no swagger-ui-bundle.js in {folder}")
    return folder


def add_docs(app: FastAPI) -> None:
    """Serve ``/docs`` (with its assets) and ``/favicon.ico`` on ``app``."""
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_assets()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="projsync API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/favicon.ico",
        )
        # FastAPI's page names no language: screen readers are told it is English.
        return HTMLResponse(bytes(page.body).replace(b"<html>", b'<html lang="en">', 1))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(
            _FAVICON,
            media_type="image/vnd.microsoft.icon",
            headers={"Cache-Control": "public, max-age=86400"},
        )
