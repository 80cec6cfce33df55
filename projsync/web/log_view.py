"""The integration log as its page shows it: filters that are lists, pages of
entries by cursor, and each entry in people's words.

A page is read by entry id, the log's own order: ``before`` an id gives the
next older page, ``after`` an id the next newer one. Ids only grow, so entries
written while someone pages never push one entry onto two pages or between
them. The user's scope (their companies) filters each chunk read, as the API's
listing does (``projsync.web.api.sync.filtered_log``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from projsync.sync.log import ENTITY_WORDS, LogEntry, LogStatus, entity_word, entries
from projsync.sync.tables import runs
from projsync.web.context import Context
from projsync.web.scope import EntityScope

__all__ = [
    "DESTINATIONS",
    "ENTITY_WORDS",
    "ORIGINS",
    "PAGE_SIZE",
    "LogFilters",
    "LogPage",
    "entity_word",
    "entries_in_scope",
    "log_page",
    "payload_rows",
    "read_filters",
    "recent_runs",
    "shown_version",
]

PAGE_SIZE = 100
"""Entries on one page of the log."""
_CHUNK = 1_000
"""Entries read at a time while the user's scope filters them."""

ORIGINS: Mapping[str, str] = {
    "ledger": "ledger",
    "plan": "plan",
    "both": "both sides (a conflict)",
    "person": "a person",
    "sync": "the sync",
}
"""Where an entry comes from, as the log keeps it → as the page says it."""
DESTINATIONS: Mapping[str, str] = {
    "plan": "plan",
    "ledger": "ledger",
    "person": "a person (a decision)",
    "both": "both sides",
    "people": "people (a notice)",
}
"""Where an entry goes, as the log keeps it → as the page says it."""


@dataclass(frozen=True)
class LogFilters:
    """What the log page is asked for: each list keeps the entries with one
    of its values; an empty list keeps them all."""

    statuses: tuple[LogStatus, ...] = ()
    entity_types: tuple[str, ...] = ()
    """As the log keeps them (``resource header``), whichever words were asked."""
    origins: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    run: int | None = None
    entity: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    query: list[tuple[str, str]] = field(default_factory=list)
    """The filters as a query string's pairs, for the paging links."""

    def link(self, **cursor: int) -> str:
        """The log page with these filters, at ``before`` or ``after`` an id."""
        pairs = self.query + [(name, str(value)) for name, value in cursor.items()]
        return f"/log?{urlencode(pairs)}" if pairs else "/log"


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_filters(
    *,
    status: Sequence[str] = (),
    entity_type: Sequence[str] = (),
    origin: Sequence[str] = (),
    destination: Sequence[str] = (),
    direction: str = "",
    run: str = "",
    entity: str = "",
    since: str = "",
    until: str = "",
) -> tuple[LogFilters, list[str]]:
    """The filters of a query string, and what is wrong with them (each said
    on the page; a wrong one shows no entries rather than all of them)."""
    problems: list[str] = []
    statuses: list[LogStatus] = []
    for text in _given(status):
        if text in {s.value for s in LogStatus}:
            statuses.append(LogStatus(text))
        else:
            known = ", ".join(s.value for s in LogStatus)
            problems.append(f"status {text!r} is not one of {known}")
    by_word = {word: stored for stored, word in ENTITY_WORDS.items()}
    types: list[str] = []
    for text in _given(entity_type):
        if len(text) > 30:  # the API's bounds (web/api/bounds.py), said on the page
            problems.append(f"entity type: at most 30 characters, not {len(text)}")
        elif text in ENTITY_WORDS or text in by_word:
            types.append(by_word.get(text, text))
        else:
            known = ", ".join(ENTITY_WORDS.values())
            problems.append(f"entity type {text!r} is not one of {known}")
    origins = [o for o in _given(origin) if o in ORIGINS]
    if direction in ("ledger-to-plan", "plan-to-ledger"):  # the earlier filter's links
        origins.append(direction.split("-to-", 1)[0])
    destinations = [d for d in _given(destination) if d in DESTINATIONS]
    found_run = None
    if run.strip():
        if run.strip().isdigit() and len(run.strip()) < 19:
            found_run = int(run.strip())
        else:
            problems.append(f"run {run!r} is not a run's number")
    if len(entity) > 200:
        problems.append(f"entity key: at most 200 characters, not {len(entity)}")
    days = {}
    for name, text in (("since", since), ("until", until)):
        days[name] = _date(text) if text else None
        if text and days[name] is None:
            problems.append(f"{name} {text!r} is not a date (YYYY-MM-DD)")
    query = (
        [("status", s.value) for s in statuses]
        + [("entity_type", ENTITY_WORDS.get(t, t)) for t in types]
        + [("origin", o) for o in dict.fromkeys(origins)]
        + [("destination", d) for d in destinations]
        + ([("run", str(found_run))] if found_run is not None else [])
        + ([("entity", entity)] if entity and len(entity) <= 200 else [])
        + [(name, text) for name, text in (("since", since), ("until", until)) if days[name]]
    )
    return (
        LogFilters(
            statuses=tuple(statuses),
            entity_types=tuple(dict.fromkeys(types)),
            origins=tuple(dict.fromkeys(origins)),
            destinations=tuple(destinations),
            run=found_run,
            entity=entity,
            since=days["since"],
            until=days["until"],
            query=query,
        ),
        problems,
    )


