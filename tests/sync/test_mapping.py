"""Ledger facts in plan terms and back: what goes across comes back the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projsync.connectors.base import EntityKind
from projsync.sync.mapping import (
    CUSTOM_FIELDS,
    PLAN_FIELDS_READ,
    field_name,
    ledger_days_of_plan,
    ledger_fields_of_plan,
    neutral_defaults,
    neutral_fields,
    neutral_value,
    plan_fields_of_ledger,
)

texts = st.text(alphabet="ABCDEFGHIJ-0123456789 ", min_size=1, max_size=12)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


def test_mapping__company_travels_as_dax_03_company() -> None:
    plan = plan_fields_of_ledger(
        EntityKind.PROJECT,
        {"name": "Plant", "company": "DEMO"},
        key="P1",
        prefix="DAX_",
        show_rates=False,
    )
    assert plan["name"] == "Plant"
    assert plan["custom_fields"] == {"DAX_03_Company": "DEMO", "DAX_01_ProjectId": "P1"}
    assert plan["custom_lookups"] == ("DAX_03_Company",)


def test_mapping__custom_field_names_are_numbered_and_unique() -> None:
    names = [field_name("DAX_", f) for f in CUSTOM_FIELDS]
    assert len(set(names)) == len(names)
    assert "DAX_03_Company" in names and all(n.startswith("DAX_") for n in names)


def test_mapping__worker_rates_go_across_only_when_shown() -> None:
    fields = {"name": "Ada", "cost_price": Decimal("50"), "sales_price": Decimal("120")}
    hidden = plan_fields_of_ledger(
        EntityKind.RESOURCE, fields, key="W1", prefix="DAX_", show_rates=False
    )
    shown = plan_fields_of_ledger(
        EntityKind.RESOURCE, fields, key="W1", prefix="DAX_", show_rates=True
    )
    assert "standard_rate" not in hidden and "DAX_14_SalesPrice" not in hidden["custom_fields"]
    assert (
        shown["standard_rate"] == Decimal("50")
        and shown["custom_fields"]["DAX_14_SalesPrice"] == "120"
    )


def test_mapping__an_end_date_is_the_resources_availability_where_the_side_keeps_one() -> None:
    last = dt.date(2026, 3, 31)
    sent = plan_fields_of_ledger(
        EntityKind.RESOURCE, {"end_date": last}, key="W1", prefix="DAX_", show_rates=False
    )
    assert sent["available_until"] == last
    cleared = plan_fields_of_ledger(
        EntityKind.RESOURCE, {"end_date": None}, key="W1", prefix="DAX_", show_rates=False
    )
    assert "available_until" in cleared and cleared["available_until"] is None
    kept = {"name": "Ada", "available_until": last, "custom_fields": {}}
    assert ledger_fields_of_plan(EntityKind.RESOURCE, kept, prefix="DAX_")["end_date"] == last
    unkept = {"name": "Ada", "custom_fields": {}}  # as Redmine's users: nothing said of it
    assert "end_date" not in ledger_fields_of_plan(EntityKind.RESOURCE, unkept, prefix="DAX_")
    assert neutral_value("end_date", "2026-03-31") == last


@given(
    name=texts,
    category=st.none() | texts,
    start=days,
    length=st.integers(0, 200),
    hours=st.decimals(min_value=0, max_value=5000, places=2),
    budget=st.decimals(min_value=0, max_value=10**9, places=2),
)
def test_mapping__activity_fields_survive_the_trip_to_the_plan_and_back(
    name: str, category: str | None, start: dt.date, length: int, hours: Decimal, budget: Decimal
) -> None:
    activity = {
        "name": name,
        "category": category,
        "start": start,
        "end": start + dt.timedelta(days=length),
        "planned_hours": hours,
        "budget_cost": budget,
    }
    neutral = neutral_fields(EntityKind.TASK, activity)
    plan = plan_fields_of_ledger(
        EntityKind.TASK, neutral, key="P1/A1", prefix="AX_", show_rates=False
    )
    back = ledger_fields_of_plan(EntityKind.TASK, plan, prefix="AX_")
    assert set(back) >= {"name", "category", "start", "end", "planned_hours", "budget_cost"}
    assert back == {k: neutral[k] for k in back}
    # the plan keeps whole minutes: hours are taken at that precision on both sides
    assert abs(Decimal(str(neutral["planned_hours"])) - hours) <= Decimal("0.01")


@given(
    company=texts,
    customer=st.none() | texts,
    kind=st.sampled_from(["time-material", "fixed-price", "internal"]),
    status=st.sampled_from(["created", "in-process", "finished"]),
    start=days,
)
def test_mapping__project_facts_survive_the_trip_and_the_start_comes_back_as_projected(
    company: str, customer: str | None, kind: str, status: str, start: dt.date
) -> None:
    facts = {"name": "Plant", "company": company, "customer": customer, "type": kind}
    neutral = {**facts, "status": status, "project_start": start}
    plan = plan_fields_of_ledger(
        EntityKind.PROJECT, neutral, key="P1", prefix="DAX_", show_rates=False
    )
    back = ledger_fields_of_plan(EntityKind.PROJECT, plan, prefix="DAX_")
    assert {k: back[k] for k in (*facts, "status")} == {**facts, "status": status}
    # the plan schedules from the project's start: it is the plan's start, not the ledger's
    assert back["projected_start"] == start and "project_start" not in back


def test_mapping__a_projects_own_start_goes_to_the_plan_and_its_end_never_does() -> None:
    project = {
        "name": "Plant",
        "start": dt.date(2026, 3, 2),
        "end": dt.date(2026, 9, 30),
        "projected_start": dt.date(2026, 3, 2),
        "projected_end": dt.date(2026, 4, 22),
    }
    neutral = neutral_fields(EntityKind.PROJECT, project)
    assert neutral["project_start"] == dt.date(2026, 3, 2)
    assert (neutral["projected_start"], neutral["projected_end"]) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 22),
    )
    assert not {"start", "end", "project_end"} & set(neutral)  # the end is compared with nothing
    plan = plan_fields_of_ledger(
        EntityKind.PROJECT, neutral, key="P1", prefix="DAX_", show_rates=False
    )
    assert plan["start"] == dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 (plan wall clock)
    assert not {"finish", "projected_start", "projected_end"} & set(plan)
    assert not any("2026-04-22" in str(v) for v in plan["custom_fields"].values())


def test_mapping__a_plan_projects_schedule_comes_back_as_its_projected_dates_only() -> None:
    scheduled = {
        "id": "P1",
        "name": "Plant",
        "start": dt.datetime(2026, 3, 2, 8),  # noqa: DTZ001 (plan wall clock)
        "finish": dt.datetime(2026, 4, 22, 17),  # noqa: DTZ001
        "custom_fields": {"DAX_01_ProjectId": "P1"},
    }
    back = ledger_fields_of_plan(EntityKind.PROJECT, scheduled, prefix="DAX_")
    assert (back["projected_start"], back["projected_end"]) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 22),
    )
    assert not {"start", "end", "project_start"} & set(back)
    unscheduled = ledger_fields_of_plan(
        EntityKind.PROJECT, {**scheduled, "finish": None}, prefix="DAX_"
    )
    assert "projected_end" not in unscheduled  # a finish not computed yet says nothing


def test_mapping__a_start_the_plan_settled_itself_is_the_projected_start() -> None:
    chosen = {"start": dt.datetime(2026, 8, 3, 8)}  # noqa: DTZ001 (plan wall clock)
    assert neutral_defaults(chosen) == {"projected_start": dt.date(2026, 8, 3)}
    finished = {**chosen, "finish": dt.datetime(2026, 9, 4, 17)}  # noqa: DTZ001
    assert neutral_defaults(finished) == {
        "projected_start": dt.date(2026, 8, 3),
        "projected_end": dt.date(2026, 9, 4),
    }


MON = dt.date(2026, 3, 2)


def _week(*minutes: int) -> tuple[tuple[dt.date, int], ...]:
    return tuple((MON + dt.timedelta(days=i), m) for i, m in enumerate(minutes))


def test_mapping__an_assignments_days_are_read_from_the_plan() -> None:
    assert "work_by_day" in PLAN_FIELDS_READ


def test_mapping__ten_hours_over_three_days_are_hundredths_that_add_up() -> None:
    days = ledger_days_of_plan({"work": 600, "work_by_day": _week(200, 200, 200)})
    assert days == (
        (MON, Decimal("3.33")),
        (MON + dt.timedelta(days=1), Decimal("3.33")),
        (MON + dt.timedelta(days=2), Decimal("3.34")),
    )


def test_mapping__the_days_add_up_to_the_hours_the_merge_compares() -> None:
    week = _week(533, 533, 534, 533, 533, 534, 533, 533, 535)
    plan = {"work": 4801, "work_by_day": week}
    days = ledger_days_of_plan(plan)
    hours = ledger_fields_of_plan(EntityKind.ASSIGNMENT, plan, prefix="")["hours"]
    assert hours == Decimal("80.02")
    assert sum(h for _, h in days) == hours
    assert [d for d, _ in days] == [d for d, _ in week]


def test_mapping__no_days_when_the_plan_gives_none_or_no_work() -> None:
    assert ledger_days_of_plan({"work": 600}) == ()
    assert ledger_days_of_plan({"work": 600, "work_by_day": ()}) == ()
    assert ledger_days_of_plan({"work": 0, "work_by_day": _week(480)}) == ()


@given(
    work=st.integers(min_value=1, max_value=10**7),
    minutes=st.lists(st.integers(min_value=0, max_value=1440), min_size=1, max_size=120),
)
def test_mapping__days_never_lose_or_make_a_hundredth(work: int, minutes: list[int]) -> None:
    plan = {"work": work, "work_by_day": _week(*minutes)}
    days = ledger_days_of_plan(plan)
    if sum(minutes) == 0:
        assert days == ()
    else:
        assert (
            sum(h for _, h in days)
            == ledger_fields_of_plan(EntityKind.ASSIGNMENT, plan, prefix="")["hours"]
        )
        assert all(h > 0 and h == h.quantize(Decimal("0.01")) for _, h in days)
        assert [d for d, _ in days] == sorted({d for d, _ in days})
