"""Pages that scale, in a real browser (the server and the browser of
``test_browser``): the integration log paged older and newer with its list
filters kept, the resource center paged through time, and the settings
telling a subproject integrated through its parent, a project's field owners
saved. Screenshots under var/screenshots/."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Browser, Page

from projsync.sync.log import LogStatus, add_entry, entries
from projsync.sync.settings import project_settings_of
from tests.web.test_browser import SHOTS, Served, _log_in, browser, served

__all__ = ["browser", "served"]  # the fixtures, shared with test_browser


def _view(page: Page, name: str) -> None:
    """A screenshot of what the window shows (a long page's top)."""
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _ids(page: Page) -> list[int]:
    return [int(i.removeprefix("entry-")) for i in page.locator("#log tbody tr[id]").evaluate_all(
        "rows => rows.map(r => r.id)"
    )]  # fmt: skip


def test_browser__the_log_pages_older_and_newer_its_filters_kept(
    browser: Browser, served: Served
) -> None:
    with served.context.sync.write() as conn:
        for n in range(230):
            add_entry(
                conn,
                run=1,
                origin="plan",
                destination="ledger",
                entity_type="task",
                entity_key=f"PRJ-2000/{n}",
                action="update",
                entity_version=n,
                status=LogStatus.COMPLETED,
                user="sync",
                payload={"name": f"Step {n} & review", "custom_fields": {"DAX_10_Category": "R&D"}},
            )
    page = _log_in(browser, served, "admin")
    page.goto(f"{served.base}/log")
    page.check("#log-filters input[name=status][value=completed]")
    page.check("#log-filters input[name=entity_type][value=activity]")
    page.check("#log-filters input[name=origin][value=plan]")
    page.click("#log-filters button[type=submit]")
    assert "status=completed" in page.url and "entity_type=activity" in page.url
    first = _ids(page)
    assert len(first) == 100 and first == sorted(first, reverse=True)
    row = page.locator(f"#entry-{first[0]}")
    assert row.locator(".entity-type").inner_text() == "activity"
    row.locator("summary").click()
    payload = row.locator("dl.payload").inner_text()
    assert "Step 229 & review" in payload and "custom fields · DAX_10_Category" in payload
    assert "\\u0026" not in page.content()
    _view(page, "log-filtered")

    page.locator("nav.pager a.older").first.click()
    second = _ids(page)
    assert len(second) == 100 and max(second) < min(first)
    assert page.is_checked("#log-filters input[name=entity_type][value=activity]")
    assert page.is_checked("#log-filters input[name=origin][value=plan]")
    page.locator("nav.pager a.older").first.click()
    third = _ids(page)
    assert 0 < len(third) <= 100 and max(third) < min(second)
    assert page.locator("nav.pager a.older").count() == 0
    wanted = {
        e.id
        for e in entries(served.context.sync, status=LogStatus.COMPLETED, limit=100_000)
        if e.entity_type == "activity" and e.origin == "plan"
    }
    assert set(first + second + third) == wanted
    page.locator("nav.pager a.newer").first.click()
    assert _ids(page) == second
    page.locator("nav.pager a.newest").first.click()
    assert _ids(page) == first
    page.goto(f"{served.base}/log?entity_type=project&entity_type=subproject")
    assert set(page.locator("#log .entity-type").all_inner_texts()) == {"project", "subproject"}
    page.locator("#log tbody tr summary").nth(1).click()
    _view(page, "log-pages")
    page.close()


def test_browser__the_resource_center_pages_through_time(browser: Browser, served: Served) -> None:
    page = _log_in(browser, served, "admin")
    page.goto(f"{served.base}/resources")
    weeks = page.locator("#allocation thead th[data-week]")
    assert weeks.count() == 26
    start = dt.date.fromisoformat(weeks.first.get_attribute("data-week") or "")
    assert page.locator("#allocation tbody tr").count() == 4
    _view(page, "resources-paged")
    page.click("#later-weeks")
    later = dt.date.fromisoformat(weeks.first.get_attribute("data-week") or "")
    assert later == start + dt.timedelta(weeks=26)
    assert weeks.count() == 26
    page.click("#later-weeks")
    page.click("#earlier-weeks")
    page.click("#earlier-weeks")
    assert weeks.first.get_attribute("data-week") == start.isoformat()
    page.click("#this-week")
    this_week = dt.date.fromisoformat(weeks.first.get_attribute("data-week") or "")
    assert this_week.weekday() == 0 and 0 <= (dt.datetime.now(dt.UTC).date() - this_week).days < 7
    page.fill("#weeks-pager input[name=from]", "2026-06-10")
    page.click("#weeks-pager button")
    assert weeks.first.get_attribute("data-week") == "2026-06-08"
    page.close()


def test_browser__settings_show_subprojects_integrated_and_save_field_owners(
    browser: Browser, served: Served
) -> None:
    page = _log_in(browser, served, "admin")
    page.goto(f"{served.base}/settings")
    root = page.locator("#settings-PRJ-1000 td.integration").inner_text()
    sub = page.locator("#settings-PRJ-1000-01 td.integration").inner_text()
    assert root.strip() == "integrated" and sub.strip() == "integrated through PRJ-1000"
    page.locator("#settings-PRJ-1000-01").scroll_into_view_if_needed()
    _view(page, "settings-integrated")
    page.locator("#settings-PRJ-1000 a.owners-link").click()
    page.select_option("select[name='owner:name']", "plan")
    page.select_option("select[name='owner:start']", "none")
    page.click("#save-owners")
    assert "Field owners of PRJ-1000 saved." in page.inner_text("[role=status]")
    assert project_settings_of(served.context.sync)["PRJ-1000"].own_owners() == {
        "name": "plan",
        "start": "none",
    }
    _view(page, "settings-owners")
    page.goto(f"{served.base}/settings")
    assert "(2 own)" in page.locator("#settings-PRJ-1000 a.owners-link").inner_text()
    page.screenshot(path=str(SHOTS / "settings-pages.png"), full_page=True)
    page.close()