def _given(values: Sequence[str]) -> list[str]:
    """The values a list filter was given, the empty ones (``any``) left out."""
    return [v.strip() for v in values if v.strip()]


@dataclass(frozen=True)
class LogPage:
    entries: list[LogEntry]
    """Newest first."""
    newer: str | None
    """The link to the page of newer entries, if there are any."""
    older: str | None
    """The link to the page of older entries, if there are any."""


def _scan(
    context: Context,
    visible: EntityScope | None,
    wanted: LogFilters,
    *,
    before: int | None = None,
    after: int | None = None,
    most: int,
) -> list[LogEntry]:
    """Up to ``most`` entries in the user's scope: below ``before`` newest
    first, or above ``after`` oldest first."""
    found: list[LogEntry] = []
    while len(found) < most:
        chunk = entries(
            context.sync,
            statuses=wanted.statuses,
            entity_types=wanted.entity_types,
            origins=wanted.origins,
            destinations=wanted.destinations,
            runs=() if wanted.run is None else (wanted.run,),
            entity=wanted.entity or None,
            since=wanted.since,
            until=wanted.until,
            before=before,
            after=after,
            oldest_first=after is not None,
            limit=_CHUNK,
        )
        found += [
            e
            for e in chunk
            if visible is None or visible.entity(e.entity_type, e.entity_key, e.plan_key)
        ]
        if len(chunk) < _CHUNK:
            break
        if after is not None:
            after = chunk[-1].id
        else:
            before = chunk[-1].id
    return found[:most]


def entries_in_scope(
    context: Context, wanted: LogFilters, *, visible: EntityScope | None, most: int
) -> list[LogEntry]:
    """The newest ``most`` entries the filters keep, in the user's scope."""
    return _scan(context, visible, wanted, most=most)


def log_page(
    context: Context,
    wanted: LogFilters,
    *,
    visible: EntityScope | None = None,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> LogPage:
    """One page of the log: the newest entries, or those just older than
    ``before``, or just newer than ``after``; with the links to the pages
    either side of it, where there are entries to show."""
    if after is not None:
        found = _scan(context, visible, wanted, after=after, most=size + 1)
        shown = list(reversed(found[:size]))
        more_newer = len(found) > size
        more_older = bool(_scan(context, visible, wanted, before=after + 1, most=1))
    else:
        found = _scan(context, visible, wanted, before=before, most=size + 1)
        shown = found[:size]
        more_older = len(found) > size
        more_newer = before is not None and bool(
            _scan(context, visible, wanted, after=before - 1, most=1)
        )
    top = shown[0].id if shown else (after if after is not None else (before or 1) - 1)
    bottom = shown[-1].id if shown else top + 1
    return LogPage(
        entries=shown,
        newer=wanted.link(after=top) if more_newer else None,
        older=wanted.link(before=bottom) if more_older else None,
    )


def recent_runs(context: Context, most: int = 50) -> list[tuple[int, dt.datetime | None]]:
    """The latest runs, newest first: a run covers every company, and its
    number and start tell nothing of one."""
    with context.sync.read() as conn:
        latest = select(runs.c.id, runs.c.started_at).order_by(runs.c.id.desc()).limit(most)
        return [(int(r.id), r.started_at) for r in conn.execute(latest)]


def shown_version(entry: LogEntry) -> str:
    """An entry's entity version, nothing where the entry has none (-1: the
    sync read no version of it, as for actuals, or a person's request)."""
    return "" if entry.entity_version < 0 else str(entry.entity_version)


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "—"
    return str(value)


def payload_rows(payload: Mapping[str, Any], within: str = "") -> list[tuple[str, str]]:
    """An entry's payload as field and value rows, in people's words: a
    nested mapping (the custom fields) gives a row of each of its fields,
    named under its own; a list its values; nothing a dash."""
    rows: list[tuple[str, str]] = []
    for name in sorted(payload):
        value = payload[name]
        label = f"{within} · {name}" if within else str(name).replace("_", " ")
        if isinstance(value, Mapping) and value:
            rows += payload_rows(value, label)
        else:
            rows.append((label, _value(value)))
    return rows
