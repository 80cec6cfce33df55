"""The web server's vocabulary: roles, the rights they carry, users and tokens.

A right is what a request needs; a role is a fixed set of rights (the four
kinds of people of the mission). Companies scope what a user sees: an
administrator sees every company, anyone else only those listed for them.
Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = ["ROLE_RIGHTS", "ApiToken", "Right", "Role", "User"]


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    PROJECT_ACCOUNTANT = "project-accountant"
    PROJECT_MANAGER = "project-manager"
    TEAM_MEMBER = "team-member"


class Right(enum.StrEnum):
    LEDGER_READ = "ledger:read"
    """Projects, activities, workers, transactions and totals of the user's companies."""
    LEDGER_POST = "ledger:post"
    """Post hours, expenses and fees for anyone of the user's companies."""
    LEDGER_WRITE = "ledger:write"
    """Create projects, subprojects and workers in the user's companies: the
    ledger's master data, kept by project accountants (and administrators)."""
    LEDGER_ACTIVITIES = "ledger:activities"
    """Add activities to the WBS of a project of the user's companies. Project
    managers hold it besides accountants: they break the work down, and an
    activity carries no money of its own (its budget comes from forecasts)."""
    OWN_TIME = "time:own"
    """Enter and post one's own hours and expenses (the portal)."""
    PLAN_READ = "plan:read"
    """Plan projects, tasks, resources, the Gantt chart."""
    PLAN_WRITE = "plan:write"
    """Change tasks and their links, schedule a plan project."""
    SYNC_READ = "sync:read"
    """The integration log, sync runs and status, reconciliation."""
    SYNC_MANAGE = "sync:manage"
    """Run the sync, resynchronize or cancel log entries."""
    SETTINGS = "settings"
    """Global and per-company/project integration settings, integrating workers."""
    USERS = "users"
    """Users of the pages and the API (add, disable, change role, delete) and
    their API tokens (create, revoke): an administrator's alone."""


ROLE_RIGHTS: dict[Role, frozenset[Right]] = {
    Role.ADMINISTRATOR: frozenset(Right),
    Role.PROJECT_ACCOUNTANT: frozenset(
        {
            Right.LEDGER_READ,
            Right.LEDGER_POST,
            Right.LEDGER_WRITE,
            Right.LEDGER_ACTIVITIES,
            Right.OWN_TIME,
            Right.PLAN_READ,
            Right.SYNC_READ,
        }
    ),
    Role.PROJECT_MANAGER: frozenset(
        {
            Right.LEDGER_READ,
            Right.LEDGER_ACTIVITIES,
            Right.OWN_TIME,
            Right.PLAN_READ,
            Right.PLAN_WRITE,
            Right.SYNC_READ,
        }
    ),
    Role.TEAM_MEMBER: frozenset({Right.OWN_TIME}),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """Someone who logs in to the pages or calls the API."""

    id: int
    login: str
    name: str
    role: Role
    worker: str | None = None
    """The ledger worker whose time this user enters (team members)."""
    companies: tuple[str, ...] = ()
    """Companies this user may see; ignored for administrators (they see all)."""

    def can(self, right: Right) -> bool:
        return right in ROLE_RIGHTS[self.role]

    @property
    def all_companies(self) -> bool:
        return self.role is Role.ADMINISTRATOR

    @property
    def can_read_ledger(self) -> bool:
        return self.can(Right.LEDGER_READ)

    def sees(self, company: str) -> bool:
        return self.all_companies or company in self.companies


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiToken:
    """A bearer token as listed: its secret is shown once, when created, never again."""

    id: int
    user: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
