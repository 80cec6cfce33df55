"""How refusals and failures read over HTTP: a request the API's models refuse
is 422 with every problem's ``where`` and ``what``, in JSON that can always be
written whatever the request held (an infinite number, a lone surrogate); and
a failure nobody foresaw is logged with its traceback and answered 500 in a
few words.

An answer never quotes an internal (a traceback, a statement, a path) to the
caller, and never echoes the refused input back whole.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from projsync.web.api.bounds import PATTERN_WORDS

__all__ = [
    "UNFORESEEN",
    "SafeJSONResponse",
    "Unforeseen",
    "document_problems",
    "request_problems",
    "writable",
]

_log = logging.getLogger("projsync.web")

UNFORESEEN = "internal error: the request failed; the server's log tells why"


def writable(value: Any) -> Any:
    """``value`` with every text encodable as UTF-8 (a lone surrogate written
    as its escape) and every non-finite number as text, so JSON holds it."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {writable(k): writable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [writable(v) for v in value]
    return value


class SafeJSONResponse(JSONResponse):
    """A JSON answer that is written whatever its content quotes."""

    def render(self, content: Any) -> bytes:
        return super().render(writable(content))


def request_problems(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """The problems of a request its models refused: ``where`` (the part of
    the request and the field: ``body lines[0].date``, ``query since``),
    ``what``, and ``loc``, the place as a list, as FastAPI gives it."""
    return [
        {
            "where": _where(tuple(error["loc"])),
            "what": _what(error),
            "loc": writable(list(error["loc"])),
        }
        for error in errors
    ]


def _where(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "request"
    part, *path = loc
    field = ""
    for before, step in zip([None, *path], path, strict=False):
        if isinstance(step, int) and before == "lines":
            # a journal's lines are numbered from 1, as its refusals name them
            field = field.removesuffix("lines").rstrip(".") + f" line {step + 1},"
        elif isinstance(step, int):
            field += f"[{step}]"
        else:
            field += f" {step}" if field.endswith(",") else f".{step}"
    return str(writable(f"{part} {field.strip(' .,')}".strip()))


def _what(error: Any) -> str:
    context = error.get("ctx") or {}
    if error.get("type") == "string_unicode":
        return "must be valid Unicode text: it holds a lone surrogate"
    if error.get("type") == "value_error" and "error" in context:
        return str(writable(str(context["error"])))
    if error.get("type") == "string_pattern_mismatch":
        return PATTERN_WORDS.get(str(context.get("pattern")), str(error["msg"]))
    return str(writable(str(error["msg"])))


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "properties": {
        "where": {"type": "string", "title": "Where"},
        "what": {"type": "string", "title": "What"},
        "loc": {
            "type": "array",
            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "title": "Location",
        },
    },
    "required": ["where", "what"],
}
"""One problem of a refused request, as the OpenAPI document shows it."""


def document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI ``document`` with FastAPI's validation error replaced by
    the problems the API answers (``where``, ``what``, ``loc``)."""
    schemas = document.get("components", {}).get("schemas", {})
    if "ValidationError" in schemas:
        schemas["ValidationError"] = PROBLEM_SCHEMA
    return document


class Unforeseen:
    """Outermost but for the server: an exception no handler answered is
    logged with its traceback and the request line, and answered 500 with a
    short JSON body. (A failure after the answer began can only be logged and
    passed on: the server then drops the connection.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            _log.exception("unforeseen failure answering %s %s", scope["method"], scope["path"])
            if started:
                raise
            answer = SafeJSONResponse({"detail": UNFORESEEN}, status_code=500)
            await answer(scope, receive, send)
