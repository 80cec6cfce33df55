"""Projects born on the plan side: a plan project that names an integrated
company becomes, at the next run, the ledger project of the same id, its tasks
activities under it, everything linked so that later edits flow both ways."""

from __future__ import annotations

import datetime as dt

from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store
from projsync.ledger.model import ProjectType
from projsync.ledger.service import LedgerService
from projsync.plan.entities import CustomField, FieldEntity, FieldType, PlanProject, PlanTask
from projsync.plan.fields import add_field, field_values, set_field_value
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.sync import settings
from projsync.sync.log import entries
from projsync.sync.reconcile import reconcile
from tests.ledger.conftest import ledger
from tests.sync.conftest import engine, integrate, stores

__all__ = ["ledger", "stores"]

MONDAY = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def plan_project(
    plan: Store, project: str = "NEW", *, company: str | None = "DEMO", **fields: str
) -> None:
    """A plan project made on the plan side: a summary task over two tasks,
    its company (and other ledger facts) in its custom fields."""
    service = PlanService(plan)
    service.add_project(PlanProject(id=project, name="Warehouse fit-out", start=MONDAY))
    service.add_tasks(
        project,
        [
            PlanTask(project=project, id="1", name="Shelving", position=1),
            PlanTask(project=project, id="2", name="Racks", parent="1", position=2, duration=960),
            PlanTask(project=project, id="3", name="Lighting", parent="1", position=3),
        ],
    )
    schedule_project(plan, project)
    for name, value in {"DAX_03_Company": company, **fields}.items():
        if value is not None:
            define(plan, name)
            set_field_value(plan, name, project, value)


def define(plan: Store, name: str) -> None:
    from projsync.plan.fields import fields

    if name not in {f.name for f in fields(plan)}:
        add_field(plan, CustomField(name=name, entity=FieldEntity.PROJECT, type=FieldType.TEXT))


def test_born__a_plan_project_naming_an_integrated_company_becomes_a_ledger_project_with_its_wbs(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    plan_project(plan)

    engine(ledger, plan, sync).run()

    made = ledger.project("NEW")
    assert (made.company, made.name, made.type, made.parent) == (
        "DEMO",
        "Warehouse fit-out",
        ProjectType.TIME_MATERIAL,
        None,
    )
    assert (made.start, made.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    activities = {a.number: a for a in ledger.activities("NEW")}
    assert {n: (a.name, a.parent) for n, a in activities.items()} == {
        "1": ("Shelving", None),
        "2": ("Racks", "1"),
        "3": ("Lighting", "1"),
    }
    assert settings.project_settings_of(sync)["NEW"].integrate is True


def test_born__a_born_project_settles_and_edits_flow_both_ways_after(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    plan_project(plan)
    engine(ledger, plan, sync).run()
    engine(ledger, plan, sync).run()

    settled = engine(ledger, plan, sync).run()
    assert (settled.created, settled.updated, settled.failed, settled.refused) == (0, 0, 0, 0)
    check = reconcile(sync, LedgerConnector(ledger.store), PlanConnector(plan), project="NEW")
    assert check.differences == ()
    with plan.read() as conn:
        marked = field_values(conn, ["NEW"])["NEW"]
    assert (marked["DAX_01_ProjectId"], marked["DAX_07_ProjectStatus"]) == ("NEW", "created")

    PlanService(plan).update_task("NEW", "3", name="Lighting and power")
    ledger.update_activity("NEW", "2", name="Pallet racks")
    engine(ledger, plan, sync).run()

    assert ledger.activity("NEW", "3").name == "Lighting and power"
    tasks = {t.id: t.name for t in PlanService(plan).tasks("NEW")}
    assert tasks["2"] == "Pallet racks"


def test_born__type_contract_and_customer_come_from_the_plan_else_the_companys_defaults(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    settings.set_company(sync, "DEMO", project_type="fixed-price", contract="C-9", customer="ACME")
    plan_project(plan, "NEW", DAX_08_Contract="C-12")
    plan_project(plan, "NEW2", DAX_06_ProjectType="internal")

    engine(ledger, plan, sync).run()

    one, two = ledger.project("NEW"), ledger.project("NEW2")
    assert (one.type, one.contract, one.customer) == (ProjectType.FIXED_PRICE, "C-12", "ACME")
    assert (two.type, two.contract, two.customer) == (ProjectType.INTERNAL, "C-9", "ACME")


def test_born__refused_projects_are_held_in_the_log_with_the_reason_once(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    plan_project(plan, "NEW", company="OTHER")  # a company not integrated
    plan_project(plan, "P2")  # the ledger has a P2 already

    engine(ledger, plan, sync).run()
    engine(ledger, plan, sync).run()

    held = sorted(
        (e.entity_key, e.status.value, e.error or "")
        for e in entries(sync)
        if e.entity_type == "project header" and e.origin == "plan"
    )
    assert [(key, status) for key, status, _ in held] == [("NEW", "refused"), ("P2", "refused")]
    assert "company OTHER is not integrated" in held[0][2]
    assert "the ledger has a project P2 already" in held[1][2]
    assert [p.id for p in ledger.projects() if p.id == "NEW"] == []
    assert ledger.project("P2").name == "Office move"  # untouched


def test_born__a_plan_project_naming_no_company_stays_the_plans_own(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    plan_project(plan, "NEW", company=None)

    engine(ledger, plan, sync).run()

    assert "NEW" not in {p.id for p in ledger.projects()}
    assert [e for e in entries(sync) if e.entity_key.startswith("NEW")] == []


def test_born__a_company_named_later_makes_the_project_then_with_all_its_tasks(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    plan_project(plan, "NEW", company=None)
    engine(ledger, plan, sync).run()
    define(plan, "DAX_03_Company")

    set_field_value(plan, "DAX_03_Company", "NEW", "DEMO")
    report = engine(ledger, plan, sync).run()

    assert report.refused == 0
    assert ledger.project("NEW").company == "DEMO"
    assert sorted(a.number for a in ledger.activities("NEW")) == ["1", "2", "3"]


def test_born__what_only_the_ledger_holds_reaches_the_plan_in_the_run_that_makes_the_project(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    settings.set_company(sync, "DEMO", project_type="fixed-price", contract="C-9")
    plan_project(plan)

    engine(ledger, plan, sync).run()

    with plan.read() as conn:
        marked = field_values(conn, ["NEW"])["NEW"]
    assert (marked["DAX_06_ProjectType"], marked["DAX_08_Contract"]) == ("fixed-price", "C-9")
    after = engine(ledger, plan, sync).run()
    assert (after.created, after.updated, after.deleted, after.failed) == (0, 0, 0, 0)
