"""Benchmark: import and export of an N-task Microsoft Project file.

    python bench/msproject.py --tasks 10000

Writes an N-task MSPDI file (a WBS of summary tasks over detail tasks, 1.5 links
a task, resources and assignments on a tenth of the tasks), then measures, in
one run:

- ``mpxj_read_seconds``: MPXJ reading the file (``UniversalProjectReader``);
- ``store_seconds``: our part of an import, on the file MPXJ has read: taking
  the fields the plan server models out of MPXJ's objects, and storing the
  project (SQLite) in one transaction;
- ``export_seconds``: reading the stored project back and writing it as MSPDI.

The JVM is started (and warmed on a small file) before anything is timed.
Prints, as its last line, JSON ``{"tasks", "mpxj_read_seconds", "store_seconds",
"export_seconds", "peak_rss_mb"}``; peak RSS covers the JVM, which lives in the
same process.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from projsync.db import open_store
from projsync.msproject.document import FileCalendar, ProjectDocument
from projsync.msproject.exporter import document_from_store
from projsync.msproject.importer import import_document
from projsync.msproject.jvm import java_classes
from projsync.msproject.reader import _Converter  # the part of a read that is ours
from projsync.msproject.writer import write_mspdi
from projsync.plan.entities import PlanAssignment, PlanLink, PlanProject, PlanResource, PlanTask
from projsync.plan.model import DependencyType

STANDARD_DAY = ((480, 720), (780, 1020))


def network(size: int, seed: int = 3) -> ProjectDocument:
    rng = random.Random(seed)
    tasks: list[PlanTask] = []
    summary = None
    for index in range(size):
        if index % 20 == 0:
            summary = f"{index + 1}"
            tasks.append(
                PlanTask(project="", id=summary, name=f"Phase {index // 20}", position=index + 1)
            )
            continue
        tasks.append(
            PlanTask(
                project="",
                id=f"{index + 1}",
                name=f"Task {index}",
                parent=summary,
                position=index + 1,
                duration=rng.randrange(1, 20) * 240,
            )
        )
    leaves = [t for t in tasks if t.parent is not None]
    links: set[tuple[str, str]] = set()
    while len(links) < len(tasks) * 3 // 2 and len(leaves) > 2:
        successor = rng.randrange(1, len(leaves))
        predecessor = rng.randrange(max(0, successor - 30), successor)
        links.add((leaves[predecessor].id, leaves[successor].id))
    resources = [
        PlanResource(id=f"R{n}", name=f"R{n}", standard_rate=Decimal(40 + n % 30))
        for n in range(50)
    ]
    assignments = [
        PlanAssignment(project="", task=t.id, resource=f"R{n % 50}", units=100, work=t.duration)
        for n, t in enumerate(leaves[::10])
    ]
    return ProjectDocument(
        source="bench.xml",
        project=PlanProject(id="", name="Benchmark", start=dt.datetime(2026, 1, 5, 8)),  # noqa: DTZ001
        calendars=(FileCalendar(name="Standard", week=(STANDARD_DAY,) * 5 + ((), ())),),
        tasks=tuple(tasks),
        links=tuple(
            PlanLink(project="", predecessor=p, successor=s, type=DependencyType.FS)
            for p, s in sorted(links)
        ),
        resources=tuple(resources),
        assignments=tuple(assignments),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"writing a {args.tasks}-task MSPDI file ...", file=sys.stderr)
        write_mspdi(network(args.tasks), root / "bench.xml")
        write_mspdi(network(50), root / "warm.xml")
        (reader,) = java_classes("org.mpxj.reader.UniversalProjectReader")
        reader().read(str(root / "warm.xml"))  # class loading and JIT out of the measure

        began = time.perf_counter()
        project_file = reader().read(str(root / "bench.xml"))
        mpxj_read = time.perf_counter() - began

        store = open_store("plan", f"sqlite:///{root / 'plan.db'}", "plan")
        began = time.perf_counter()
        document = _Converter(project_file, root / "bench.xml").document(None)
        imported = import_document(store, document, as_project="BENCH")
        store_seconds = time.perf_counter() - began
        assert imported.tasks == args.tasks

        began = time.perf_counter()
        write_mspdi(dataclasses.replace(document_from_store(store, "BENCH")), root / "out.xml")
        export_seconds = time.perf_counter() - began
        store.dispose()
    print(
        json.dumps(
            {
                "tasks": args.tasks,
                "mpxj_read_seconds": round(mpxj_read, 3),
                "store_seconds": round(store_seconds, 3),
                "export_seconds": round(export_seconds, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
