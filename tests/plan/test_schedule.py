from datetime import datetime

import pytest

from projsync.plan.calendar import STANDARD
from projsync.plan.model import (
    Assignment,
    Calendar,
    ConstraintType,
    Dependency,
    DependencyCycleError,
    DependencyType,
    LagKind,
    Project,
    ScheduleError,
    Task,
    TaskDates,
)
from projsync.plan.schedule import apply_schedule, schedule

DAY = 480
MONDAY = "2024-01-01 08:00"  # 2024-01-01 is a Monday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def project(start: str = MONDAY, status: str | None = None) -> Project:
    return Project(
        start=at(start),
        calendar=STANDARD,
        status_date=at(status) if status else None,
    )


def dates(
    tasks: list[Task],
    links: list[Dependency] | None = None,
    assignments: list[Assignment] | None = None,
    *,
    plan: Project | None = None,
) -> dict[str, TaskDates]:
    result = schedule(plan or project(), tasks, links or [], assignments or [])
    return {d.task_id: d for d in result.tasks}


def link(
    predecessor: str,
    successor: str,
    kind: DependencyType = DependencyType.FS,
    lag: int = 0,
    lag_kind: LagKind = LagKind.WORKING,
) -> Dependency:
    return Dependency(
        predecessor_id=predecessor, successor_id=successor, type=kind, lag=lag, lag_kind=lag_kind
    )


def test_schedule__a_task_starts_at_the_project_start_and_finishes_at_day_end() -> None:
    got = dates([Task(id="A", duration=3 * DAY)])["A"]
    assert (got.start, got.finish) == (at(MONDAY), at("2024-01-03 17:00"))
    assert got.critical and got.total_slack == 0


def test_schedule__finish_to_start_successor_starts_next_working_morning() -> None:
    got = dates([Task(id="A", duration=DAY), Task(id="B", duration=DAY)], [link("A", "B")])
    assert got["B"].start == at("2024-01-02 08:00")


def test_schedule__finish_to_start_lag_skips_weekend() -> None:
    tasks = [Task(id="A", duration=4 * DAY), Task(id="B", duration=DAY)]
    got = dates(tasks, [link("A", "B", lag=2 * DAY)])
    assert got["A"].finish == at("2024-01-04 17:00")
    assert got["B"].start == at("2024-01-09 08:00")


def test_schedule__negative_lag_overlaps_the_predecessor() -> None:
    tasks = [Task(id="A", duration=3 * DAY), Task(id="B", duration=DAY)]
    got = dates(tasks, [link("A", "B", lag=-DAY)])
    assert got["B"].start == at("2024-01-03 08:00")


def test_schedule__start_to_start_with_lag() -> None:
    tasks = [Task(id="A", duration=3 * DAY), Task(id="B", duration=DAY)]
    got = dates(tasks, [link("A", "B", DependencyType.SS, lag=240)])
    assert got["B"].start == at("2024-01-01 13:00")


def test_schedule__finish_to_finish_aligns_the_finishes() -> None:
    tasks = [Task(id="A", duration=3 * DAY), Task(id="B", duration=DAY)]
    got = dates(tasks, [link("A", "B", DependencyType.FF)])
    assert got["B"].finish == got["A"].finish == at("2024-01-03 17:00")
    assert got["B"].start == at("2024-01-03 08:00")


def test_schedule__finish_to_finish_with_negative_lag() -> None:
    tasks = [Task(id="A", duration=3 * DAY), Task(id="B", duration=DAY)]
    got = dates(tasks, [link("A", "B", DependencyType.FF, lag=-DAY)])
    assert got["B"].finish == at("2024-01-02 17:00")


def test_schedule__start_to_finish_finishes_when_the_predecessor_starts() -> None:
    tasks = [Task(id="A", duration=DAY), Task(id="B", duration=DAY)]
    plan = project()
    got = dates(tasks, [link("A", "B", DependencyType.SF, lag=2 * DAY)], plan=plan)
    assert got["B"].finish == at("2024-01-02 17:00")
    assert got["B"].start == at("2024-01-02 08:00")


