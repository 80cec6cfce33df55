"""Integration settings: global, per company and per project.

What an administrator chooses: the custom-field prefix on the plan side,
whether header projects are integrated, whether worker rates show on the plan
side, the sync interval, retries, and who owns which field. Stored in the
sync's own store; read as frozen records.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, select

from projsync.connectors.base import EntityKind
from projsync.db import Store
from projsync.errors import InputError, Problem, check_id, refusal
from projsync.sync import mapping
from projsync.sync.tables import company_settings, global_settings, project_settings

__all__ = [
    "DEFAULT_OWNERS",
    "OWNABLE_FIELDS",
    "SIDES",
    "WHOLE_SETTINGS",
    "CompanySettings",
    "GlobalSettings",
    "ProjectSettings",
    "company_integrated",
    "company_settings_of",
    "integrated_companies",
    "load_global",
    "project_settings_of",
    "save_global",
    "set_company",
    "set_project",
    "settings_version",
]

SIDES = ("ledger", "plan", "none")
"""Who may own a field: a side, or nobody (a true conflict waits for a person)."""

OWNED_KINDS = (EntityKind.PROJECT, EntityKind.TASK, EntityKind.ASSIGNMENT)
"""The kinds whose fields change on both sides, so that an owner decides.
Resources go from the ledger to the plan only: they never conflict."""

OWNABLE_FIELDS: tuple[str, ...] = tuple(
    sorted({name for kind in OWNED_KINDS for name in mapping.NEUTRAL[kind]})
)
"""The field names an owner can be given: those the merge compares (the
neutral fields of the mapping, in the ledger's terms). A name is one field of
every kind that has it: ``name`` is the project's and the tasks' name."""

DEFAULT_OWNERS: Mapping[str, str] = MappingProxyType(
    {
        # identity, company, type, status and money belong to the ledger
        "company": "ledger",
        "type": "ledger",
        "status": "ledger",
        "customer": "ledger",
        "contract": "ledger",
        "group": "ledger",
        "category": "ledger",
        "parent": "ledger",
        "planned_hours": "ledger",
        "budget_cost": "ledger",
        "budget_revenue": "ledger",
        # billing is the ledger's; the plan shows it
        "contract_value": "ledger",
        "invoiced": "ledger",
        "recognised": "ledger",
        # progress is the plan's; the ledger recognises revenue from it
        "percent_complete": "plan",
        "scheduled_hours": "plan",
        # a project's own dates are the accountant's (its end is never compared:
        # the plan has no counterpart); the plan's schedule comes back beside them
        "project_start": "ledger",
        "projected_start": "plan",
        "projected_end": "plan",
        # task dates, durations and assignments belong to the plan
        "start": "plan",
        "end": "plan",
        "hours": "plan",
        # names merge from either side: no owner, a true conflict waits for a person
    }
)
"""Owners of the fields a project's settings do not name."""


WHOLE_SETTINGS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "sync_interval_seconds": (1, 7 * 24 * 3600),
        "max_attempts": (1, 1_000),
        "resync_hours": (1, 366 * 24),
        "notify_hours": (1, 366 * 24),
    }
)
"""The settings that are whole numbers, each with its least and greatest
value: a week between runs, a year of hours at most, so that no wait or date
computed from them overflows."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GlobalSettings:
    custom_field_prefix: str = "DAX_"
    no_header_projects: bool = False
    """Only subprojects become plan projects; header projects are not integrated."""
    show_worker_rates: bool = False
    sync_interval_seconds: int = 300
    max_attempts: int = 5
    resync_hours: int = 4
    """A failed entity is resynchronized automatically after this many hours."""
    notify_hours: int = 24
    """Someone is notified (log entry, webhook) after this many hours of failure."""
    webhook_url: str | None = None
    delete_rule: str = "unlink"
    """What a deletion on the plan side does in the ledger: "unlink" or "delete"."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectSettings:
    project: str
    integrate: bool = False
    plan_project: str | None = None
    """The plan project it is linked to (default: the same id)."""
    owners: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_OWNERS))
    )

    def own_owners(self) -> dict[str, str]:
        """The owners this project chose: those that differ from the defaults."""
        return _differing(self.owners)


