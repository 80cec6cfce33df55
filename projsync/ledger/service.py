"""The ledger's master data: companies, projects, activities, workers, categories.

Every call is one transaction; every write stamps a version from the change
sequence in that transaction. Refusals are ``InputError`` with every problem
found. What a call checks holds when it writes, on PostgreSQL as on SQLite
(where a writer holds the store's lock from the start): a row to be changed
or deleted is locked as it is read, and a row whose key must be new is
inserted or refused by the database itself, not only by a check before.
Posting lives in ``posting.py``, totals in ``reports.py``. This module never
reaches another part's store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from projsync.db import Store
from projsync.errors import InputError, Problem, check_id, refusal
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions, tombstone, untombstone
from projsync.ledger.model import (
    Activity,
    Category,
    CategoryKind,
    Company,
    Project,
    ProjectType,
    Worker,
    WorkerPrice,
)
from projsync.ledger.numbers import HOURS, MONEY, PRICE, NumberRefused, checked_units
from projsync.ledger.tables import (
    activities,
    categories,
    companies,
    forecasts,
    invoices,
    milestones,
    projects,
    transactions,
    worker_prices,
    workers,
)
from projsync.ledger.validation import date_out_of_range

__all__ = ["LedgerService"]

_Row = TypeVar("_Row", bound=tuple[Any, ...])


class LedgerService:
    """Master data of the ledger, one transaction per call."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- companies ---------------------------------------------------------

    def add_company(self, company: Company) -> Company:
        check_id("company", company.id, 40)
        if len(company.currency) != 3 or not company.currency.isalpha():
            raise refusal(
                f"company {company.id}", f"currency {company.currency!r} is not an ISO code"
            )
        company = dataclasses.replace(company, currency=company.currency.upper())
        with self.store.write() as conn:
            if self._company(conn, company.id) is not None or not _inserted_new(
                conn,
                companies,
                id=company.id,
                name=company.name,
                currency=company.currency,
                version=reserve_versions(conn),
            ):
                raise refusal(f"company {company.id}", "already exists")
        return company

    def companies(self) -> list[Company]:
        with self.store.read() as conn:
            rows = conn.execute(select(companies).order_by(companies.c.id))
            return [records.company_from_row(r) for r in rows]

    def _company(self, conn: Connection, company_id: str) -> Company | None:
        row = conn.execute(select(companies).where(companies.c.id == company_id)).first()
        return records.company_from_row(row) if row else None

    # -- categories --------------------------------------------------------

    def add_category(self, category: Category) -> Category:
        check_id("category", category.id, 40)
        with self.store.write() as conn:
            existing = self.category_in(conn, category.id)
            if existing is None:
                version = reserve_versions(conn)
                if _inserted_new(
                    conn, categories, id=category.id, kind=category.kind.value, version=version
                ):
                    return category
                existing = self.category_in(conn, category.id)  # added at the same moment
                assert existing is not None  # categories are never deleted
            raise refusal(f"category {category.id}", f"already exists ({existing.kind})")

    def categories(self) -> list[Category]:
        with self.store.read() as conn:
            rows = conn.execute(select(categories).order_by(categories.c.id))
            return [records.category_from_row(r) for r in rows]

    @staticmethod
    def category_in(conn: Connection, category_id: str) -> Category | None:
        row = conn.execute(select(categories).where(categories.c.id == category_id)).first()
        return records.category_from_row(row) if row else None

    @staticmethod
    def ensure_category(conn: Connection, category_id: str, kind: CategoryKind, where: str) -> None:
        """Create a category on its first use, with the kind of that use; refuse
        a category of another kind."""
        held = LedgerService.claim_category(conn, category_id, kind)
        if held != kind:
            raise refusal(where, f"category {category_id} is a {held} category, not {kind}")

    @staticmethod
    def claim_category(conn: Connection, category_id: str, kind: CategoryKind) -> CategoryKind:
        """The kind of a category, which is created with ``kind`` when it is new.
        Two transactions that create it at the same moment both go on: the
        second finds the first's row (on PostgreSQL it waits for the first to
        end) and takes its kind."""
        existing = LedgerService.category_in(conn, category_id)
        if existing is not None:
            return existing.kind
        version = reserve_versions(conn)
        if _inserted_new(conn, categories, id=category_id, kind=kind.value, version=version):
            return kind
        held = LedgerService.category_in(conn, category_id)
        assert held is not None  # categories are never deleted
        return held.kind

    # -- projects ----------------------------------------------------------

    def add_project(self, project: Project) -> Project:
        check_id("project", project.id, 40)
        with self.store.write() as conn:
            if self._project(conn, project.id) is not None:
                raise refusal(f"project {project.id}", "already exists")
            self._check_project(conn, project)
            values = records.project_values(project)
            if not _inserted_new(conn, projects, **values, version=reserve_versions(conn)):
                raise refusal(f"project {project.id}", "already exists")
            untombstone(conn, "project", project.id)
        return project

    def update_project(self, project_id: str, **changes: Any) -> Project:
        """Change a project's fields: the accountant's, or the projected dates the
        sync brings from the plan (never checked against the contract dates: a
        plan that runs late says so)."""
        with self.store.write() as conn:
            current = self.project_in(conn, project_id, lock=True)
            try:
                updated = dataclasses.replace(current, **changes)
            except TypeError as exc:
                raise refusal(f"project {project_id}", str(exc)) from exc
            if updated.company != current.company and (
                self._has_postings(conn, project_id) or self._has_billing(conn, project_id)
            ):
                raise refusal(
                    f"project {project_id}", "has postings or billing; its company cannot change"
                )
            self._check_project(conn, updated)
            if updated != current:
                conn.execute(
                    update(projects)
                    .where(projects.c.id == project_id)
                    .values(**records.project_values(updated), version=reserve_versions(conn))
                )
        return updated

    def delete_project(self, project_id: str) -> None:
        """Delete a project without postings, subprojects or activities."""
        with self.store.write() as conn:
            self.project_in(conn, project_id, lock=True)
            where = f"project {project_id}"
            if self._has_postings(conn, project_id):
                raise refusal(where, "has posted transactions; it cannot be deleted")
            if self._has_billing(conn, project_id):
                raise refusal(where, "has milestones or invoices; it cannot be deleted")
            if conn.execute(
                select(projects.c.id).where(projects.c.parent_id == project_id)
            ).first():
                raise refusal(where, "has subprojects; delete them first")
            if conn.execute(
                select(activities.c.number).where(activities.c.project_id == project_id)
            ).first():
                raise refusal(where, "has activities; delete them first")
            conn.execute(projects.delete().where(projects.c.id == project_id))
            tombstone(conn, "project", project_id, reserve_versions(conn))

    def project(self, project_id: str) -> Project:
        with self.store.read() as conn:
            return self.project_in(conn, project_id)

    def projects(self, *, company: str | None = None) -> list[Project]:
        with self.store.read() as conn:
            query = select(projects).order_by(projects.c.id)
            if company is not None:
                query = query.where(projects.c.company_id == company)
            return [records.project_from_row(r) for r in conn.execute(query)]

    def project_in(self, conn: Connection, project_id: str, *, lock: bool = False) -> Project:
        """A project; ``lock``: locked until the transaction ends, for a change."""
        found = self._project(conn, project_id, lock=lock)
        if found is None:
            raise refusal(f"project {project_id}", "unknown project")
        return found

    def _project(self, conn: Connection, project_id: str, *, lock: bool = False) -> Project | None:
        query = select(projects).where(projects.c.id == project_id)
        row = conn.execute(_locked(query) if lock else query).first()
        return records.project_from_row(row) if row else None

    def _check_project(self, conn: Connection, project: Project) -> None:
        where = f"project {project.id}"
        problems: list[Problem] = []
        if not project.name.strip():
            problems.append(Problem(where=where, what="name is empty"))
        if self._company(conn, project.company) is None:
            problems.append(Problem(where=where, what=f"unknown company {project.company}"))
        if project.start and project.end and project.end < project.start:
            problems.append(Problem(where=where, what="ends before it starts"))
        for date in (project.start, project.end, project.projected_start, project.projected_end):
            if date is not None and (what := date_out_of_range(date)):
                problems.append(Problem(where=where, what=what))
        if project.contract_value is not None:
            problems += [Problem(where=where, what=w) for w in _contract_value_problems(project)]
        if project.type is ProjectType.FIXED_PRICE:
            agreed = conn.execute(
                select(func.sum(milestones.c.amount)).where(milestones.c.project_id == project.id)
            ).scalar()
            if agreed is not None and (project.contract_value or 0) < agreed:
                problems.append(
                    Problem(
                        where=where,
                        what=f"its milestones come to {agreed:,}, more than its contract value",
                    )
                )
        if project.parent is not None:
            parent = self._project(conn, project.parent)
            if parent is None:
                problems.append(
                    Problem(where=where, what=f"unknown parent project {project.parent}")
                )
            elif parent.company != project.company:
                problems.append(
                    Problem(
                        where=where, what=f"parent {parent.id} belongs to company {parent.company}"
                    )
                )
            elif project.id in self._project_ancestors(conn, parent.id):
                problems.append(
                    Problem(
                        where=where,
                        what=f"cannot be a subproject of its own subproject {parent.id}",
                    )
                )
        if problems:
            raise InputError(problems)

    def _project_ancestors(self, conn: Connection, project_id: str) -> list[str]:
        chain = [project_id]
        parent = conn.execute(
            select(projects.c.parent_id).where(projects.c.id == project_id)
        ).scalar()
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = conn.execute(
                select(projects.c.parent_id).where(projects.c.id == parent)
            ).scalar()
        return chain

    def _has_billing(self, conn: Connection, project_id: str) -> bool:
        return any(
            conn.execute(
                select(table.c.id).where(table.c.project_id == project_id).limit(1)
            ).first()
            for table in (milestones, invoices)
        )

    def _has_postings(self, conn: Connection, project_id: str, activity: str | None = None) -> bool:
        query = select(transactions.c.id).where(transactions.c.project_id == project_id)
        if activity is not None:
            query = query.where(transactions.c.activity_number == activity)
        return conn.execute(query.limit(1)).first() is not None

    # -- activities --------------------------------------------------------

    def add_activity(self, activity: Activity) -> Activity:
        return self.add_activities([activity])[0]

    def add_activities(self, new: Sequence[Activity]) -> list[Activity]:
        """Add activities to one or more WBS in one transaction; parents may be
        existing activities or ones earlier or later in ``new``."""
        for activity in new:
            check_id("activity", activity.number, 40)
        with self.store.write() as conn:
            by_project: dict[str, list[Activity]] = {}
            for activity in new:
                by_project.setdefault(activity.project, []).append(activity)
            for project_id in sorted(by_project):  # one WBS change at a time
                self._project(conn, project_id, lock=True)
            problems: list[Problem] = []
            for project_id, batch in by_project.items():
                problems += self._check_new_activities(conn, project_id, batch)
            if problems:
                raise InputError(problems)
            for category in sorted({a.category for a in new if a.category}):
                self.ensure_category(conn, category, CategoryKind.HOUR, f"category {category}")
            first = reserve_versions(conn, len(new))
            conn.execute(
                insert(activities),
                [
                    {**records.activity_values(a), "version": first + i}
                    for i, a in enumerate(_wbs_order(new))
                ],
            )
            for activity in new:
                untombstone(conn, "activity", f"{activity.project}/{activity.number}")
        return list(new)

    def _check_new_activities(
        self, conn: Connection, project_id: str, batch: list[Activity]
    ) -> list[Problem]:
        if self._project(conn, project_id) is None:
            return [Problem(where=f"project {project_id}", what="unknown project")]
        rows = conn.execute(
            select(activities.c.number, activities.c.parent_number).where(
                activities.c.project_id == project_id
            )
        ).all()
        parent_of: dict[str, str | None] = {number: parent for number, parent in rows}
        problems: list[Problem] = []
        for activity in batch:
            where = f"activity {project_id}/{activity.number}"
            if activity.number in parent_of:
                problems.append(Problem(where=where, what="already exists"))
            parent_of[activity.number] = activity.parent
            problems += [
                Problem(where=where, what=what) for what in _activity_field_problems(activity)
            ]
        for activity in batch:
            where = f"activity {project_id}/{activity.number}"
            if activity.parent is None:
                continue
            if activity.parent not in parent_of:
                problems.append(
                    Problem(where=where, what=f"unknown parent activity {activity.parent}")
                )
            elif _has_cycle(parent_of, activity.number):
                problems.append(Problem(where=where, what="its parents form a cycle"))
            elif self._has_postings(conn, project_id, activity.parent):
                problems.append(
                    Problem(
                        where=where,
                        what=f"parent {activity.parent} has posted transactions "
                        "and cannot have children",
                    )
                )
        return problems

    def update_activity(self, project_id: str, number: str, **changes: Any) -> Activity:
        with self.store.write() as conn:
            current = self.activity_in(conn, project_id, number, lock=True)
            try:
                updated = dataclasses.replace(current, **changes)
            except TypeError as exc:
                raise refusal(f"activity {project_id}/{number}", str(exc)) from exc
            if (updated.project, updated.number) != (project_id, number):
                raise refusal(f"activity {project_id}/{number}", "project and number cannot change")
            self._check_activity(conn, updated)
            if updated != current:
                conn.execute(
                    update(activities)
                    .where(activities.c.project_id == project_id, activities.c.number == number)
                    .values(**records.activity_values(updated), version=reserve_versions(conn))
                )
        return updated

    def delete_activity(self, project_id: str, number: str) -> None:
        """Delete an activity without children, postings or forecasts."""
        where = f"activity {project_id}/{number}"
        with self.store.write() as conn:
            self.activity_in(conn, project_id, number, lock=True)
            if self._children(conn, project_id, number):
                raise refusal(where, "has child activities; delete them first")
            if self._has_postings(conn, project_id, number):
                raise refusal(where, "has posted transactions; it cannot be deleted")
            conn.execute(
                forecasts.delete().where(
                    forecasts.c.project_id == project_id, forecasts.c.activity_number == number
                )
            )
            conn.execute(
                activities.delete().where(
                    activities.c.project_id == project_id, activities.c.number == number
                )
            )
            tombstone(conn, "activity", f"{project_id}/{number}", reserve_versions(conn))

    def activities(self, project_id: str) -> list[Activity]:
        with self.store.read() as conn:
            self.project_in(conn, project_id)
            rows = conn.execute(
                select(activities)
                .where(activities.c.project_id == project_id)
                .order_by(activities.c.number)
            )
            return _wbs_order([records.activity_from_row(r) for r in rows])

    def activity(self, project_id: str, number: str) -> Activity:
        with self.store.read() as conn:
            return self.activity_in(conn, project_id, number)

    def activity_in(
        self, conn: Connection, project_id: str, number: str, *, lock: bool = False
    ) -> Activity:
        """An activity; ``lock``: locked until the transaction ends, for a change
        of it or of its forecasts."""
        self.project_in(conn, project_id)
        found = self._activity(conn, project_id, number, lock=lock)
        if found is None:
            raise refusal(f"activity {project_id}/{number}", "unknown activity")
        return found

    def _activity(
        self, conn: Connection, project_id: str, number: str, *, lock: bool = False
    ) -> Activity | None:
        query = select(activities).where(
            activities.c.project_id == project_id, activities.c.number == number
        )
        row = conn.execute(_locked(query) if lock else query).first()
        return records.activity_from_row(row) if row else None

    def _children(self, conn: Connection, project_id: str, number: str) -> list[str]:
        rows = conn.execute(
            select(activities.c.number).where(
                activities.c.project_id == project_id, activities.c.parent_number == number
            )
        )
        return [r[0] for r in rows]

    def _check_activity(self, conn: Connection, activity: Activity) -> None:
        where = f"activity {activity.project}/{activity.number}"
        problems = [Problem(where=where, what=what) for what in _activity_field_problems(activity)]
        if activity.parent is not None:
            parent = self._activity(conn, activity.project, activity.parent)
            if parent is None:
                problems.append(
                    Problem(where=where, what=f"unknown parent activity {activity.parent}")
                )
            elif activity.number in self._activity_ancestors(conn, activity.project, parent.number):
                problems.append(
                    Problem(
                        where=where, what=f"cannot move under its own descendant {parent.number}"
                    )
                )
            elif self._has_postings(conn, activity.project, parent.number):
                problems.append(
                    Problem(
                        where=where,
                        what=f"parent {parent.number} has posted transactions "
                        "and cannot have children",
                    )
                )
        if problems:
            raise InputError(problems)
        if activity.category is not None:
            self.ensure_category(conn, activity.category, CategoryKind.HOUR, where)

    def _activity_ancestors(self, conn: Connection, project_id: str, number: str) -> list[str]:
        chain = [number]
        parent = self._parent_number(conn, project_id, number)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self._parent_number(conn, project_id, parent)
        return chain

    def _parent_number(self, conn: Connection, project_id: str, number: str) -> str | None:
        return conn.execute(
            select(activities.c.parent_number).where(
                activities.c.project_id == project_id, activities.c.number == number
            )
        ).scalar()

    # -- workers -----------------------------------------------------------

    def add_worker(self, worker: Worker, price: WorkerPrice) -> Worker:
        check_id("worker", worker.id, 40)
        where = f"worker {worker.id}"
        with self.store.write() as conn:
            if self._worker(conn, worker.id) is not None:
                raise refusal(where, "already exists")
            if self._company(conn, worker.company) is None:
                raise refusal(where, f"unknown company {worker.company}")
            if not worker.name.strip():
                raise refusal(where, "name is empty")
            if worker.end_date is not None and (what := date_out_of_range(worker.end_date)):
                raise refusal(where, f"end date: {what}")
            if not _inserted_new(
                conn,
                workers,
                id=worker.id,
                company_id=worker.company,
                name=worker.name,
                calendar=worker.calendar,
                integrated=worker.integrated,
                end_date=worker.end_date,
                version=reserve_versions(conn),
            ):
                raise refusal(where, "already exists")
            untombstone(conn, "worker", worker.id)
            self._insert_price(conn, dataclasses.replace(price, worker=worker.id))
        return worker

    def set_worker_price(self, price: WorkerPrice) -> WorkerPrice:
        """Add a price valid from a date on, or correct the one of that date."""
        with self.store.write() as conn:
            self.worker_in(conn, price.worker)
            self._insert_price(conn, price)
        return price

    def _insert_price(self, conn: Connection, price: WorkerPrice) -> None:
        """Insert the price, or replace the one of the same date (one added at
        the same moment included: the later transaction's price stays)."""
        where = f"worker {price.worker}"
        try:
            units = [checked_units(value, PRICE) for value in (price.cost_price, price.sales_price)]
        except NumberRefused as exc:
            raise refusal(where, f"price: {exc}") from None
        if min(units) < 0:
            raise refusal(where, "prices cannot be negative")
        if what := date_out_of_range(price.valid_from):
            raise refusal(where, what)
        statement = dialect_insert(conn, worker_prices).values(
            worker_id=price.worker,
            valid_from=price.valid_from,
            cost_price=price.cost_price,
            sales_price=price.sales_price,
            version=reserve_versions(conn),
        )
        replaced = ("cost_price", "sales_price", "version")
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[worker_prices.c.worker_id, worker_prices.c.valid_from],
                set_={name: statement.excluded[name] for name in replaced},
            )
        )

    def set_worker_integrated(self, worker_id: str, integrated: bool) -> Worker:
        return self._change_worker(worker_id, integrated=integrated)

    def set_worker_end_date(self, worker_id: str, end_date: dt.date | None) -> Worker:
        """Set the worker's last working day, or clear it with ``None``. Hours
        posted before are kept as they are, on whatever day: the end date
        refuses only the postings that come after it is set."""
        if end_date is not None and (what := date_out_of_range(end_date)):
            raise refusal(f"worker {worker_id}", f"end date: {what}")
        return self._change_worker(worker_id, end_date=end_date)

    def _change_worker(self, worker_id: str, **changes: object) -> Worker:
        """Change fields of a worker named as its columns are; a change that
        changes nothing writes nothing (and stamps no version)."""
        with self.store.write() as conn:
            current = self.worker_in(conn, worker_id, lock=True)
            updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
            if updated != current:
                conn.execute(
                    update(workers)
                    .where(workers.c.id == worker_id)
                    .values(**changes, version=reserve_versions(conn))
                )
        return updated

    def workers(self) -> list[Worker]:
        with self.store.read() as conn:
            rows = conn.execute(select(workers).order_by(workers.c.id))
            return [records.worker_from_row(r) for r in rows]

    def worker(self, worker_id: str) -> Worker:
        with self.store.read() as conn:
            return self.worker_in(conn, worker_id)

    def worker_prices(self, worker_id: str) -> list[WorkerPrice]:
        with self.store.read() as conn:
            self.worker_in(conn, worker_id)
            rows = conn.execute(
                select(worker_prices)
                .where(worker_prices.c.worker_id == worker_id)
                .order_by(worker_prices.c.valid_from)
            )
            return [records.worker_price_from_row(r) for r in rows]

    def worker_in(self, conn: Connection, worker_id: str, *, lock: bool = False) -> Worker:
        """A worker; ``lock``: locked until the transaction ends, for a change."""
        found = self._worker(conn, worker_id, lock=lock)
        if found is None:
            raise refusal(f"worker {worker_id}", "unknown worker")
        return found

    def _worker(self, conn: Connection, worker_id: str, *, lock: bool = False) -> Worker | None:
        query = select(workers).where(workers.c.id == worker_id)
        row = conn.execute(_locked(query) if lock else query).first()
        return records.worker_from_row(row) if row else None

    # -- store-wide --------------------------------------------------------

    def is_empty(self) -> bool:
        with self.store.read() as conn:
            return not conn.execute(select(func.count()).select_from(companies)).scalar()


