"""A conflict is held until a person decides, or both sides come to agree.

The story: the accountant renames an activity, the project manager renames
its task differently, a sync holds the conflict. Whatever happens next on
either side (hours posted, progress in the plan, another field changed, a
second edit), no name is written over without a person's decision; the
decision, once made, reaches both sides and is logged with who made it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.db import Store
from projsync.errors import InputError
from projsync.ledger.forecasts import add_forecast, list_forecasts, update_forecast
from projsync.ledger.model import ForecastKind
from projsync.ledger.service import LedgerService
from projsync.plan.service import PlanService
from projsync.sync import settings
from projsync.sync.log import LogEntry, LogStatus, entries, resync_entry
from projsync.sync.reconcile import reconcile
from projsync.sync.requests import resolve_conflict
from tests.sync.conftest import D, engine, integrate, names, post_hours


def held_conflict(stores: tuple[LedgerService, Store, Store]) -> LogEntry:
    """A1 renamed on both sides differently, synchronized: the conflict held."""
    ledger, plan, sync = stores
    integrate(ledger, sync)
    engine(ledger, plan, sync).run()
    ledger.update_activity("P1", "A1", name="Design (ledger)")
    PlanService(plan).update_task("P1", "A1", name="Design (plan)")
    report = engine(ledger, plan, sync).run()
    assert report.conflicts == 1
    (entry,) = entries(sync, status=LogStatus.CONFLICT)
    return entry


def test_conflict__held_while_hours_are_posted_on_the_activity(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    post_hours(ledger, "A1", "3")
    for _ in range(3):  # the hours reach the plan, the task's progress comes back
        engine(ledger, plan, sync).run()
    assert names(ledger, plan, "A1") == ("Design (ledger)", "Design (plan)")
    (still,) = entries(sync, entry_id=entry.id)
    assert still.status is LogStatus.CONFLICT
    both = engine(ledger, plan, sync)
    assert reconcile(sync, both.ledger, both.plan).differences == ()


def test_conflict__held_while_the_plan_changes_only_the_progress(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    PlanService(plan).update_task("P1", "A1", percent_complete=40)
    engine(ledger, plan, sync).run()
    engine(ledger, plan, sync).run()
    assert names(ledger, plan, "A1") == ("Design (ledger)", "Design (plan)")
    (still,) = entries(sync, entry_id=entry.id)
    assert still.status is LogStatus.CONFLICT


def test_conflict__held_while_the_ledger_changes_another_field(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    held_conflict(stores)
    ledger.update_activity("P1", "A1", planned_hours=Decimal("30"))
    engine(ledger, plan, sync).run()
    assert names(ledger, plan, "A1") == ("Design (ledger)", "Design (plan)")
    task = {t.id: t for t in PlanService(plan).tasks("P1")}["A1"]
    assert task.budget_work == 30 * 60  # the other field went across


def test_conflict__a_second_edit_on_one_side_renews_it_with_the_new_value(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    PlanService(plan).update_task("P1", "A1", name="Design (plan, again)")
    report = engine(ledger, plan, sync).run()
    assert report.conflicts == 1
    (renewed,) = entries(sync, status=LogStatus.CONFLICT)
    assert renewed.id == entry.id
    assert (renewed.payload["ledger"], renewed.payload["plan"]) == (
        "Design (ledger)",
        "Design (plan, again)",
    )


def test_conflict__ends_when_both_sides_come_to_agree_by_their_own_edits(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    PlanService(plan).update_task("P1", "A1", name="Design (ledger)")
    report = engine(ledger, plan, sync).run()
    assert report.conflicts == 0
    (done,) = entries(sync, entry_id=entry.id)
    assert done.status is LogStatus.COMPLETED
    quiet = engine(ledger, plan, sync).run()
    assert (quiet.created, quiet.updated, quiet.conflicts) == (0, 0, 0)


@pytest.mark.parametrize(
    ("keep", "value", "kept"),
    [
        ("ledger", None, "Design (ledger)"),
        ("plan", None, "Design (plan)"),
        (None, "Design and drawings", "Design and drawings"),
    ],
)
def test_conflict__resolved_by_a_person_reaches_both_sides_and_is_logged(
    stores: tuple[LedgerService, Store, Store], keep: str | None, value: str | None, kept: str
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    resolve_conflict(sync, entry.id, keep=keep, value=value, user="carl")
    report = engine(ledger, plan, sync).run()
    assert (report.failed, report.conflicts) == (0, 0)
    assert names(ledger, plan, "A1") == (kept, kept)
    (done,) = entries(sync, entry_id=entry.id)
    assert done.status is LogStatus.COMPLETED
    decision = done.payload["resolution"]
    assert (decision["by"], decision["kept"]) == ("carl", kept)
    assert dt.datetime.fromisoformat(decision["at"]).tzinfo is not None
    quiet = engine(ledger, plan, sync).run()
    assert (quiet.created, quiet.updated, quiet.conflicts) == (0, 0, 0)


def test_conflict__a_resolved_entry_cannot_be_resolved_again(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    resolve_conflict(sync, entry.id, keep="plan", user="carl")
    with pytest.raises(InputError, match="resolved already by carl"):
        resolve_conflict(sync, entry.id, keep="ledger", user="dora")
    engine(ledger, plan, sync).run()
    with pytest.raises(InputError, match=r"resolved already by carl .*kept 'Design \(plan\)'"):
        resolve_conflict(sync, entry.id, keep="ledger", user="dora")
    assert names(ledger, plan, "A1") == ("Design (plan)", "Design (plan)")


def test_conflict__cannot_be_retried_only_resolved(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    entry = held_conflict(stores)
    with pytest.raises(InputError, match="a person decides a conflict"):
        resync_entry(stores[2], entry.id)


def test_conflict__resolution_is_refused_with_bad_input_and_nothing_is_stored(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    sync = stores[2]
    entry = held_conflict(stores)
    with pytest.raises(InputError, match="either --keep"):
        resolve_conflict(sync, entry.id, user="carl")
    with pytest.raises(InputError, match="either --keep"):
        resolve_conflict(sync, entry.id, keep="ledger", value="x", user="carl")
    with pytest.raises(InputError, match="must be ledger or plan"):
        resolve_conflict(sync, entry.id, keep="both", user="carl")
    with pytest.raises(InputError, match="unknown entry"):
        resolve_conflict(sync, 999_999, keep="ledger", user="carl")
    (untouched,) = entries(sync, entry_id=entry.id)
    assert untouched.status is LogStatus.CONFLICT and "resolution" not in untouched.payload


def test_conflict__a_value_that_does_not_fit_its_field_is_refused(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    settings.set_project(sync, "P1", integrate=True, owners={"hours": "none"})
    add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=D,
        hours=Decimal("30"),
    )
    engine(ledger, plan, sync).run()
    (forecast,) = list_forecasts(ledger.store, "P1")
    update_forecast(ledger.store, forecast.id, hours=Decimal("35"))
    PlanService(plan).assign("P1", "A1", "W1", work=45 * 60)
    engine(ledger, plan, sync).run()
    (entry,) = entries(sync, status=LogStatus.CONFLICT)
    assert (entry.payload["field"], entry.payload["ledger"], entry.payload["plan"]) == (
        "hours",
        "35.00",
        "45.00",
    )
    with pytest.raises(InputError, match="does not fit hours"):
        resolve_conflict(sync, entry.id, value="forty", user="carl")
    resolve_conflict(sync, entry.id, value="40", user="carl")
    engine(ledger, plan, sync).run()
    (assignment,) = PlanService(plan).assignments("P1")
    planned = sum(f.hours or 0 for f in list_forecasts(ledger.store, "P1"))
    assert (planned, assignment.work) == (Decimal("40"), 40 * 60)


def test_conflict__a_decision_the_other_side_overtook_is_held_again(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    resolve_conflict(sync, entry.id, keep="ledger", user="carl")
    PlanService(plan).update_task("P1", "A1", name="Design (plan, after the decision)")
    engine(ledger, plan, sync).run()
    assert names(ledger, plan, "A1") == ("Design (ledger)", "Design (plan, after the decision)")
    (again,) = entries(sync, entry_id=entry.id)
    assert again.status is LogStatus.CONFLICT
    assert "after carl decided" in str(again.error)
    assert again.payload["plan"] == "Design (plan, after the decision)"


def test_conflict__an_owner_set_afterwards_settles_it_at_the_next_run(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, plan, sync = stores
    entry = held_conflict(stores)
    settings.set_project(sync, "P1", owners={"name": "plan"})
    engine(ledger, plan, sync).run()
    assert names(ledger, plan, "A1") == ("Design (plan)", "Design (plan)")
    (done,) = entries(sync, entry_id=entry.id)
    assert done.status is LogStatus.COMPLETED
