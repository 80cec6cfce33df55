"""What the API takes, declared once for every model and parameter: ids and
texts the stores can hold, whole numbers that fit their columns, days that no
date arithmetic carries out of range.

A value outside these bounds is refused (422, with where and what) before a
handler runs, so no store, scheduler or date computation ever sees it. The
services keep their own rules (an id's form, a setting's meaning); these are
only the outer limits. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, Strict, StringConstraints

__all__ = [
    "FIRST_DAY",
    "KEY_PATTERN",
    "LAST_DAY",
    "LOG_IDS",
    "MOST_MINUTES",
    "PATTERN_WORDS",
    "TEXT_PATTERN",
    "ActivityNumber",
    "CategoryId",
    "CompanyId",
    "Day",
    "EntityKey",
    "EntityType",
    "Flag",
    "LagMinutes",
    "LogEntryId",
    "Minutes",
    "ProjectId",
    "ResourceId",
    "TaskId",
    "WeekName",
    "WorkerId",
    "key",
    "text",
]

KEY_PATTERN = r"^[^\x00-\x1f\x7f]*$"
"""An id holds no control character."""
TEXT_PATTERN = r"^[^\x00]*$"
"""A text holds no NUL: PostgreSQL refuses it."""
PATTERN_WORDS = {
    KEY_PATTERN: "must not contain control characters",
    TEXT_PATTERN: "must not contain a NUL character",
}
"""The refusal of each pattern, in words rather than as the pattern."""


def key(limit: int) -> StringConstraints:
    """An id of at most ``limit`` characters (its column's length), as
    ``Annotated[str, key(40)]``. A string bounded in length is also refused
    when it cannot be written as UTF-8 (a lone surrogate): no store holds it."""
    return StringConstraints(min_length=1, max_length=limit, pattern=KEY_PATTERN)


def text(limit: int, *, min_length: int = 0) -> StringConstraints:
    """A name or free text of at most ``limit`` characters (its column's
    length), as ``Annotated[str, text(200)]``."""
    return StringConstraints(min_length=min_length, max_length=limit, pattern=TEXT_PATTERN)


CompanyId = Annotated[str, key(40)]
ProjectId = Annotated[str, key(40)]
"""A ledger project or a plan project."""
WorkerId = Annotated[str, key(40)]
ActivityNumber = Annotated[str, key(60)]
CategoryId = Annotated[str, key(60)]
TaskId = Annotated[str, key(60)]
ResourceId = Annotated[str, key(60)]
"""A plan resource."""
WeekName = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-W[0-9]{2}$")]
"""An ISO week, ``2026-W10``."""
EntityKey = Annotated[str, key(200)]
"""An entity's key in the integration log (``PA``, ``PA/1``, …)."""
EntityType = Annotated[str, key(30)]

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
_WRITTEN_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_day(value: object) -> object:
    """A day comes as ``YYYY-MM-DD``: not as a count of seconds since 1970,
    which the parser would take, nor as a moment."""
    if isinstance(value, str) and _WRITTEN_DAY.fullmatch(value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError("must be a day written YYYY-MM-DD")


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be a day from {FIRST_DAY} to {LAST_DAY}")
    return day


Day = Annotated[dt.date, BeforeValidator(_written_day), AfterValidator(_in_range)]
"""A calendar day from 1900 to 2999: a day after it, a week around it or a
schedule from it stays within what dates can hold."""

MOST_MINUTES = 1_000_000_000
"""The longest duration, work or lag in minutes (about 1,900 years around the
clock): within the plan's 32-bit columns, and far past the scheduler's horizon,
which refuses a task it cannot place."""
Minutes = Annotated[int, Strict(), Field(ge=0, le=MOST_MINUTES)]
"""In a JSON body: a whole number, not ``true`` nor ``"5"``."""
LagMinutes = Annotated[int, Strict(), Field(ge=-MOST_MINUTES, le=MOST_MINUTES)]
"""A link's lag; negative is a lead."""
Flag = Annotated[bool, Strict()]
"""In a JSON body: ``true`` or ``false``, not ``0`` nor ``"yes"``."""

LOG_IDS = 2**31 - 1
"""The highest id the integration log's 32-bit key can hold."""
LogEntryId = Annotated[int, Field(ge=1, le=LOG_IDS)]
