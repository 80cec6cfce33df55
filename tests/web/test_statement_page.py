"""The project statement's page: the figures of ``projsync.ledger.statement``
as a table, escaped, and company-scoped like the project page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from projsync.ledger.invoices import post_proposal, propose
from projsync.ledger.model import Activity, JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService
from projsync.ledger.statement import FIGURES
from projsync.web.app import create_app
from projsync.web.model import Role
from tests.web.conftest import PASSWORD, open_context, two_companies

NASTY = '<b>Tools & "dies"</b>'


@dataclass(frozen=True)
class Site:
    client: TestClient
    tokens: dict[str, str]

    def get(self, login: str, path: str) -> tuple[int, str]:
        answer = self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[login]}"})
        return answer.status_code, answer.text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """ACME's PA (time and material; WA at 50.00 cost / 100.00 sales an hour):
    8 h on 2 March invoiced (800.00), 2 h on 10 March on an activity whose name
    is markup, not invoiced. An accountant of each company, a team member of
    ACME's and an administrator."""
    context = open_context(tmp_path_factory.mktemp("statement"))
    ledger = LedgerService(context.ledger)
    two_companies(ledger)
    ledger.add_activity(Activity(project="PA", number="2", name=NASTY))
    for activity, day, hours in (("1", dt.date(2026, 3, 2), "8"), ("2", dt.date(2026, 3, 10), "2")):
        line = JournalLine(
            line=1,
            kind=TransactionKind.HOUR,
            project="PA",
            activity=activity,
            worker="WA",
            date=day,
            hours=Decimal(hours),
        )
        post_journal(context.ledger, [line], source="test")
    proposal = propose(context.ledger, "PA", until=dt.date(2026, 3, 2), date=dt.date(2026, 3, 2))
    assert post_proposal(context.ledger, proposal.id).total == Decimal("800.00")
    tokens = {}
    for login, role, worker, companies in (
        ("admin", Role.ADMINISTRATOR, None, ()),
        ("acct", Role.PROJECT_ACCOUNTANT, None, ("ACME",)),
        ("tm", Role.TEAM_MEMBER, "WA", ("ACME",)),
        ("bea", Role.PROJECT_ACCOUNTANT, None, ("BETA",)),
    ):
        context.access.add_user(
            login, name=login, role=role, password=PASSWORD, worker=worker, companies=companies
        )
        tokens[login] = context.access.create_token(login, name="test")[1]
    with TestClient(create_app(context, background_sync=False)) as client:
        yield Site(client=client, tokens=tokens)
    context.dispose()


def figures(html: str, project: str, key: str) -> str:
    """The figures of a row of the page's table, as one text."""
    row = re.search(
        rf'<tr[^>]*data-project="{re.escape(project)}" data-key="{re.escape(key)}">(.*?)</tr>',
        html,
        re.S,
    )
    assert row is not None, (project, key)
    cells = re.findall(r'data-figure="(\w+)">([^<]*)<', row.group(1))
    assert [name for name, _ in cells] == list(FIGURES)
    return " ".join(value for _, value in cells)


def test_statement_page__shows_the_figures(site: Site) -> None:
    status, html = site.get("acct", "/projects/PA/statement")
    assert status == 200
    # budget_cost budget_revenue hours actual_cost billable invoiced recognised wip
    # activity 1: 8 h x 50.00 = 400.00 cost, x 100.00 = 800.00 billed and invoiced
    assert figures(html, "PA", "1") == "0.00 0.00 8.00 400.00 800.00 800.00 800.00 0.00"
    # activity 2: 2 h = 100.00 cost, bills 200.00, not invoiced: 200.00 in progress
    assert figures(html, "PA", "2") == "0.00 0.00 2.00 100.00 200.00 0.00 0.00 200.00"
    assert figures(html, "(total)", "(total)") == (
        "0.00 0.00 10.00 500.00 1,000.00 800.00 800.00 200.00"
    )
    assert NASTY not in html
    assert "&lt;b&gt;Tools &amp; &#34;dies&#34;&lt;/b&gt;" in html


def test_statement_page__by_and_dates_from_the_query(site: Site) -> None:
    status, html = site.get("acct", "/projects/PA/statement?by=worker&from=2026-03-05")
    assert status == 200
    assert figures(html, "PA", "WA") == "0.00 0.00 2.00 100.00 200.00 0.00 0.00 200.00"
    assert "Worker WA" in html
    assert "<option selected>worker</option>" in html and 'value="2026-03-05"' in html
    status, html = site.get("acct", "/projects/PA/statement?by=period&to=2026-03-31")
    assert figures(html, "PA", "2026-03") == "0.00 0.00 10.00 500.00 1,000.00 800.00 800.00 200.00"


def test_statement_page__bad_queries_are_refused_and_said_why(site: Site) -> None:
    for query, message in (
        ("by=month", "by: &#39;month&#39; is not one of activity, category, worker, period"),
        ("from=2026-04-01&to=2026-03-01", "from: 2026-04-01 is after to, 2026-03-01"),
        ("from=March", "from: &#39;March&#39; is not a date (YYYY-MM-DD)"),
        ("to=<script>", "to: &#39;&lt;script&gt;&#39; is not a date"),
        ("to=0001-01-01", "to: date 0001-01-01 is outside the ledger&#39;s dates"),
    ):
        status, html = site.get("acct", f"/projects/PA/statement?{query}")
        assert status == 400, query
        assert message in html, (query, html)
        assert 'id="statement"' not in html


def test_statement_page__another_companys_project_is_not_found(site: Site) -> None:
    theirs = site.get("bea", "/projects/PA/statement")
    nobody = site.get("bea", "/projects/NOPE/statement")
    # the same answer as for a project that does not exist, and as the project page's
    assert theirs[0] == nobody[0] == 404
    assert theirs[1] == nobody[1].replace("NOPE", "PA")
    assert theirs == site.get("bea", "/projects/PA")
    assert "800.00" not in theirs[1] and "Tools" not in theirs[1]
    assert site.get("bea", "/projects/PB/statement")[0] == 200
    assert site.get("admin", "/projects/PA/statement")[0] == 200
    assert site.get("tm", "/projects/PA/statement")[0] == 403


def test_statement_page__the_project_page_links_to_it(site: Site) -> None:
    status, html = site.get("acct", "/projects/PA")
    assert status == 200
    assert 'id="statement-link" href="/projects/PA/statement"' in html
