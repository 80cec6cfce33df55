"""Timesheets: a resource's hours per task and day, and the flow of its weeks."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest

from projsync.errors import InputError
from projsync.plan.changes import current_version
from projsync.plan.entities import PlanProject, PlanTask, TimesheetCell, TimesheetStatus
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.plan.timesheets import TimesheetService, parse_week, week_name
from tests.conftest import BACKENDS

MONDAY = dt.date(2026, 3, 2)  # 2026-W10
TUESDAY = MONDAY + dt.timedelta(days=1)
S = TimesheetStatus


def cell(task: str, day: dt.date, hours: str, note: str = "") -> TimesheetCell:
    return TimesheetCell(project="X", task=task, day=day, hours=Decimal(hours), note=note)


def problems(caught: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def sheets(plan: PlanService) -> TimesheetService:
    return TimesheetService(plan.store)


def test_week__names_and_parsing_round_trip() -> None:
    assert parse_week("2026-W10") == MONDAY
    assert week_name(MONDAY + dt.timedelta(days=6)) == "2026-W10"
    assert parse_week("2020-W53") == dt.date(2020, 12, 28)
    for bad in ("2026-10", "2026-W54", "2026-W00", "W10", "2025-W53", "9999-W52", "0001-W01"):
        with pytest.raises(InputError, match="is not an ISO week"):
            parse_week(bad)


def test_record__sets_a_cell_and_setting_it_again_replaces_its_hours(
    sheets: TimesheetService,
) -> None:
    (first,) = sheets.record("ADA", [cell("T1", MONDAY, "3.5", "survey")])
    (again,) = sheets.record("ADA", [cell("T1", MONDAY, "4")])
    assert (again.id, again.hours, again.note) == (first.id, Decimal("4.00"), "")
    assert again.version > first.version and again.status is S.DRAFT
    assert [line.hours for line in sheets.lines()] == [Decimal("4.00")]


def test_record__every_problem_at_once_and_nothing_written(sheets: TimesheetService) -> None:
    sheets.record("ADA", [cell("T1", TUESDAY, "20")])
    before = current_version_of(sheets)
    with pytest.raises(InputError) as caught:
        sheets.record(
            "ADA",
            [
                cell("T3", MONDAY, "2"),  # fine alone: refused with the others
                cell("T4", TUESDAY, "25"),
                cell("T0", TUESDAY, "1"),
                cell("T2", TUESDAY, "-1"),
                cell("T3", TUESDAY, "5", note="two\nlines"),
                cell("T2", MONDAY, "1.234"),
            ],
        )
    assert problems(caught) == [
        "line 2026-03-03 X/T4: hours 25 exceed 24",
        "line 2026-03-03 X/T4: unknown task T4",
        "line 2026-03-03 X/T0: task T0 is a summary task; record hours on its subtasks",
        "line 2026-03-03 X/T2: hours -1 cannot be negative",
        "line 2026-03-03 X/T3: note holds a character that is not printable "
        "(a line break, a tab, ...)",
        "line 2026-03-02 X/T2: hours 1.234 have more than 2 decimal places",
        "day 2026-03-03 of ADA: hours add up to 26.00, more than 24",
    ]
    assert current_version_of(sheets) == before
    assert [(line.task, line.day) for line in sheets.lines()] == [("T1", TUESDAY)]


def test_record__a_day_holds_24_hours_of_a_resource_over_all_projects(
    sheets: TimesheetService, plan: PlanService
) -> None:
    plan.add_project(PlanProject(id="Y", name="Other", start=dt.datetime(2026, 3, 2, 8)))
    plan.add_task(PlanTask(project="Y", id="T1", name="Other work"))
    sheets.record("ADA", [cell("T1", MONDAY, "16")])
    other = TimesheetCell(project="Y", task="T1", day=MONDAY, hours=Decimal("8"))
    sheets.record("ADA", [other])  # 24 in all: taken
    with pytest.raises(InputError) as caught:
        sheets.record(
            "ADA", [TimesheetCell(project="Y", task="T1", day=MONDAY, hours=Decimal("8.01"))]
        )
    assert problems(caught) == ["day 2026-03-02 of ADA: hours add up to 24.01, more than 24"]
    sheets.record("BOB", [cell("T1", MONDAY, "24")])  # another resource's day is his own


def test_record__unknown_resource_and_project_are_named(sheets: TimesheetService) -> None:
    with pytest.raises(InputError, match="resource NOBODY: unknown resource"):
        sheets.record("NOBODY", [cell("T1", MONDAY, "1")])
    with pytest.raises(InputError) as caught:
        sheets.record("ADA", [TimesheetCell(project="Q", task="T1", day=MONDAY, hours=Decimal(1))])
    assert problems(caught) == ["line 2026-03-02 Q/T1: unknown project Q"]
    with pytest.raises(InputError, match="day 9999-12-31 is outside the timesheets' days"):
        sheets.record("ADA", [cell("T1", dt.date(9999, 12, 31), "1")])
    with pytest.raises(InputError, match="given twice"):
        sheets.record("ADA", [cell("T1", MONDAY, "1"), cell("T1", MONDAY, "2")])


def test_week__draft_submitted_approved_and_locked_meanwhile(sheets: TimesheetService) -> None:
    sheets.record("ADA", [cell("T1", MONDAY, "8"), cell("T3", TUESDAY, "6")])
    assert sheets.week("ADA", TUESDAY).status is S.DRAFT
    with pytest.raises(InputError) as caught:
        sheets.approve("ADA", MONDAY)
    assert problems(caught) == ["week 2026-W10 of ADA: is draft, not submitted"]
    submitted = sheets.submit("ADA", MONDAY)
    assert (submitted.status, submitted.hours, submitted.lines) == (S.SUBMITTED, Decimal(14), 2)
    with pytest.raises(InputError) as caught:
        sheets.record("ADA", [cell("T1", MONDAY, "7")])
    assert problems(caught) == [
        "week 2026-W10 of ADA: is submitted: its hours change again once a manager rejects it"
    ]
    sheets.approve("ADA", MONDAY)
    assert {line.status for line in sheets.lines()} == {S.APPROVED}
    with pytest.raises(
        InputError, match="is approved: its hours change again once a manager reopens"
    ):
        sheets.record("ADA", [cell("T1", MONDAY, "0")])
    with pytest.raises(
        InputError, match="is approved: only a draft or a rejected week is submitted"
    ):
        sheets.submit("ADA", MONDAY)
    sheets.record("ADA", [cell("T1", MONDAY + dt.timedelta(days=7), "1")])  # the next week is open


def test_week__a_rejected_week_keeps_the_comment_is_edited_and_submitted_again(
    sheets: TimesheetService,
) -> None:
    sheets.record("ADA", [cell("T1", MONDAY, "8")])
    sheets.submit("ADA", MONDAY)
    with pytest.raises(InputError, match="a rejection needs a comment saying why"):
        sheets.reject("ADA", MONDAY, "  ")
    rejected = sheets.reject("ADA", MONDAY, "Monday was a holiday")
    assert (rejected.status, rejected.comment) == (S.REJECTED, "Monday was a holiday")
    sheets.record("ADA", [cell("T1", MONDAY, "0"), cell("T1", TUESDAY, "8")])
    assert sheets.submit("ADA", MONDAY).comment == "Monday was a holiday"  # the approver sees why
    approved = sheets.approve("ADA", MONDAY)
    assert (approved.status, approved.comment, approved.hours) == (S.APPROVED, "", Decimal(8))


def test_week__an_empty_week_is_not_submitted(sheets: TimesheetService) -> None:
    with pytest.raises(InputError) as caught:
        sheets.submit("ADA", MONDAY)
    assert problems(caught) == ["week 2026-W10 of ADA: holds no hours to submit"]


def test_week__reopening_an_approved_week_makes_its_lines_drafts(sheets: TimesheetService) -> None:
    sheets.record("ADA", [cell("T1", MONDAY, "8")])
    with pytest.raises(InputError, match="is draft, not approved"):
        sheets.reopen("ADA", MONDAY)
    sheets.submit("ADA", MONDAY)
    sheets.approve("ADA", MONDAY)
    reopened = sheets.reopen("ADA", MONDAY, "wrong task")
    assert (reopened.status, reopened.comment) == (S.DRAFT, "wrong task")
    (line,) = sheets.lines()
    assert (line.status, line.approved_once) == (S.DRAFT, True)
    sheets.record("ADA", [cell("T1", MONDAY, "6")])


def test_changes__every_change_bumps_the_version_within_the_plans_high_water(
    sheets: TimesheetService,
) -> None:
    def versions() -> list[int]:
        return [line.version for line in sheets.lines()] + [
            line.version for line in sheets.lines(status=S.DELETED)
        ]

    seen = []
    sheets.record("ADA", [cell("T1", MONDAY, "8"), cell("T3", TUESDAY, "2")])
    for step in (
        lambda: sheets.submit("ADA", MONDAY),
        lambda: sheets.approve("ADA", MONDAY),
        lambda: sheets.reopen("ADA", MONDAY),
        lambda: sheets.record("ADA", [cell("T3", TUESDAY, "0")]),
    ):
        before = max(versions())
        step()
        now = max(versions())
        assert before < now <= current_version_of(sheets)
        seen.append(now)
    assert seen == sorted(seen)


def test_changes__a_line_removed_after_approval_stays_as_a_tombstone(
    sheets: TimesheetService,
) -> None:
    sheets.record("ADA", [cell("T1", MONDAY, "8"), cell("T3", TUESDAY, "2")])
    sheets.record("ADA", [cell("T3", TUESDAY, "0")])  # never approved: simply gone
    assert sheets.lines(status=S.DELETED) == []
    sheets.submit("ADA", MONDAY)
    sheets.approve("ADA", MONDAY)
    cursor = current_version_of(sheets)
    sheets.reopen("ADA", MONDAY)
    sheets.record("ADA", [cell("T1", MONDAY, "0")])
    (tombstone,) = sheets.lines(status=S.DELETED)
    assert tombstone.task == "T1" and tombstone.version > cursor
    assert sheets.lines() == []  # not listed as a line of the week
    changed = sheets.changed_lines(cursor, current_version_of(sheets))
    assert [(e.status, name) for e, name in changed] == [(S.DELETED, "Ada")]
    (again,) = sheets.record("ADA", [cell("T1", MONDAY, "5")])  # the same cell again: same line
    assert (again.id, again.status) == (tombstone.id, S.DRAFT)


def test_changes__only_lines_approved_now_or_once_are_read(sheets: TimesheetService) -> None:
    sheets.record("ADA", [cell("T1", MONDAY, "8")])
    sheets.record("BOB", [cell("T1", MONDAY, "4")])
    sheets.submit("BOB", MONDAY)
    assert sheets.changed_lines(0, current_version_of(sheets)) == []
    sheets.approve("BOB", MONDAY)
    changed = sheets.changed_lines(0, current_version_of(sheets))
    assert [(e.resource, e.status, name) for e, name in changed] == [("BOB", S.APPROVED, "Bob")]


def test_weeks__list_drafts_and_submitted_weeks_with_their_totals(
    sheets: TimesheetService,
) -> None:
    sheets.record("ADA", [cell("T1", MONDAY, "8"), cell("T1", TUESDAY, "1.5")])
    sheets.record("BOB", [cell("T1", MONDAY + dt.timedelta(days=7), "4")])
    sheets.submit("BOB", MONDAY + dt.timedelta(days=7))
    found = [(w.resource, week_name(w.week), w.status, w.hours, w.lines) for w in sheets.weeks()]
    assert found == [
        ("ADA", "2026-W10", S.DRAFT, Decimal("9.50"), 2),
        ("BOB", "2026-W11", S.SUBMITTED, Decimal("4.00"), 1),
    ]
    assert [w.resource for w in sheets.weeks(status=S.SUBMITTED)] == ["BOB"]
    assert [w.resource for w in sheets.weeks(resources=["ADA"], week=MONDAY)] == ["ADA"]


def test_assigned_tasks__those_whose_span_meets_the_week(
    sheets: TimesheetService, plan: PlanService
) -> None:
    plan.assign("X", "T1", "ADA")
    plan.assign("X", "T3", "ADA")
    schedule_project(plan.store, "X")  # T1: 2-4 March; T3: 9-13 March
    assert sheets.assigned_tasks("ADA", MONDAY) == [("X", "T1")]
    assert sheets.assigned_tasks("ADA", MONDAY + dt.timedelta(days=7)) == [("X", "T3")]
    assert sheets.assigned_tasks("BOB", MONDAY) == []


def current_version_of(sheets: TimesheetService) -> int:
    with sheets.store.read() as conn:
        return current_version(conn)


@pytest.mark.parametrize("plan_store", [BACKENDS[1]], indirect=True)
def test_record__a_writer_waits_for_another_of_the_same_resource_and_counts_its_hours(
    sheets: TimesheetService,
) -> None:
    """On PostgreSQL (a SQLite writer holds the whole store): 16 hours being
    written on Monday, another 10 wait for them and are refused."""
    refused: list[InputError] = []

    def meanwhile() -> None:
        try:
            sheets.record("ADA", [cell("T3", MONDAY, "10")])
        except InputError as exc:
            refused.append(exc)

    other = threading.Thread(target=meanwhile)
    with sheets.store.write() as conn:
        sheets.record_in(conn, "ADA", [cell("T1", MONDAY, "16")])
        other.start()
        other.join(timeout=1.0)
        assert other.is_alive()  # waiting for this transaction
    other.join(timeout=10.0)
    assert [str(p) for e in refused for p in e.problems] == [
        "day 2026-03-02 of ADA: hours add up to 26.00, more than 24"
    ]
    assert [line.hours for line in sheets.lines()] == [Decimal("16.00")]


def test_record__a_line_of_a_task_deleted_since_is_still_removed(
    sheets: TimesheetService, plan: PlanService
) -> None:
    plan.add_task(PlanTask(project="X", id="T9", name="Scrapped"))
    sheets.record("ADA", [cell("T9", MONDAY, "3")])
    plan.delete_task("X", "T9")
    with pytest.raises(InputError, match="unknown task T9"):
        sheets.record("ADA", [cell("T9", MONDAY, "4")])
    assert sheets.record("ADA", [cell("T9", MONDAY, "0")]) == []
    assert sheets.lines() == []
