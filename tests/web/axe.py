"""axe-core, the accessibility checker, run on the pages the browser tests open.

The script is ``axe.min.js`` as the ``axe-playwright-python`` package ships it
(a test dependency in pyproject.toml, so ``make test`` installs it). It is
evaluated in the page through Playwright (no script tag, no network), then
``axe.run()`` checks the whole document; a "serious" or "critical" violation
fails the test, naming the rule, the elements and how to fix them.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

__all__ = ["SCRIPT", "WHY_MISSING", "check", "in_ci", "violations"]

FAILING = frozenset({"serious", "critical"})


def in_ci() -> bool:
    """Whether the tests run under CI (``CI=true``), where a missing browser or
    checker fails the tests instead of skipping them."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _script() -> str | None:
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "axe.min.js"
    return path.read_text(encoding="utf-8") if path.is_file() else None


SCRIPT = _script()
WHY_MISSING = (
    "no axe-core: `make test` installs it (the axe-playwright-python package, a test extra)"
)


def _describe(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    where = "\n".join(
        f"    {' '.join(map(str, n['target']))}: {n.get('failureSummary', '').splitlines()[-1:]}"
        for n in nodes[:8]
    )
    more = f"\n    … and {len(nodes) - 8} more" if len(nodes) > 8 else ""
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n{where}{more}"


def violations(
    page: Page, *, exclude: list[str] | None = None, disable: list[str] | None = None
) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds in ``page`` as it is now,
    leaving out the elements the CSS selectors in ``exclude`` match and the
    rules named in ``disable``."""
    assert SCRIPT is not None, WHY_MISSING
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(SCRIPT)
    context: dict[str, Any] = {"include": [["html"]]}
    if exclude:
        context["exclude"] = [[selector] for selector in exclude]
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    results: dict[str, Any] = page.evaluate(
        "([context, options]) => axe.run(context, options)", [context, options]
    )
    return [v for v in results["violations"] if v.get("impact") in FAILING]


def check(
    page: Page, *, exclude: list[str] | None = None, disable: list[str] | None = None
) -> None:
    """Fail on any serious or critical accessibility violation in ``page``."""
    found = violations(page, exclude=exclude, disable=disable)
    assert not found, f"axe: {len(found)} serious or critical violations on {page.url}:\n" + (
        "\n".join(map(_describe, found))
    )
