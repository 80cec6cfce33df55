"""Benchmark: post a journal of N hour lines on SQLite, against a bare executemany.

Writes an N-line CSV journal, posts it with the normal pipeline (read, validate,
price, insert, all or nothing), then in the same run inserts the very rows it
produced into an equivalent table (same columns and indexes, fresh file) with
one bare ``executemany``: the floor. Prints, as its last line, JSON
``{"lines", "seconds", "lines_per_s", "floor_seconds", "ratio", "peak_rss_mb"}``;
peak RSS is taken after posting, before the floor's rows are loaded.

    python bench/ledger_posting.py --lines 1000000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import resource
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine

from projsync.db import SQLITE_CACHE_KIB, open_store
from projsync.ledger.journal_csv import COLUMNS, read_journal
from projsync.ledger.model import Activity, Company, Project, Worker, WorkerPrice
from projsync.ledger.posting import post_journal
from projsync.ledger.seed import working_days
from projsync.ledger.service import LedgerService
from projsync.ledger.tables import metadata

PROJECTS = 100
ACTIVITIES = 50
LINES_PER_WORKER_DAY = 3
DAYS = 250


def build_ledger(root: Path, lines: int) -> tuple[LedgerService, int]:
    store = open_store("ledger", f"sqlite:///{root / 'ledger.db'}", "ledger")
    service = LedgerService(store)
    service.add_company(Company(id="B", name="Bench", currency="EUR"))
    for p in range(PROJECTS):
        service.add_project(Project(id=f"P{p}", company="B", name=f"Project {p}"))
        service.add_activities(
            [
                Activity(project=f"P{p}", number=f"A{a}", name=f"Activity {a}")
                for a in range(ACTIVITIES)
            ]
        )
    workers = max(1, math.ceil(lines / (LINES_PER_WORKER_DAY * DAYS)))
    for w in range(workers):
        service.add_worker(
            Worker(id=f"W{w}", company="B", name=f"Worker {w}"),
            WorkerPrice(
                worker=f"W{w}",
                valid_from=dt.date(2026, 1, 1),
                cost_price=Decimal(40 + w % 50),
                sales_price=Decimal(90 + w % 50),
            ),
        )
    return service, workers


def write_journal(path: Path, lines: int, workers: int) -> None:
    days = [d.isoformat() for d in working_days(dt.date(2026, 1, 5), DAYS)]
    per_day = workers * LINES_PER_WORKER_DAY
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for i in range(lines):
            out.writerow(
                (
                    "hour",
                    f"P{i % PROJECTS}",
                    f"A{(i // PROJECTS) % ACTIVITIES}",
                    f"W{i % workers}",
                    days[i // per_day],
                    f"{1 + i % 7}.{(i * 25) % 100:02d}",
                    "",
                    "",
                )
            )


def floor(root: Path, source: Path) -> float:
    """Seconds for one bare executemany of the posted rows into an equivalent table."""
    columns = (
        "journal_id, kind, project_id, activity_number, worker_id, date, hours, cost, "
        "revenue, category_id, version"
    )
    with sqlite3.connect(source) as conn:
        rows = conn.execute(f"SELECT {columns} FROM transactions").fetchall()
    engine = create_engine(f"sqlite:///{root / 'floor.db'}")
    metadata.create_all(engine)
    engine.dispose()
    conn = sqlite3.connect(root / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB['ledger']}")  # as the ledger store has
    sql = f"INSERT INTO transactions ({columns}) VALUES ({', '.join('?' * 11)})"
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        service, workers = build_ledger(root, args.lines)
        journal = root / "journal.csv"
        write_journal(journal, args.lines, workers)
        print(f"posting {args.lines} lines for {workers} workers ...", file=sys.stderr)
        start = time.perf_counter()
        result = post_journal(service.store, read_journal(journal), source="bench")
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert result.lines == args.lines
        service.store.dispose()
        floor_seconds = floor(root, root / "ledger.db")
    print(
        json.dumps(
            {
                "lines": args.lines,
                "seconds": round(seconds, 3),
                "lines_per_s": round(args.lines / seconds),
                "floor_seconds": round(floor_seconds, 3),
                "ratio": round(seconds / floor_seconds, 2),
                "peak_rss_mb": round(peak_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