def test_schedule__percent_lag_is_a_share_of_the_predecessor_duration() -> None:
    tasks = [Task(id="A", duration=4 * DAY), Task(id="B", duration=DAY)]
    got = dates(tasks, [link("A", "B", DependencyType.SS, 50, LagKind.PERCENT)])
    assert got["B"].start == at("2024-01-03 08:00")


def test_schedule__elapsed_lag_counts_weekend_hours() -> None:
    tasks = [Task(id="A", duration=5 * DAY), Task(id="B", duration=DAY)]
    got = dates(tasks, [link("A", "B", lag=24 * 60, lag_kind=LagKind.ELAPSED)])
    assert got["A"].finish == at("2024-01-05 17:00")
    assert got["B"].start == at("2024-01-08 08:00")


def test_schedule__elapsed_duration_runs_through_the_weekend() -> None:
    tasks = [Task(id="A", duration=5 * DAY), Task(id="Cure", duration=2 * 1440, elapsed=True)]
    got = dates(tasks, [link("A", "Cure")])
    assert got["Cure"].start == at("2024-01-05 17:00")
    assert got["Cure"].finish == at("2024-01-07 17:00")


def test_schedule__task_calendar_is_used_for_its_own_duration() -> None:
    nights = Calendar(name="Nights", week=(((1200, 1440),),) * 7)
    tasks = [Task(id="A", duration=DAY), Task(id="B", duration=240, calendar=nights)]
    got = dates(tasks, [link("A", "B")])
    assert got["B"].start == at("2024-01-01 20:00")
    assert got["B"].finish == at("2024-01-02 00:00")


def test_schedule__start_no_earlier_than_moves_the_task() -> None:
    snet = Task(
        id="A", duration=DAY, constraint=ConstraintType.SNET, constraint_date=at("2024-01-03 08:00")
    )
    assert dates([snet])["A"].start == at("2024-01-03 08:00")


def test_schedule__finish_no_earlier_than_moves_the_finish() -> None:
    fnet = Task(
        id="A", duration=DAY, constraint=ConstraintType.FNET, constraint_date=at("2024-01-03 17:00")
    )
    assert dates([fnet])["A"].start == at("2024-01-03 08:00")


def test_schedule__must_start_on_pins_the_task_even_against_its_links() -> None:
    tasks = [
        Task(id="A", duration=3 * DAY),
        Task(
            id="B",
            duration=DAY,
            constraint=ConstraintType.MSO,
            constraint_date=at("2024-01-02 08:00"),
        ),
    ]
    got = dates(tasks, [link("A", "B")])
    assert got["B"].start == at("2024-01-02 08:00")
    assert got["A"].total_slack < 0  # the link can only hold if A were done earlier


def test_schedule__finish_no_later_than_gives_negative_slack_without_moving() -> None:
    tasks = [
        Task(id="A", duration=3 * DAY),
        Task(
            id="B",
            duration=DAY,
            constraint=ConstraintType.FNLT,
            constraint_date=at("2024-01-03 17:00"),
        ),
    ]
    got = dates(tasks, [link("A", "B")])
    assert got["B"].start == at("2024-01-04 08:00")
    assert got["B"].total_slack == -DAY
    assert got["A"].total_slack == -DAY


def test_schedule__as_late_as_possible_moves_into_free_slack() -> None:
    tasks = [
        Task(id="Long", duration=5 * DAY),
        Task(id="Late", duration=DAY, constraint=ConstraintType.ALAP),
        Task(id="End", duration=DAY),
    ]
    got = dates(tasks, [link("Long", "End"), link("Late", "End")])
    assert got["Late"].start == at("2024-01-05 08:00")
    assert got["Late"].early_start == at(MONDAY)