def _differing(owners: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in owners.items() if DEFAULT_OWNERS.get(k, "none") != v}


VERSION = "settings_version"


def settings_version(store: Store) -> int:
    """A number that changes whenever any setting changes."""
    with store.read() as conn:
        row = conn.execute(
            select(global_settings.c.value).where(global_settings.c.name == VERSION)
        ).scalar()
    return int(row or 0)


def _bump(conn: Connection) -> None:
    current = conn.execute(
        select(global_settings.c.value).where(global_settings.c.name == VERSION)
    ).scalar()
    conn.execute(global_settings.delete().where(global_settings.c.name == VERSION))
    conn.execute(global_settings.insert().values(name=VERSION, value=str(int(current or 0) + 1)))


def load_global(store: Store) -> GlobalSettings:
    with store.read() as conn:
        return _load_global(conn)


def _load_global(conn: Connection) -> GlobalSettings:
    stored = {
        r.name: json.loads(r.value)
        for r in conn.execute(select(global_settings).where(global_settings.c.name != VERSION))
    }
    known = {f.name for f in dataclasses.fields(GlobalSettings)}
    return GlobalSettings(**{k: v for k, v in stored.items() if k in known})


def save_global(store: Store, **changes: Any) -> GlobalSettings:
    """Change global settings; only the names given change."""
    with store.write() as conn:
        current = _load_global(conn)
        try:
            updated = dataclasses.replace(current, **changes)
        except TypeError as exc:
            raise refusal("settings", str(exc)) from exc
        _check_global(updated)
        for name in changes:
            value = json.dumps(getattr(updated, name))
            conn.execute(global_settings.delete().where(global_settings.c.name == name))
            conn.execute(global_settings.insert().values(name=name, value=value))
        _bump(conn)
    return updated


def _check_global(settings: GlobalSettings) -> None:
    problems = []
    prefix = settings.custom_field_prefix
    if not prefix or len(prefix) > 20 or not prefix.replace("_", "").isalnum():
        problems.append(
            Problem(where="--custom-field-prefix", what=f"{prefix!r} is not a usable prefix")
        )
    for name, (least, most) in WHOLE_SETTINGS.items():
        value = getattr(settings, name)
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not least <= value <= most:
            problems.append(
                Problem(
                    where=f"--{name.replace('_', '-')}",
                    what=f"must be a whole number from {least} to {most:,}",
                )
            )
    if settings.delete_rule not in ("unlink", "delete"):
        problems.append(Problem(where="--delete-rule", what="must be unlink or delete"))
    url = settings.webhook_url
    if url is not None and not url.startswith(("http://", "https://")):
        problems.append(Problem(where="--webhook", what=f"{url!r} is not an http(s) URL"))
    if problems:
        raise InputError(problems)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanySettings:
    company: str
    integrate: bool = False
    project_type: str | None = None
    """A project born on the plan side takes this type where its plan names none."""
    contract: str | None = None
    customer: str | None = None


def set_company(
    store: Store,
    company: str,
    *,
    integrate: bool | None = None,
    project_type: str | None = None,
    contract: str | None = None,
    customer: str | None = None,
) -> CompanySettings:
    """Integrate a company (or stop), and set what a project born on the plan
    side takes where its plan says nothing (empty text clears a default)."""
    problems = []
    given = (("--project-type", project_type, 20), ("--contract", contract, 100),
             ("--customer", customer, 100))  # fmt: skip
    for where, value, limit in given:
        if value and (len(value) > limit or not value.isprintable() or value != value.strip()):
            problems.append(Problem(where=where, what=f"1 to {limit} printable characters"))
    if problems:
        raise InputError(problems)
    with store.write() as conn:
        current = _company(conn, company)
        defaults = {"project_type": project_type, "contract": contract, "customer": customer}
        changes: dict[str, Any] = {k: (v or None) for k, v in defaults.items() if v is not None}
        if integrate is not None:
            changes["integrate"] = integrate
        updated = dataclasses.replace(current, **changes)
        conn.execute(company_settings.delete().where(company_settings.c.company == company))
        conn.execute(company_settings.insert().values(**dataclasses.asdict(updated)))
        _bump(conn)
    return updated


