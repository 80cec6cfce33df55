"""A plan exported to Microsoft Project and published back over itself
(``plan import FILE --replace X``): unedited, nothing changes, on the plan or
for the sync; edited in Project, the edits come through, and only they.

The story runs on the demo company (ledger, plan server and sync, as
``projsync demo`` leaves them) and on a few files of the corpus.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store, open_store
from projsync.ledger.demo import DEMO_COMPANY, ROOT_PROJECTS, load_demo
from projsync.ledger.service import LedgerService
from projsync.msproject.exporter import document_from_store
from projsync.msproject.importer import import_document
from projsync.msproject.jvm import java_classes
from projsync.msproject.reader import read_document
from projsync.msproject.writer import write_mspdi
from projsync.plan.entities import PlanLink, PlanTask
from projsync.plan.model import DependencyType, LagKind
from projsync.plan.progress import actuals_of, save_baseline
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.plan.tables import custom_values
from projsync.sync import settings
from projsync.sync.engine import SyncEngine
from projsync.sync.reconcile import reconcile
from tests.msproject.conftest import CORPUS

PROJECT = "PRJ-1000"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Demo:
    ledger: Store
    plan: Store
    sync: Store

    def engine(self) -> SyncEngine:
        return SyncEngine(self.sync, LedgerConnector(self.ledger), PlanConnector(self.plan))

    def differences(self) -> int:
        check = reconcile(self.sync, LedgerConnector(self.ledger), PlanConnector(self.plan))
        return len(check.differences)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """``projsync demo``, a link and a baseline in PRJ-1000, and the runs that
    settle it: the next run has nothing to do."""
    stores = Demo(
        ledger=open_store("ledger", f"sqlite:///{tmp_path / 'ledger.db'}", "ledger"),
        plan=open_store("plan", f"sqlite:///{tmp_path / 'plan.db'}", "plan"),
        sync=open_store("sync", f"sqlite:///{tmp_path / 'sync.db'}", "sync"),
    )
    load_demo(stores.ledger)
    ledger = LedgerService(stores.ledger)
    settings.set_company(stores.sync, DEMO_COMPANY, integrate=True)
    for project in ROOT_PROJECTS:
        settings.set_project(stores.sync, project, integrate=True)
    for worker in ledger.workers():
        ledger.set_worker_integrated(worker.id, True)
    stores.engine().run()
    plan = PlanService(stores.plan)
    plan.update_task(
        PROJECT,
        "PRJ-1000-01.2",
        predecessors=[
            PlanLink(
                project=PROJECT,
                predecessor="PRJ-1000-01.1.1",
                successor="PRJ-1000-01.2",
                type=DependencyType.SS,
                lag=480,
                lag_kind=LagKind.WORKING,
            )
        ],
    )
    for project in ROOT_PROJECTS:
        schedule_project(stores.plan, project)
    save_baseline(stores.plan, PROJECT)
    stores.engine().run()
    assert _quiet(stores.engine().run())
    yield stores
    for store in (stores.ledger, stores.plan, stores.sync):
        store.dispose()


def _quiet(report: Any) -> bool:
    return (report.created, report.updated, report.deleted, report.failed) == (0, 0, 0, 0)


def state(store: Store, project_id: str) -> dict[str, Any]:
    """Everything the plan holds of a project and of the pool, record by record.
    A task's place is its parent and the order of ``outline`` (the outline as
    shown, depth first); its ``position`` is left out, as only the order of
    positions among siblings means anything."""
    service = PlanService(store)
    tasks = service.tasks(project_id)
    keys = {f"{project_id}/{t.id}" for t in tasks} | {project_id}
    resources = service.resources()
    keys |= {r.id for r in resources}
    with store.read() as conn:
        values = {
            (key, name): value
            for name, key, value in conn.execute(
                select(
                    custom_values.c.field_name, custom_values.c.entity_key, custom_values.c.value
                )
            )
            if key in keys
        }
    return {
        "project": service.project(project_id),
        "outline": _depth_first(tasks),
        "tasks": {t.id: dataclasses.replace(t, position=0) for t in tasks},
        "links": {(k.predecessor, k.successor): k for k in service.links(project_id)},
        "assignments": {(a.task, a.resource): a for a in service.assignments(project_id)},
        "actuals": {(a.task, a.resource, a.day): a for a in actuals_of(store, project_id)},
        "resources": {r.id: r for r in resources},
        "custom values": values,
    }


def _depth_first(tasks: list[PlanTask]) -> list[str]:
    children: dict[str | None, list[PlanTask]] = {}
    for task in sorted(tasks, key=lambda t: t.position):
        children.setdefault(task.parent, []).append(task)
    order: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        task = stack.pop()
        order.append(task.id)
        stack.extend(reversed(children.get(task.id, [])))
    return order


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What differs, part by part: records added, removed, and changed field by field."""
    found: dict[str, Any] = {}
    for part, old in before.items():
        new = after[part]
        if old == new:
            continue
        if not isinstance(old, dict):
            found[part] = (old, new)
            continue
        diff: dict[Any, Any] = {}
        for key in old.keys() | new.keys():
            if key not in new:
                diff[key] = "removed"
            elif key not in old:
                diff[key] = "added"
            elif old[key] != new[key] and not dataclasses.is_dataclass(old[key]):
                diff[key] = (old[key], new[key])
            elif old[key] != new[key]:
                diff[key] = {
                    f.name: (getattr(old[key], f.name), getattr(new[key], f.name))
                    for f in dataclasses.fields(old[key])
                    if getattr(old[key], f.name) != getattr(new[key], f.name)
                }
        found[part] = diff
    return found


