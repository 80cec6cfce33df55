"""Revenue recognised from the plan's progress, for fixed-price projects.

The sync brings each task's percent complete and work onto its activity. A
project's completion is its leaf activities' percent complete (with its
subprojects'), weighted by their work; where no leaf has work, each leaf
weighs the same. A recognition on a date posts the revenue earned to that
date, contract value x completion, less what stands recognised, with the
project's cost to that date beside it. A time-and-material project recognises
its revenue as it is invoiced: nothing is posted here for it.

The figures are rounded once each, so they can be checked by hand: the
completion to the hundredth of a percent, the revenue earned (from that
completion) to the cent, both half away from zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, func, insert, select, update

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions
from projsync.ledger.invoices import subtree
from projsync.ledger.model import ProjectType, Recognition
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import activities, projects, recognitions, transactions
from projsync.ledger.validation import date_out_of_range

__all__ = ["completion", "project_completion", "recognise", "recognitions_of", "reverse"]

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")


def completion(conn: Connection, project: str) -> Decimal | None:
    """Percent complete of ``project`` with its subprojects, to the hundredth:
    its leaf activities' percent complete weighted by their work (each the
    same where none has work). ``None`` when the plan has given no progress
    for any of them."""
    rows = conn.execute(
        select(
            activities.c.project_id,
            activities.c.number,
            activities.c.parent_number,
            activities.c.percent_complete,
            activities.c.scheduled_hours,
        ).where(activities.c.project_id.in_(subtree(conn, project)))
    ).all()
    parents = {(row.project_id, row.parent_number) for row in rows if row.parent_number}
    leaves = [row for row in rows if (row.project_id, row.number) not in parents]
    if all(row.percent_complete is None for row in leaves):
        return None
    weights = [row.scheduled_hours or _ZERO for row in leaves]
    if sum(weights) == 0:
        weights = [Decimal(1)] * len(leaves)
    done = sum(
        (weight * (row.percent_complete or 0) for weight, row in zip(weights, leaves, strict=True)),
        _ZERO,
    )
    return (done / sum(weights)).quantize(_CENT, rounding=ROUND_HALF_UP)


def project_completion(store: Store, project: str) -> Decimal | None:
    """``completion`` of a project, read on its own."""
    with store.read() as conn:
        LedgerService(store).project_in(conn, project)
        return completion(conn, project)


def recognise(store: Store, project: str, *, date: dt.date) -> Recognition:
    """Recognise the revenue ``project`` earned up to ``date``.

    Idempotent for a date: when a recognition of that date stands, it is
    returned and nothing is posted. Refused for a project that is not fixed
    price, without a contract value, without progress from the plan, or for
    a date before the last recognition that stands (reverse that first).
    """
    if what := date_out_of_range(date):
        raise InputError([Problem(where="--date", what=what)])
    with store.write() as conn:
        held = LedgerService(store).project_in(conn, project, lock=True)
        where = f"project {project}"
        if held.type is ProjectType.TIME_MATERIAL:
            raise refusal(
                where,
                "a time-and-material project recognises its revenue as it is invoiced"
                f" ({held.invoiced:,} so far)",
            )
        if held.type is not ProjectType.FIXED_PRICE:
            raise refusal(where, f"has no revenue to recognise (its type is {held.type})")
        if held.contract_value is None:
            raise refusal(where, "a fixed-price project needs its contract value first")
        last = _last_standing(conn, project)
        if last is not None and last.date == date:
            return last
        if last is not None and date < last.date:
            raise refusal(
                where,
                f"revenue is recognised up to {last.date} already (recognition {last.id});"
                " reverse that first",
            )
        done = completion(conn, project)
        if done is None:
            raise refusal(where, "the plan has given no progress for its activities yet")
        earned = (held.contract_value * done / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
        standing = _recognised(conn, project)
        cost = conn.execute(
            select(func.coalesce(func.sum(transactions.c.cost), 0)).where(
                transactions.c.project_id.in_(subtree(conn, project)),
                transactions.c.date <= date,
            )
        ).scalar_one()
        new_id = _insert(
            conn,
            project=project,
            date=date,
            completion=done,
            contract_value=held.contract_value,
            earned=earned,
            amount=earned - standing,
            cost=Decimal(cost),
            reverses=None,
        )
        return _load(conn, new_id)


def reverse(store: Store, recognition: int) -> Recognition:
    """Reverse a recognition: a row of its own with the amount negated. Only
    the last recognition of a project that stands can be reversed."""
    with store.write() as conn:
        found = _load(conn, recognition)
        LedgerService(store).project_in(conn, found.project, lock=True)
        found = _load(conn, recognition)
        where = f"recognition {recognition}"
        if found.reverses is not None:
            raise refusal(where, f"is the reversal of {found.reverses}")
        if found.reversed_by is not None:
            raise refusal(where, f"is reversed already by {found.reversed_by}")
        last = _last_standing(conn, found.project)
        if last is not None and last.id != found.id:
            raise refusal(
                where, f"recognition {last.id} of {last.date} stands after it; reverse that first"
            )
        new_id = _insert(
            conn,
            project=found.project,
            date=found.date,
            completion=found.completion,
            contract_value=found.contract_value,
            earned=found.earned,
            amount=-found.amount,
            cost=found.cost,
            reverses=found.id,
        )
        return _load(conn, new_id)


def recognitions_of(store: Store, project: str) -> list[Recognition]:
    """The project's recognitions and their reversals, oldest first."""
    with store.read() as conn:
        LedgerService(store).project_in(conn, project)
        ids = conn.execute(
            select(recognitions.c.id)
            .where(recognitions.c.project_id == project)
            .order_by(recognitions.c.id)
        ).scalars()
        return [_load(conn, int(found)) for found in ids]


