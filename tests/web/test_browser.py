"""The pages in a real browser: Debian's Chromium, driven by Playwright, against
a real server on a free port over temporary stores holding the demo company.

A person logs in, opens the Gantt chart, submits a timesheet (refused first,
with the reason on the cell and nothing posted, then accepted), runs the sync
and sees the actual cost arrive on the project page, and resynchronizes a
failed log entry. A team member fills and submits a week of the plan's
timesheet; a project manager rejects it, then approves it corrected, and
opens an invoice from its project's page, on screen and as printed. Each
page's screenshot is saved under var/screenshots/, and axe-core checks each
page so (tests/web/axe.py): a serious or critical accessibility violation
fails. The API's docs list every operation of the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from projsync.connectors.base import Applied, Operation
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store
from projsync.ledger import invoices
from projsync.ledger.demo import DEMO_COMPANY, ROOT_PROJECTS, load_demo
from projsync.ledger.model import Activity
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.plan.entities import PlanLink
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.plan.timesheets import TimesheetService
from projsync.sync import settings as sync_settings
from projsync.web.app import create_app
from projsync.web.context import Context
from projsync.web.model import Role
from tests.web import axe
from tests.web.conftest import PASSWORD, open_context

CHROMIUM = Path("/usr/bin/chromium")
PLANNED_LINKS = {  # what a planner adds in the plan: successor ← predecessors (finish-to-start)
    "PRJ-1000-01.2": ("PRJ-1000-01.1.1", "PRJ-1000-01.1.2"),
    "PRJ-1000-02.2.1": ("PRJ-1000-01.2", "PRJ-1000-02.1"),
    "PRJ-1000-02.2.2": ("PRJ-1000-02.2.1",),
    "PRJ-1000-02.3": ("PRJ-1000-02.2.2",),
}
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

if not CHROMIUM.exists():
    reason = f"no Chromium at {CHROMIUM}: `make test` installs it (apt-get install chromium)"
    if axe.in_ci():
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)
if axe.SCRIPT is None:  # under CI a missing install fails, as Chromium's does
    if axe.in_ci():
        raise RuntimeError(axe.WHY_MISSING)
    pytest.skip(axe.WHY_MISSING, allow_module_level=True)


@dataclass
class FailingSide:
    """Builds plan sides that refuse operations on the keys in ``failing``."""

    failing: set[str] = field(default_factory=set)

    def __call__(self, store: Store) -> PlanConnector:
        failing = self.failing

        class Flaky(PlanConnector):
            def apply(self, operations: Sequence[Operation]) -> list[Applied]:
                good = [o for o in operations if o.target_key not in failing]
                done = iter(super().apply(good))
                return [
                    Applied(operation=o, target_key=o.target_key, error="plan server busy",
                            retriable=True)
                    if o.target_key in failing
                    else next(done)
                    for o in operations
                ]  # fmt: skip

        return Flaky(store)


@dataclass
class Served:
    base: str
    context: Context
    side: FailingSide


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    side = FailingSide()
    context = open_context(tmp_path_factory.mktemp("served"))
    context.plan_side = side
    ledger = LedgerService(context.ledger)
    load_demo(context.ledger)
    sync_settings.set_company(context.sync, DEMO_COMPANY, integrate=True)
    for project in ROOT_PROJECTS:
        sync_settings.set_project(context.sync, project, integrate=True)
    for worker in ledger.workers():
        ledger.set_worker_integrated(worker.id, True)
    assert context.run_sync().failed == 0
    plan = PlanService(context.plan)
    for successor, predecessors in PLANNED_LINKS.items():
        plan.update_task(
            "PRJ-1000",
            successor,
            predecessors=[
                PlanLink(project="PRJ-1000", predecessor=p, successor=successor)
                for p in predecessors
            ],
        )
    for project in ROOT_PROJECTS:
        schedule_project(context.plan, project)
    context.access.add_user("admin", name="Alex Admin", role=Role.ADMINISTRATOR, password=PASSWORD)
    context.access.add_user(
        "ada", name="Ada Lovelace", role=Role.TEAM_MEMBER, password=PASSWORD,
        worker="W-001", companies=[DEMO_COMPANY],
    )  # fmt: skip
    context.access.add_user(
        "pat", name="Pat Manager", role=Role.PROJECT_MANAGER, password=PASSWORD,
        companies=[DEMO_COMPANY],
    )  # fmt: skip
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(context, background_sync=False),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Served(base=f"http://127.0.0.1:{port}", context=context, side=side)
    server.should_exit = True
    thread.join(timeout=20)
    context.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def _new_page(browser: Browser) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(10_000)
    return page


def _log_in(browser: Browser, served: Served, login: str) -> Page:
    page = _new_page(browser)
    page.goto(f"{served.base}/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page: Page, name: str) -> None:
    """Save the page's screenshot, and check the page with axe-core."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    axe.check(page)


