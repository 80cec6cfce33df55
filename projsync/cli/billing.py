"""``projsync ledger invoice`` and ``projsync ledger milestone``: billing a project."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from projsync.cli.output import emit, fail_cleanly, stdout
from projsync.cli.parsing import LARGEST_KEY, parse_date, parse_decimal
from projsync.cli.stores import ledger_store
from projsync.ledger import invoices, markups, milestones, revenue
from projsync.ledger.model import Invoice, InvoiceStatus
from projsync.ledger.numbers import MONEY, PERCENT

__all__ = ["invoice_app", "markup_app", "milestone_app", "revenue_app"]

invoice_app = typer.Typer(
    help="Invoices: proposals, posted invoices and credit notes.", no_args_is_help=True
)
milestone_app = typer.Typer(
    help="Milestones: agreed amounts billed once due.", no_args_is_help=True
)

markup_app = typer.Typer(
    help="Markups: what a contract's expenses of a category bill above their cost.",
    no_args_is_help=True,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProposalId = Annotated[int, typer.Argument(metavar="PROPOSAL_ID", min=1, max=LARGEST_KEY)]

_INVOICE_COLUMNS = ("id", "number", "status", "company", "project", "credits", "date", "total")
_LINE_COLUMNS = ("line", "transaction", "milestone", "text", "amount")
_MILESTONE_COLUMNS = ("id", "project", "date", "amount", "text", "invoice")


def _show(found: Invoice, as_json: bool) -> None:
    """The invoice with its lines: one JSON object, or its head and a table of lines."""
    if as_json:
        emit(found, as_json=True)
        return
    emit(
        {f.name: getattr(found, f.name) for f in dataclasses.fields(found) if f.name != "lines"},
        as_json=False,
        title=f"invoice {found.number}" if found.number else f"proposal {found.id}",
    )
    emit(list(found.lines), as_json=False, columns=_LINE_COLUMNS, title="lines")
    stdout.print(f"total {found.total}")


@invoice_app.command("propose")
def invoice_propose(
    project: Annotated[str, typer.Option(help="Project; its subprojects are included.")],
    until: Annotated[
        str | None, typer.Option(help="Bill what is dated up to this day (default: --date).")
    ] = None,
    date: Annotated[str | None, typer.Option(help="The invoice's date (default: today).")] = None,
    as_json: Json = False,
) -> None:
    """Propose an invoice of what can be billed of a project up to a date."""
    with fail_cleanly():
        proposal = invoices.propose(
            ledger_store(),
            project,
            until=parse_date(until, "--until") if until is not None else None,
            date=parse_date(date, "--date") if date is not None else None,
        )
        _show(proposal, as_json)


@invoice_app.command("post")
def invoice_post(proposal: ProposalId, as_json: Json = False) -> None:
    """Post a proposal: it takes its company's next invoice number."""
    with fail_cleanly():
        _show(invoices.post_proposal(ledger_store(), proposal), as_json)


@invoice_app.command("discard")
def invoice_discard(proposal: ProposalId) -> None:
    """Delete a proposal (a posted invoice is credited, never deleted)."""
    with fail_cleanly():
        invoices.discard(ledger_store(), proposal)
        stdout.print(f"proposal {proposal} discarded")


