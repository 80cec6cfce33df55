"""Billing a project: proposals, posted invoices, credit notes, on both databases.

Figures are checked by hand. W1 sells at 120.00 an hour until 30 June and at
130.25 from 1 July (see ``conftest.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from projsync.errors import InputError
from projsync.ledger.invoices import (
    amount_billed,
    credit,
    discard,
    invoice,
    invoices_of,
    post_proposal,
    propose,
)
from projsync.ledger.milestones import add_milestone, milestones_of
from projsync.ledger.model import (
    Activity,
    Company,
    Invoice,
    InvoiceStatus,
    JournalLine,
    Project,
    TransactionKind,
)
from projsync.ledger.posting import post_journal, reverse_journal, reverse_transaction
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import transactions

MARCH = dt.date(2026, 3, 31)


def hours(project: str, activity: str, day: dt.date, count: str) -> JournalLine:
    return JournalLine(
        line=1,
        kind=TransactionKind.HOUR,
        project=project,
        activity=activity,
        worker="W1",
        date=day,
        hours=Decimal(count),
    )


def amount(
    kind: TransactionKind, project: str, activity: str, day: dt.date, value: str
) -> JournalLine:
    return JournalLine(
        line=1, kind=kind, project=project, activity=activity, date=day, amount=Decimal(value)
    )


def post(ledger: LedgerService, *lines: JournalLine) -> list[int]:
    """Post each line as a journal of its own; the ids of the transactions."""
    ids = []
    for line in lines:
        journal = post_journal(ledger.store, [line], source="test").journal
        ids.append(_transaction_of(ledger, journal))
    return ids


def _transaction_of(ledger: LedgerService, journal: int) -> int:
    with ledger.store.read() as conn:
        return int(
            conn.execute(
                select(transactions.c.id).where(transactions.c.journal_id == journal)
            ).scalar_one()
        )


def billed(found: Invoice) -> list[tuple[int | None, Decimal]]:
    return [(line.transaction, line.amount) for line in found.lines]


def refused(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def test_invoices__a_proposal_bills_hours_an_expense_and_a_fee(ledger: LedgerService) -> None:
    spring, summer = dt.date(2026, 3, 2), dt.date(2026, 7, 1)
    ids = post(
        ledger,
        hours("P1", "A1", spring, "8"),
        hours("P1", "A1", summer, "4"),
        amount(TransactionKind.EXPENSE, "P1", "A2", dt.date(2026, 3, 3), "80.40"),
        amount(TransactionKind.FEE, "P1", "A2", dt.date(2026, 3, 4), "250"),
    )
    proposal = propose(ledger.store, "P1", date=dt.date(2026, 7, 31))
    # 8 h x 120.00 = 960.00; 4 h x 130.25 = 521.00; the expense at its cost
    # 80.40 (it has no revenue); the fee 250.00: 960 + 80.40 + 250 + 521 = 1811.40
    assert billed(proposal) == [
        (ids[0], Decimal("960.00")),
        (ids[2], Decimal("80.40")),
        (ids[3], Decimal("250.00")),
        (ids[1], Decimal("521.00")),
    ]
    assert proposal.total == Decimal("1811.40")
    assert proposal.status is InvoiceStatus.PROPOSAL and proposal.number is None
    assert [line.line for line in proposal.lines] == [1, 2, 3, 4]
    assert invoice(ledger.store, proposal.id) == proposal


def test_invoices__a_proposal_includes_the_subprojects(ledger: LedgerService) -> None:
    day = dt.date(2026, 3, 2)
    own, sub, subsub, other = post(
        ledger,
        hours("P1", "A1", day, "1"),
        hours("P1-1", "C1", day, "2"),
        hours("P1-1-1", "F1", day, "1.5"),
        hours("P2", "B1", day, "3"),
    )
    whole = propose(ledger.store, "P1", date=MARCH)
    # 1 h + 2 h + 1.5 h at 120.00 = 120 + 240 + 180 = 540.00; P2 is not a subproject
    assert billed(whole) == [
        (own, Decimal("120.00")),
        (sub, Decimal("240.00")),
        (subsub, Decimal("180.00")),
    ]
    assert whole.total == Decimal("540.00")
    part = propose(ledger.store, "P1-1", date=MARCH)
    assert [line.transaction for line in part.lines] == [sub, subsub]
    assert other not in [line.transaction for line in whole.lines]


def test_invoices__until_leaves_later_transactions_out(ledger: LedgerService) -> None:
    early, late = post(
        ledger,
        hours("P1", "A1", dt.date(2026, 3, 2), "2"),
        hours("P1", "A1", dt.date(2026, 4, 1), "2"),
    )
    proposal = propose(ledger.store, "P1", until=MARCH, date=dt.date(2026, 4, 15))
    assert billed(proposal) == [(early, Decimal("240.00"))]
    assert proposal.date == dt.date(2026, 4, 15)
    assert late not in [line.transaction for line in proposal.lines]


def test_invoices__a_reversed_pair_is_not_billed(ledger: LedgerService) -> None:
    kept, undone = post(
        ledger,
        hours("P1", "A1", dt.date(2026, 3, 2), "2"),
        hours("P1", "A1", dt.date(2026, 3, 3), "5"),
    )
    reverse_transaction(ledger.store, undone)
    assert billed(propose(ledger.store, "P1", date=MARCH)) == [(kept, Decimal("240.00"))]


def test_invoices__a_posted_invoices_transactions_are_not_proposed_again(
    ledger: LedgerService,
) -> None:
    (first,) = post(ledger, hours("P1", "A1", dt.date(2026, 3, 2), "2"))
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert posted.status is InvoiceStatus.POSTED and posted.number == "DEMO-000001"
    with pytest.raises(InputError) as error:
        propose(ledger.store, "P1", date=MARCH)
    assert refused(error) == ["project P1: has nothing to bill up to 2026-03-31"]
    (second,) = post(ledger, hours("P1", "A1", dt.date(2026, 3, 9), "1"))
    assert billed(propose(ledger.store, "P1", date=MARCH)) == [(second, Decimal("120.00"))]
    assert first != second


def test_invoices__numbers_are_gapless_per_company(ledger: LedgerService) -> None:
    ledger.add_company(Company(id="ACME", name="Acme", currency="EUR"))
    ledger.add_project(Project(id="Q1", company="ACME", name="Audit"))
    ledger.add_activity(Activity(project="Q1", number="X1", name="Fieldwork"))
    day = dt.date(2026, 3, 2)
    numbers = []
    for project, activity in (("P1", "A1"), ("P2", "B1"), ("Q1", "X1"), ("P1", "A2")):
        post(ledger, amount(TransactionKind.FEE, project, activity, day, "100"))
        numbers.append(
            post_proposal(ledger.store, propose(ledger.store, project, date=MARCH).id).number
        )
    assert numbers == ["DEMO-000001", "DEMO-000002", "ACME-000001", "DEMO-000003"]
    note = credit(ledger.store, "DEMO-000002", date=MARCH)
    assert note.number == "DEMO-000004"


def test_invoices__a_credit_note_makes_the_transactions_billable_again(
    ledger: LedgerService,
) -> None:
    ids = post(
        ledger,
        hours("P1", "A1", dt.date(2026, 3, 2), "3"),
        amount(TransactionKind.FEE, "P1", "A2", dt.date(2026, 3, 4), "99.99"),
    )
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert posted.total == Decimal("459.99")  # 3 h x 120.00 = 360.00, + 99.99
    note = credit(ledger.store, posted.number or "", date=dt.date(2026, 4, 2))
    assert note.number == "DEMO-000002" and note.credits == posted.id
    assert billed(note) == [(ids[0], Decimal("-360.00")), (ids[1], Decimal("-99.99"))]
    assert note.total + posted.total == Decimal("0.00")
    assert invoice(ledger.store, posted.id).status is InvoiceStatus.CREDITED
    again = propose(ledger.store, "P1", date=MARCH)
    assert billed(again) == billed(posted)
    assert [i.number for i in invoices_of(ledger.store, status=InvoiceStatus.POSTED)] == [
        "DEMO-000002"
    ]


def test_invoices__an_invoiced_transaction_is_reversed_only_after_the_credit(
    ledger: LedgerService,
) -> None:
    journal = post_journal(
        ledger.store,
        [hours("P1", "A1", dt.date(2026, 3, 2), "2"), hours("P1", "A1", dt.date(2026, 3, 3), "1")],
        source="week",
    ).journal
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    first, second = (line.transaction for line in posted.lines)
    with pytest.raises(InputError) as error:
        reverse_transaction(ledger.store, first or 0)
    assert refused(error) == [
        f"transaction {first}: is on invoice DEMO-000001; credit the invoice first"
    ]
    with pytest.raises(InputError) as error:
        reverse_journal(ledger.store, journal)
    assert refused(error) == [
        f"transaction {first}: is on invoice DEMO-000001; credit the invoice first",
        f"transaction {second}: is on invoice DEMO-000001; credit the invoice first",
    ]
    credit(ledger.store, "DEMO-000001")
    assert len(reverse_journal(ledger.store, journal)) == 2
    with pytest.raises(InputError) as error:
        propose(ledger.store, "P1", date=MARCH)
    assert refused(error) == ["project P1: has nothing to bill up to 2026-03-31"]


def test_invoices__one_open_proposal_per_project_until_it_is_discarded(
    ledger: LedgerService,
) -> None:
    post(ledger, hours("P1", "A1", dt.date(2026, 3, 2), "2"))
    first = propose(ledger.store, "P1", date=MARCH)
    with pytest.raises(InputError) as error:
        propose(ledger.store, "P1", date=MARCH)
    assert refused(error) == [
        f"project P1: has an open proposal {first.id}; post or discard it first"
    ]
    discard(ledger.store, first.id)
    assert invoices_of(ledger.store) == []
    second = propose(ledger.store, "P1", date=MARCH)
    assert billed(second) == billed(first)


def test_invoices__posting_refuses_what_was_billed_or_reversed_meanwhile(
    ledger: LedgerService,
) -> None:
    mine, theirs = post(
        ledger,
        hours("P1", "A1", dt.date(2026, 3, 2), "2"),
        hours("P1-1", "C1", dt.date(2026, 3, 2), "1"),
    )
    whole = propose(ledger.store, "P1", date=MARCH)
    post_proposal(ledger.store, propose(ledger.store, "P1-1", date=MARCH).id)
    reversal = reverse_transaction(ledger.store, mine)
    with pytest.raises(InputError) as error:
        post_proposal(ledger.store, whole.id)
    assert refused(error) == [
        f"transaction {theirs}: is on invoice DEMO-000001 already",
        f"transaction {mine}: was reversed by {reversal.id}",
        f"proposal {whole.id}: discard it and propose again",
    ]
    assert invoice(ledger.store, whole.id) == whole
    discard(ledger.store, whole.id)
    (late,) = post(ledger, hours("P1", "A1", dt.date(2026, 3, 9), "1"))
    again = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert billed(again) == [(late, Decimal("120.00"))]
    assert again.number == "DEMO-000002"  # the refused posting took no number


def test_invoices__what_cannot_be_done_to_posted_invoices_and_credit_notes(
    ledger: LedgerService,
) -> None:
    post(ledger, hours("P1", "A1", dt.date(2026, 3, 2), "2"))
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    note = credit(ledger.store, posted.id)
    attempts = (
        (
            lambda: post_proposal(ledger.store, posted.id),
            "invoice DEMO-000001: is credited already",
        ),
        (
            lambda: discard(ledger.store, posted.id),
            "invoice DEMO-000001: is credited: only a proposal is discarded",
        ),
        (
            lambda: credit(ledger.store, "DEMO-000001"),
            "invoice DEMO-000001: is credited already by DEMO-000002",
        ),
        (
            lambda: credit(ledger.store, note.id),
            "invoice DEMO-000002: is a credit note; it cannot be credited",
        ),
        (lambda: credit(ledger.store, "DEMO-000009"), "invoice DEMO-000009: unknown invoice"),
        (lambda: propose(ledger.store, "NOPE"), "project NOPE: unknown project"),
    )
    for attempt, refusal in attempts:
        with pytest.raises(InputError) as error:
            attempt()
        assert refused(error) == [refusal]


def test_invoices__a_milestone_is_billed_once(ledger: LedgerService) -> None:
    due = add_milestone(
        ledger.store,
        "P1",
        date=dt.date(2026, 3, 15),
        amount=Decimal("5000"),
        text="Design approved",
    )
    later = add_milestone(ledger.store, "P1", date=dt.date(2026, 6, 30), amount=Decimal("7500.50"))
    (hour,) = post(ledger, hours("P1", "A1", dt.date(2026, 3, 2), "1"))
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert billed(posted) == [(hour, Decimal("120.00")), (None, Decimal("5000.00"))]
    assert posted.lines[1].milestone == due.id and posted.lines[1].text == "Design approved"
    assert posted.total == Decimal("5120.00")
    assert [(m.id, m.invoice) for m in milestones_of(ledger.store, "P1")] == [
        (due.id, "DEMO-000001"),
        (later.id, None),
    ]
    next_one = propose(ledger.store, "P1", date=dt.date(2026, 6, 30))
    assert [(line.milestone, line.amount) for line in next_one.lines] == [
        (later.id, Decimal("7500.50"))
    ]


@pytest.mark.parametrize(
    ("kind", "cost", "revenue", "bills"),
    [
        (TransactionKind.HOUR, "400.00", "960.00", "960.00"),
        (TransactionKind.FEE, "0.00", "250.00", "250.00"),
        (TransactionKind.EXPENSE, "80.40", "0.00", "80.40"),
        (TransactionKind.EXPENSE, "80.40", "95.00", "95.00"),
        (TransactionKind.HOUR, "400.00", "0.00", "0.00"),
        (TransactionKind.EXPENSE, "-80.40", "0.00", "-80.40"),
    ],
)
def test_invoices__what_a_line_bills(
    kind: TransactionKind, cost: str, revenue: str, bills: str
) -> None:
    assert amount_billed(kind, Decimal(cost), Decimal(revenue)) == Decimal(bills)


def test_invoices__a_credited_milestone_is_billed_again_and_a_subprojects_is_its_own(
    ledger: LedgerService,
) -> None:
    own = add_milestone(ledger.store, "P1", date=dt.date(2026, 3, 15), amount=Decimal("10"))
    add_milestone(ledger.store, "P1-1", date=dt.date(2026, 3, 15), amount=Decimal("20"))
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert [(line.milestone, line.amount) for line in posted.lines] == [(own.id, Decimal("10.00"))]
    credit(ledger.store, posted.id)
    assert milestones_of(ledger.store, "P1")[0].invoice is None
    again = propose(ledger.store, "P1", date=MARCH)
    assert [(line.milestone, line.amount) for line in again.lines] == [(own.id, Decimal("10.00"))]
    assert propose(ledger.store, "P1-1", date=MARCH).total == Decimal("20.00")


def test_invoices__a_milestone_needs_an_amount_above_zero(ledger: LedgerService) -> None:
    with pytest.raises(InputError) as error:
        add_milestone(ledger.store, "P1", date=dt.date(2026, 3, 15), amount=Decimal("0"))
    assert refused(error) == ["project P1: a milestone's amount must be more than zero"]


def test_invoices__a_projects_contract_value(ledger: LedgerService) -> None:
    assert ledger.update_project("P1", contract_value=Decimal("100000")).contract_value == Decimal(
        "100000"
    )
    assert ledger.project("P1").contract_value == Decimal("100000.00")
    with pytest.raises(InputError) as error:
        ledger.update_project("P1", contract_value=Decimal("-1"))
    assert refused(error) == ["project P1: contract value is negative"]


def test_invoices__a_billed_project_keeps_its_company_and_is_not_deleted(
    ledger: LedgerService,
) -> None:
    ledger.add_company(Company(id="ACME", name="Acme", currency="EUR"))
    add_milestone(ledger.store, "P2", date=dt.date(2026, 3, 15), amount=Decimal("10"))
    with pytest.raises(InputError) as error:
        ledger.delete_project("P2")
    assert refused(error) == ["project P2: has milestones or invoices; it cannot be deleted"]
    with pytest.raises(InputError) as error:
        ledger.update_project("P2", company="ACME")
    assert refused(error) == ["project P2: has postings or billing; its company cannot change"]


def test_invoices__an_invoice_is_found_by_id_or_number_only(ledger: LedgerService) -> None:
    post(ledger, hours("P1", "A1", dt.date(2026, 3, 2), "1"))
    posted = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert invoice(ledger.store, str(posted.id)) == invoice(ledger.store, "DEMO-000001") == posted
    for key in ("²", "٥", "0", "9223372036854775808", "DEMO-1", ""):
        with pytest.raises(InputError) as error:
            invoice(ledger.store, key)
        assert refused(error) == [f"invoice {key}: unknown invoice"]