def test_browser__log_in_and_open_the_project_center(browser: Browser, served: Served) -> None:
    page = _new_page(browser)
    page.goto(f"{served.base}/projects")
    assert page.url.endswith("/login?next=/projects")
    _shot(page, "login")
    page.fill("#login", "admin")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    assert "wrong password" in page.inner_text("[role=alert]")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/projects")
    assert page.inner_text("#who").startswith("Alex Admin")
    rows = page.locator("#projects tbody tr")
    assert rows.count() == len(ROOT_PROJECTS)
    assert "idle" in rows.first.inner_text()
    _shot(page, "projects")
    page.close()


def test_browser__the_gantt_chart_draws_every_task(browser: Browser, served: Served) -> None:
    page = _log_in(browser, served, "admin")
    page.goto(f"{served.base}/plan/PRJ-1000")
    tasks = PlanService(served.context.plan).tasks("PRJ-1000")
    parents = {t.parent for t in tasks}
    leaves = [t for t in tasks if t.id not in parents and t.start and t.finish != t.start]
    assert page.locator("svg.gantt rect.bar").count() == len(leaves)
    assert page.locator("svg.gantt rect.bar.critical").count() == sum(t.critical for t in leaves)
    assert page.locator("svg.gantt path.summary").count() == len(parents - {None})
    assert page.locator("svg.gantt path.link").count() == sum(map(len, PLANNED_LINKS.values()))
    assert page.locator("#tasks tbody tr").count() == len(tasks)
    page.locator("svg.gantt rect.bar").first.click()
    assert page.locator("#tasks tr.selected").count() == 1
    _shot(page, "gantt")
    page.goto(f"{served.base}/resources")
    assert page.locator("#allocation tbody tr").count() == 4
    _shot(page, "resources")
    page.goto(f"{served.base}/settings")
    assert page.locator("#companies input[name=integrate]").is_checked()
    _shot(page, "settings")
    page.close()


def _site_preparation_cost(page: Page, served: Served) -> Decimal:
    page.goto(f"{served.base}/projects/PRJ-1000")
    return Decimal(page.inner_text("#task-PRJ-1000-02\\.1 .actual-cost"))


def test_browser__a_timesheet_refused_then_posted_then_synchronized(
    browser: Browser, served: Served
) -> None:
    admin = _log_in(browser, served, "admin")
    before_cost = _site_preparation_cost(admin, served)
    posted_before = len(list(iter_transactions(served.context.ledger, worker="W-001")))

    page = _log_in(browser, served, "ada")
    assert page.url.endswith("/portal")
    page.goto(f"{served.base}/portal?week=2026-04-13")
    row = page.locator("tr[data-row]").last
    row.locator("select").select_option("PRJ-1000-02|1")
    row.locator("input.hours").nth(0).fill("25")
    row.locator("input.hours").nth(1).fill("8")
    assert row.locator(".row-total").inner_text() == "33.00"  # the page's own script
    page.click("#submit-sheet")
    assert "nothing of it was posted" in page.inner_text("#refused")
    refused = page.locator("td.refused")
    assert refused.count() == 1
    assert "at most 24 per day" in refused.locator(".why").inner_text()
    assert len(list(iter_transactions(served.context.ledger, worker="W-001"))) == posted_before
    _shot(page, "timesheet-refused")

    refused.locator("input").fill("8")
    page.click("#submit-sheet")
    assert "16.00 hours" in page.inner_text("#posted")
    posted = list(iter_transactions(served.context.ledger, worker="W-001"))
    assert len(posted) == posted_before + 2
    assert {(t.project, t.activity, t.date) for t in posted[-2:]} == {
        ("PRJ-1000-02", "1", dt.date(2026, 4, 13)),
        ("PRJ-1000-02", "1", dt.date(2026, 4, 14)),
    }
    _shot(page, "timesheet")

    admin.goto(f"{served.base}/log")
    admin.click("#run-sync")
    assert "Sync run" in admin.inner_text("[role=status]")
    cost = sum(t.cost for t in posted[-2:])
    assert cost == Decimal("992.00")  # 16 hours at Ada's cost price, 62.00
    assert _site_preparation_cost(admin, served) == before_cost + cost
    _shot(admin, "project")
    page.close()
    admin.close()


