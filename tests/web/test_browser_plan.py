"""The plan page in a real browser (Debian's Chromium, driven by Playwright),
over the demo as ``projsync demo`` leaves it: a project manager edits a
task's duration in the grid and sees its bar and its successor's move, is
refused a link that closes a cycle with the reason next to the row, zooms
by keyboard and collapses a summary. Screenshots under var/screenshots/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page

from projsync.ledger.demo import DEMO_COMPANY
from projsync.plan.demo import DEMO_LINKS
from projsync.plan.service import PlanService
from projsync.web.app import create_app
from projsync.web.model import Role
from tests.web import test_browser
from tests.web.conftest import PASSWORD, open_context
from tests.web.test_browser import FailingSide, Served, _free_port, _log_in, _shot
from tests.web.test_plan_grid import demo_schedule

browser = test_browser.browser  # the module's Chromium, launched once for this module
PLAN = "PRJ-1000"
MECHANICAL = "PRJ-1000-02.2.1"
COMMISSIONING = "PRJ-1000-02.3"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    context = open_context(tmp_path_factory.mktemp("plan-page"))
    demo_schedule(context)
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
    yield Served(base=f"http://127.0.0.1:{port}", context=context, side=FailingSide())
    server.should_exit = True
    thread.join(timeout=20)
    context.dispose()


def _bar(page: Page, task: str) -> tuple[float, float]:
    bar = page.locator(f'svg.gantt rect.bar[data-task="{task}"]')
    return float(bar.get_attribute("x") or 0), float(bar.get_attribute("width") or 0)


def _row(page: Page, task: str) -> str:
    return f'#tasks tr[data-row="{task}"]'


def test_browser_plan__a_duration_edited_in_the_grid_moves_the_bars(
    browser: Browser, served: Served
) -> None:
    page = _log_in(browser, served, "pat")
    page.goto(f"{served.base}/plan/{PLAN}?zoom=weeks")  # a fixed scale: bars comparable
    links = sum(1 for link in DEMO_LINKS if link[0] == PLAN)
    assert page.locator("svg.gantt path.link").count() == links
    assert page.locator("svg.gantt path.milestone").count() == 2
    tasks = PlanService(served.context.plan).tasks(PLAN)
    assert page.locator("svg.gantt .baseline").count() == len(tasks)
    _shot(page, "plan")
    mechanical, commissioning = _bar(page, MECHANICAL), _bar(page, COMMISSIONING)

    cell = page.locator(f'{_row(page, MECHANICAL)} .cell[data-field="duration"]')
    assert cell.inner_text() == "25d"
    cell.click()
    duration = cell.locator("input")
    assert duration.input_value() == "25d"
    assert duration.get_attribute("aria-label") == "Duration of Mechanical"
    duration.fill("35d")
    duration.press("Tab")
    page.wait_for_function(
        f"document.querySelector('{_row(page, MECHANICAL)} .why').textContent.startsWith('Saved')"
    )
    longer, later = _bar(page, MECHANICAL), _bar(page, COMMISSIONING)
    assert longer[0] == mechanical[0] and longer[1] > mechanical[1]
    assert later[0] > commissioning[0]  # the successor moved with it
    assert cell.inner_text() == "35d"
    # the focus went on to the next cell, open again after the redraw
    assert page.evaluate("document.activeElement.name") == "predecessors"
    page.keyboard.press("Escape")  # left as it was
    assert page.locator(f"{_row(page, MECHANICAL)} .cell input").count() == 0
    task = next(t for t in PlanService(served.context.plan).tasks(PLAN) if t.id == MECHANICAL)
    assert task.duration == 35 * 480
    _shot(page, "plan-grid-saved")

    survey = "PRJ-1000-01.1.1"
    page.locator(f'{_row(page, survey)} .cell[data-field="predecessors"]').click()
    predecessors = page.locator(f'{_row(page, survey)} .cell[data-field="predecessors"] input')
    predecessors.fill(COMMISSIONING)
    predecessors.press("Enter")
    why = page.locator(f"{_row(page, survey)} .why")
    why.filter(has_text="Not saved").wait_for()
    assert "cycle" in why.inner_text()
    assert "refused" in (page.locator(_row(page, survey)).get_attribute("class") or "")
    assert not [k for k in PlanService(served.context.plan).links(PLAN) if k.successor == survey]
    _shot(page, "plan-grid-refused")
    page.close()


def test_browser_plan__zoom_by_keyboard_and_collapse_a_summary(
    browser: Browser, served: Served
) -> None:
    page = _log_in(browser, served, "pat")
    page.goto(f"{served.base}/plan/{PLAN}")
    fit = float(page.locator("svg.gantt").get_attribute("width") or 0)
    page.locator("nav.zoom a", has_text="Days").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**zoom=days")
    assert page.locator("svg.gantt.zoom-days").count() == 1
    assert float(page.locator("svg.gantt").get_attribute("width") or 0) > fit
    assert page.locator("nav.zoom a[aria-current=page]").inner_text() == "Days"
    _shot(page, "plan-zoom-days")
    page.locator("nav.zoom a", has_text="Months").click()
    page.wait_for_url("**zoom=months")
    assert page.locator("svg.gantt.zoom-months").count() == 1

    bars = page.locator("svg.gantt rect.bar").count()
    page.locator('#tasks a.toggle[aria-label="Collapse Construction"]').click()
    page.wait_for_url("**collapse=PRJ-1000-02**")
    assert "zoom=months" in page.url  # the zoom stays
    assert page.locator(f'svg.gantt [data-task="{MECHANICAL}"]').count() == 0
    assert page.locator(f'[id="task-{MECHANICAL}"]').count() == 0
    assert page.locator("svg.gantt rect.bar").count() < bars
    assert page.locator('svg.gantt a.toggle[aria-expanded="false"]').count() == 1
    _shot(page, "plan-collapsed")
    page.locator('#tasks a.toggle[aria-label="Expand Construction"]').click()
    page.wait_for_url("**zoom=months")
    assert page.locator("svg.gantt rect.bar").count() == bars
    page.close()


def test_browser_plan__without_scripts_the_page_shows_every_task(
    browser: Browser, served: Served
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{served.base}/login")
    page.fill("#login", "pat")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{served.base}/plan/{PLAN}")
    tasks = PlanService(served.context.plan).tasks(PLAN)
    assert page.locator("#tasks tbody tr").count() == len(tasks)
    assert page.locator("svg.gantt [data-task]").count() == len(tasks)
    context.close()
