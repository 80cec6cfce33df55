"""Downloads from the pages: a project's transactions, its statement, a plan
project's tasks and the log, as CSV and as spreadsheets, each read back; and
nothing of another company's."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from projsync.ledger.model import JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.web.app import create_app
from projsync.web.model import Role
from tests.web.conftest import PASSWORD, synced_two_companies


@dataclass(frozen=True)
class Site:
    client: TestClient
    tokens: dict[str, str]

    def get(self, login: str, path: str) -> tuple[int, bytes, str]:
        answer = self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[login]}"})
        return answer.status_code, answer.content, answer.headers.get("content-type", "")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """ACME and BETA synchronized; WA's 3 h on PA on 2 March (50.00 an hour);
    ACME's accountant ``acct`` beside BETA's people and the administrator."""
    context, tokens = synced_two_companies(tmp_path_factory.mktemp("exports"))
    line = JournalLine(
        line=1,
        kind=TransactionKind.HOUR,
        project="PA",
        activity="1",
        worker="WA",
        date=dt.date(2026, 3, 2),
        hours=Decimal("3"),
    )
    post_journal(context.ledger, [line], source="test")
    context.access.add_user(
        "acct", name="acct", role=Role.PROJECT_ACCOUNTANT, password=PASSWORD, companies=("ACME",)
    )
    tokens["acct"] = context.access.create_token("acct", name="test")[1]
    with TestClient(create_app(context, background_sync=False)) as client:
        yield Site(client=client, tokens=tokens)
    context.dispose()


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def read_xlsx(body: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_export_pages__a_projects_transactions_as_csv_and_as_a_spreadsheet(site: Site) -> None:
    status, body, kind = site.get("acct", "/projects/PA/transactions.csv")
    assert status == 200 and kind.startswith("text/csv")
    (row,) = read_csv(body)
    assert (row["project"], row["worker"], row["hours"], row["cost"]) == (
        "PA",
        "WA",
        "3.00",
        "150.00",
    )
    status, body, kind = site.get("acct", "/projects/PA/transactions.xlsx")
    assert status == 200 and "spreadsheetml" in kind
    header, *rows = read_xlsx(body)
    assert len(rows) == 1 and rows[0][header.index("cost")] == 150


def test_export_pages__the_statement_and_the_plan_tasks(site: Site) -> None:
    status, body, _ = site.get("acct", "/projects/PA/statement.csv?by=worker")
    assert status == 200
    by_worker = {row["key"]: row for row in read_csv(body)}
    assert by_worker["WA"]["actual_cost"] == "150.00"
    status, body, _ = site.get("acct", "/projects/PA/statement.csv?by=nothing")
    assert status == 400 and b"is not one of" in body
    status, body, _ = site.get("ann", "/plan/PA/tasks.xlsx")
    assert status == 200
    rows = read_xlsx(body)
    assert rows[0][:2] == ["Project", "PA"]
    assert "work_minutes" in rows[2]


def test_export_pages__the_log_as_filtered(site: Site) -> None:
    status, body, _ = site.get("ann", "/log.csv?entity_type=worker")
    assert status == 200
    rows = read_csv(body)
    assert rows and {row["entity_type"] for row in rows} == {"worker"}
    status, body, _ = site.get("bea", "/log.csv")
    keys = {row["entity_key"] for row in read_csv(body)}
    assert keys and not any(key.startswith(("PA", "WA")) for key in keys)
    status, _, _ = site.get("ann", "/log.csv?status=nothing")
    assert status == 400


def test_export_pages__another_companys_downloads_answer_as_unknown(site: Site) -> None:
    for path in (
        "/projects/PA/transactions.csv",
        "/projects/PA/statement.xlsx",
        "/plan/PA/tasks.csv",
    ):
        status, _, _ = site.get("bea", path)
        assert status == 404, path
        unknown, _, _ = site.get("bea", path.replace("PA", "NOPE"))
        assert unknown == 404, path
    assert site.get("acct", "/projects/PA/transactions.pdf")[0] == 404