def test_browser__a_failed_log_entry_is_resynchronized(browser: Browser, served: Served) -> None:
    LedgerService(served.context.ledger).add_activity(
        Activity(project="PRJ-3000", number="2", name="Reporting", category="Development")
    )
    served.side.failing.add("PRJ-3000/2")
    page = _log_in(browser, served, "admin")
    page.goto(f"{served.base}/log")
    page.click("#run-sync")
    assert "1 failed" in page.inner_text("[role=status]")
    page.goto(f"{served.base}/log?status=failed")
    failed = page.locator("#log tbody tr[data-status=failed]")
    assert failed.count() == 1
    assert "PRJ-3000/2" in failed.inner_text()
    failed.locator("summary").click()
    assert "plan server busy" in failed.locator(".error-text").inner_text()
    _shot(page, "log")

    served.side.failing.clear()
    entry = failed.get_attribute("id")
    failed.locator("button.resync").click()
    assert "will be synchronized again" in page.inner_text("[role=status]")
    assert page.locator(f"#{entry}").get_attribute("data-status") == "waiting"
    page.click("#run-sync")
    assert page.locator(f"#{entry}").get_attribute("data-status") == "completed"
    assert "2" in {t.id for t in PlanService(served.context.plan).tasks("PRJ-3000")}
    page.close()


def test_browser__a_conflict_shows_on_the_project_center_and_is_resolved_on_the_log(
    browser: Browser, served: Served
) -> None:
    ledger = LedgerService(served.context.ledger)
    ledger.update_activity("PRJ-2000", "1", name="Requirements (ledger)")
    PlanService(served.context.plan).update_task("PRJ-2000", "1", name="Requirements (plan)")
    page = _log_in(browser, served, "admin")
    page.goto(f"{served.base}/log")
    page.click("#run-sync")
    page.goto(f"{served.base}/projects")
    status = page.locator("#projects a.badge.conflict")
    assert status.count() == 1 and status.inner_text() == "conflict"
    _shot(page, "projects-conflict")
    status.click()
    held = page.locator("#log tbody tr[data-status=conflict]")
    assert held.count() == 1
    assert "ledger Requirements (ledger), plan Requirements (plan)" in held.inner_text()
    _shot(page, "log-conflict")
    held.locator("input[name=value]").fill("Requirements")
    held.locator("button.use-value").click()
    assert "resolved" in page.inner_text("[role=status]")
    assert ledger.activity("PRJ-2000", "1").name == "Requirements"
    task = {t.id: t for t in PlanService(served.context.plan).tasks("PRJ-2000")}["1"]
    assert task.name == "Requirements"
    page.goto(f"{served.base}/projects")
    assert page.locator("#projects a.badge.conflict").count() == 0
    page.close()


