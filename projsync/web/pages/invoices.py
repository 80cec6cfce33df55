"""The ledger's invoices as pages: a list of the invoices, proposals and
credit notes of the user's companies, filtered by project and status, and
each on a page of its own made to print (the browser's "Print to PDF" makes
its PDF: no PDF is drawn here).

An invoice of a company outside the user's answers 404 exactly as an unknown
number does, and no list names one."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from projsync.errors import InputError
from projsync.ledger import invoices
from projsync.ledger.model import Company, Invoice, InvoiceStatus, Project
from projsync.ledger.service import LedgerService
from projsync.web.auth import context_of, require
from projsync.web.context import Context
from projsync.web.model import Right, User
from projsync.web.pages.render import page
from projsync.web.scope import not_found, visible_project, visible_projects

__all__ = ["InvoiceRow", "invoice_key", "invoice_name", "router"]

router = APIRouter(include_in_schema=False)
_LONGEST_KEY = 100


def invoice_key(found: Invoice) -> str:
    """What names the invoice in its page's address: its number, a proposal's id."""
    return found.number or str(found.id)


def invoice_name(found: Invoice) -> str:
    if found.number is None:
        return f"Proposal {found.id}"
    return f"Credit note {found.number}" if found.credits is not None else f"Invoice {found.number}"


def kind_of(found: Invoice) -> str:
    if found.status is InvoiceStatus.PROPOSAL:
        return "proposal"
    return "credit note" if found.credits is not None else "invoice"


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceRow:
    """An invoice as the pages show it, with the invoice it credits (a credit
    note) or the credit note that credited it (a credited invoice)."""

    invoice: Invoice
    key: str
    name: str
    kind: str
    credits: Invoice | None = None
    credited_by: Invoice | None = None


def _rows(found: list[Invoice]) -> list[InvoiceRow]:
    """``found`` as rows, each credit note paired with what it credits (a
    credit note is of its invoice's project, so both are in ``found`` when
    one is)."""
    by_id = {i.id: i for i in found}
    notes = {i.credits: i for i in found if i.credits is not None}
    return [
        InvoiceRow(
            invoice=i,
            key=invoice_key(i),
            name=invoice_name(i),
            kind=kind_of(i),
            credits=by_id.get(i.credits) if i.credits is not None else None,
            credited_by=notes.get(i.id),
        )
        for i in found
    ]


def _companies(context: Context) -> dict[str, Company]:
    return {c.id: c for c in LedgerService(context.ledger).companies()}


@router.get("/invoices", response_class=HTMLResponse)
def invoice_list(
    request: Request,
    project: str = "",
    status: str = "",
    user: User = Depends(require(Right.LEDGER_READ, page=True)),
) -> Response:
    """Invoices, proposals and credit notes of the user's companies, oldest
    first; ``project`` (not its subprojects) and ``status`` narrow it."""
    context = context_of(request)
    statuses = [s.value for s in InvoiceStatus]
    if status and status not in statuses:
        message = f"Unknown status {status}: choose one of {', '.join(statuses)}."
        return page(request, "error.html", user, status_code=422, message=message)
    chosen = InvoiceStatus(status) if status else None
    if project:
        visible_project(context, user, project)  # 404 for another company's, as for none
    found = [
        i
        for i in invoices.invoices_of(context.ledger, project=project or None)
        if user.sees(i.company)
    ]
    rows = [r for r in _rows(found) if chosen is None or r.invoice.status is chosen]
    return page(
        request,
        "invoices.html",
        user,
        rows=rows,
        projects=sorted(visible_projects(context, user), key=lambda p: p.id),
        companies=_companies(context),
        project=project,
        status=chosen.value if chosen else "",
        statuses=statuses,
    )


@router.get("/invoices/{key}", response_class=HTMLResponse)
def invoice_page(
    key: str,
    request: Request,
    user: User = Depends(require(Right.LEDGER_READ, page=True)),
) -> Response:
    """One invoice, proposal or credit note, made to print."""
    context = context_of(request)
    unknown = not_found(f"invoice {key}")
    if len(key) > _LONGEST_KEY or not key.isprintable():  # no number is such
        raise unknown
    try:
        found = invoices.invoice(context.ledger, key)
    except InputError:
        raise unknown from None
    if not user.sees(found.company):
        raise unknown
    related = [
        i
        for i in invoices.invoices_of(context.ledger, project=found.project)
        if i.id == found.credits or i.credits == found.id
    ]
    (row,) = [r for r in _rows([found, *related]) if r.invoice.id == found.id]
    project: Project = LedgerService(context.ledger).project(found.project)
    return page(
        request,
        "invoice.html",
        user,
        row=row,
        company=_companies(context)[found.company],
        project=project,
        lines=found.lines,
    )