@invoice_app.command("credit")
def invoice_credit(
    invoice: Annotated[str, typer.Argument(metavar="INVOICE_NUMBER_OR_ID")],
    date: Annotated[
        str | None, typer.Option(help="The credit note's date (default: today).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Credit a posted invoice with a credit note of its own number; what it
    billed can be billed again."""
    with fail_cleanly():
        note = invoices.credit(
            ledger_store(), invoice, date=parse_date(date, "--date") if date is not None else None
        )
        _show(note, as_json)


@invoice_app.command("list")
def invoice_list(
    project: Annotated[str | None, typer.Option(help="Only this project's.")] = None,
    status: Annotated[InvoiceStatus | None, typer.Option()] = None,
    as_json: Json = False,
) -> None:
    """List proposals, invoices and credit notes, oldest first (JSON: with their lines)."""
    with fail_cleanly():
        found = invoices.invoices_of(ledger_store(), project=project, status=status)
        emit(found, as_json=as_json, columns=_INVOICE_COLUMNS, title="invoices")


@invoice_app.command("show")
def invoice_show(
    invoice: Annotated[str, typer.Argument(metavar="ID_OR_NUMBER")], as_json: Json = False
) -> None:
    """Show an invoice, proposal or credit note with its lines."""
    with fail_cleanly():
        _show(invoices.invoice(ledger_store(), invoice), as_json)


@milestone_app.command("add")
def milestone_add(
    project: Annotated[str, typer.Option(help="The project it bills.")],
    date: Annotated[str, typer.Option(help="When it is due, YYYY-MM-DD.")],
    amount: Annotated[str, typer.Option(help="What it bills.")],
    text: Annotated[str, typer.Option(help="What it is for, as the invoice says.")] = "",
    as_json: Json = False,
) -> None:
    """Add a milestone to a project."""
    with fail_cleanly():
        added = milestones.add_milestone(
            ledger_store(),
            project,
            date=parse_date(date, "--date"),
            amount=parse_decimal(amount, "--amount", MONEY),
            text=text,
        )
        emit(added, as_json=as_json, title="milestone")


@milestone_app.command("list")
def milestone_list(
    project: Annotated[str, typer.Option(help="The project.")], as_json: Json = False
) -> None:
    """List a project's milestones, each with the invoice that bills it."""
    with fail_cleanly():
        found = milestones.milestones_of(ledger_store(), project)
        emit(found, as_json=as_json, columns=_MILESTONE_COLUMNS, title="milestones")


Contract = Annotated[str, typer.Option(help="The contract, as projects name it.")]
Category = Annotated[str, typer.Option(help="An expense category.")]


@markup_app.command("set")
def markup_set(
    contract: Contract,
    category: Category,
    percent: Annotated[str, typer.Option(help="Percent of the cost billed above it, 0 to 1000.")],
    as_json: Json = False,
) -> None:
    """Bill the contract's expenses of a category at cost plus a markup (an
    expense with a sales amount on its line bills that amount)."""
    with fail_cleanly():
        found = markups.set_markup(
            ledger_store(), contract, category, parse_decimal(percent, "--percent", PERCENT)
        )
        emit(found, as_json=as_json, title="markup")


@markup_app.command("remove")
def markup_remove(contract: Contract, category: Category) -> None:
    """Bill the contract's expenses of a category at cost again."""
    with fail_cleanly():
        markups.remove_markup(ledger_store(), contract, category)
        stdout.print(f"markup {contract}/{category} removed")


@markup_app.command("list")
def markup_list(
    contract: Annotated[str | None, typer.Option(help="Only this contract's.")] = None,
    as_json: Json = False,
) -> None:
    """List the markups by contract and category."""
    with fail_cleanly():
        found = markups.markups_of(ledger_store(), contract=contract)
        emit(found, as_json=as_json, columns=("contract", "category", "percent"), title="markups")


revenue_app = typer.Typer(
    help="Revenue recognised from the plan's progress (fixed-price projects).",
    no_args_is_help=True,
)
_RECOGNITION_COLUMNS = (
    "id", "project", "date", "completion", "contract_value", "earned", "amount", "cost",
    "reverses", "reversed_by",
)  # fmt: skip


@revenue_app.command("recognize")
def revenue_recognize(
    project: Annotated[str, typer.Option(help="A fixed-price project; its subprojects count.")],
    date: Annotated[str, typer.Option(help="Recognise what is earned up to this day.")],
    as_json: Json = False,
) -> None:
    """Post the revenue a fixed-price project earned up to a date: contract
    value x completion, less what stands recognised, with the cost to date
    beside it. Run again for the same date, it posts nothing."""
    with fail_cleanly():
        found = revenue.recognise(ledger_store(), project, date=parse_date(date, "--date"))
        emit(found, as_json=as_json, title="recognition")


@revenue_app.command("reverse")
def revenue_reverse(
    recognition: Annotated[int, typer.Argument(metavar="RECOGNITION_ID", min=1, max=LARGEST_KEY)],
    as_json: Json = False,
) -> None:
    """Reverse a project's last recognition that stands."""
    with fail_cleanly():
        emit(revenue.reverse(ledger_store(), recognition), as_json=as_json, title="reversal")


@revenue_app.command("list")
def revenue_list(
    project: Annotated[str, typer.Option(help="The project.")], as_json: Json = False
) -> None:
    """List a project's recognitions and reversals, oldest first, with its
    completion as the plan's progress gives it now."""
    with fail_cleanly():
        store = ledger_store()
        found = revenue.recognitions_of(store, project)
        if as_json:
            now = revenue.project_completion(store, project)
            emit({"project": project, "completion": now, "recognitions": found}, as_json=True)
            return
        emit(found, as_json=False, columns=_RECOGNITION_COLUMNS, title="recognitions")
        stdout.print(f"completion now: {revenue.project_completion(store, project)}")
