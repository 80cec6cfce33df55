"""Milestones: amounts agreed with the customer, billed once their date has come.

A milestone is billed by the first invoice proposed for its project up to a
date on or after its own (see ``invoices.py``), and again only after that
invoice is credited. This module keeps milestones; it never bills them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions
from projsync.ledger.invoices import BILLED_TYPES, on_standing_invoices
from projsync.ledger.model import TEXT_LIMIT, Milestone, Project, ProjectType
from projsync.ledger.numbers import MONEY, NumberRefused, checked_units
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import invoice_lines, milestones
from projsync.ledger.validation import date_out_of_range

__all__ = ["add_milestone", "milestones_of"]


def add_milestone(
    store: Store, project: str, *, date: dt.date, amount: Decimal, text: str = ""
) -> Milestone:
    """Add a milestone of ``amount`` (more than zero) to a project, due on ``date``."""
    problems = [
        Problem(where=f"project {project}", what=what) for what in _problems(date, amount, text)
    ]
    if problems:
        raise InputError(problems)
    amount = amount.quantize(Decimal("0.01"))
    with store.write() as conn:
        held = LedgerService(store).project_in(conn, project, lock=True)
        _check_project(conn, held, amount)
        milestone_id = conn.execute(
            insert(milestones)
            .values(
                project_id=project,
                date=date,
                amount=amount,
                text=text,
                version=reserve_versions(conn),
            )
            .returning(milestones.c.id)
        ).scalar_one()
    return Milestone(id=int(milestone_id), project=project, date=date, amount=amount, text=text)


def milestones_of(store: Store, project: str) -> list[Milestone]:
    """The project's milestones by date, each with the invoice that bills it."""
    billing = on_standing_invoices(invoice_lines.c.milestone_id).subquery()
    query = (
        select(milestones, billing.c.number)
        .outerjoin(billing, billing.c.milestone_id == milestones.c.id)
        .where(milestones.c.project_id == project)
        .order_by(milestones.c.date, milestones.c.id)
    )
    with store.read() as conn:
        LedgerService(store).project_in(conn, project)
        return [records.milestone_from_row(row, row.number) for row in conn.execute(query)]


def _check_project(conn: Connection, project: Project, amount: Decimal) -> None:
    """A milestone is billed by a project that bills; a fixed-price project's
    milestones stay within its contract value."""
    where = f"project {project.id}"
    if project.type not in BILLED_TYPES:
        raise refusal(where, f"bills nothing (its type is {project.type})")
    if project.type is not ProjectType.FIXED_PRICE:
        return
    if project.contract_value is None:
        raise refusal(where, "a fixed-price project needs its contract value first")
    agreed = conn.execute(
        select(func.coalesce(func.sum(milestones.c.amount), 0)).where(
            milestones.c.project_id == project.id
        )
    ).scalar_one()
    if agreed + amount > project.contract_value:
        raise refusal(
            where,
            f"its milestones would come to {agreed + amount:,},"
            f" more than its contract value {project.contract_value:,}",
        )


def _problems(date: dt.date, amount: Decimal, text: str) -> list[str]:
    found = []
    try:
        if checked_units(amount, MONEY) <= 0:
            found.append("a milestone's amount must be more than zero")
    except NumberRefused as exc:
        found.append(f"amount: {exc}")
    if what := date_out_of_range(date):
        found.append(what)
    if len(text) > TEXT_LIMIT:
        found.append(f"the text is longer than {TEXT_LIMIT} characters")
    return found
