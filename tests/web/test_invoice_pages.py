"""The invoice pages over HTTP, with real invoices: ACME's project PA has an
invoice credited by a credit note and a proposal of what the credit made
billable again; BETA's project PB a posted invoice. ACME's people see ACME's
invoices and none of BETA's; a page of BETA's answers 404 as an unknown
number does; a team member opens none."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from projsync.ledger import invoices, milestones
from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.model import Role
from projsync.web.pages.render import money
from tests.web.conftest import PASSWORD, open_context, two_companies

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
DAY = dt.date(2026, 3, 2)
BILLED = dt.date(2026, 3, 31)
CREDITED = dt.date(2026, 4, 15)

PEOPLE = (
    ("ann", Role.ADMINISTRATOR, None, ()),
    ("acct", Role.PROJECT_ACCOUNTANT, None, ("ACME",)),
    ("pm", Role.PROJECT_MANAGER, None, ("ACME",)),
    ("tm", Role.TEAM_MEMBER, "WA", ("ACME",)),
    ("bea", Role.PROJECT_ACCOUNTANT, None, ("BETA",)),
    ("ben", Role.PROJECT_MANAGER, None, ("BETA",)),
)


@dataclass(frozen=True)
class Billed:
    context: Context
    credited: str
    """ACME's first invoice, credited."""
    note: str
    """The credit note crediting it."""
    proposal: int
    """ACME's proposal of what the credit made billable again."""
    beta: str
    """BETA's posted invoice."""


@pytest.fixture(scope="module")
def billed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Billed]:
    context = open_context(tmp_path_factory.mktemp("invoice-pages"))
    ledger = LedgerService(context.ledger)
    two_companies(ledger)
    ledger.update_project("PA", customer="Globex Corp", contract="C-2026-7")
    post_journal(
        context.ledger,
        [
            JournalLine(line=1, kind=TransactionKind.HOUR, project="PA", activity="1", date=DAY,
                        worker="WA", hours=Decimal("7.5")),
            JournalLine(line=2, kind=TransactionKind.HOUR, project="PB", activity="1", date=DAY,
                        worker="WB", hours=Decimal("2")),
        ],
        source="invoice pages test",
    )  # fmt: skip
    milestones.add_milestone(
        context.ledger, "PA", date=DAY, amount=Decimal("12345.67"), text=HOSTILE
    )
    proposed = invoices.propose(context.ledger, "PA", date=BILLED)
    first = invoices.post_proposal(context.ledger, proposed.id)
    note = invoices.credit(context.ledger, first.number or "", date=CREDITED)
    proposal = invoices.propose(context.ledger, "PA", date=CREDITED)
    beta_proposal = invoices.propose(context.ledger, "PB", date=BILLED)
    beta = invoices.post_proposal(context.ledger, beta_proposal.id)
    for login, role, worker, companies in PEOPLE:
        context.access.add_user(
            login, name=login, role=role, password=PASSWORD, worker=worker, companies=companies
        )
    yield Billed(
        context=context,
        credited=first.number or "",
        note=note.number or "",
        proposal=proposal.id,
        beta=beta.number or "",
    )
    context.dispose()


def logged_in(context: Context, login: str) -> TestClient:
    client = TestClient(create_app(context, background_sync=False))
    client.post("/login", data={"login": login, "password": PASSWORD}, follow_redirects=False)
    return client


def _cells(text: str, row_id: str) -> list[str]:
    """The texts of the cells of the list's row ``row_id``, tags taken out."""
    row = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', text, re.S)
    assert row is not None, f"no row {row_id}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def test_invoice_pages__the_list_shows_invoices_notes_and_proposals(billed: Billed) -> None:
    assert (billed.credited, billed.note, billed.beta) == (
        "ACME-000001",
        "ACME-000002",
        "BETA-000001",
    )
    client = logged_in(billed.context, "acct")
    listed = client.get("/invoices")
    assert listed.status_code == 200
    text = listed.text
    assert 'href="/invoices"' in text  # the nav entry
    found = {i.id: i for i in invoices.invoices_of(billed.context.ledger)}
    by_key = {i.number or str(i.id): i for i in found.values()}
    credited, note, proposal = by_key["ACME-000001"], by_key["ACME-000002"], by_key["3"]
    assert _cells(text, f"invoice-{credited.id}") == [
        "ACME-000001", "invoice", "credited", "PA", BILLED.isoformat(),
        "13,095.67 EUR", "credited by ACME-000002",
    ]  # fmt: skip
    assert _cells(text, f"invoice-{note.id}")[:3] == ["ACME-000002", "credit note", "posted"]
    assert _cells(text, f"invoice-{note.id}")[5:] == ["-13,095.67 EUR", "credits ACME-000001"]
    assert _cells(text, f"invoice-{proposal.id}")[:3] == ["Proposal 3", "proposal", "proposal"]
    assert 'href="/invoices/ACME-000001"' in text and 'href="/invoices/3"' in text
    assert "BETA" not in text and "PB" not in text

    posted = client.get("/invoices", params={"status": "posted"}).text
    assert f'id="invoice-{note.id}"' in posted and f'id="invoice-{credited.id}"' not in posted
    # the invoice credited is named though not listed
    assert _cells(posted, f"invoice-{note.id}")[-1] == "credits ACME-000001"
    by_project = client.get("/invoices", params={"project": "PA", "status": "proposal"}).text
    assert re.findall(r'<tr id="invoice-(\d+)"', by_project) == [str(proposal.id)]
    assert client.get("/invoices", params={"status": "paid"}).status_code == 422
    admin = logged_in(billed.context, "ann").get("/invoices").text
    assert "ACME-000001" in admin and "BETA-000001" in admin


