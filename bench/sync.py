"""Benchmark: the sync on a generated portfolio.

    python bench/sync.py --projects N

Builds a ledger of N projects x 100 activities, N workers and 1,000 N posted
transactions (the seed generator: every fourth project a subproject of the one
before), integrates everything, then measures in one run:

- ``full_sync_seconds``: the first run, which creates everything on the plan side;
- ``noop_sync_seconds``: a run with nothing to do (median of 5);
- ``one_edit_seconds``: an activity renamed in the ledger, synchronized to the
  plan, renamed back in the plan, synchronized to the ledger (median of 3).

Prints, as its last line, JSON ``{"projects", "full_sync_seconds",
"noop_sync_seconds", "one_edit_seconds", "peak_rss_mb"}``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import open_store
from projsync.ledger.seed import SeedPlan, seed_ledger
from projsync.ledger.service import LedgerService
from projsync.plan.service import PlanService
from projsync.sync import settings
from projsync.sync.engine import SyncEngine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10)
    args = parser.parse_args()
    n = args.projects
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ledger_store = open_store("ledger", f"sqlite:///{root / 'ledger.db'}", "ledger")
        plan_store = open_store("plan", f"sqlite:///{root / 'plan.db'}", "plan")
        sync_store = open_store("sync", f"sqlite:///{root / 'sync.db'}", "sync")
        print(f"seeding {n} projects ...", file=sys.stderr)
        seed_ledger(
            ledger_store,
            SeedPlan(projects=n, activities=100, workers=n, transactions=1000 * n, seed=1),
        )
        ledger = LedgerService(ledger_store)
        settings.set_company(sync_store, "SEED", integrate=True)
        for project in ledger.projects():
            if project.parent is None:
                settings.set_project(sync_store, project.id, integrate=True)
        for worker in ledger.workers():
            ledger.set_worker_integrated(worker.id, True)
        engine = SyncEngine(sync_store, LedgerConnector(ledger_store), PlanConnector(plan_store))

        print("full sync ...", file=sys.stderr)
        began = time.perf_counter()
        report = engine.run()
        full = time.perf_counter() - began
        assert report.failed == 0, report.summary()

        noop = []
        for _ in range(5):
            began = time.perf_counter()
            quiet = engine.run()
            noop.append(time.perf_counter() - began)
            assert quiet.created + quiet.updated == 0, quiet.summary()

        plan = PlanService(plan_store)
        first = ledger.projects()[0].id
        activity = next(a for a in ledger.activities(first) if a.parent is not None)
        edits = []
        for round_trip in range(3):
            began = time.perf_counter()
            ledger.update_activity(first, activity.number, name=f"Renamed {round_trip}")
            engine.run()
            plan.update_task(first, activity.number, name=f"Renamed back {round_trip}")
            engine.run()
            edits.append(time.perf_counter() - began)
        assert ledger.activity(first, activity.number).name == "Renamed back 2"
        for store in (ledger_store, plan_store, sync_store):
            store.dispose()
    print(
        json.dumps(
            {
                "projects": n,
                "full_sync_seconds": round(full, 3),
                "noop_sync_seconds": round(statistics.median(noop), 4),
                "one_edit_seconds": round(statistics.median(edits), 4),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