def _recognised(conn: Connection, project: str) -> Decimal:
    """What stands recognised of the project: every row's amount, reversals
    included (a reversed row and its reversal net to nothing)."""
    total = conn.execute(
        select(func.coalesce(func.sum(recognitions.c.amount), 0)).where(
            recognitions.c.project_id == project
        )
    ).scalar_one()
    return Decimal(total).quantize(_CENT)


def _last_standing(conn: Connection, project: str) -> Recognition | None:
    """The project's latest recognition that is neither a reversal nor reversed."""
    reversed_ids = select(recognitions.c.reverses_id).where(recognitions.c.reverses_id.is_not(None))
    found = conn.execute(
        select(recognitions.c.id)
        .where(
            recognitions.c.project_id == project,
            recognitions.c.reverses_id.is_(None),
            recognitions.c.id.not_in(reversed_ids),
        )
        .order_by(recognitions.c.date.desc(), recognitions.c.id.desc())
        .limit(1)
    ).scalar()
    return None if found is None else _load(conn, int(found))


def _insert(conn: Connection, *, project: str, **values: object) -> int:
    new_id = conn.execute(
        insert(recognitions)
        .values(
            project_id=project,
            posted_at=dt.datetime.now(dt.UTC),
            version=reserve_versions(conn),
            reverses_id=values.pop("reverses"),
            **values,
        )
        .returning(recognitions.c.id)
    ).scalar_one()
    conn.execute(
        update(projects)
        .where(projects.c.id == project)
        .values(recognised=_recognised(conn, project), version=reserve_versions(conn))
    )
    return int(new_id)


def _load(conn: Connection, recognition: int) -> Recognition:
    row = conn.execute(select(recognitions).where(recognitions.c.id == recognition)).first()
    if row is None:
        raise refusal(f"recognition {recognition}", "unknown recognition")
    reversed_by = conn.execute(
        select(recognitions.c.id).where(recognitions.c.reverses_id == recognition)
    ).scalar()
    return replace(records.recognition_from_row(row), reversed_by=reversed_by)