def company_settings_of(store: Store, company: str) -> CompanySettings:
    with store.read() as conn:
        return _company(conn, company)


def _company(conn: Connection, company: str) -> CompanySettings:
    row = conn.execute(
        select(company_settings).where(company_settings.c.company == company)
    ).first()
    if row is None:
        return CompanySettings(company=company)
    return CompanySettings(
        company=company,
        integrate=bool(row.integrate),
        project_type=row.project_type,
        contract=row.contract,
        customer=row.customer,
    )


def company_integrated(store: Store, company: str) -> bool:
    return company in integrated_companies(store)


def integrated_companies(store: Store) -> set[str]:
    with store.read() as conn:
        rows = conn.execute(
            select(company_settings.c.company).where(company_settings.c.integrate.is_(True))
        )
        return set(rows.scalars())


def project_settings_of(store: Store) -> dict[str, ProjectSettings]:
    with store.read() as conn:
        return {
            r.project: ProjectSettings(
                project=r.project,
                integrate=bool(r.integrate),
                plan_project=r.plan_project,
                owners=MappingProxyType({**DEFAULT_OWNERS, **_stored_owners(r.ownership)}),
            )
            for r in conn.execute(select(project_settings))
        }


def _stored_owners(text: str) -> dict[str, str]:
    """The owners a project's settings name. Names no longer compared (settings
    stored before the names were checked, or fields since renamed) are left
    out: they never decided anything."""
    return {
        name: side
        for name, side in json.loads(text).items()
        if name in OWNABLE_FIELDS and side in SIDES
    }


def set_project(
    store: Store,
    project: str,
    *,
    integrate: bool | None = None,
    plan_project: str | None = None,
    owners: Mapping[str, str] | None = None,
) -> ProjectSettings:
    """Integrate a project (or stop), link it to a plan project, set field owners.
    Owners naming a field the sync does not compare, or a side that is not
    ledger, plan or none, are refused, every one, and nothing is stored."""
    if plan_project:
        check_id("plan project", plan_project, 40)
    _check_owners(owners or {})
    current = project_settings_of(store).get(project, ProjectSettings(project=project))
    extra = _differing({**current.owners, **(owners or {})})
    updated = ProjectSettings(
        project=project,
        integrate=current.integrate if integrate is None else integrate,
        plan_project=plan_project or current.plan_project,
        owners=MappingProxyType({**DEFAULT_OWNERS, **extra}),
    )
    with store.write() as conn:
        conn.execute(project_settings.delete().where(project_settings.c.project == project))
        conn.execute(
            project_settings.insert().values(
                project=project,
                integrate=updated.integrate,
                plan_project=updated.plan_project,
                ownership=json.dumps(extra, sort_keys=True),
            )
        )
        _bump(conn)
    return updated


def _check_owners(owners: Mapping[str, str]) -> None:
    problems = []
    for name, side in owners.items():
        if name not in OWNABLE_FIELDS:
            problems.append(
                Problem(
                    where=f"owner of {name}",
                    what=f"no such field; fields with an owner: {', '.join(OWNABLE_FIELDS)}",
                )
            )
        if side not in SIDES:
            problems.append(Problem(where=f"owner of {name}", what="must be ledger, plan or none"))
    if problems:
        raise InputError(problems)
