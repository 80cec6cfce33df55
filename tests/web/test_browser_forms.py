"""The accountant's and the administrator's forms in a real browser (the
server and Chromium of ``test_browser``): a project accountant adds a worker
with their first prices, by keyboard, and finds them listed; posts an hour
line of that worker and sees it in the project's figures; an administrator
disables a user, who can then no longer log in. Screenshots under
var/screenshots/ (forms-*.png)."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Browser, Page

from projsync.ledger.demo import DEMO_COMPANY
from projsync.web.model import Role
from tests.web.conftest import PASSWORD
from tests.web.test_browser import Served, _log_in, _new_page, _shot, browser, served

__all__ = ["browser", "served"]  # the fixtures, shared with test_browser

PROJECT = "PRJ-1000-01"


def _actual_hours(page: Page, served: Served) -> Decimal:
    page.goto(f"{served.base}/projects/{PROJECT}")
    shown = page.inner_text("#budget tr[data-figure=hours] td.actual")
    return Decimal(shown.replace(",", ""))


def test_browser_forms__a_worker_added_then_an_hour_line_posted(
    browser: Browser, served: Served
) -> None:
    served.context.access.add_user(
        "carl", name="Carl Counter", role=Role.PROJECT_ACCOUNTANT, password=PASSWORD,
        companies=[DEMO_COMPANY],
    )  # fmt: skip
    page = _log_in(browser, served, "carl")
    page.click("header >> text=Workers")
    page.wait_for_url("**/workers")
    page.focus("#f-id")  # the form by keyboard: each field its label, Tab to the next
    page.keyboard.type("W-900")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Margaret Hamilton")
    assert page.input_value("#f-name") == "Margaret Hamilton"
    page.fill("#f-valid_from", "2026-01-01")
    page.fill("#f-cost_price", "55.5")
    page.fill("#f-sales_price", "abc")
    page.click("#add-worker")
    assert "sales price: 'abc' is not a plain decimal number" in page.inner_text("#problems")
    assert page.input_value("#f-name") == "Margaret Hamilton"  # as typed
    _shot(page, "forms-worker-refused")
    page.fill("#f-sales_price", "110")
    page.focus("#f-sales_price")
    page.keyboard.press("Enter")
    page.wait_for_selector("#done")
    assert "Worker W-900 added" in page.inner_text("#done")
    row = page.inner_text("#worker-W-900")
    assert "Margaret Hamilton" in row and "55.5000" in row and "110.0000" in row
    _shot(page, "forms-workers")

    before = _actual_hours(page, served)
    page.click("#project-forms >> text=Post a journal, reverse")
    page.wait_for_url("**/journal?project=*")
    page.select_option("#r0_kind", "hour")
    assert page.input_value("#r0_project") == PROJECT
    page.fill("#r0_activity", "2")
    page.select_option("#r0_worker", "W-900")
    page.fill("#r0_date", "2026-03-03")
    page.fill("#r0_hours", "6.25")
    page.fill("#r0_text", "detail design review")
    _shot(page, "forms-journal")
    page.click("#post-journal")
    page.wait_for_url(f"**/projects/{PROJECT}?done=*")
    said = page.inner_text("[role=status]")
    assert "1 line(s), 6.25 hours, cost 346.88, revenue 687.50" in said
    assert _actual_hours(page, served) == before + Decimal("6.25")
    page.goto(f"{served.base}/journal?project={PROJECT}")
    assert "detail design review" in page.inner_text("#transactions")
    _shot(page, "forms-posted")
    page.close()


def test_browser_forms__an_administrator_disables_a_user(browser: Browser, served: Served) -> None:
    served.context.access.add_user(
        "dora", name="Dora Planner", role=Role.PROJECT_MANAGER, password=PASSWORD,
        companies=[DEMO_COMPANY],
    )  # fmt: skip
    page = _log_in(browser, served, "admin")
    page.click("header >> text=Users")
    page.wait_for_url("**/users")
    page.click("#disable-dora")
    page.wait_for_selector("#done")
    assert "User dora disabled" in page.inner_text("#done")
    assert "disabled" in page.inner_text("#user-dora")
    _shot(page, "forms-users")
    page.close()
    refused = _new_page(browser)
    refused.goto(f"{served.base}/login")
    refused.fill("#login", "dora")
    refused.fill("#password", PASSWORD)
    refused.click("button[type=submit]")
    assert "wrong password" in refused.inner_text("[role=alert]")
    refused.close()
