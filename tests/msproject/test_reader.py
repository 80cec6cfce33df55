"""Reading real Microsoft Project files, and refusing what is not one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from projsync.errors import InputError
from projsync.msproject import columns
from projsync.msproject.reader import _Converter, _open, read_document
from projsync.plan.entities import TaskType
from tests.msproject.conftest import CORPUS, DATA


def test_reader__every_corpus_file_reads_with_its_tasks_resources_and_links(
    corpus: list[dict[str, Any]],
) -> None:
    wrong = []
    for entry in corpus:
        document = read_document(CORPUS / entry["file"])
        # blank rows are not tasks; the manifest counts them with the tasks
        tasks = len(document.tasks) + document.blank_rows
        counts = (tasks, len(document.resources), len(document.links))
        expected = (entry["tasks"], entry["resources"], entry["relations"])
        # the manifest counts resources as MPXJ lists them, nameless ones included
        if counts[0] != expected[0] or counts[2] > expected[2] or counts[1] > expected[1]:
            wrong.append((entry["file"], counts, expected))
    assert wrong == []


def test_reader__hierarchy_durations_links_and_calendars_of_a_known_file() -> None:
    path = CORPUS / "legacy" / "sample.mpp"
    if not path.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    document = read_document(path)
    tasks = {t.id: t for t in document.tasks}
    summaries = {t.parent for t in document.tasks if t.parent}
    assert summaries and all(parent in tasks for parent in summaries)
    assert document.project.calendar == "Standard"
    standard = next(c for c in document.calendars if c.name == "Standard")
    assert standard.week[0] == ((480, 720), (780, 1020)) and standard.week[6] == ()
    assert {r.name for r in document.resources} >= {"First Resource", "Second Resource"}
    first = next(r for r in document.resources if r.name == "First Resource")
    assert (str(first.standard_rate), str(first.cost_per_use)) == ("10.0000", "30.00")


def test_reader__task_types_and_effort_driven_as_project_stored_them() -> None:
    path = CORPUS / "mpp14baseline.mpp"
    if not path.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    for columns_read in (True, False):  # through TaskColumns, and task by task
        document = _Converter(_open(path), path).document(None, columns=columns_read)
        tasks = {t.id: (t.type, t.effort_driven) for t in document.tasks}
        assert tasks["1"] == (TaskType.FIXED_DURATION, False)
        assert tasks["6"] == (TaskType.FIXED_WORK, True)
        assert TaskType.FIXED_UNITS in {kind for kind, _ in tasks.values()}


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_document(path)
    (problem,) = caught.value.problems
    assert problem.where == str(path)
    return problem.what


def test_reader__truncated_random_text_and_empty_files_are_refused_by_name(tmp_path: Path) -> None:
    source = CORPUS / "legacy" / "sample.mpp"
    if not source.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    data = source.read_bytes()
    truncated = tmp_path / "truncated.mpp"
    truncated.write_bytes(data[: len(data) // 2])
    noise = tmp_path / "noise.mpp"
    noise.write_bytes(bytes((i * 7919) % 251 for i in range(50_000)))
    text = tmp_path / "notes.xml"
    text.write_text("<notes><note>not a project</note></notes>")
    empty = tmp_path / "empty.mpp"
    empty.write_bytes(b"")
    for path in (truncated, noise, text):
        assert "not a Microsoft Project file" in _refused(path) or "damaged" in _refused(path)
    assert _refused(empty) == "the file is empty"
    assert _refused(tmp_path / "missing.mpp") == "no such file"


def test_reader__password_protected_file_says_so() -> None:
    assert "password-protected" in _refused(DATA / "password-protected.mpp")


def test_reader__truncated_mspdi_names_the_parse_error(tmp_path: Path) -> None:
    source = CORPUS / "legacy" / "alias.xml"
    if not source.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    text = source.read_text(encoding="utf-8", errors="replace")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "damaged or unreadable" in _refused(cut)


def test_reader__task_columns_read_every_corpus_file_as_task_by_task_reading_does(
    corpus: list[dict[str, Any]],
) -> None:
    # the helper is compiled by `make java` (part of `make test`); without it the
    # reader falls back to asking task by task, which this test compares against
    assert columns._helper() is not None, "io.projsync.TaskColumns is not built: run make java"
    different = []
    for entry in corpus:
        path = CORPUS / entry["file"]
        fast = _Converter(_open(path), path).document(None)
        slow = _Converter(_open(path), path).document(None, columns=False)
        if fast != slow:
            different.append(entry["file"])
    assert different == []
