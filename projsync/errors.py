"""The root of projsync's exceptions, grouped by what the caller must do.

::

    ProjsyncError
    ├── ConfigurationError   fix the settings and start again
    ├── RetriableError       try the same thing again later
    ├── SkippableError       leave this record, go on with the rest
    └── FatalError           stop: continuing would make things worse

User-data problems (a bad journal line, an unknown project) are not exceptions of
this tree: they are returned as error records, all of them at once, and reach the
person who typed them. ``InputError`` carries such records across a service call
that must refuse as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConfigurationError",
    "FatalError",
    "InputError",
    "Problem",
    "ProjsyncError",
    "RetriableError",
    "SkippableError",
    "check_id",
    "refusal",
]


class ProjsyncError(Exception):
    """Root of every exception projsync raises on purpose."""


class ConfigurationError(ProjsyncError):
    """A setting is missing or wrong."""


class RetriableError(ProjsyncError):
    """A transient failure: the same call may succeed later."""


class SkippableError(ProjsyncError):
    """This record cannot be handled; the others can."""


class FatalError(ProjsyncError):
    """Continuing would corrupt data."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One problem with user input: where it is and what is wrong."""

    where: str
    """Where the problem is: ``"line 12"``, ``"project P1"``, ``"--hours"``."""
    what: str
    """What is wrong, in words for the person who typed it."""

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class InputError(ProjsyncError):
    """The input was refused as a whole; ``problems`` lists every reason."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def refusal(where: str, what: str) -> InputError:
    """An ``InputError`` with one problem, to raise."""
    return InputError([Problem(where=where, what=what)])


def check_id(where: str, value: str, limit: int) -> None:
    """Refuse an id a person typed that the stores cannot key on (a control
    character or a lone surrogate, which no store writes, among them)."""
    shaped = bool(value) and value == value.strip() and len(value) <= limit and "/" not in value
    if not shaped or not _storable(value):
        raise refusal(
            where,
            f"{value!r} is not a valid id (1-{limit} characters, no '/', no control "
            "characters, no spaces at the ends)",
        )


def _storable(value: str) -> bool:
    if any(c < " " or c == "\x7f" for c in value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
