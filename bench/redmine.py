"""Benchmark: a portfolio synchronized to a real Redmine, against bare REST calls.

    python bench/redmine.py --projects 20 --issues 50

Starts Redmine with ``scripts/redmine.sh`` (installing it when missing), makes
its custom fields, then builds a ledger of N projects of M activities (every
tenth activity the parent of the nine after it, with dates and planned hours)
and measures, in the same run, on fresh Redmine projects:

- ``seconds``: the first sync run, which creates every project and issue;
- ``raw_seconds``: bare REST calls creating the same projects and issues (same
  fields, same client, one request each, no engine around them).

Prints, as its last line, JSON ``{"entities", "seconds", "entities_per_s",
"raw_seconds", "ratio"}`` (ratio = seconds / raw_seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.redmine import RedmineConnector
from projsync.db import open_store
from projsync.ledger.model import Activity, Company, Project
from projsync.ledger.service import LedgerService
from projsync.redmine.client import RedmineClient
from projsync.redmine.fields import identifier_of
from projsync.redmine.setup import set_up
from projsync.sync import settings
from projsync.sync.engine import SyncEngine

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "redmine.sh"
START = dt.date(2026, 3, 2)


def _server() -> tuple[str, str]:
    done = subprocess.run([str(SCRIPT)], check=True, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    return lines[-2].removeprefix("REDMINE_URL="), lines[-1].removeprefix("REDMINE_KEY=")


def _activities(project: str, count: int) -> list[Activity]:
    found = []
    for n in range(count):
        head = n - n % 10
        parent = None if n == head else str(head + 1)
        start = START + dt.timedelta(days=n)
        found.append(
            Activity(
                project=project,
                number=str(n + 1),
                name=f"Activity {n + 1}",
                parent=parent,
                category=None if parent is None else "Design",
                start=start,
                end=start + dt.timedelta(days=4),
                planned_hours=Decimal("0") if parent is None else Decimal("16"),
            )
        )
    return found


def _raw(client: RedmineClient, fields: dict[str, int], namespace: str, projects: int,
         issues: int) -> float:  # fmt: skip
    """The same projects and issues, one bare REST call each."""
    began = time.perf_counter()
    for p in range(projects):
        key = f"P{p:03d}"
        made = client.post(
            "/projects.json",
            {"project": {
                "name": f"Project {p}", "identifier": identifier_of(namespace, key),
                "is_public": False, "enabled_module_names": ["issue_tracking", "time_tracking"],
                "custom_fields": [
                    {"id": fields["DAX_01_ProjectId"], "value": key},
                    {"id": fields["DAX_03_Company"], "value": "BENCH"},
                    {"id": fields["DAX_06_ProjectType"], "value": "time-material"},
                    {"id": fields["DAX_07_ProjectStatus"], "value": "created"},
                ],
            }},
        )  # fmt: skip
        project_id = made["project"]["id"]
        ids: dict[str, int] = {}
        for activity in _activities(key, issues):
            body: dict[str, object] = {
                "project_id": project_id, "subject": activity.name,
                "start_date": str(activity.start), "due_date": str(activity.end),
                "estimated_hours": str(activity.planned_hours),
                "parent_issue_id": ids[activity.parent] if activity.parent else "",
                "custom_fields": [
                    {"id": fields["DAX_09_ActivityNumber"], "value": activity.number},
                    {"id": fields["DAX_10_ActivityCategory"], "value": activity.category or ""},
                ],
            }  # fmt: skip
            ids[activity.number] = client.post("/issues.json", {"issue": body})["issue"]["id"]
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--issues", type=int, default=50)
    args = parser.parse_args()
    print("starting Redmine ...", file=sys.stderr)
    url, key = _server()
    client = RedmineClient(url, key)
    set_up(client, "DAX_")
    run = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ledger_store = open_store("ledger", f"sqlite:///{root / 'ledger.db'}", "ledger")
        sync_store = open_store("sync", f"sqlite:///{root / 'sync.db'}", "sync")
        ledger = LedgerService(ledger_store)
        ledger.add_company(Company(id="BENCH", name="Bench Ltd", currency="EUR"))
        settings.set_company(sync_store, "BENCH", integrate=True)
        for p in range(args.projects):
            project = f"P{p:03d}"
            ledger.add_project(Project(id=project, company="BENCH", name=f"Project {p}"))
            ledger.add_activities(_activities(project, args.issues))
            settings.set_project(sync_store, project, integrate=True)
        connector = RedmineConnector(RedmineClient(url, key), namespace=f"b{run}-")
        engine = SyncEngine(sync_store, LedgerConnector(ledger_store), connector)
        fields = connector.field_ids()

        print("bare REST calls ...", file=sys.stderr)
        raw = _raw(client, fields, f"r{run}-", args.projects, args.issues)
        print("sync run ...", file=sys.stderr)
        began = time.perf_counter()
        report = engine.run()
        seconds = time.perf_counter() - began
        assert report.failed == 0, report.summary()
        ledger_store.dispose()
        sync_store.dispose()
    entities = args.projects * (1 + args.issues)
    print(
        json.dumps(
            {
                "entities": entities,
                "seconds": round(seconds, 2),
                "entities_per_s": round(entities / seconds, 1),
                "raw_seconds": round(raw, 2),
                "ratio": round(seconds / raw, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
