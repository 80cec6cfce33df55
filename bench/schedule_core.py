"""Benchmark of the scheduling core alone: 1k/10k/100k tasks; the last line is JSON of medians.

Networks are random but seeded: each task waits on up to three earlier tasks
(1.5 links a task on average) of mixed types and lags, on the Standard calendar
with a year of French public holidays. Only `schedule()` is timed, not building
the input records. Run: .venv/bin/python bench/schedule_core.py [sizes...]
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import time
from datetime import datetime

from projsync.plan import compiled
from projsync.plan.calendar import STANDARD, public_holidays
from projsync.plan.model import Calendar, Dependency, DependencyType, LagKind, Project, Task
from projsync.plan.schedule import schedule

TYPES = (DependencyType.FS,) * 6 + (DependencyType.SS, DependencyType.FF, DependencyType.SF)


def network(size: int, seed: int = 7) -> tuple[Project, list[Task], list[Dependency]]:
    rng = random.Random(seed)
    calendar = Calendar(name="Standard FR", base=STANDARD, exceptions=public_holidays("FR", [2025]))
    project = Project(start=datetime(2025, 1, 6, 8), calendar=calendar)  # noqa: DTZ001
    tasks = [Task(id=f"T{i}", duration=rng.randrange(1, 80) * 60) for i in range(size)]
    links: list[Dependency] = []
    target = size * 3 // 2
    while len(links) < target:
        successor = rng.randrange(1, size)
        predecessor = rng.randrange(max(0, successor - 40), successor)
        roll = rng.random()
        if roll < 0.6:
            lag, kind = 0, LagKind.WORKING
        elif roll < 0.85:
            lag, kind = rng.randrange(-8, 24) * 60, LagKind.WORKING
        elif roll < 0.95:
            lag, kind = rng.randrange(-50, 100), LagKind.PERCENT
        else:
            lag, kind = rng.randrange(0, 72) * 60, LagKind.ELAPSED
        links.append(
            Dependency(
                predecessor_id=f"T{predecessor}",
                successor_id=f"T{successor}",
                type=rng.choice(TYPES),
                lag=lag,
                lag_kind=kind,
            )
        )
    return project, tasks, links


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    report = {}
    for size in sizes:
        project, tasks, links = network(size)
        runs = []
        for _ in range(5 if size <= 10_000 else 3):
            began = time.perf_counter()
            result = schedule(project, tasks, links)
            runs.append(time.perf_counter() - began)
        report[f"{size}"] = {
            "tasks": size,
            "dependencies": len(links),
            "median_seconds": round(statistics.median(runs), 3),
            "finish": result.finish.isoformat(),
            "critical": sum(t.critical for t in result.tasks),
        }
    report["compiled"] = compiled.sweeps is not None  # projsync/plan/_sweeps.pyx, built by make
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
