"""The sync running in the background of the server."""

from __future__ import annotations

import time
from pathlib import Path

from projsync.ledger.service import LedgerService
from projsync.plan.service import PlanService
from projsync.sync import settings as sync_settings
from projsync.web.context import SyncLoop
from tests.web.conftest import open_context, two_companies


def test_context__the_background_loop_syncs_on_its_interval_and_stops(tmp_path: Path) -> None:
    context = open_context(tmp_path)
    two_companies(LedgerService(context.ledger))
    sync_settings.set_company(context.sync, "ACME", integrate=True)
    sync_settings.set_project(context.sync, "PA", integrate=True)
    loop = SyncLoop(context, interval=0.05)
    loop.start()
    deadline = time.monotonic() + 30
    while loop.runs < 2:
        assert time.monotonic() < deadline, "the loop did not run twice"
        time.sleep(0.02)
    loop.stop()
    assert [p.id for p in PlanService(context.plan).projects()] == ["PA"]
    done = loop.runs
    time.sleep(0.2)
    assert loop.runs == done  # stopped
    context.dispose()


def test_context__knows_the_plan_side_of_the_settings(tmp_path: Path) -> None:
    from projsync.config import Settings
    from projsync.web.context import open_context as open_configured

    urls = {
        f"{part}_url": f"sqlite:///{tmp_path / part}.db"
        for part in ("ledger", "plan", "sync", "web")
    }
    schemas = {f"{part}_schema": part for part in ("ledger", "plan", "sync", "web")}
    for side, in_store in (("builtin", True), ("redmine", False)):
        settings = Settings(home=tmp_path, plan_side=side, **urls, **schemas)
        context = open_configured(settings)
        assert (context.plan_side_name, context.plan_in_store) == (side, in_store)
        assert (context.plan_elsewhere() is None) is in_store
        context.dispose()
