"""Publishing files: a new project, a replaced WBS that keeps its task ids, templates."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from projsync.db import Store
from projsync.errors import InputError
from projsync.msproject.document import ProjectDocument
from projsync.msproject.exporter import document_from_store
from projsync.msproject.importer import import_document
from projsync.msproject.reader import read_document
from projsync.msproject.writer import write_mspdi
from projsync.plan.entities import PlanAssignment, PlanProject, PlanResource, PlanTask
from projsync.plan.service import PlanService
from tests.msproject.conftest import CORPUS
from tests.plan.conftest import MONDAY

SAMPLE = CORPUS / "legacy" / "sample.mpp"


@pytest.fixture
def sample() -> ProjectDocument:
    if not SAMPLE.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    return read_document(SAMPLE)


def test_import__publishes_a_new_project_with_calendars_resources_and_assignments(
    plan_store: Store, sample: ProjectDocument
) -> None:
    result = import_document(plan_store, sample, as_project="S")
    service = PlanService(plan_store)
    assert (result.project, result.tasks) == ("S", len(sample.tasks))
    assert service.project("S").calendar == "S:Standard"
    assert len(service.assignments("S")) == len(sample.assignments) == result.assignments
    with pytest.raises(InputError, match="project S: already exists"):
        import_document(plan_store, sample, as_project="S")


def test_import__replace_keeps_ids_by_unique_id_then_by_name(
    plan_store: Store, sample: ProjectDocument
) -> None:
    import_document(plan_store, sample, as_project="S")
    service = PlanService(plan_store)
    before = {t.id: t for t in service.tasks("S")}
    leaf = next(t for t in sample.tasks if t.parent is not None)
    # The planner's copy: one task renamed, one task re-created by hand (new
    # unique id, same name and parent), one task added.
    renamed = dataclasses.replace(leaf, name="Renamed in the file")
    other = next(t for t in sample.tasks if t.parent == leaf.parent and t.id != leaf.id)
    recreated = dataclasses.replace(other, id="9001")
    added = PlanTask(
        project="", id="9002", name="Added in the file", parent=leaf.parent, position=999
    )
    tasks = [
        renamed if t.id == leaf.id else recreated if t.id == other.id else t for t in sample.tasks
    ]
    edited = dataclasses.replace(
        sample,
        tasks=(*tasks, added),
        links=tuple(
            dataclasses.replace(
                k,
                predecessor="9001" if k.predecessor == other.id else k.predecessor,
                successor="9001" if k.successor == other.id else k.successor,
            )
            for k in sample.links
        ),
        assignments=tuple(
            dataclasses.replace(a, task="9001") if a.task == other.id else a
            for a in sample.assignments
        ),
    )
    result = import_document(plan_store, edited, replace="S")
    after = {t.id: t for t in service.tasks("S")}
    assert after[leaf.id].name == "Renamed in the file"  # kept by unique id
    assert other.id in after and "9001" not in after  # kept by name under the same parent
    assert "9002" in after and set(after) == set(before) | {"9002"}
    assert (result.kept, result.deleted) == (len(before), 0)


def test_import__a_refused_file_leaves_nothing(plan_store: Store, sample: ProjectDocument) -> None:
    broken = dataclasses.replace(
        sample,
        tasks=(*sample.tasks, PlanTask(project="", id="77", name="Orphan", parent="NOWHERE")),
    )
    with pytest.raises(InputError, match="unknown parent task NOWHERE"):
        import_document(plan_store, broken, as_project="S")
    service = PlanService(plan_store)
    assert service.projects() == [] and service.resources() == []


def test_import__category_field_fills_the_task_category(
    plan_store: Store, sample: ProjectDocument, tmp_path: Path
) -> None:
    import_document(plan_store, sample, as_project="S")
    service = PlanService(plan_store)
    leaf = next(t for t in service.tasks("S") if t.parent is not None)
    service.update_task("S", leaf.id, category="Design")
    exported = tmp_path / "S.xml"
    write_mspdi(document_from_store(plan_store, "S"), exported)
    import_document(plan_store, read_document(exported), as_project="S2")
    again = {t.id: t for t in service.tasks("S2")}
    assert again[leaf.id].category == "Design"


def test_import__blank_rows_are_not_tasks(plan_store: Store) -> None:
    path = CORPUS / "mpp12nulltasks.mpp"
    if not path.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    document = read_document(path)
    assert document.blank_rows == 3
    import_document(plan_store, document, as_project="N")
    names = [t.name for t in PlanService(plan_store).tasks("N")]
    assert names == ["Task 1", "Task 2", "Task 3", "Task 4", "Task 5"]


def _file(
    resources: list[PlanResource], *, pool_ids: frozenset[str] = frozenset()
) -> ProjectDocument:
    """A file of one task, every resource of it on that task."""
    return ProjectDocument(
        source="f.xml",
        project=PlanProject(id="", name="F", start=MONDAY, currency="GBP"),
        calendars=(),
        tasks=(PlanTask(project="", id="1", name="Survey", work=480 * len(resources)),),
        links=(),
        resources=tuple(resources),
        assignments=tuple(
            PlanAssignment(project="", task="1", resource=r.id, work=480) for r in resources
        ),
        pool_ids=pool_ids,
    )


def test_import__resources_are_the_pools_by_projsync_id_then_by_name_and_never_doubled(
    plan_store: Store,
) -> None:
    service = PlanService(plan_store)
    service.add_resource(PlanResource(id="W-001", name="Ada Lovelace"))
    service.add_resource(PlanResource(id="BOB", name="Bob"))
    document = _file(
        [
            PlanResource(id="W-001", name="Ada L."),  # renamed in Project, its id kept
            PlanResource(id="Bob", name="Bob"),  # typed in Project: a name only
            PlanResource(id="Carl", name="Carl"),  # new
        ],
        pool_ids=frozenset({"W-001"}),
    )

    first = import_document(plan_store, document, as_project="F")
    again = import_document(plan_store, document, as_project="G")

    assert (first.resources, again.resources) == (1, 0)
    assert [(r.id, r.name) for r in service.resources()] == [
        ("BOB", "Bob"), ("Carl", "Carl"), ("W-001", "Ada Lovelace"),
    ]  # fmt: skip
    assert sorted(a.resource for a in service.assignments("G")) == ["BOB", "Carl", "W-001"]
    assert service.project("F").currency == "GBP"


def test_import__a_new_resource_never_takes_the_id_of_another(plan_store: Store) -> None:
    service = PlanService(plan_store)
    service.add_resource(PlanResource(id="Dana", name="Dana Scully"))

    import_document(plan_store, _file([PlanResource(id="Dana", name="Dana")]), as_project="F")

    assert [(r.id, r.name) for r in service.resources()] == [
        ("Dana", "Dana Scully"), ("Dana-2", "Dana"),
    ]  # fmt: skip
    assert [a.resource for a in service.assignments("F")] == ["Dana-2"]