def test_browser__a_plan_timesheet_week_rejected_then_approved(
    browser: Browser, served: Served
) -> None:
    page = _log_in(browser, served, "ada")
    page.click("header a[href='/timesheet']")
    page.goto(f"{served.base}/timesheet?week=2026-W11")
    rows = page.locator("tr[data-row]")
    prefilled = [rows.nth(i).locator("select").input_value() for i in range(2)]
    assert prefilled == ["PRJ-1000|PRJ-1000-01.1.2", "PRJ-2000|1"]  # Ada's tasks that week
    assert rows.nth(2).locator("select").input_value() == ""  # room for another task
    first = rows.nth(0).locator("input.hours")
    first.nth(0).fill("25")
    first.nth(1).fill("8")
    page.click("#save-week")
    assert "nothing of it was saved" in page.inner_text("#refused")
    refused = page.locator("td.refused")
    assert refused.count() == 1 and refused.locator(".why").inner_text() == "hours 25 exceed 24"
    assert TimesheetService(served.context.plan).lines(resources=["W-001"]) == []
    refused.locator("input").fill("8")
    rows = page.locator("tr[data-row]")
    rows.nth(1).locator("input.hours").nth(2).fill("4")
    rows.nth(1).locator("input[name$=_note]").fill("requirements workshop")
    assert page.inner_text("#week-total") == "20.00"
    page.click("#submit-week")
    assert page.inner_text("#status") == "submitted"
    assert page.locator("#save-week").count() == 0  # locked while with the manager
    _shot(page, "plan-timesheet")

    manager = _log_in(browser, served, "pat")
    manager.click("header a[href='/approvals']")
    card = manager.locator("#week-W-001-2026-W11")
    assert "20.00" in card.locator(".total").inner_text()
    assert "requirements workshop" in card.inner_text()
    _shot(manager, "approvals")
    card.locator("input[name=comment]").fill("Wednesday was the holiday")
    card.locator("button.reject").click()
    assert "sent back" in manager.inner_text("#done")

    page.reload()
    assert "Wednesday was the holiday" in page.inner_text("#rejected")
    page.locator("tr[data-row]").nth(1).locator("input.hours").nth(2).fill("")
    page.click("#submit-week")
    assert page.inner_text("#status") == "submitted"
    manager.goto(f"{served.base}/approvals")
    manager.locator("#week-W-001-2026-W11 button.approve").click()
    assert "approved" in manager.inner_text("#done")
    assert manager.locator("#none").count() == 1
    side = PlanConnector(served.context.plan)
    approved = list(side.timesheet_lines(0, side.high_water()))
    assert [(line.task, line.day.day, line.hours) for line in approved] == [
        ("PRJ-1000/PRJ-1000-01.1.2", 9, Decimal("8.00")),
        ("PRJ-1000/PRJ-1000-01.1.2", 10, Decimal("8.00")),
    ]
    page.reload()
    assert page.inner_text("#status") == "approved"
    page.close()
    manager.close()


def test_browser__an_invoice_opened_from_its_project_and_printed(
    browser: Browser, served: Served
) -> None:
    proposal = invoices.propose(  # time and material: its transactions are billed
        served.context.ledger, "PRJ-1000", until=dt.date(2026, 3, 6), date=dt.date(2026, 3, 9)
    )
    posted = invoices.post_proposal(served.context.ledger, proposal.id)
    page = _log_in(browser, served, "pat")
    page.goto(f"{served.base}/projects/PRJ-1000")
    page.click("#project-invoices")
    row = page.locator(f"#invoices #invoice-{posted.id}")
    assert posted.number is not None and posted.number in row.inner_text()
    _shot(page, "invoices")
    row.locator("a").first.click()
    page.wait_for_url(f"**/invoices/{posted.number}")
    assert page.inner_text("#company") == "Demo Engineering Ltd"
    assert page.inner_text("#number") == posted.number
    assert page.inner_text("#customer") == "Northwind Foods"
    assert page.locator("#lines tbody tr").count() == len(posted.lines)
    assert page.inner_text("#total") == f"{posted.total:,.2f}"
    _shot(page, "invoice")
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert not page.locator("#print").is_visible()
    assert page.locator("#lines").is_visible()
    _shot(page, "invoice-print")
    page.close()


def test_browser__the_api_docs_list_every_operation(browser: Browser, served: Served) -> None:
    page = _new_page(browser)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{served.base}/docs")
    listed = page.locator(".opblock-summary-path[data-path='/api/v1/projects']")
    listed.first.wait_for()
    spec = page.request.get(f"{served.base}/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    operations = sum(len(methods) for methods in spec["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert page.locator(".opblock-get .opblock-summary-path[data-path='/api/v1/projects']").count()
    assert "Unable to render" not in page.inner_text("body")
    assert page.locator(".errors-wrapper").count() == 0
    elsewhere = [url for url in requested if not url.startswith(served.base)]
    assert elsewhere == []  # swagger-ui's script and style are served here, not by a CDN
    page.screenshot(path=str(SHOTS / "api-docs.png"), full_page=True)
    # swagger-ui's own colours and its operation headers (a button holding a
    # link) are its upstream's: axe checks the rest of the page.
    axe.check(page, disable=["color-contrast", "nested-interactive"])
    page.close()


def test_browser__every_page_names_its_icon(browser: Browser, served: Served) -> None:
    page = _new_page(browser)
    page.goto(f"{served.base}/login")
    assert page.locator("link[rel=icon][href='/favicon.ico']").count() == 1
    icon = page.request.get(f"{served.base}/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO's header
    page.close()
