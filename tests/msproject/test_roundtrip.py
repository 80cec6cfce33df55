"""Import, export, import again: every field the plan server models survives,
over the whole corpus of real files."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from projsync.db import Store, open_store
from projsync.msproject.exporter import document_from_store
from projsync.msproject.importer import import_document
from projsync.msproject.reader import read_document
from projsync.msproject.writer import write_mspdi
from projsync.plan.entities import PlanProject, PlanResource, PlanTask, TaskType
from projsync.plan.service import PlanService
from projsync.plan.views import project_view
from tests.msproject.conftest import CORPUS
from tests.plan.conftest import MONDAY

# A few tasks of old MPX files carry a start but no finish; the file written back
# has the finish MPXJ derives. A value that appears where there was none is not
# a loss; every value that was there must come back equal.


def _snapshot(store: Store, project_id: str) -> dict[str, Any]:
    service = PlanService(store)
    project, views, _ = project_view(store, project_id)

    def own(name: str | None) -> str | None:
        return name.split(":", 1)[1] if name and ":" in name else name

    return {
        "project": (project.name, project.start, project.status_date, own(project.calendar)),
        "tasks": {
            v.task.id: (
                dataclasses.replace(v.task, project="", position=0, calendar=own(v.task.calendar)),
                v.custom_fields,
            )
            for v in views
        },
        "order": [v.task.id for v in views],
        "links": sorted(
            (k.predecessor, k.successor, k.type, k.lag, k.lag_kind)
            for k in service.links(project_id)
        ),
        "assignments": sorted(
            (
                a.task,
                a.resource,
                a.units,
                a.work,
                a.actual_work,
                a.cost,
                a.actual_cost,
                a.contour,
                a.span,
            )
            for a in service.assignments(project_id)
        ),
    }


def _differences(file: str, first: dict[str, Any], second: dict[str, Any]) -> list[tuple[str, ...]]:
    found = [
        (file, part)
        for part in ("project", "order", "links", "assignments")
        if first[part] != second[part]
    ]
    for task_id, (task, custom) in first["tasks"].items():
        again, custom_again = second["tasks"].get(task_id, (None, None))
        if again is None:
            found.append((file, task_id, "missing"))
            continue
        for field in dataclasses.fields(task):
            before, after = getattr(task, field.name), getattr(again, field.name)
            if before != after and before is not None:
                found.append((file, task_id, field.name))
        if custom != custom_again:
            found.append((file, task_id, "custom fields"))
    return found


def test_roundtrip__whole_corpus_keeps_every_modelled_field(
    corpus: list[dict[str, Any]], tmp_path: Path
) -> None:
    plan_store = open_store("plan", f"sqlite:///{tmp_path / 'plan.db'}", "plan")
    lost: list[tuple[str, ...]] = []
    for number, entry in enumerate(corpus):
        first = import_document(
            plan_store, read_document(CORPUS / entry["file"]), as_project=f"A{number}"
        )
        exported = tmp_path / f"A{number}.xml"
        write_mspdi(document_from_store(plan_store, first.project), exported)
        import_document(plan_store, read_document(exported), as_project=f"B{number}")
        lost += _differences(
            entry["file"], _snapshot(plan_store, f"A{number}"), _snapshot(plan_store, f"B{number}")
        )
    assert lost == []


def test_roundtrip__a_written_file_keeps_task_types_and_effort_driven(tmp_path: Path) -> None:
    store = open_store("plan", f"sqlite:///{tmp_path / 'plan.db'}", "plan")
    service = PlanService(store)
    service.add_project(PlanProject(id="X", name="Types", start=MONDAY))
    service.add_resource(PlanResource(id="ADA", name="Ada"))
    kinds = [
        (kind, effort)
        for kind in TaskType
        for effort in (True, False)
        if kind is not TaskType.FIXED_WORK or effort  # fixed work is always effort-driven
    ]
    service.add_tasks(
        "X",
        [
            PlanTask(
                project="X", id=f"T{n}", name=f"{kind} {effort}", type=kind, effort_driven=effort
            )
            for n, (kind, effort) in enumerate(kinds)
        ],
    )
    for n in range(len(kinds)):
        service.assign("X", f"T{n}", "ADA", units=50)
    written = tmp_path / "X.xml"
    write_mspdi(document_from_store(store, "X"), written)
    read = read_document(written)
    wanted = {f"T{n}": kind for n, kind in enumerate(kinds)}
    assert {t.id: (t.type, t.effort_driven) for t in read.tasks} == wanted
    import_document(store, read, as_project="Y")
    assert {t.id: (t.type, t.effort_driven) for t in service.tasks("Y")} == wanted
    assert {(a.task, a.units, a.work) for a in service.assignments("Y")} == {
        (f"T{n}", 50, 240) for n in range(len(kinds))
    }
    store.dispose()


def test_roundtrip__a_resources_last_available_day_is_its_availability_in_the_file(
    tmp_path: Path,
) -> None:
    store = open_store("plan", f"sqlite:///{tmp_path / 'plan.db'}", "plan")
    service = PlanService(store)
    service.add_project(PlanProject(id="X", name="Leavers", start=MONDAY))
    service.add_resource(PlanResource(id="ADA", name="Ada", available_until=dt.date(2026, 3, 31)))
    service.add_resource(PlanResource(id="BOB", name="Bob", max_units=50))
    service.add_tasks("X", [PlanTask(project="X", id="T1", name="Dig", duration=480)])
    for resource in ("ADA", "BOB"):
        service.assign("X", "T1", resource)
    written = tmp_path / "X.xml"
    write_mspdi(document_from_store(store, "X"), written)
    periods = written.read_text().split("<AvailabilityPeriod>")[1:]
    assert any("<AvailableTo>2026-03-31T23:59:00</AvailableTo>" in p for p in periods)
    read = read_document(written)
    assert {r.name: (r.available_until, r.max_units) for r in read.resources} == {
        "Ada": (dt.date(2026, 3, 31), 100),
        "Bob": (None, 50),
    }
    elsewhere = open_store("plan", f"sqlite:///{tmp_path / 'elsewhere.db'}", "plan")
    import_document(elsewhere, read, as_project="Y")
    assert {r.id: r.available_until for r in PlanService(elsewhere).resources()} == {
        "ADA": dt.date(2026, 3, 31),
        "BOB": None,
    }
    store.dispose()
    elsewhere.dispose()
