"""Scheduling agreement with Microsoft Project over the corpus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from projsync.msproject.check import check_document, check_paths
from projsync.msproject.reader import read_document
from projsync.plan.model import DependencyType
from tests.msproject.conftest import CORPUS


def _corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    return path


# The share of tasks whose start and finish our scheduler reproduces exactly.
# It only ever goes up: raise it as the scheduler improves (target 0.99).
AGREEMENT_FLOOR = 0.996


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
    document = read_document(_corpus_file("generated/task-links/task-links-project2010-mpp12.mpp"))
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
    document = read_document(_corpus_file("generated/task-durations/task-durations-project98.mpx"))
    assert document.project.start == dt.datetime(2014, 10, 17, 8)  # noqa: DTZ001
    pairs = check_document(document)
    assert all(ours[0] is None or ours[0].time() == dt.time(0) for _, _, ours in pairs)
    assert sum(stored == ours for _, stored, ours in pairs) == len(pairs)