def _locked(query: Select[_Row]) -> Select[_Row]:
    """The query locking the rows it reads until the transaction ends: on
    PostgreSQL another transaction that would change them waits, and then
    reads them anew (``FOR NO KEY UPDATE``: rows that refer to them may still
    be added). SQLite needs nothing: a writer holds the whole store."""
    return query.with_for_update(key_share=True)


def dialect_insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _inserted_new(conn: Connection, table: Table, **values: object) -> bool:
    """Insert a row whose key must be new; ``False`` when the key is taken.

    A check before the insert reads only what has committed: the insert is
    the authority. A row of the same key that another transaction is still
    writing makes PostgreSQL wait for that transaction to end, then skip
    the row (``ON CONFLICT DO NOTHING``), where a plain insert would fail."""
    statement = dialect_insert(conn, table).values(**values).on_conflict_do_nothing()
    returned = conn.execute(statement.returning(*table.primary_key.columns)).first()
    return returned is not None


def _contract_value_problems(project: Project) -> list[str]:
    assert project.contract_value is not None
    try:
        if checked_units(project.contract_value, MONEY) < 0:
            return ["contract value is negative"]
    except NumberRefused as exc:
        return [f"contract value: {exc}"]
    return []


def _activity_field_problems(activity: Activity) -> list[str]:
    found = []
    if not activity.name.strip():
        found.append("name is empty")
    try:
        if checked_units(activity.planned_hours, HOURS) < 0:
            found.append("planned hours are negative")
    except NumberRefused as exc:
        found.append(f"planned hours: {exc}")
    percent = activity.percent_complete
    if percent is not None and (
        isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100
    ):
        found.append(f"percent complete {percent!r} is not a whole number from 0 to 100")
    if activity.scheduled_hours is not None:
        try:
            if checked_units(activity.scheduled_hours, HOURS) < 0:
                found.append("scheduled hours are negative")
        except NumberRefused as exc:
            found.append(f"scheduled hours: {exc}")
    if activity.start and activity.end and activity.end < activity.start:
        found.append("ends before it starts")
    for date in (activity.start, activity.end):
        if date is not None and (what := date_out_of_range(date)):
            found.append(what)
    return found


def _has_cycle(parent_of: dict[str, str | None], number: str) -> bool:
    seen = {number}
    parent = parent_of.get(number)
    while parent is not None:
        if parent in seen:
            return True
        seen.add(parent)
        parent = parent_of.get(parent)
    return False


def _wbs_order(items: Iterable[Activity]) -> list[Activity]:
    """Parents before children, siblings by number: the order a WBS is read in.
    An item whose parent is not among ``items`` starts a branch of its own."""
    listed = list(items)
    present = {(a.project, a.number) for a in listed}
    by_parent: dict[tuple[str, str | None], list[Activity]] = {}
    for item in sorted(listed, key=lambda a: (a.project, a.number)):
        parent = item.parent if (item.project, item.parent) in present else None
        by_parent.setdefault((item.project, parent), []).append(item)
    roots = [a for key, group in by_parent.items() if key[1] is None for a in group]
    ordered: list[Activity] = []
    stack = list(reversed(roots))
    while stack:
        item = stack.pop()
        ordered.append(item)
        stack.extend(reversed(by_parent.get((item.project, item.number), [])))
    return ordered
