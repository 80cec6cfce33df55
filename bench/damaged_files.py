"""Benchmark: damaged Microsoft Project files are refused, never imported in part.

    python bench/damaged_files.py [--corpus DIR] [--files 30] [--seed 1]

Takes a sample of the corpus (``--files`` files with at least two tasks, spread
over .mpp, MSPDI .xml and .mpx, chosen by a hash of their names) and makes
damaged copies of each, the same for the same seed:

- ``truncated``: cut at 10, 30, 50, 70 and 90 % of the file, and its last byte
  removed;
- ``flipped``: one byte inverted, at four places;
- ``removed_block``: a run of bytes (2 % of the file, at least 16) cut out;
- ``removed_record``: one task element (.xml), one task line (.mpx) or one
  sector (.mpp) cut out.

Each copy is read and imported as a new project (one SQLite store for the run)
and counted as ``refused`` (the reader or the importer refused it), ``whole``
(imported with the tasks, resources, assignments, calendars and links of the
undamaged file) or ``partial`` (imported with other counts); ``failed`` counts
anything else raised. Prints, as its last line, JSON ``{"files", "tried",
"refused", "imported_whole", "imported_partial", "failed", "by_damage"}``; each
partial import is listed on stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from projsync.db import open_store
from projsync.errors import InputError
from projsync.msproject.document import ProjectDocument
from projsync.msproject.importer import import_document
from projsync.msproject.reader import read_document

CORPUS = Path(
    os.environ.get(
        "PROJSYNC_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus" / "msproject"
    )
)
QUOTAS = {"mpp": 0.5, "xml": 0.3, "mpx": 0.2}
_TASK_ELEMENT = re.compile(rb"<Task>.*?</Task>", re.DOTALL)


def sample(corpus: Path, files: int) -> list[str]:
    entries = json.loads((corpus / "MANIFEST.json").read_text())
    chosen: list[str] = []
    for suffix, share in QUOTAS.items():
        names = [e["file"] for e in entries if e["file"].endswith(f".{suffix}") and e["tasks"] >= 2]
        names.sort(key=lambda name: hashlib.sha256(name.encode()).hexdigest())
        chosen.extend(names[: max(1, round(files * share))])
    return chosen[:files]


def damaged(name: str, data: bytes, seed: int) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(f"{seed}:{name}")
    for share in (0.1, 0.3, 0.5, 0.7, 0.9):
        yield "truncated", data[: int(len(data) * share)]
    yield "truncated", data[:-1]
    for _ in range(4):
        at = rng.randrange(len(data))
        yield "flipped", data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    size = max(16, len(data) // 50)
    at = rng.randrange(len(data) - size)
    yield "removed_block", data[:at] + data[at + size :]
    yield "removed_record", _without_record(name, data, rng)


def _without_record(name: str, data: bytes, rng: random.Random) -> bytes:
    if name.endswith(".xml"):
        found = list(_TASK_ELEMENT.finditer(data))
        if found:
            match = rng.choice(found)
            return data[: match.start()] + data[match.end() :]
    if name.endswith(".mpx"):
        lines = data.split(b"\n")
        tasks = [i for i, line in enumerate(lines) if line[:3] in (b"70,", b"70;")]
        if tasks:
            drop = rng.choice(tasks)
            return b"\n".join(lines[:drop] + lines[drop + 1 :])
    sectors = len(data) // 512
    at = 512 * rng.randrange(1, max(2, sectors))
    return data[:at] + data[at + 512 :]


def counts(document: ProjectDocument) -> tuple[int, ...]:
    return (
        len(document.tasks) + document.blank_rows,
        len(document.resources),
        len(document.assignments),
        len(document.calendars),
        len(document.links),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    outcomes: Counter[str] = Counter()
    by_damage: dict[str, Counter[str]] = {}
    names = sample(args.corpus, args.files)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = open_store("plan", f"sqlite:///{root / 'plan.db'}", "plan")
        for number, name in enumerate(names):
            source = args.corpus / name
            expected = counts(read_document(source))
            data = source.read_bytes()
            for copy, (damage, content) in enumerate(damaged(name, data, args.seed)):
                path = root / f"{number}-{copy}{source.suffix}"
                path.write_bytes(content)
                outcome = _outcome(store, path, f"D{number}-{copy}", expected)
                if outcome.startswith("partial"):
                    print(f"{name} {damage} #{copy}: {outcome}", file=sys.stderr)
                    outcome = "partial"
                outcomes[outcome] += 1
                by_damage.setdefault(damage, Counter())[outcome] += 1
                path.unlink()
        store.dispose()
    report: dict[str, Any] = {
        "files": len(names),
        "tried": sum(outcomes.values()),
        "refused": outcomes["refused"],
        "imported_whole": outcomes["whole"],
        "imported_partial": outcomes["partial"],
        "failed": outcomes["failed"],
        "by_damage": {k: dict(sorted(v.items())) for k, v in sorted(by_damage.items())},
    }
    print(json.dumps(report))


def _outcome(store: Any, path: Path, project: str, expected: tuple[int, ...]) -> str:
    try:
        document = read_document(path)
        import_document(store, document, as_project=project)
    except InputError:
        return "refused"
    except Exception as exc:  # a crash is an outcome to count, not to stop on
        print(f"{path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return "failed"
    got = counts(document)
    return "whole" if got == expected else f"partial {expected} -> {got}"


if __name__ == "__main__":
    main()