def test_schedule__deadline_changes_slack_but_not_dates() -> None:
    plain = dates([Task(id="A", duration=DAY), Task(id="B", duration=3 * DAY)])
    tasks = [
        Task(id="A", duration=DAY, deadline=at("2024-01-02 17:00")),
        Task(id="B", duration=3 * DAY),
    ]
    got = dates(tasks)
    assert got["A"].start == plain["A"].start and got["A"].finish == plain["A"].finish
    assert plain["A"].total_slack == 2 * DAY
    assert got["A"].total_slack == DAY


def test_schedule__missed_deadline_makes_the_task_critical() -> None:
    got = dates([Task(id="A", duration=3 * DAY, deadline=at("2024-01-02 17:00"))])
    assert got["A"].total_slack == -DAY
    assert got["A"].critical


def test_schedule__slack_and_critical_path() -> None:
    sizes = (("A", 2), ("B", 1), ("C", 3), ("D", 1))
    tasks = [Task(id=name, duration=days * DAY) for name, days in sizes]
    got = dates(tasks, [link("A", "B"), link("A", "C"), link("B", "D"), link("C", "D")])
    assert [t for t in "ABCD" if got[t].critical] == ["A", "C", "D"]
    assert got["B"].total_slack == 2 * DAY
    assert got["B"].free_slack == 2 * DAY
    assert got["B"].late_start == at("2024-01-05 08:00")


def test_schedule__free_slack_is_what_a_task_can_slip_without_moving_a_successor() -> None:
    tasks = [Task(id="A", duration=DAY), Task(id="B", duration=DAY), Task(id="C", duration=4 * DAY)]
    got = dates(tasks, [link("A", "B")])
    assert got["A"].free_slack == 0
    assert got["A"].total_slack == 2 * DAY
    assert got["B"].free_slack == 2 * DAY


def test_schedule__milestone_sits_at_its_predecessor_finish() -> None:
    tasks = [Task(id="A", duration=DAY), Task(id="M", milestone=True, duration=DAY)]
    got = dates(tasks, [link("A", "M")])
    assert got["M"].start == got["M"].finish == at("2024-01-01 17:00")
    assert got["M"].duration == 0


def test_schedule__summary_rolls_up_dates_and_work_of_its_children() -> None:
    tasks = [
        Task(id="S"),
        Task(id="A", parent_id="S", duration=DAY, work=DAY),
        Task(id="B", parent_id="S", duration=2 * DAY, work=2 * DAY),
        Task(id="Late", parent_id="S", duration=DAY),
    ]
    got = dates(tasks, [link("A", "Late")])
    summary = got["S"]
    assert summary.summary
    assert (summary.start, summary.finish) == (at(MONDAY), at("2024-01-02 17:00"))
    assert summary.work == 3 * DAY
    assert summary.duration == 2 * DAY


def test_schedule__a_link_to_a_summary_applies_to_all_its_children() -> None:
    tasks = [
        Task(id="Before", duration=2 * DAY),
        Task(id="S"),
        Task(id="A", parent_id="S", duration=DAY),
        Task(id="B", parent_id="S", duration=DAY),
        Task(id="After", duration=DAY),
    ]
    got = dates(tasks, [link("Before", "S"), link("S", "After")])
    assert got["A"].start == got["B"].start == at("2024-01-03 08:00")
    assert got["After"].start == at("2024-01-04 08:00")


def test_schedule__effort_driven_duration_is_work_over_units() -> None:
    tasks = [
        Task(id="One", work=24 * 60, effort_driven=True),
        Task(id="Two", work=24 * 60, effort_driven=True),
    ]
    staff = [
        Assignment(task_id="One", resource_id="R1", units=100),
        Assignment(task_id="Two", resource_id="R1", units=100),
        Assignment(task_id="Two", resource_id="R2", units=100),
    ]
    got = dates(tasks, assignments=staff)
    assert got["One"].duration == 3 * DAY
    assert got["Two"].duration == 3 * DAY // 2
    assert got["Two"].finish == at("2024-01-02 12:00")


