"""What the accountant's and the administrator's forms share: reading what
was typed (numbers as every door of the ledger reads them, never as floats;
dates as the command line reads them; texts bounded to their columns), and
answering: a redirect with a message once done, or the form again with the
service's words and the values as typed, nothing written.

Every problem of a form is gathered before it is refused, as the services
gather theirs; a form's own problems are said before the service is asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from projsync.errors import InputError, Problem
from projsync.ledger.numbers import NumberRefused, Quantity, read_decimal
from projsync.web.model import Right, User
from projsync.web.pages.render import templates

__all__ = ["Typed", "done", "typed"]

E = TypeVar("E", bound=StrEnum)


def _may(user: User | None, right: str) -> bool:
    """Whether a page's user holds a right (for a template's links)."""
    return user is not None and user.can(Right(right))


templates.env.globals["may"] = _may


class Typed:
    """A form's fields as typed, read into values; each field that cannot be
    read is a problem named by its label, and reading goes on."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.problems: list[Problem] = []

    def refuse(self, where: str, what: str) -> None:
        self.problems.append(Problem(where=where, what=what))

    def text(self, name: str, label: str, *, most: int = 100, needed: bool = False) -> str:
        value = self.form.get(name, "").strip()
        if needed and not value:
            self.refuse(label, "is needed")
        if len(value) > most:
            self.refuse(label, f"at most {most} characters, not {len(value)}")
        return value

    def optional(self, name: str, label: str, *, most: int = 100) -> str | None:
        return self.text(name, label, most=most) or None

    def date(self, name: str, label: str, *, needed: bool = False) -> dt.date | None:
        value = self.form.get(name, "").strip()
        if not value:
            if needed:
                self.refuse(label, "is needed (YYYY-MM-DD)")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.refuse(label, f"{value[:40]!r} is not a date (YYYY-MM-DD)")
            return None

    def number(
        self, name: str, label: str, quantity: Quantity, *, needed: bool = False
    ) -> Decimal | None:
        """A plain decimal number, read as the command line reads it
        (``projsync.ledger.numbers``): never through a float."""
        value = self.form.get(name, "").strip()
        if not value:
            if needed:
                self.refuse(label, "a number is needed")
            return None
        try:
            return read_decimal(value, quantity)
        except NumberRefused as exc:
            self.refuse(label, str(exc))
            return None

    def choice(self, name: str, label: str, kind: type[E], default: E) -> E:
        value = self.form.get(name, "").strip()
        if not value:
            return default
        try:
            return kind(value)
        except ValueError:
            self.refuse(label, f"{value[:40]!r} is not one of {', '.join(kind)}")
            return default

    def check(self) -> None:
        """Refuse the form when any field could not be read."""
        if self.problems:
            raise InputError(list(self.problems))


async def typed(request: Request) -> dict[str, str]:
    """A posted form's fields as text (the form token left out)."""
    async with request.form() as form:
        return {k: v for k, v in form.items() if isinstance(v, str) and k != "form_token"}


def done(target: str, message: str, *, key: str = "done") -> Response:
    """The answer to a form that did what it was asked (or, with
    ``key="error"``, of a button refused): to ``target``, told."""
    joint = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joint}{urlencode({key: message})}", status_code=303)
