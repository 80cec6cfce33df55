"""Downloads in a real browser (the server and Chromium of ``test_browser``):
an accountant saves a project's transactions as CSV and its statement as a
spreadsheet from their pages, and each file holds what the page shows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser

from projsync.ledger.reports import iter_transactions
from tests.web.test_browser import Served, _log_in, _shot, browser, served

__all__ = ["browser", "served"]  # the fixtures, shared with test_browser

PROJECT = "PRJ-1000"


def test_browser_exports__transactions_and_the_statement_saved_from_their_pages(
    browser: Browser, served: Served, tmp_path: Path
) -> None:
    page = _log_in(browser, served, "pat")
    page.goto(f"{served.base}/projects/{PROJECT}")
    _shot(page, "project-downloads")
    with page.expect_download() as waiting:
        page.click("#transactions-csv")
    saved = tmp_path / "transactions.csv"
    waiting.value.save_as(saved)
    assert waiting.value.suggested_filename == f"{PROJECT}-transactions.csv"
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    posted = list(iter_transactions(served.context.ledger, project=PROJECT, subprojects=True))
    assert [(int(r["id"]), Decimal(r["cost"])) for r in rows] == [(t.id, t.cost) for t in posted]

    page.click("#statement-link")
    page.select_option("select[name=by]", "worker")
    page.click("form.filters button")
    page.wait_for_selector("#statement-xlsx")
    shown = page.inner_text("tr[data-project='(total)'] [data-figure=actual_cost]")
    with page.expect_download() as waiting:
        page.click("#statement-xlsx")
    book = tmp_path / "statement.xlsx"
    waiting.value.save_as(book)
    sheet = load_workbook(book, read_only=True).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in cells if row and row[0] == "project")
    total = next(row for row in cells if row and row[0] == "(total)")
    cost = Decimal(str(total[header.index("actual_cost")])).quantize(Decimal("0.01"))
    assert f"{cost:,}" == shown
    page.close()
