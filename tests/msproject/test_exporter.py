"""What an exported file carries of a plan, read back with MPXJ as Microsoft
Project would read it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from projsync.db import Store
from projsync.msproject.check import check_document
from projsync.msproject.exporter import document_from_store
from projsync.msproject.importer import import_document
from projsync.msproject.jvm import java_classes
from projsync.msproject.reader import read_document
from projsync.msproject.writer import write_mspdi
from projsync.plan.entities import ActualEntry
from projsync.plan.progress import record_actuals, set_budget
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from tests.msproject.conftest import corpus_file
from tests.plan.conftest import DAY, plan

__all__ = ["plan"]


def _exported(plan: PlanService, tmp_path: Path) -> Any:
    path = tmp_path / "X.xml"
    write_mspdi(document_from_store(plan.store, "X"), path)
    (reader,) = java_classes("org.mpxj.reader.UniversalProjectReader")
    return reader().read(str(path))


def _alias(project: Any, alias: str, kind: str = "TASK") -> Any:
    for field in project.getCustomFields():
        if str(field.getAlias()) == alias:
            found = field.getFieldType()
            if str(found.getFieldTypeClass().name()) == kind:
                return found
    raise AssertionError(f"no {kind} field aliased {alias}")


def _task(project: Any, name: str) -> Any:
    return next(t for t in project.getTasks() if str(t.getName()) == name)


def _minutes(project: Any, duration: Any) -> float:
    (unit,) = java_classes("org.mpxj.TimeUnit")
    properties = project.getProjectProperties()
    return float(duration.convertUnits(unit.MINUTES, properties).getDuration())


def test_export__carries_currency_resource_ids_budgets_and_summary_durations(
    plan: PlanService, tmp_path: Path
) -> None:
    plan.update_project("X", currency="EUR")
    plan.assign("X", "T1", "ADA")
    set_budget(plan.store, "X", "T1", work=40 * 60, cost=Decimal("2000"))
    schedule_project(plan.store, "X")

    project = _exported(plan, tmp_path)

    properties = project.getProjectProperties()
    assert (str(properties.getCurrencyCode()), str(properties.getCurrencySymbol())) == ("EUR", "€")
    ada = next(r for r in project.getResources() if str(r.getName()) == "Ada")
    assert str(ada.get(_alias(project, "ProjsyncId", "RESOURCE"))) == "ADA"
    survey = _task(project, "Survey")
    assert _minutes(project, survey.get(_alias(project, "BudgetWork"))) == 40 * 60
    assert float(survey.get(_alias(project, "BudgetCost"))) == 2000
    # the summary over Survey (3d) then Design (2d): five working days, as Project says
    assert _minutes(project, _task(project, "Phase 1").getDuration()) == 5 * DAY


def test_export__carries_actual_work_day_by_day_and_actual_cost(
    plan: PlanService, tmp_path: Path
) -> None:
    plan.assign("X", "T1", "ADA")
    schedule_project(plan.store, "X")
    record_actuals(
        plan.store,
        [
            ActualEntry(
                project="X", task="T1", resource="ADA", day=dt.date(2026, 3, 2),
                actual_work=360, actual_cost=Decimal("300.00"),
            ),
            ActualEntry(
                project="X", task="T1", resource="ADA", day=dt.date(2026, 3, 3),
                actual_work=240, actual_cost=Decimal("200.00"),
            ),
            ActualEntry(  # an expense: cost, no resource
                project="X", task="T1", day=dt.date(2026, 3, 3), actual_cost=Decimal("80.00"),
            ),
        ],
    )  # fmt: skip

    project = _exported(plan, tmp_path)

    survey = _task(project, "Survey")
    assert _minutes(project, survey.getActualWork()) == 600
    assert float(survey.getActualCost()) == 580  # the expense too
    assert float(_task(project, "Phase 1").getActualCost()) == 580  # rolled up
    (assignment,) = list(survey.getResourceAssignments())
    assert _minutes(project, assignment.getActualWork()) == 600
    assert float(assignment.getActualCost()) == 500
    days = [
        (str(item.getStart()), _minutes(project, item.getTotalAmount()))
        for item in assignment.getRawTimephasedActualRegularWork()
    ]
    assert days == [("2026-03-02T08:00", 360), ("2026-03-03T08:00", 240)]


@pytest.mark.parametrize("name", ["mpp9splittask.mpp", "splits9a.mpp", "mspdisplittask.xml"])
def test_export__split_tasks_keep_their_parts_and_their_dates(
    name: str, plan_store: Store, tmp_path: Path
) -> None:
    # MSPDI keeps splits only as time-phased work (on an assignment to no
    # resource where a task has none), and a started task's Stop and Resume:
    # the export writes both, so the parts read back are the parts written and
    # the file reschedules to the dates it stores (those Project stored).
    source = corpus_file(name)
    original = read_document(source)
    assert any(t.splits for t in original.tasks)
    project = import_document(plan_store, original, as_project="S").project
    exported = tmp_path / "split.xml"
    write_mspdi(document_from_store(plan_store, project), exported)
    again = read_document(exported)
    assert {t.name: t.splits for t in again.tasks} == {t.name: t.splits for t in original.tasks}
    assert all(stored == ours for _, stored, ours in check_document(again))