def test_schedule__half_time_resource_doubles_the_duration() -> None:
    staff = [Assignment(task_id="A", resource_id="R", units=50, work=DAY)]
    assert dates([Task(id="A")], assignments=staff)["A"].duration == 2 * DAY


def test_schedule__progress_keeps_actuals_and_moves_remaining_work_after_status_date() -> None:
    plan = project(status="2024-01-10 17:00")
    tasks = [
        Task(
            id="Done",
            duration=DAY,
            percent_complete=100,
            actual_start=at("2024-01-01 08:00"),
            actual_finish=at("2024-01-01 17:00"),
        ),
        Task(id="Half", duration=4 * DAY, percent_complete=50, actual_start=at("2024-01-02 08:00")),
        Task(id="Next", duration=DAY),
    ]
    got = dates(tasks, [link("Done", "Next")], plan=plan)
    assert (got["Done"].start, got["Done"].finish) == (at(MONDAY), at("2024-01-01 17:00"))
    assert got["Half"].start == at("2024-01-02 08:00")
    # two days done by 3 January; the two remaining days resume after the status date
    assert got["Half"].finish == at("2024-01-12 17:00")
    assert got["Next"].start == at("2024-01-11 08:00")


def test_schedule__remaining_work_not_behind_schedule_stays_put() -> None:
    plan = project(status="2024-01-02 17:00")
    tasks = [Task(id="Half", duration=4 * DAY, percent_complete=50, actual_start=at(MONDAY))]
    assert dates(tasks, plan=plan)["Half"].finish == at("2024-01-04 17:00")


def test_schedule__manual_task_stays_where_it_was_put() -> None:
    tasks = [
        Task(id="A", duration=3 * DAY),
        Task(id="M", manual=True, duration=DAY, start=at("2024-01-02 08:00")),
    ]
    got = dates(tasks, [link("A", "M")])
    assert (got["M"].start, got["M"].finish) == (at("2024-01-02 08:00"), at("2024-01-02 17:00"))


def test_schedule__a_cycle_is_an_error_naming_its_tasks() -> None:
    tasks = [Task(id=f"T{i}", duration=DAY) for i in (1, 2, 3)]
    with pytest.raises(DependencyCycleError) as caught:
        schedule(project(), tasks, [link("T1", "T3"), link("T3", "T2"), link("T2", "T1")])
    assert str(caught.value) == "dependency cycle: T1 → T3 → T2 → T1"
    assert caught.value.cycle == ("T1", "T3", "T2", "T1")


def test_schedule__linking_a_summary_to_its_own_child_is_a_cycle() -> None:
    tasks = [Task(id="S"), Task(id="A", parent_id="S", duration=DAY)]
    with pytest.raises(DependencyCycleError, match="A → S → A"):
        schedule(project(), tasks, [link("S", "A")])


def test_schedule__every_data_problem_is_reported_at_once() -> None:
    tasks = [Task(id="A", duration=DAY), Task(id="A"), Task(id="B", parent_id="nope")]
    with pytest.raises(ScheduleError) as caught:
        schedule(project(), tasks, [link("A", "ghost"), link("A", "A")])
    assert len(caught.value.problems) == 4
    assert "unknown task 'ghost'" in str(caught.value)


def test_schedule__scheduling_the_result_again_changes_nothing() -> None:
    tasks = [
        Task(id="S"),
        Task(id="A", parent_id="S", work=16 * 60, effort_driven=True),
        Task(id="B", parent_id="S", duration=DAY, constraint=ConstraintType.ALAP),
        Task(id="C", duration=DAY, manual=True, start=at("2024-01-03 08:00")),
    ]
    links = [link("A", "C"), link("B", "C")]
    staff = [Assignment(task_id="A", resource_id="R", units=100)]
    first = schedule(project(), tasks, links, staff)
    assert schedule(project(), apply_schedule(tasks, first), links, staff) == first
