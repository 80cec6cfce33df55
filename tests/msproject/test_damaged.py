"""A damaged file is refused whole: damaged copies of corpus files, made here
(cut short, a byte flipped, a record removed), are either refused with a
message that names the file or read with every entity of the undamaged file,
never in part; and a refused import leaves nothing in the store."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from projsync.cli import stores
from projsync.cli.main import app
from projsync.db import Store
from projsync.errors import InputError
from projsync.msproject.document import ProjectDocument
from projsync.msproject.importer import import_document
from projsync.msproject.reader import read_document
from projsync.plan.service import PlanService
from tests.msproject.conftest import CORPUS

SAMPLE = (
    "legacy/sample98.mpp",  # Project 98 (MPP8)
    "legacy/sample.mpp",  # Project 2000-2003 (MPP9)
    "mpp9baselines-from12.mpp",
    "generated/task-links/task-links-project2007-mpp12.mpp",
    "generated/task-links/task-links-project2019-mpp14.mpp",
    "legacy/sample.xml",
    "generated/task-links/task-links-project2013-mspdi.xml",
    "legacy/sample.mpx",
    "legacy/sample1.mpx",  # fields separated by ";"
    "generated/task-links/task-links-project98.mpx",
)
"""Every format and .mpp generation, with resources, assignments and links."""

Counts = tuple[int, int, int, int, int]


def counts(document: ProjectDocument) -> Counts:
    return (
        len(document.tasks) + document.blank_rows,
        len(document.resources),
        len(document.assignments),
        len(document.calendars),
        len(document.links),
    )


def source(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"the Microsoft Project corpus is not at {CORPUS} (set PROJSYNC_CORPUS)")
    return path


def truncations(data: bytes) -> Iterator[tuple[str, bytes]]:
    for share in (0.25, 0.5, 0.75, 0.95):
        yield f"cut at {share:.0%}", data[: int(len(data) * share)]
    yield "last byte removed", data[:-1]


def flips(name: str, data: bytes, times: int) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(name)
    for _ in range(times):
        at = rng.randrange(len(data))
        yield f"byte {at} flipped", data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def removed_records(name: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """Records cut out that the rest of the file still declares: in MSPDI a task
    that an assignment or a link names, in MPX the task table's definition by
    numbers, in .mpp a sector of the compound file."""
    if name.endswith(".xml"):
        for match in re.finditer(rb"<Task><UID>(\d+)</UID>.*?</Task>", data, re.DOTALL):
            uid = match.group(1)
            if re.search(rb"<(?:TaskUID|PredecessorUID)>" + uid + rb"<", data):
                yield f"task {uid.decode()} removed", data[: match.start()] + data[match.end() :]
    elif name.endswith(".mpx"):
        lines = data.split(b"\n")
        for number, line in enumerate(lines):
            if line[:3] in (b"61,", b"61;"):
                yield "task definition removed", b"\n".join(lines[:number] + lines[number + 1 :])
    else:
        for sector in (3, len(data) // 512 // 2, len(data) // 512 - 2):
            at = 512 * sector
            yield f"sector {sector} removed", data[:at] + data[at + 512 :]


def refused_or_whole(path: Path, whole: Counts) -> str:
    """``"refused"`` or ``"whole"``; anything else fails the test with why."""
    try:
        document = read_document(path)
    except InputError as exc:
        (problem,) = exc.problems
        assert problem.where == str(path), problem
        return "refused"
    assert counts(document) == whole, f"read in part: {counts(document)} of {whole}"
    return "whole"


@pytest.mark.parametrize("name", SAMPLE)
def test_damaged__cut_flipped_or_missing_records_are_refused_by_name_or_read_whole(
    name: str, tmp_path: Path
) -> None:
    path = source(name)
    whole = counts(read_document(path))
    data = path.read_bytes()
    damaged = [
        *truncations(data),
        *flips(name, data, 8),
        *removed_records(name, data),
    ]
    outcomes = {}
    for number, (damage, content) in enumerate(damaged):
        copy = tmp_path / f"damaged-{number}{path.suffix}"
        copy.write_bytes(content)
        try:
            outcomes[damage] = refused_or_whole(copy, whole)
        except AssertionError as exc:
            raise AssertionError(f"{name}, {damage}: {exc}") from None
    assert "refused" in outcomes.values()


@pytest.mark.parametrize(
    ("name", "at", "lost"),
    [
        ("mpp9baselines-from12.mpp", 44645, "resources"),
        ("generated/task-links/task-links-project2019-mpp14.mpp", 58101, "resource"),
    ],
)
def test_damaged__a_flipped_byte_that_loses_every_resource_is_refused_with_declared_and_read(
    name: str, at: int, lost: str, tmp_path: Path
) -> None:
    # Bytes of the project's field maps: MPXJ read these files with no
    # resources (and fewer calendars) and no error.
    data = bytearray(source(name).read_bytes())
    data[at] ^= 0xFF
    copy = tmp_path / Path(name).name
    copy.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        read_document(copy)
    (problem,) = caught.value.problems
    assert problem.where == str(copy)
    assert re.fullmatch(rf"damaged: the file's tables name \d+ {lost}, 0 of them .*", problem.what)


def test_damaged__an_mpx_file_cut_in_the_middle_of_a_task_is_refused_as_truncated(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "sample.mpx"
    copy.write_bytes(cut_in_a_task(source("legacy/sample.mpx").read_bytes()))
    with pytest.raises(InputError, match="truncated: the file stops in the middle of a record"):
        read_document(copy)


def cut_in_a_task(mpx: bytes) -> bytes:
    """An MPX file cut short in the middle of a task record past its middle."""
    return mpx[: mpx.index(b"\n70,", len(mpx) // 2) + 5]


def test_damaged__undamaged_sample_files_all_import(plan_store: Store) -> None:
    service = PlanService(plan_store)
    for number, name in enumerate(SAMPLE):
        document = read_document(source(name))
        result = import_document(plan_store, document, as_project=f"P{number}")
        assert result.tasks == len(document.tasks)
        assert len(service.tasks(f"P{number}")) == len(document.tasks)


def test_damaged__a_refused_import_leaves_nothing_in_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # MPXJ reads this copy without an error: the tasks before the cut
    damaged = tmp_path / "cut.mpx"
    damaged.write_bytes(cut_in_a_task(source("legacy/sample.mpx").read_bytes()))
    monkeypatch.setenv("PROJSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PROJSYNC_LEDGER_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "400")
    for opened in (stores.ledger_store, stores.plan_store, stores.sync_store):
        opened.cache_clear()
    try:
        before = _calendar_names(stores.plan_store())
        result = CliRunner().invoke(
            app, ["plan", "import", str(damaged), "--as-project", "CUT", "--json"]
        )
        assert result.exit_code == 1
        assert str(damaged) in result.stderr and "truncated" in result.stderr
        service = PlanService(stores.plan_store())
        assert service.projects() == [] and service.resources() == []
        assert _calendar_names(stores.plan_store()) == before
    finally:
        for opened in (stores.ledger_store, stores.plan_store, stores.sync_store):
            opened().dispose()
            opened.cache_clear()


def _calendar_names(store: Store) -> list[str]:
    from projsync.plan import calendars

    with store.read() as conn:
        return calendars.calendar_names(conn)
