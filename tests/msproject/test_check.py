"""Scheduling agreement with Microsoft Project over the corpus."""

from __future__ import annotations

import json
from typing import Any

from projsync.msproject.check import check_paths
from tests.msproject.conftest import CORPUS

# The share of tasks whose start and finish our scheduler reproduces exactly.
# It only ever goes up: raise it as the scheduler improves (target 0.99).
AGREEMENT_FLOOR = 0.87


def test_check__every_file_is_scheduled_or_refused_with_a_reason(
    corpus: list[dict[str, Any]],
) -> None:
    report = check_paths([CORPUS / e["file"] for e in corpus], root=CORPUS)
    assert report.files == len(corpus)
    assert all(reason for _, reason in report.failures)
    assert report.tasks == sum(e["tasks"] for e in corpus)
    assert report.identical / report.tasks >= AGREEMENT_FLOOR
    summary = json.loads(report.as_json())
    assert set(summary) >= {"files", "files_failed", "tasks", "identical", "mismatches"}
    assert len(summary["mismatches"]) <= 50