def test_invoice_pages__the_printable_invoice(billed: Billed) -> None:
    client = logged_in(billed.context, "pm")
    shown = client.get(f"/invoices/{billed.credited}")
    assert shown.status_code == 200
    text = shown.text
    assert "ACME Ltd" in text and "amounts in EUR" in text
    assert "PA Project PA" in text and "Globex Corp" in text and "C-2026-7" in text
    assert '<td id="number">ACME-000001</td>' in text
    assert f'<td id="date">{BILLED.isoformat()}</td>' in text
    amounts = re.findall(r'<td class="num amount">([^<]*)</td>', text)
    assert amounts == ["750.00", "12,345.67"]  # 7.5 h at 100.00, the milestone
    assert '<th class="num" id="total">13,095.67</th>' in text
    assert 'id="credited-by"' in text and 'href="/invoices/ACME-000002"' in text
    assert "@media print" not in text  # in the style sheet: hides the nav and the buttons
    assert 'class="no-print"' in text and 'id="print"' in text
    assert "<script>alert" not in text
    assert str(escape(HOSTILE)) in text  # as text, not markup

    note = client.get(f"/invoices/{billed.note}").text
    assert "This credit note credits invoice" in note
    assert 'href="/invoices/ACME-000001"' in note
    assert re.findall(r'<td class="num amount">([^<]*)</td>', note) == ["-750.00", "-12,345.67"]
    assert '<th class="num" id="total">-13,095.67</th>' in note

    proposal = client.get(f"/invoices/{billed.proposal}").text
    assert 'id="proposal-mark"' in proposal and "not an invoice" in proposal
    assert "<title>Proposal 3 · projsync</title>" in proposal
    assert 'id="credited-by"' not in proposal and 'id="credits"' not in proposal
    by_id = client.get(f"/invoices/{invoices.invoice(billed.context.ledger, billed.note).id}")
    assert by_id.status_code == 200 and "ACME-000002" in by_id.text

    project = client.get("/projects/PA").text
    assert 'href="/invoices?project=PA"' in project
    assert "Invoiced 0.00 EUR" in project  # the invoice and its credit note net to nothing
    assert money(Decimal("-1234567.5")) == "-1,234,567.50"


@pytest.mark.parametrize("login", ["bea", "ben"])
def test_invoice_pages__another_companys_people_see_nothing_of_acme(
    billed: Billed, login: str
) -> None:
    client = logged_in(billed.context, login)
    listed = client.get("/invoices").text
    assert "BETA-000001" in listed
    assert "ACME" not in listed and "PA" not in listed
    unknown = client.get("/invoices/ACME-999999")
    assert unknown.status_code == 404 and "invoice ACME-999999: unknown" in unknown.text
    for key in (billed.credited, billed.note, str(billed.proposal)):
        hidden = client.get(f"/invoices/{key}")
        assert hidden.status_code == 404
        said = hidden.text.replace(f"invoice {key}: unknown", "invoice ACME-999999: unknown")
        assert said == unknown.text  # word for word, as for a number that is none
    assert client.get("/invoices", params={"project": "PA"}).status_code == 404
    for odd in ("0", "-1", "9" * 30, "%00", "x" * 300):
        assert client.get(f"/invoices/{odd}").status_code == 404
    assert client.get("/invoices", params={"project": "nowhere"}).status_code == 404


def test_invoice_pages__a_team_member_opens_none(billed: Billed) -> None:
    client = logged_in(billed.context, "tm")
    for path in ("/invoices", f"/invoices/{billed.credited}", "/invoices/nothing"):
        assert client.get(path).status_code == 403
    assert 'href="/invoices"' not in client.get("/portal").text
    anonymous = TestClient(create_app(billed.context, background_sync=False))
    answer = anonymous.get(f"/invoices/{billed.credited}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=/invoices/{billed.credited}"
