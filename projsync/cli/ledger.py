"""``projsync ledger``: companies, projects, activities, workers, postings, totals
(invoices and milestones: ``billing.py``; the project statement: ``statement.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from projsync.cli.billing import invoice_app, markup_app, milestone_app, revenue_app
from projsync.cli.exports import AsCsv, AsXlsx, Sheet, one_output, write_csv, write_xlsx
from projsync.cli.output import emit, emit_stream, fail_cleanly, progress_bar, stdout
from projsync.cli.parsing import LARGEST_KEY, parse_date, parse_decimal
from projsync.cli.statement import statement_command
from projsync.cli.stores import ledger_store, sync_store
from projsync.errors import InputError, Problem, refusal
from projsync.ledger import forecasts as forecast_service
from projsync.ledger.changes import ENTITIES, changes_since
from projsync.ledger.demo import ROOT_PROJECTS, load_demo
from projsync.ledger.journal_csv import read_journal
from projsync.ledger.model import (
    Activity,
    Category,
    CategoryKind,
    Company,
    ForecastKind,
    JournalLine,
    Project,
    ProjectStatus,
    ProjectType,
    TransactionKind,
    Worker,
    WorkerPrice,
)
from projsync.ledger.numbers import HOURS, MONEY, PRICE
from projsync.ledger.posting import (
    PostingResult,
    post_journal,
    reverse_journal,
    reverse_transaction,
)
from projsync.ledger.reports import iter_transactions, project_totals, subproject_ids
from projsync.ledger.seed import SeedPlan, seed_ledger
from projsync.ledger.service import LedgerService
from projsync.sync.settings import company_integrated

app = typer.Typer(help="The ledger: project management and accounting.", no_args_is_help=True)
company_app = typer.Typer(help="Companies (legal entities).", no_args_is_help=True)
project_app = typer.Typer(help="Projects and subprojects.", no_args_is_help=True)
activity_app = typer.Typer(help="Activities: the WBS of a project.", no_args_is_help=True)
worker_app = typer.Typer(help="Workers and their prices.", no_args_is_help=True)
category_app = typer.Typer(help="Categories of hours, expenses and fees.", no_args_is_help=True)
post_app = typer.Typer(help="Post one line: hours, an expense or a fee.", no_args_is_help=True)
journal_app = typer.Typer(help="Journals: many lines posted as a whole.", no_args_is_help=True)
forecast_app = typer.Typer(
    help="Forecasts: planned hours, expenses and revenue.", no_args_is_help=True
)
for sub, name in (
    (company_app, "company"),
    (project_app, "project"),
    (activity_app, "activity"),
    (worker_app, "worker"),
    (category_app, "category"),
    (post_app, "post"),
    (journal_app, "journal"),
    (forecast_app, "forecast"),
    (invoice_app, "invoice"),
    (milestone_app, "milestone"),
    (markup_app, "markup"),
    (revenue_app, "revenue"),
):
    app.add_typer(sub, name=name)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _service() -> LedgerService:
    return LedgerService(ledger_store())


def _optional_date(text: str | None, option: str) -> dt.date | None:
    return parse_date(text, option) if text is not None else None


# -- companies -------------------------------------------------------------


@company_app.command("add")
def company_add(
    company_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option(help="Legal name.")],
    currency: Annotated[str, typer.Option(help="ISO 4217 code, e.g. EUR.")] = "EUR",
    as_json: Json = False,
) -> None:
    """Add a company."""
    with fail_cleanly():
        company = _service().add_company(Company(id=company_id, name=name, currency=currency))
        emit(company, as_json=as_json, title="company")


@company_app.command("list")
def company_list(as_json: Json = False) -> None:
    """List companies."""
    with fail_cleanly():
        emit(_service().companies(), as_json=as_json, title="companies")


# -- projects --------------------------------------------------------------

_PROJECT_COLUMNS = (
    "id", "name", "company", "parent", "type", "status",
    "start", "end", "projected_start", "projected_end",
)  # fmt: skip
"""The contract dates, then the plan's schedule as last synchronized."""


