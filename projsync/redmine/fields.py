"""The Redmine custom fields projsync needs, and the identifiers it derives.

Ledger facts with no native Redmine field travel in custom fields named
``<prefix><NN>_<Name>`` like the plan server's (``DAX_03_Company``). Numbers
1 to 14 are the sync's own (see ``projsync.sync.mapping``); 15 and up exist on
Redmine only: actuals and budget, which Redmine has no field for. Pure code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "REDMINE_FIELDS",
    "RedmineField",
    "identifier_of",
    "login_of",
    "own_field",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class RedmineField:
    """A custom field as Redmine defines it."""

    number: int
    name: str
    customized: str
    """Redmine's class: ProjectCustomField, IssueCustomField or UserCustomField."""
    format: str
    """Redmine's field format: string, float or text."""


REDMINE_FIELDS: tuple[RedmineField, ...] = (
    RedmineField(number=15, name="ActualHours", customized="IssueCustomField", format="float"),
    RedmineField(number=16, name="ActualCost", customized="IssueCustomField", format="float"),
    RedmineField(number=17, name="BudgetCost", customized="IssueCustomField", format="float"),
    RedmineField(number=18, name="Revenue", customized="IssueCustomField", format="float"),
    RedmineField(number=19, name="ActualsByDay", customized="IssueCustomField", format="text"),
)
"""Fields on Redmine only: an issue's actuals (totals, and per resource and day
so that a day sent again replaces itself) and its budget cost."""

PROJECT_ID = 1
COMPANY = 3
ACTIVITY_NUMBER = 9
WORKER_ID = 12
ACTUAL_HOURS, ACTUAL_COST, BUDGET_COST, REVENUE, ACTUALS_BY_DAY = 15, 16, 17, 18, 19

_NAMES = {
    PROJECT_ID: "ProjectId",
    COMPANY: "Company",
    ACTIVITY_NUMBER: "ActivityNumber",
    WORKER_ID: "WorkerId",
    **{f.number: f.name for f in REDMINE_FIELDS},
}


def own_field(prefix: str, number: int) -> str:
    """The name of one of the fields the connector itself reads or writes."""
    return f"{prefix}{number:02d}_{_NAMES[number]}"


def identifier_of(namespace: str, key: str) -> str:
    """A Redmine project identifier for a plan project key: lower-case letters,
    digits, ``-`` and ``_``, starting with a letter, at most 100 characters."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", f"{namespace}{key}".lower()).strip("-")
    if not slug[:1].isalpha():
        slug = f"p-{slug}"
    return slug[:100]


def login_of(namespace: str, key: str) -> str:
    """A Redmine login for a resource (worker) key."""
    login = re.sub(r"[^a-z0-9_.@-]+", "-", f"{namespace}{key}".lower()).strip("-")
    return login[:60] or "worker"
