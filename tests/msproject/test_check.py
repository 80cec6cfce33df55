"""Scheduling agreement with Microsoft Project over the corpus."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from projsync.cli.main import app
from projsync.msproject.check import FileCheck, check_document, check_paths
from projsync.msproject.misses import MissClass, TaskFacts, classify, task_facts
from projsync.msproject.mpxj_scheduler import run_mpxj
from projsync.msproject.reader import read_document
from projsync.plan.model import ConstraintType, DependencyType
from tests.msproject.conftest import CORPUS, corpus_file

# The share of tasks whose start and finish our scheduler reproduces exactly.
# It only ever goes up: raise it as the scheduler improves (target 0.99).
AGREEMENT_FLOOR = 0.999


def test_check__every_file_is_scheduled_or_refused_with_a_reason(
    corpus: list[dict[str, Any]],
) -> None:
    report = check_paths([CORPUS / e["file"] for e in corpus], root=CORPUS)
    assert report.files == len(corpus)
    assert all(reason for _, reason in report.failures)
    # The manifest counts every row MPXJ reads; blank rows are not tasks.
    assert report.tasks + report.blank_rows == sum(e["tasks"] for e in corpus)
    assert 0 < report.blank_rows < report.tasks // 100
    assert report.identical / report.tasks >= AGREEMENT_FLOOR
    summary = json.loads(report.as_json())
    assert set(summary) >= {"files", "files_failed", "tasks", "identical", "mismatches"}
    assert summary["blank_rows"] == report.blank_rows
    assert len(summary["mismatches"]) <= 50


def test_check__link_types_are_read_from_the_file() -> None:
    document = read_document(corpus_file("generated/task-links/task-links-project2010-mpp12.mpp"))
    types = {link.successor: link.type for link in document.links}
    assert (types["12"], types["14"], types["16"]) == (
        DependencyType.SF,
        DependencyType.SS,
        DependencyType.FF,
    )
    assert types["2"] is DependencyType.FS


def test_check__a_file_without_times_gets_default_times_and_is_compared_by_day() -> None:
    # Project 98's MPX dates carry no time: the project start takes the default start
    # time, and the tasks are compared by the day the file stores.
    document = read_document(corpus_file("generated/task-durations/task-durations-project98.mpx"))
    assert document.project.start == dt.datetime(2014, 10, 17, 8)  # noqa: DTZ001
    pairs = check_document(document)
    assert all(ours[0] is None or ours[0].time() == dt.time(0) for _, _, ours in pairs)
    assert sum(stored == ours for _, stored, ours in pairs) == len(pairs)


def test_check__splits_actual_durations_and_overtime_are_read_from_the_files() -> None:
    # What Project keeps that the schedule needs: a split task's parts of work,
    # a started task's actual duration (its percent is that, rounded), and an
    # assignment's overtime work; each file is then scheduled as Project did.
    splits = read_document(corpus_file("mpp9splittask.mpp"))
    split = [t for t in splits.tasks if t.splits]
    assert [len(t.splits) for t in split] == [2, 3]
    assert all(a[1] < b[0] for t in split for a, b in zip(t.splits, t.splits[1:], strict=False))
    # started ones too, where Project says where the completed part stops (our
    # own export, which does not, is read without: see test_replace.py)
    started_splits = read_document(corpus_file("splits9a.mpp"))
    assert sum(1 for t in started_splits.tasks if t.actual_start and t.splits) >= 8
    started = read_document(corpus_file("mpp14baseline.mpp"))
    done = {t.name: (t.percent_complete, t.actual_duration) for t in started.tasks}
    assert done["Base Task"] == (57, 4341)  # of 7,680 minutes: 56.5 %, shown as 57
    # kept only where it says more than the percent (Task 6: 60 % of 4,500 minutes)
    timephased = read_document(corpus_file("mpp9timephased.mpp"))
    assert {
        (t.percent_complete, t.actual_duration) for t in timephased.tasks if t.name == "Task 6"
    } == {(60, None)}
    overtime = read_document(corpus_file("mspdiassignmentfields.xml"))
    assert [a.overtime_work for a in overtime.assignments if a.overtime_work]
    for document in (splits, started_splits, started, timephased, overtime):
        assert all(stored == ours for _, stored, ours in check_document(document))


# -- MPXJ's scheduler beside ours, and the classes of misses -----------------------

# Small files whose tasks both schedulers get, or miss, for a known reason.
BESIDE_MPXJ = (
    "mspdinulltasks.xml",  # 8 rows, 3 of them blank: 5 tasks
    "mspdirelations.xml",  # MPXJ misses one task we get
    "mspdisplittask.xml",  # split tasks: MPXJ misses them
    "mspdiassignmentfields.xml",  # overtime: MPXJ misses it
)


def test_check__mpxj_is_compared_on_the_same_tasks_as_ours() -> None:
    paths = [corpus_file(name) for name in BESIDE_MPXJ]
    checked_files: list[FileCheck] = []
    report = check_paths(paths, root=CORPUS, mpxj=True, each=checked_files.append)
    summary = json.loads(report.as_json())
    assert (summary["files"], summary["files_failed"], summary["mpxj_files_failed"]) == (4, 0, 0)
    assert summary["tasks"] == 5 + 5 + 2 + 1
    assert summary["mpxj_agreement"] == round(summary["mpxj_identical"] / summary["tasks"], 4)
    # The same tasks: the reader's (no blank row), with the stored dates it read.
    for path in paths:
        document = read_document(path)
        theirs = run_mpxj(path, start=None)
        assert theirs.stored == tuple((t.start, t.finish) for t in document.tasks)
    by_file = {checked.file: checked for checked in checked_files}
    assert by_file["mspdinulltasks.xml"].tasks == 5
    relations = by_file["mspdirelations.xml"]
    assert (relations.tasks, relations.identical, relations.mpxj_identical) == (5, 5, 4)
    # Each side's misses are its tasks not identical, every one in a class.
    for checked in by_file.values():
        assert sum(n for _, n in checked.misses or ()) == checked.tasks - checked.identical
        assert sum(n for _, n in checked.mpxj_misses or ()) == (
            checked.tasks - (checked.mpxj_identical or 0)
        )
    split, overtime = by_file["mspdisplittask.xml"], by_file["mspdiassignmentfields.xml"]
    assert (split.identical, dict(split.mpxj_misses or ())) == (2, {MissClass.SPLIT: 2})
    assert (overtime.identical, dict(overtime.mpxj_misses or ())) == (1, {MissClass.OVERTIME: 1})
    assert summary["misses"] == {}


def test_check__a_file_mpxj_cannot_schedule_is_reported_not_fatal() -> None:
    # MicrosoftScheduler throws on this MPX file (an assignment without remaining work).
    path = corpus_file("legacy/sample1.mpx")
    checked_files: list[FileCheck] = []
    report = check_paths(
        [path, corpus_file("mspdirelations.xml")],
        root=CORPUS,
        mpxj=True,
        each=checked_files.append,
    )
    failed, other = checked_files
    assert failed.failure is None and failed.tasks == 4
    assert failed.mpxj_error == "NullPointerException"
    assert failed.mpxj_identical == 0
    assert dict(failed.mpxj_misses or ()) == {MissClass.NOT_SCHEDULED: 4}
    assert other.mpxj_error is None and other.mpxj_identical == 4
    summary = json.loads(report.as_json())
    assert summary["mpxj_files_failed"] == 1
    assert summary["mpxj_failures"][0]["file"] == "legacy/sample1.mpx"
    assert summary["mpxj_failures"][0]["error"] == "NullPointerException"
    assert json.loads(failed.as_json())["mpxj_error"] == "NullPointerException"


def test_check__per_file_prints_a_line_per_file_then_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("mspdirelations.xml", "mspdisplittask.xml", "legacy/sample1.mpx"):
        (tmp_path / "files" / Path(name).name).parent.mkdir(exist_ok=True)
        (tmp_path / "files" / Path(name).name).write_bytes(corpus_file(name).read_bytes())
    monkeypatch.setenv("PROJSYNC_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(
        app, ["plan", "check", str(tmp_path / "files"), "--json", "--mpxj", "--per-file"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    files, summary = lines[:-1], lines[-1]
    assert [f["file"] for f in files] == ["mspdirelations.xml", "mspdisplittask.xml", "sample1.mpx"]
    assert files[0] == {
        "file": "mspdirelations.xml",
        "tasks": 5,
        "identical": 5,
        "misses": {},
        "mpxj_identical": 4,
        "mpxj_misses": {"other": 1},
        "mpxj_error": None,
    }
    assert (files[1]["misses"], files[1]["mpxj_misses"]) == ({}, {"split": 2})
    assert files[2]["mpxj_error"] == "NullPointerException"
    assert summary["tasks"] == sum(f["tasks"] for f in files)
    assert summary["mpxj_identical"] == sum(f["mpxj_identical"] for f in files)


def test_misses__a_task_takes_the_first_class_that_fits() -> None:
    assert classify(TaskFacts(manual=True, summary=True), set()) is MissClass.MANUAL
    assert classify(TaskFacts(summary=True, split=True), set()) is MissClass.SUMMARY
    assert classify(TaskFacts(started=True, constrained=True), set()) is MissClass.PROGRESS
    assert classify(TaskFacts(constrained=True, under_manual=True), set()) is MissClass.CONSTRAINT
    linked = TaskFacts(predecessors=("1",))
    assert classify(linked, {"1", "2"}) is MissClass.PREDECESSOR
    assert classify(linked, {"2"}) is MissClass.OTHER
    assert classify(TaskFacts(under_linked=True, predecessors=("1",)), {"1"}) is (
        MissClass.SUMMARY_LINK
    )


def test_misses__facts_come_from_the_task_its_links_and_the_summaries_above_it() -> None:
    document = read_document(corpus_file("mspdirelations.xml"))
    task = document.tasks[-1]
    parent = dataclasses.replace(document.tasks[0], manual=True)
    child = dataclasses.replace(task, parent=parent.id, constraint=ConstraintType.SNET)
    shaped = dataclasses.replace(
        document,
        project=dataclasses.replace(document.project, status_date=dt.datetime(2100, 1, 1)),  # noqa: DTZ001
        tasks=(parent, *document.tasks[1:-1], child),
    )
    facts = task_facts(shaped, split={child.id}, overtime=set())
    assert facts[parent.id].summary and facts[parent.id].manual
    assert facts[child.id].under_manual and facts[child.id].split
    assert facts[child.id].constrained and facts[child.id].before_status_date
    assert facts[child.id].predecessors == tuple(
        link.predecessor for link in document.links if link.successor == child.id
    )
