"""Rows of the ledger's tables turned into records, and records into rows.

The only place where the ledger's column names meet its vocabulary.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Row

from projsync.ledger.model import (
    Activity,
    Category,
    CategoryKind,
    Company,
    Forecast,
    ForecastKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Markup,
    Milestone,
    Project,
    ProjectStatus,
    ProjectType,
    Recognition,
    Transaction,
    TransactionKind,
    Worker,
    WorkerPrice,
)

__all__ = [
    "activity_from_row",
    "activity_values",
    "category_from_row",
    "company_from_row",
    "forecast_from_row",
    "invoice_from_row",
    "invoice_line_from_row",
    "markup_from_row",
    "milestone_from_row",
    "project_from_row",
    "project_values",
    "recognition_from_row",
    "transaction_from_row",
    "worker_from_row",
    "worker_price_from_row",
]


def company_from_row(row: Row[Any]) -> Company:
    return Company(id=row.id, name=row.name, currency=row.currency)


def category_from_row(row: Row[Any]) -> Category:
    return Category(id=row.id, kind=CategoryKind(row.kind))


def project_from_row(row: Row[Any]) -> Project:
    return Project(
        id=row.id,
        company=row.company_id,
        name=row.name,
        parent=row.parent_id,
        type=ProjectType(row.type),
        status=ProjectStatus(row.status),
        customer=row.customer,
        contract=row.contract,
        group=row.project_group,
        start=row.start,
        end=row.end,
        manager=row.manager,
        projected_start=row.projected_start,
        projected_end=row.projected_end,
        contract_value=row.contract_value,
        invoiced=row.invoiced,
        recognised=row.recognised,
    )


def project_values(project: Project) -> dict[str, object]:
    return {
        "id": project.id,
        "company_id": project.company,
        "name": project.name,
        "parent_id": project.parent,
        "type": project.type.value,
        "status": project.status.value,
        "customer": project.customer,
        "contract": project.contract,
        "project_group": project.group,
        "start": project.start,
        "end": project.end,
        "manager": project.manager,
        "projected_start": project.projected_start,
        "projected_end": project.projected_end,
        "contract_value": project.contract_value,
    }


def activity_from_row(row: Row[Any]) -> Activity:
    return Activity(
        project=row.project_id,
        number=row.number,
        name=row.name,
        parent=row.parent_number,
        category=row.category_id,
        start=row.start,
        end=row.end,
        planned_hours=row.planned_hours,
        budget_cost=row.budget_cost,
        budget_revenue=row.budget_revenue,
        percent_complete=row.percent_complete,
        scheduled_hours=row.scheduled_hours,
    )


def activity_values(activity: Activity) -> dict[str, object]:
    return {
        "project_id": activity.project,
        "number": activity.number,
        "name": activity.name,
        "parent_number": activity.parent,
        "category_id": activity.category,
        "start": activity.start,
        "end": activity.end,
        "planned_hours": activity.planned_hours,
        "percent_complete": activity.percent_complete,
        "scheduled_hours": activity.scheduled_hours,
    }


def worker_from_row(row: Row[Any]) -> Worker:
    return Worker(
        id=row.id,
        company=row.company_id,
        name=row.name,
        calendar=row.calendar,
        integrated=bool(row.integrated),
        end_date=row.end_date,
    )


def worker_price_from_row(row: Row[Any]) -> WorkerPrice:
    return WorkerPrice(
        worker=row.worker_id,
        valid_from=row.valid_from,
        cost_price=row.cost_price,
        sales_price=row.sales_price,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:  # SQLite keeps no zone; we always write UTC
        return moment.replace(tzinfo=dt.UTC)
    return moment


def transaction_from_row(row: Row[Any]) -> Transaction:
    posted_at = _aware(row.posted_at)
    return Transaction(
        id=row.id,
        journal=row.journal_id,
        kind=TransactionKind(row.kind),
        project=row.project_id,
        activity=row.activity_number,
        worker=row.worker_id,
        date=row.date,
        hours=row.hours,
        cost=row.cost,
        revenue=row.revenue,
        category=row.category_id,
        reverses=row.reverses_id,
        posted_at=posted_at,
        text=row.text,
    )


def forecast_from_row(row: Row[Any]) -> Forecast:
    return Forecast(
        id=row.id,
        kind=ForecastKind(row.kind),
        project=row.project_id,
        activity=row.activity_number,
        worker=row.worker_id,
        date=row.date,
        hours=row.hours,
        cost=row.cost,
        revenue=row.revenue,
    )


def invoice_from_row(row: Row[Any], lines: tuple[InvoiceLine, ...] = ()) -> Invoice:
    return Invoice(
        id=row.id,
        company=row.company_id,
        project=row.project_id,
        number=row.number,
        status=InvoiceStatus(row.status),
        credits=row.credits_id,
        date=row.date,
        created_at=_aware(row.created_at),
        total=row.total,
        lines=lines,
    )


def invoice_line_from_row(row: Row[Any]) -> InvoiceLine:
    return InvoiceLine(
        line=row.line,
        transaction=row.transaction_id,
        milestone=row.milestone_id,
        text=row.text,
        amount=row.amount,
    )


def recognition_from_row(row: Row[Any]) -> Recognition:
    return Recognition(
        id=row.id,
        project=row.project_id,
        date=row.date,
        completion=row.completion,
        contract_value=row.contract_value,
        earned=row.earned,
        amount=row.amount,
        cost=row.cost,
        reverses=row.reverses_id,
        posted_at=_aware(row.posted_at),
    )


def markup_from_row(row: Row[Any]) -> Markup:
    return Markup(contract=row.contract, category=row.category_id, percent=row.percent)


def milestone_from_row(row: Row[Any], invoice: str | None = None) -> Milestone:
    return Milestone(
        id=row.id,
        project=row.project_id,
        date=row.date,
        amount=row.amount,
        text=row.text,
        invoice=invoice,
    )