def test_replace__an_unedited_export_changes_nothing_and_the_sync_has_nothing_to_do(
    demo: Demo, tmp_path: Path
) -> None:
    before = state(demo.plan, PROJECT)
    assert before["links"] and before["actuals"] and before["assignments"]
    assert any(t.budget_cost and t.baseline_finish for t in before["tasks"].values())
    exported = tmp_path / "x.xml"
    write_mspdi(document_from_store(demo.plan, PROJECT), exported)

    result = import_document(demo.plan, read_document(exported), replace=PROJECT)

    assert (result.resources, result.kept, result.deleted) == (0, len(before["tasks"]), 0)
    assert changes(before, state(demo.plan, PROJECT)) == {}
    assert _quiet(demo.engine().run())
    assert demo.differences() == 0


def test_replace__edits_made_in_project_come_through_and_only_they(
    demo: Demo, tmp_path: Path
) -> None:
    before = state(demo.plan, PROJECT)
    exported = tmp_path / "x.xml"
    write_mspdi(document_from_store(demo.plan, PROJECT), exported)
    edited = tmp_path / "edited.xml"
    _edit_in_project(exported, edited)

    import_document(demo.plan, read_document(edited), replace=PROJECT)

    after = state(demo.plan, PROJECT)
    added = after["tasks"]["1000"]
    assert (added.name, added.parent, added.duration) == ("Handover", None, 960)
    assert after["outline"] == [*[t for t in before["outline"] if t != "PRJ-1000-02.3"], "1000"]
    sixteen_hours = after["assignments"][("PRJ-1000-01.2", "W-001")]
    assert (sixteen_hours.work, sixteen_hours.actual_work) == (960, 0)
    assert changes(before, after) == {
        "outline": (before["outline"], after["outline"]),
        "tasks": {
            "PRJ-1000-01.1.1": {"name": ("Process survey", "Site survey")},
            # a longer duration keeps the work done (75 % of 18,000 minutes), as
            # in Project: its percent is now less than the 75 % the file says
            "PRJ-1000-02.1": {"duration": (18000, 19200), "actual_duration": (None, 13500)},
            # the assignment's work is the task's
            "PRJ-1000-01.2": {"work": (before["tasks"]["PRJ-1000-01.2"].work, 960)},
            "PRJ-1000-02.3": "removed",
            "1000": "added",
        },
        "links": {("PRJ-1000-02.2.1", "PRJ-1000-02.2.2"): "added"},
        "assignments": {("PRJ-1000-01.2", "W-001"): "added"},
        "custom values": {  # the removed task's values of the ledger's task fields
            ("PRJ-1000/PRJ-1000-02.3", "DAX_10_ActivityCategory"): "removed",
            ("PRJ-1000/PRJ-1000-02.3", "DAX_21_BudgetRevenue"): "removed",
        },
    }
    # ... and on to the ledger, after which the sync is at rest again
    assert demo.engine().run().failed == 0
    assert _quiet(demo.engine().run())
    renamed = LedgerService(demo.ledger).activity("PRJ-1000-01", "1.1")
    assert renamed.name == "Site survey"
    assert demo.differences() == 0  # the deleted task held no actuals


def _edit_in_project(source: Path, target: Path) -> None:
    """What a planner does in Microsoft Project, done with MPXJ: rename a task,
    lengthen another, link two, assign a resource of the file, add a task at
    the end and delete one, then save."""
    reader, writer, duration, unit, relation, relation_type, integer = java_classes(
        "org.mpxj.reader.UniversalProjectReader", "org.mpxj.mspdi.MSPDIWriter",
        "org.mpxj.Duration", "org.mpxj.TimeUnit", "org.mpxj.Relation$Builder",
        "org.mpxj.RelationType", "java.lang.Integer",
    )  # fmt: skip
    project = reader().read(str(source))
    by_name = {str(t.getName()): t for t in project.getTasks() if t.getName() is not None}
    by_name["Process survey"].setName("Site survey")
    by_name["Site preparation"].setDuration(duration.getInstance(40, unit.DAYS))
    by_name["Electrical"].addPredecessor(
        relation().predecessorTask(by_name["Mechanical"]).type(relation_type.FINISH_START)
    )
    ada = next(r for r in project.getResources() if str(r.getName()) == "Ada Lovelace")
    assignment = by_name["Detail design"].addResourceAssignment(ada)
    assignment.setWork(duration.getInstance(16, unit.HOURS))
    assignment.setRemainingWork(duration.getInstance(16, unit.HOURS))
    added = project.addTask()
    added.setName("Handover")
    added.setUniqueID(integer(1000))
    added.setID(integer(1000))
    added.setDuration(duration.getInstance(2, unit.DAYS))
    project.removeTask(by_name["Commissioning"])
    writer().write(project, str(target))


ROUND_TRIPPED = (
    "legacy/sample.mpx",
    "legacy/sample1.xml",
    "legacy/bug1.mpp",
    "mpp14baseline.mpp",
    "generated/task-baselines/sf259.mpp",
)
"""Files of the corpus with resources, assignments, links and baselines, of
each format (MPX's dates carry no time of day)."""


@pytest.mark.parametrize("name", ROUND_TRIPPED)
def test_replace__a_published_file_exported_and_published_back_changes_nothing(
    name: str, corpus: list[dict[str, Any]], plan_store: Store, tmp_path: Path
) -> None:
    import_document(plan_store, read_document(CORPUS / name), as_project="F")
    before = state(plan_store, "F")
    exported = tmp_path / "F.xml"
    write_mspdi(document_from_store(plan_store, "F"), exported)

    result = import_document(plan_store, read_document(exported), replace="F")

    assert (result.resources, result.deleted) == (0, 0)
    assert changes(before, state(plan_store, "F")) == {}
