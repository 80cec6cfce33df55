"""Billing: invoice proposals, invoices numbered per company without gaps, and
credit notes.

A proposal gathers what can be billed of a project up to a date; posting it
gives it its company's next number; a credit note undoes a posted invoice with
a number of its own and makes what it billed billable again. Every call is one
transaction, so a refusal leaves nothing written. This module never posts,
changes or reverses a transaction: it only reads them, and tells ``posting.py``
which of them stand on an invoice.

The rules, each where it is kept:

- what can be billed: ``_billable_transactions`` and ``_billable_milestones``;
- what a line bills: ``amount_billed``;
- one open proposal per project: ``propose`` (and a unique index behind it);
- gapless numbers: ``_lock_sequence`` and ``_take_number``;
- nothing billed twice or billed and reversed: ``_posting_problems``;
- credit notes: ``credit``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, select, update

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import records
from projsync.ledger.changes import reserve_versions, tombstone, untombstone
from projsync.ledger.markups import marked_up, markups_for
from projsync.ledger.model import (
    TEXT_LIMIT,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    ProjectType,
    TransactionKind,
)
from projsync.ledger.numbers import MONEY, NumberRefused, checked_units
from projsync.ledger.service import LedgerService, dialect_insert
from projsync.ledger.tables import (
    invoice_lines,
    invoice_sequences,
    invoices,
    milestones,
    projects,
    transactions,
)
from projsync.ledger.validation import date_out_of_range

__all__ = [
    "BILLED_TYPES",
    "NUMBER_DIGITS",
    "amount_billed",
    "credit",
    "discard",
    "invoice",
    "invoiced",
    "invoices_of",
    "on_standing_invoices",
    "post_proposal",
    "propose",
    "standing",
    "subtree",
]

NUMBER_DIGITS = 6
"""Digits of an invoice number after its company: ``DEMO-000001``."""

_ZERO = Decimal("0.00")
_LARGEST_ID = 2**63 - 1
"""Past this an id is no key the stores hold (a signed 64-bit integer)."""


BILLED_TYPES = frozenset({ProjectType.TIME_MATERIAL, ProjectType.FIXED_PRICE})
"""The project types that bill: a time-and-material project its transactions
(and milestones), a fixed-price project its milestones only."""


def amount_billed(
    kind: TransactionKind, cost: Decimal, revenue: Decimal, markup: Decimal = _ZERO
) -> Decimal:
    """What a transaction bills: an hour its revenue (hours at the worker's
    sales price of the day), a fee its revenue (its amount), an expense its
    revenue (the sales amount given on its line) where it has one, else its
    cost plus ``markup`` percent (its contract's for its category)."""
    if kind is TransactionKind.EXPENSE and revenue == 0:
        return marked_up(cost, markup)
    return revenue


def standing() -> Any:
    """The condition on ``invoices`` of an invoice that bills what it lists:
    posted, not credited, and not itself a credit note."""
    return and_(invoices.c.status == InvoiceStatus.POSTED.value, invoices.c.credits_id.is_(None))


def on_standing_invoices(column: Any) -> Select[Any]:
    """The ids in ``column`` (``invoice_lines``' transaction or milestone) that
    stand on an invoice, each with the invoice's number."""
    return (
        select(column, invoices.c.number)
        .join(invoices, invoices.c.id == invoice_lines.c.invoice_id)
        .where(standing(), column.is_not(None))
    )


def invoiced(conn: Connection, transaction_ids: Any) -> dict[int, str]:
    """Of the transactions ``transaction_ids`` (a subquery of ids) those that
    stand on an invoice, each with the invoice's number."""
    column = invoice_lines.c.transaction_id
    rows = conn.execute(on_standing_invoices(column).where(column.in_(transaction_ids)))
    return {int(transaction): str(number) for transaction, number in rows}


# -- proposals ---------------------------------------------------------------


def propose(
    store: Store, project: str, *, until: dt.date | None = None, date: dt.date | None = None
) -> Invoice:
    """Propose an invoice of ``project`` dated ``date`` (default today) for what
    can be billed up to ``until`` (default: the invoice's date).

    Refused when the project has an open proposal already (it is named), or
    when there is nothing to bill. The proposal is stored whole or not at all.
    """
    on = date or _today()
    until = until or on
    _check_dates(until=until, date=on)
    with store.write() as conn:
        held = LedgerService(store).project_in(conn, project, lock=True)
        where = f"project {project}"
        open_one = conn.execute(
            select(invoices.c.id).where(
                invoices.c.project_id == project,
                invoices.c.status == InvoiceStatus.PROPOSAL.value,
            )
        ).scalar()
        if open_one is not None:
            raise refusal(where, f"has an open proposal {open_one}; post or discard it first")
        if held.type not in BILLED_TYPES:
            raise refusal(where, f"bills nothing (its type is {held.type})")
        lines = [
            *_billable_transactions(conn, _billedsubtree(conn, project), until),
            *_billable_milestones(conn, project, until),
        ]
        if not lines:
            raise refusal(where, f"has nothing to bill up to {until}")
        numbered = [replace(line, line=n) for n, line in enumerate(lines, start=1)]
        invoice_id = _insert_invoice(
            conn,
            company=held.company,
            project=project,
            number=None,
            status=InvoiceStatus.PROPOSAL,
            credits=None,
            date=on,
            lines=numbered,
        )
        return _load(conn, invoice_id)


def discard(store: Store, proposal: int) -> None:
    """Delete a proposal and its lines; a posted invoice is never deleted."""
    with store.write() as conn:
        found = _locked(conn, proposal)
        if found.status is not InvoiceStatus.PROPOSAL:
            raise refusal(_name(found), f"is {found.status}: only a proposal is discarded")
        conn.execute(invoice_lines.delete().where(invoice_lines.c.invoice_id == found.id))
        conn.execute(invoices.delete().where(invoices.c.id == found.id))
        tombstone(conn, "invoice", str(found.id), reserve_versions(conn))


def _billable_transactions(
    conn: Connection, subtree: list[str], until: dt.date
) -> list[InvoiceLine]:
    """The lines of what can be billed of the projects ``subtree`` up to ``until``:
    every transaction dated on or before it that does not stand on an
    invoice, leaving out reversals and what they reversed (a reversed pair
    nets to nothing and is not billed)."""
    reversed_ids = select(transactions.c.reverses_id).where(transactions.c.reverses_id.is_not(None))
    on_invoice = on_standing_invoices(invoice_lines.c.transaction_id).subquery()
    contract_of: dict[str, str | None] = {
        row.id: row.contract
        for row in conn.execute(
            select(projects.c.id, projects.c.contract).where(projects.c.id.in_(subtree))
        )
    }
    rows = conn.execute(
        select(transactions)
        .where(
            transactions.c.project_id.in_(subtree),
            transactions.c.date <= until,
            transactions.c.reverses_id.is_(None),
            transactions.c.id.not_in(reversed_ids),
            transactions.c.id.not_in(select(on_invoice.c.transaction_id)),
        )
        .order_by(transactions.c.date, transactions.c.id)
    ).all()
    marks = markups_for(
        conn,
        {
            (contract, row.category_id)
            for row in rows
            if row.kind == TransactionKind.EXPENSE.value
            and (contract := contract_of.get(row.project_id))
        },
    )
    return [
        InvoiceLine(
            line=0,
            transaction=row.id,
            milestone=None,
            text=_transaction_text(row),
            amount=amount_billed(
                TransactionKind(row.kind),
                row.cost,
                row.revenue,
                marks.get((contract_of.get(row.project_id) or "", row.category_id), _ZERO),
            ),
        )
        for row in rows
    ]


def _billable_milestones(conn: Connection, project: str, until: dt.date) -> list[InvoiceLine]:
    """The lines of the project's milestones dated on or before ``until`` that
    do not stand on an invoice, each at its amount."""
    on_invoice = on_standing_invoices(invoice_lines.c.milestone_id).subquery()
    rows = conn.execute(
        select(milestones)
        .where(
            milestones.c.project_id == project,
            milestones.c.date <= until,
            milestones.c.id.not_in(select(on_invoice.c.milestone_id)),
        )
        .order_by(milestones.c.date, milestones.c.id)
    )
    return [
        InvoiceLine(
            line=0,
            transaction=None,
            milestone=row.id,
            text=row.text or f"milestone of {row.date}",
            amount=row.amount,
        )
        for row in rows
    ]


def _transaction_text(row: Any) -> str:
    text = row.text or f"{row.kind} {row.project_id}/{row.activity_number} {row.date}"
    if not row.text and row.kind == TransactionKind.HOUR.value:
        text += f" {row.worker_id} {row.hours} h"
    return str(text)[:TEXT_LIMIT]


def _billedsubtree(conn: Connection, project: str) -> list[str]:
    """The projects whose transactions a proposal of ``project`` bills: of the
    project and its subprojects, the time-and-material ones."""
    tree = subtree(conn, project)
    return list(
        conn.execute(
            select(projects.c.id).where(
                projects.c.id.in_(tree), projects.c.type == ProjectType.TIME_MATERIAL.value
            )
        ).scalars()
    )


def subtree(conn: Connection, project: str) -> list[str]:
    """The project and its subprojects at any depth."""
    found = [project]
    frontier = [project]
    while frontier:
        children = conn.execute(
            select(projects.c.id).where(projects.c.parent_id.in_(frontier))
        ).scalars()
        frontier = [child for child in children if child not in found]
        found += frontier
    return found


# -- posting and crediting ----------------------------------------------------


def post_proposal(store: Store, proposal: int) -> Invoice:
    """Post a proposal: it takes its company's next number, in this transaction.

    Refused, naming each, when one of its transactions or milestones was
    billed by another invoice or reversed since it was proposed: propose
    again. The company's sequence stays locked until the posting ends, so
    two postings at once take numbers one after the other, and a refused or
    failed posting takes none.
    """
    with store.write() as conn:
        found = _locked(conn, proposal)
        if found.status is not InvoiceStatus.PROPOSAL:
            raise refusal(_name(found), f"is {found.status} already")
        last = _lock_sequence(conn, found.company)
        problems = _posting_problems(conn, found.id)
        if problems:
            raise InputError(problems)
        number = _take_number(conn, found.company, last)
        conn.execute(
            update(invoices)
            .where(invoices.c.id == found.id)
            .values(
                number=number,
                status=InvoiceStatus.POSTED.value,
                version=reserve_versions(conn),
            )
        )
        _restate_invoiced(conn, found.project)
        return _load(conn, found.id)


def credit(store: Store, key: int | str, *, date: dt.date | None = None) -> Invoice:
    """Credit a posted invoice: a credit note with its company's next number and
    every line negated; the invoice becomes ``credited`` and what it billed
    can be billed again."""
    on = date or _today()
    _check_dates(date=on)
    with store.write() as conn:
        original = _locked(conn, key)
        where = _name(original)
        if original.status is InvoiceStatus.PROPOSAL:
            raise refusal(where, "is a proposal; discard it instead")
        if original.status is InvoiceStatus.CREDITED:
            note = conn.execute(
                select(invoices.c.number).where(invoices.c.credits_id == original.id)
            ).scalar()
            raise refusal(where, f"is credited already by {note}")
        if original.credits is not None:
            raise refusal(where, "is a credit note; it cannot be credited")
        number = _take_number(conn, original.company, _lock_sequence(conn, original.company))
        note_id = _insert_invoice(
            conn,
            company=original.company,
            project=original.project,
            number=number,
            status=InvoiceStatus.POSTED,
            credits=original.id,
            date=on,
            lines=[replace(line, amount=-line.amount) for line in original.lines],
        )
        conn.execute(
            update(invoices)
            .where(invoices.c.id == original.id)
            .values(status=InvoiceStatus.CREDITED.value, version=reserve_versions(conn))
        )
        _restate_invoiced(conn, original.project)
        return _load(conn, note_id)


def _restate_invoiced(conn: Connection, project: str) -> None:
    """The project's invoiced total summed again from its posted invoices and
    credit notes (a credited invoice and its note net to nothing); the
    project takes a new version, so the sync carries it to the plan."""
    total = conn.execute(
        select(func.coalesce(func.sum(invoices.c.total), 0)).where(
            invoices.c.project_id == project,
            invoices.c.status.in_([InvoiceStatus.POSTED.value, InvoiceStatus.CREDITED.value]),
        )
    ).scalar_one()
    conn.execute(
        update(projects)
        .where(projects.c.id == project)
        .values(invoiced=total, version=reserve_versions(conn))
    )


def _posting_problems(conn: Connection, invoice_id: int) -> list[Problem]:
    """What was billed elsewhere or reversed, since the proposal was made, of
    the proposal's transactions and milestones. Its transactions are locked
    first (shared), so a reversal of one of them at this moment either ended
    before (and is found) or waits for this posting to end (and is refused)."""
    mine = invoice_lines.c.invoice_id == invoice_id
    listed = select(invoice_lines.c.transaction_id).where(mine).scalar_subquery()
    conn.execute(
        select(transactions.c.id).where(transactions.c.id.in_(listed)).with_for_update(read=True)
    ).all()
    problems = [
        Problem(where=f"transaction {transaction}", what=f"is on invoice {number} already")
        for transaction, number in sorted(invoiced(conn, listed).items())
    ]
    reversals = conn.execute(
        select(transactions.c.reverses_id, transactions.c.id)
        .where(transactions.c.reverses_id.in_(listed))
        .order_by(transactions.c.reverses_id)
    )
    problems += [
        Problem(where=f"transaction {original}", what=f"was reversed by {reversal}")
        for original, reversal in reversals
    ]
    milestone = invoice_lines.c.milestone_id
    billed_milestones = conn.execute(
        on_standing_invoices(milestone)
        .where(milestone.in_(select(milestone).where(mine).scalar_subquery()))
        .order_by(milestone)
    )
    problems += [
        Problem(where=f"milestone {milestone}", what=f"is on invoice {number} already")
        for milestone, number in billed_milestones
    ]
    if problems:
        problems.append(
            Problem(where=f"proposal {invoice_id}", what="discard it and propose again")
        )
    return problems


def _lock_sequence(conn: Connection, company: str) -> int:
    """The company's last invoice number, its row locked until the transaction
    ends (made at 0 on the company's first invoice): another posting of the
    company waits here, then reads the number this one took."""
    conn.execute(
        dialect_insert(conn, invoice_sequences)
        .values(company_id=company, last_number=0)
        .on_conflict_do_nothing()
    )
    last = conn.execute(
        select(invoice_sequences.c.last_number)
        .where(invoice_sequences.c.company_id == company)
        .with_for_update()
    ).scalar_one()
    return int(last)


def _take_number(conn: Connection, company: str, last: int) -> str:
    """The number after ``last`` (read under ``_lock_sequence``), taken."""
    conn.execute(
        update(invoice_sequences)
        .where(invoice_sequences.c.company_id == company)
        .values(last_number=last + 1)
    )
    return f"{company}-{last + 1:0{NUMBER_DIGITS}d}"


# -- reading -----------------------------------------------------------------


def invoice(store: Store, key: int | str) -> Invoice:
    """An invoice with its lines, by id or by number."""
    with store.read() as conn:
        return _load(conn, _id_of(conn, key))


def invoices_of(
    store: Store, *, project: str | None = None, status: InvoiceStatus | None = None
) -> list[Invoice]:
    """Invoices, proposals and credit notes with their lines, oldest first;
    ``project``: only those of the project (not of its subprojects)."""
    query = select(invoices).order_by(invoices.c.id)
    if project is not None:
        query = query.where(invoices.c.project_id == project)
    if status is not None:
        query = query.where(invoices.c.status == status.value)
    with store.read() as conn:
        heads = conn.execute(query).all()
        lines: dict[int, list[InvoiceLine]] = {}
        for row in conn.execute(
            select(invoice_lines)
            .where(invoice_lines.c.invoice_id.in_(query.with_only_columns(invoices.c.id)))
            .order_by(invoice_lines.c.invoice_id, invoice_lines.c.line)
        ):
            lines.setdefault(row.invoice_id, []).append(records.invoice_line_from_row(row))
    return [records.invoice_from_row(head, tuple(lines.get(head.id, ()))) for head in heads]


def _id_of(conn: Connection, key: int | str) -> int:
    """The id of the invoice ``key`` names: an id (digits), else a number."""
    if isinstance(key, str) and not (key.isascii() and key.isdigit()):
        found = conn.execute(select(invoices.c.id).where(invoices.c.number == key)).scalar()
    else:
        found = int(key) if 0 < int(key) <= _LARGEST_ID else None
    if found is None:
        raise refusal(f"invoice {key}", "unknown invoice")
    return int(found)


def _load(conn: Connection, invoice_id: int, *, lock: bool = False) -> Invoice:
    query = select(invoices).where(invoices.c.id == invoice_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise refusal(f"invoice {invoice_id}", "unknown invoice")
    lines = conn.execute(
        select(invoice_lines)
        .where(invoice_lines.c.invoice_id == invoice_id)
        .order_by(invoice_lines.c.line)
    )
    return records.invoice_from_row(row, tuple(records.invoice_line_from_row(r) for r in lines))


def _locked(conn: Connection, key: int | str) -> Invoice:
    """The invoice, locked until the transaction ends: a posting, crediting or
    discarding of it at this moment waits, then finds what this one did."""
    return _load(conn, _id_of(conn, key), lock=True)


def _name(found: Invoice) -> str:
    return f"invoice {found.number}" if found.number else f"proposal {found.id}"


# -- writing -----------------------------------------------------------------


def _insert_invoice(
    conn: Connection,
    *,
    company: str,
    project: str,
    number: str | None,
    status: InvoiceStatus,
    credits: int | None,
    date: dt.date,
    lines: list[InvoiceLine],
) -> int:
    total = sum((line.amount for line in lines), _ZERO)
    try:
        checked_units(total, MONEY)
    except NumberRefused as exc:
        raise refusal(f"project {project}", f"the invoice's total: {exc}") from None
    invoice_id = int(
        conn.execute(
            insert(invoices)
            .values(
                company_id=company,
                project_id=project,
                number=number,
                status=status.value,
                credits_id=credits,
                date=date,
                created_at=dt.datetime.now(dt.UTC),
                total=total,
                version=reserve_versions(conn),
            )
            .returning(invoices.c.id)
        ).scalar_one()
    )
    untombstone(conn, "invoice", str(invoice_id))  # a discarded proposal's id, handed out again
    conn.execute(
        insert(invoice_lines),
        [
            {
                "invoice_id": invoice_id,
                "line": line.line,
                "transaction_id": line.transaction,
                "milestone_id": line.milestone,
                "text": line.text,
                "amount": line.amount,
            }
            for line in lines
        ],
    )
    return invoice_id


def _check_dates(**dates: dt.date) -> None:
    problems = [
        Problem(where=f"--{name}", what=what)
        for name, date in dates.items()
        if (what := date_out_of_range(date))
    ]
    if problems:
        raise InputError(problems)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