@project_app.command("add")
def project_add(
    project_id: Annotated[str, typer.Argument(metavar="ID")],
    company: Annotated[str, typer.Option(help="Company id.")],
    name: Annotated[str, typer.Option(help="Project name.")],
    parent: Annotated[
        str | None, typer.Option(help="Parent project: makes this a subproject.")
    ] = None,
    type_: Annotated[
        ProjectType, typer.Option("--type", help="Project type.")
    ] = ProjectType.TIME_MATERIAL,
    status: Annotated[ProjectStatus, typer.Option(help="Project status.")] = ProjectStatus.CREATED,
    customer: Annotated[str | None, typer.Option()] = None,
    contract: Annotated[str | None, typer.Option()] = None,
    group: Annotated[str | None, typer.Option(help="Project group.")] = None,
    start: Annotated[str | None, typer.Option(help="Start date, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="End date, YYYY-MM-DD.")] = None,
    manager: Annotated[str | None, typer.Option()] = None,
    as_json: Json = False,
) -> None:
    """Add a project, or a subproject with --parent."""
    with fail_cleanly():
        project = Project(
            id=project_id,
            company=company,
            name=name,
            parent=parent,
            type=type_,
            status=status,
            customer=customer,
            contract=contract,
            group=group,
            start=_optional_date(start, "--start"),
            end=_optional_date(end, "--end"),
            manager=manager,
        )
        emit(_service().add_project(project), as_json=as_json, title="project")


@project_app.command("update")
def project_update(
    project_id: Annotated[str, typer.Argument(metavar="ID")],
    name: Annotated[str | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option(help="New parent project.")] = None,
    type_: Annotated[ProjectType | None, typer.Option("--type")] = None,
    status: Annotated[ProjectStatus | None, typer.Option()] = None,
    customer: Annotated[str | None, typer.Option()] = None,
    contract: Annotated[str | None, typer.Option()] = None,
    group: Annotated[str | None, typer.Option()] = None,
    start: Annotated[str | None, typer.Option()] = None,
    end: Annotated[str | None, typer.Option()] = None,
    manager: Annotated[str | None, typer.Option()] = None,
    contract_value: Annotated[
        str | None, typer.Option(help="What the customer's contract is worth.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Change a project's fields; only the options given change."""
    with fail_cleanly():
        changes = {
            "name": name,
            "parent": parent,
            "type": type_,
            "status": status,
            "customer": customer,
            "contract": contract,
            "group": group,
            "start": _optional_date(start, "--start"),
            "end": _optional_date(end, "--end"),
            "manager": manager,
            "contract_value": (
                parse_decimal(contract_value, "--contract-value", MONEY)
                if contract_value is not None
                else None
            ),
        }
        given = {k: v for k, v in changes.items() if v is not None}
        emit(_service().update_project(project_id, **given), as_json=as_json, title="project")


@project_app.command("list")
def project_list(
    company: Annotated[str | None, typer.Option(help="Only this company's projects.")] = None,
    as_json: Json = False,
) -> None:
    """List projects and subprojects."""
    with fail_cleanly():
        emit(
            _service().projects(company=company),
            as_json=as_json,
            columns=_PROJECT_COLUMNS,
            title="projects",
        )


@project_app.command("show")
def project_show(
    project_id: Annotated[str, typer.Argument(metavar="ID")], as_json: Json = False
) -> None:
    """Show one project."""
    with fail_cleanly():
        emit(_service().project(project_id), as_json=as_json, title="project")


@project_app.command("delete")
def project_delete(project_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Delete a project that has no postings, subprojects or activities."""
    with fail_cleanly():
        _service().delete_project(project_id)
        stdout.print(f"deleted project {project_id}")


# -- activities ------------------------------------------------------------

_ACTIVITY_COLUMNS = (
    "number", "name", "parent", "category", "start", "end", "planned_hours", "budget_cost",
)  # fmt: skip


@activity_app.command("add")
def activity_add(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    number: Annotated[str, typer.Argument(metavar="NUMBER")],
    name: Annotated[str, typer.Option()],
    parent: Annotated[str | None, typer.Option(help="Parent activity number.")] = None,
    category: Annotated[str | None, typer.Option(help="Hour category.")] = None,
    start: Annotated[str | None, typer.Option()] = None,
    end: Annotated[str | None, typer.Option()] = None,
    planned_hours: Annotated[str, typer.Option(help="Planned hours.")] = "0",
    as_json: Json = False,
) -> None:
    """Add an activity to a project's WBS."""
    with fail_cleanly():
        activity = Activity(
            project=project,
            number=number,
            name=name,
            parent=parent,
            category=category,
            start=_optional_date(start, "--start"),
            end=_optional_date(end, "--end"),
            planned_hours=parse_decimal(planned_hours, "--planned-hours", HOURS),
        )
        emit(_service().add_activity(activity), as_json=as_json, title="activity")


@activity_app.command("update")
def activity_update(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    number: Annotated[str, typer.Argument(metavar="NUMBER")],
    name: Annotated[str | None, typer.Option()] = None,
    parent: Annotated[str | None, typer.Option(help="New parent activity number.")] = None,
    category: Annotated[str | None, typer.Option()] = None,
    start: Annotated[str | None, typer.Option()] = None,
    end: Annotated[str | None, typer.Option()] = None,
    planned_hours: Annotated[str | None, typer.Option()] = None,
    as_json: Json = False,
) -> None:
    """Change an activity; only the options given change."""
    with fail_cleanly():
        changes = {
            "name": name,
            "parent": parent,
            "category": category,
            "start": _optional_date(start, "--start"),
            "end": _optional_date(end, "--end"),
            "planned_hours": parse_decimal(planned_hours, "--planned-hours", HOURS)
            if planned_hours is not None
            else None,
        }
        given = {k: v for k, v in changes.items() if v is not None}
        emit(
            _service().update_activity(project, number, **given), as_json=as_json, title="activity"
        )


@activity_app.command("list")
def activity_list(
    project: Annotated[str, typer.Argument(metavar="PROJECT")], as_json: Json = False
) -> None:
    """List a project's activities, parents before children."""
    with fail_cleanly():
        emit(
            _service().activities(project),
            as_json=as_json,
            columns=_ACTIVITY_COLUMNS,
            title="activities",
        )


@activity_app.command("delete")
def activity_delete(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    number: Annotated[str, typer.Argument(metavar="NUMBER")],
) -> None:
    """Delete an activity without children or postings."""
    with fail_cleanly():
        _service().delete_activity(project, number)
        stdout.print(f"deleted activity {project}/{number}")


# -- workers ---------------------------------------------------------------


@worker_app.command("add")
def worker_add(
    worker_id: Annotated[str, typer.Argument(metavar="ID", help="Personnel number.")],
    company: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    cost_price: Annotated[str, typer.Option(help="Cost price per hour.")],
    sales_price: Annotated[str, typer.Option(help="Sales price per hour.")],
    from_: Annotated[str, typer.Option("--from", help="Prices valid from, YYYY-MM-DD.")],
    calendar: Annotated[str, typer.Option()] = "Standard",
    end: Annotated[str | None, typer.Option("--end", help="Last working day, YYYY-MM-DD.")] = None,
    as_json: Json = False,
) -> None:
    """Add a worker with a first price."""
    with fail_cleanly():
        price = WorkerPrice(
            worker=worker_id,
            valid_from=parse_date(from_, "--from"),
            cost_price=parse_decimal(cost_price, "--cost-price", PRICE),
            sales_price=parse_decimal(sales_price, "--sales-price", PRICE),
        )
        worker = Worker(
            id=worker_id,
            company=company,
            name=name,
            calendar=calendar,
            end_date=_optional_date(end, "--end"),
        )
        emit(_service().add_worker(worker, price), as_json=as_json, title="worker")


_NO_END = "none"
"""What ``--end`` takes to clear a worker's end date."""


@worker_app.command("update")
def worker_update(
    worker_id: Annotated[str, typer.Argument(metavar="ID")],
    end: Annotated[
        str,
        typer.Option(
            "--end",
            help=f"Last working day, YYYY-MM-DD: no hours are posted after it and the "
            f"plan's resource is available until it; '{_NO_END}' clears it.",
        ),
    ],
    as_json: Json = False,
) -> None:
    """Change a worker's end date. Hours posted before stay as they are."""
    with fail_cleanly():
        last = None if end.strip().lower() == _NO_END else parse_date(end, "--end")
        emit(_service().set_worker_end_date(worker_id, last), as_json=as_json, title="worker")


@worker_app.command("show")
def worker_show(
    worker_id: Annotated[str, typer.Argument(metavar="ID")], as_json: Json = False
) -> None:
    """One worker: company, calendar, whether integrated, end date."""
    with fail_cleanly():
        emit(_service().worker(worker_id), as_json=as_json, title="worker")


@worker_app.command("price")
def worker_price(
    worker_id: Annotated[str, typer.Argument(metavar="ID")],
    cost_price: Annotated[str, typer.Option()],
    sales_price: Annotated[str, typer.Option()],
    from_: Annotated[str, typer.Option("--from")],
    as_json: Json = False,
) -> None:
    """Set a worker's prices from a date on (a new row of the price history)."""
    with fail_cleanly():
        price = WorkerPrice(
            worker=worker_id,
            valid_from=parse_date(from_, "--from"),
            cost_price=parse_decimal(cost_price, "--cost-price", PRICE),
            sales_price=parse_decimal(sales_price, "--sales-price", PRICE),
        )
        emit(_service().set_worker_price(price), as_json=as_json, title="price")


@worker_app.command("prices")
def worker_prices(
    worker_id: Annotated[str, typer.Argument(metavar="ID")], as_json: Json = False
) -> None:
    """A worker's price history."""
    with fail_cleanly():
        emit(_service().worker_prices(worker_id), as_json=as_json, title="prices")


@worker_app.command("list")
def worker_list(as_json: Json = False) -> None:
    """List workers."""
    with fail_cleanly():
        emit(_service().workers(), as_json=as_json, title="workers")


@worker_app.command("integrate")
def worker_integrate(
    worker_id: Annotated[str, typer.Argument(metavar="ID")],
    off: Annotated[bool, typer.Option("--off", help="Stop offering the worker.")] = False,
    as_json: Json = False,
) -> None:
    """Offer a worker to the plan side as a resource (or stop, with --off);
    allowed only when the worker's company is integrated."""
    with fail_cleanly():
        worker = _service().worker(worker_id)
        if not off and not company_integrated(sync_store(), worker.company):
            raise InputError(
                [
                    Problem(
                        where=f"worker {worker_id}",
                        what=f"company {worker.company} is not integrated "
                        f"(projsync settings company {worker.company} --integrate on)",
                    )
                ]
            )
        emit(_service().set_worker_integrated(worker_id, not off), as_json=as_json, title="worker")


# -- categories ------------------------------------------------------------


@category_app.command("add")
def category_add(
    category_id: Annotated[str, typer.Argument(metavar="ID")],
    kind: Annotated[CategoryKind, typer.Option()],
    as_json: Json = False,
) -> None:
    """Add a category of hours, expenses or fees."""
    with fail_cleanly():
        emit(_service().add_category(Category(id=category_id, kind=kind)), as_json=as_json)


@category_app.command("list")
def category_list(as_json: Json = False) -> None:
    """List categories."""
    with fail_cleanly():
        emit(_service().categories(), as_json=as_json, title="categories")


# -- posting ---------------------------------------------------------------


def _report_posting(result: PostingResult, as_json: bool) -> None:
    if as_json:
        emit(result, as_json=True)
    else:
        stdout.print(
            f"posted journal {result.journal}: {result.lines} line(s), "
            f"{result.hours} hours, cost {result.cost}, revenue {result.revenue}"
        )


PostingText = Annotated[
    str, typer.Option("--text", help="What the line is for (at most 250 characters).")
]


@post_app.command("hours")
def post_hours(
    project: Annotated[str, typer.Option()],
    activity: Annotated[str, typer.Option()],
    worker: Annotated[str, typer.Option()],
    date: Annotated[str, typer.Option()],
    hours: Annotated[str, typer.Option()],
    category: Annotated[str | None, typer.Option(help="Hour category (default: Hours).")] = None,
    text: PostingText = "",
    as_json: Json = False,
) -> None:
    """Post hours of a worker on an activity, priced at the worker's prices of that date."""
    with fail_cleanly():
        line = JournalLine(
            line=1,
            kind=TransactionKind.HOUR,
            project=project,
            activity=activity,
            worker=worker,
            date=parse_date(date, "--date"),
            hours=parse_decimal(hours, "--hours", HOURS),
            category=category,
            text=text,
        )
        _report_posting(post_journal(ledger_store(), [line], source="command line"), as_json)


@post_app.command("expense")
def post_expense(
    project: Annotated[str, typer.Option()],
    activity: Annotated[str, typer.Option()],
    date: Annotated[str, typer.Option()],
    amount: Annotated[str, typer.Option()],
    category: Annotated[
        str | None, typer.Option(help="Expense category (default: Expense).")
    ] = None,
    text: PostingText = "",
    sales_amount: Annotated[
        str | None,
        typer.Option(help="What it bills (default: its cost plus its contract's markup)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Post an expense (a cost) on an activity."""
    with fail_cleanly():
        line = JournalLine(
            line=1,
            kind=TransactionKind.EXPENSE,
            project=project,
            activity=activity,
            date=parse_date(date, "--date"),
            amount=parse_decimal(amount, "--amount", MONEY),
            category=category,
            text=text,
            sales_amount=(
                parse_decimal(sales_amount, "--sales-amount", MONEY)
                if sales_amount is not None
                else None
            ),
        )
        _report_posting(post_journal(ledger_store(), [line], source="command line"), as_json)


@post_app.command("fee")
def post_fee(
    project: Annotated[str, typer.Option()],
    activity: Annotated[str, typer.Option()],
    date: Annotated[str, typer.Option()],
    amount: Annotated[str, typer.Option()],
    category: Annotated[str | None, typer.Option(help="Fee category (default: Fee).")] = None,
    text: PostingText = "",
    as_json: Json = False,
) -> None:
    """Post a fee (revenue) on an activity."""
    with fail_cleanly():
        line = JournalLine(
            line=1,
            kind=TransactionKind.FEE,
            project=project,
            activity=activity,
            date=parse_date(date, "--date"),
            amount=parse_decimal(amount, "--amount", MONEY),
            category=category,
            text=text,
        )
        _report_posting(post_journal(ledger_store(), [line], source="command line"), as_json)


@journal_app.command("post")
def journal_post(
    path: Annotated[Path, typer.Argument(metavar="FILE.csv")],
    as_json: Json = False,
) -> None:
    """Post a CSV journal as a whole: every line or none.

    Header: kind,project,activity,worker,date,hours,amount,category
    """
    with fail_cleanly():
        if not path.is_file():
            raise refusal(str(path), "no such file")
        with progress_bar("posting", None) as advance:
            result = post_journal(
                ledger_store(), read_journal(path), source=str(path.name), progress=advance
            )
        _report_posting(result, as_json)


@app.command("reverse")
def reverse(
    transaction_id: Annotated[
        int | None, typer.Argument(metavar="[TRANSACTION_ID]", min=1, max=LARGEST_KEY)
    ] = None,
    journal: Annotated[
        int | None,
        typer.Option(
            "--journal", min=1, max=LARGEST_KEY, help="Reverse every line of this journal."
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="Date of the reversal (default: the original's).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Reverse a posted transaction, or a whole journal (--journal), with lines of
    opposite sign: all in one journal, all or nothing."""
    with fail_cleanly():
        if (transaction_id is None) == (journal is None):
            raise refusal("reverse", "give a TRANSACTION_ID or --journal, not both or neither")
        on = _optional_date(date, "--date")
        if journal is not None:
            reversals = reverse_journal(ledger_store(), journal, date=on)
            emit_stream(
                reversals,
                as_json=as_json,
                columns=_TRANSACTION_COLUMNS,
                title=f"reversal of journal {journal}",
            )
            return
        assert transaction_id is not None
        reversal = reverse_transaction(ledger_store(), transaction_id, date=on)
        emit(reversal, as_json=as_json, title="reversal")


_TRANSACTION_COLUMNS = (
    "id",
    "journal",
    "kind",
    "project",
    "activity",
    "worker",
    "date",
    "hours",
    "cost",
    "revenue",
    "category",
    "reverses",
    "text",
)


Subprojects = Annotated[
    bool,
    typer.Option(
        "--subprojects/--no-subprojects", help="With the project's subprojects (the default)."
    ),
]
ActivityFilter = Annotated[
    str | None, typer.Option(help="Only this activity (its number in the project).")
]


@app.command("transactions")
def transactions(
    project: Annotated[str | None, typer.Option()] = None,
    activity: ActivityFilter = None,
    subprojects: Subprojects = True,
    worker: Annotated[str | None, typer.Option()] = None,
    since: Annotated[str | None, typer.Option("--from", help="From date.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="To date.")] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most this many.", min=1, max=LARGEST_KEY)
    ] = None,
    as_json: Json = False,
    as_csv: AsCsv = False,
    xlsx: AsXlsx = None,
) -> None:
    """List posted transactions, oldest first."""
    one_output(json=as_json, csv=as_csv, xlsx=xlsx)
    with fail_cleanly():
        found = iter_transactions(
            ledger_store(),
            project=project,
            worker=worker,
            since=_optional_date(since, "--from"),
            until=_optional_date(until, "--to"),
            limit=limit,
            subprojects=subprojects,
            activity=activity,
        )
        every = (*_TRANSACTION_COLUMNS, "posted_at")
        if as_csv:
            write_csv(found, every)
        elif xlsx is not None:
            count = write_xlsx(xlsx, Sheet(title="Transactions", columns=every, rows=found))
            stdout.print(f"{count} transactions written to {xlsx}")
        else:
            emit_stream(found, as_json=as_json, columns=_TRANSACTION_COLUMNS, title="transactions")


@app.command("totals")
def totals(
    project: Annotated[str, typer.Option(help="The project.")],
    activity: ActivityFilter = None,
    subprojects: Subprojects = True,
    as_json: Json = False,
    as_csv: AsCsv = False,
    xlsx: AsXlsx = None,
) -> None:
    """Posted and forecast hours, cost and revenue of a project and its subprojects."""
    one_output(json=as_json, csv=as_csv, xlsx=xlsx)
    with fail_cleanly():
        found = project_totals(ledger_store(), project, subprojects=subprojects, activity=activity)
        columns = [f.name for f in dataclasses.fields(found)]
        if as_csv:
            write_csv([found], columns)
        elif xlsx is not None:
            write_xlsx(xlsx, Sheet(title="Totals", columns=columns, rows=[found]))
            stdout.print(f"totals of {project} written to {xlsx}")
        else:
            emit(found, as_json=as_json, title="totals")


app.command("statement")(statement_command)


# -- forecasts -------------------------------------------------------------


@forecast_app.command("add")
def forecast_add(
    project: Annotated[str, typer.Option()],
    activity: Annotated[str, typer.Option()],
    date: Annotated[str, typer.Option()],
    kind: Annotated[ForecastKind, typer.Option()] = ForecastKind.HOUR,
    worker: Annotated[str | None, typer.Option()] = None,
    hours: Annotated[str | None, typer.Option()] = None,
    amount: Annotated[str | None, typer.Option()] = None,
    as_json: Json = False,
) -> None:
    """Plan hours of a worker, or an expense or revenue amount, on an activity."""
    with fail_cleanly():
        forecast = forecast_service.add_forecast(
            ledger_store(),
            kind=kind,
            project=project,
            activity=activity,
            date=parse_date(date, "--date"),
            worker=worker,
            hours=parse_decimal(hours, "--hours", HOURS) if hours is not None else None,
            amount=parse_decimal(amount, "--amount", MONEY) if amount is not None else None,
        )
        emit(forecast, as_json=as_json, title="forecast")


@forecast_app.command("list")
def forecast_list(
    project: Annotated[str, typer.Option(help="The project.")],
    activity: ActivityFilter = None,
    subprojects: Subprojects = True,
    as_json: Json = False,
) -> None:
    """A project's forecasts (with its subprojects')."""
    with fail_cleanly():
        store = ledger_store()
        with store.read() as conn:
            LedgerService(store).project_in(conn, project)
            projects = subproject_ids(conn, project) if subprojects else [project]
        found = [
            forecast
            for each in projects
            for forecast in forecast_service.list_forecasts(store, each)
            if activity is None or forecast.activity == activity
        ]
        emit(found, as_json=as_json, title="forecasts")


@forecast_app.command("delete")
def forecast_delete(
    forecast_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=LARGEST_KEY)],
) -> None:
    """Delete a forecast."""
    with fail_cleanly():
        forecast_service.delete_forecast(ledger_store(), forecast_id)
        stdout.print(f"deleted forecast {forecast_id}")


# -- demo and seed ---------------------------------------------------------


@app.command("demo")
def demo(as_json: Json = False) -> None:
    """Load the demo company into an empty ledger, then show its totals."""
    with fail_cleanly():
        store = ledger_store()
        loaded = LedgerService(store).is_empty()
        if loaded:
            load_demo(store)
        totals = [project_totals(store, project) for project in ROOT_PROJECTS]
        if as_json:
            emit({"loaded": loaded, "totals": totals}, as_json=True)
            return
        stdout.print(
            "Loaded the demo company DEMO."
            if loaded
            else "The ledger has data; showing it as it is."
        )
        emit(totals, as_json=False, title="project totals (with subprojects)")


@app.command("seed")
def seed(
    projects: Annotated[int, typer.Option(help="Projects (every fourth a subproject).")] = 200,
    activities: Annotated[int, typer.Option(help="Activities per project.")] = 50,
    workers: Annotated[int, typer.Option()] = 100,
    transactions: Annotated[int, typer.Option(help="Journal lines to post.")] = 100_000,
    seed_: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    prefix: Annotated[str, typer.Option(help="Prefix of the generated ids.")] = "S",
    as_json: Json = False,
) -> None:
    """Generate a portfolio and post a year of transactions through the normal pipeline."""
    with fail_cleanly():
        plan = SeedPlan(
            projects=projects,
            activities=activities,
            workers=workers,
            transactions=transactions,
            seed=seed_,
            prefix=prefix,
        )
        with progress_bar("posting", transactions) as advance:
            result = seed_ledger(ledger_store(), plan, progress=advance)
        if result is None:
            stdout.print("seeded master data; no transactions asked for")
        else:
            _report_posting(result, as_json)


@app.command("changes")
def changes(
    entity: Annotated[str, typer.Argument(help=f"One of: {', '.join(ENTITIES)}.")],
    since: Annotated[
        int, typer.Option(help="Only changes after this version.", min=0, max=LARGEST_KEY)
    ] = 0,
    as_json: Json = False,
) -> None:
    """The change feed: what changed after a version, deletions included."""
    with fail_cleanly():
        if entity not in ENTITIES:
            raise InputError(
                [Problem(where="ENTITY", what=f"{entity!r} is not one of {', '.join(ENTITIES)}")]
            )
        found = changes_since(ledger_store(), entity, since)
        rows = [
            {
                "version": c.version,
                "key": "/".join(c.key),
                "deleted": c.record is None,
                "record": c.record,
            }
            for c in found
        ]
        emit(rows, as_json=as_json, columns=("version", "key", "deleted"), title="changes")
