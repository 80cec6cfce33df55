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
    WorkContour,
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


def test_schedule__an_elapsed_lag_from_a_summary_of_milestones_counts_from_its_finish() -> None:
    """A summary whose only child has no duration finishes on Monday 08:00, as
    its child does (not on the Friday 17:00 before, the same working moment):
    an hour's elapsed lag from it ends at 09:00."""
    tasks = [
        Task(id="S"),
        Task(id="M", parent_id="S", duration=0),
        Task(id="B", duration=0),
    ]
    got = dates(tasks, [link("M", "B"), link("S", "B", lag=60, lag_kind=LagKind.ELAPSED)])
    assert got["S"].finish == at("2024-01-01 08:00")
    assert got["B"].start == at("2024-01-01 09:00")


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


def test_schedule__snet_before_project_start_moves_the_task_earlier() -> None:
    # Microsoft Project: the project start is only the default; a constraint replaces it.
    snet = Task(
        id="A", duration=DAY, constraint=ConstraintType.SNET, constraint_date=at("2023-12-27 08:00")
    )
    got = dates([snet, Task(id="B", duration=DAY)])
    assert got["A"].start == at("2023-12-27 08:00")
    assert got["B"].start == at(MONDAY)


def test_schedule__fnet_before_project_start_moves_the_task_earlier() -> None:
    fnet = Task(
        id="A", duration=DAY, constraint=ConstraintType.FNET, constraint_date=at("2023-12-27 17:00")
    )
    assert dates([fnet])["A"].start == at("2023-12-27 08:00")


def test_schedule__successors_follow_a_task_before_the_project_start() -> None:
    tasks = [
        Task(
            id="A",
            duration=DAY,
            constraint=ConstraintType.SNET,
            constraint_date=at("2023-12-26 08:00"),
        ),
        Task(id="B", duration=DAY),
        Task(id="C", duration=DAY),
    ]
    got = dates(tasks, [link("A", "B"), link("B", "C")])
    assert (got["B"].start, got["C"].start) == (at("2023-12-27 08:00"), at("2023-12-28 08:00"))


@pytest.mark.parametrize("elapsed", [False, True])
def test_schedule__a_finish_to_finish_link_may_start_a_task_before_the_project_start(
    elapsed: bool,
) -> None:
    # Predecessors alone place a linked task: a longer successor on a finish-to-finish
    # link starts before the project start, as in Microsoft Project.
    tasks = [Task(id="A", duration=DAY), Task(id="B", duration=2 * DAY)]
    if elapsed:  # the clock axis
        tasks.append(Task(id="E", duration=60, elapsed=True))
    got = dates(tasks, [link("A", "B", DependencyType.FF)])
    assert (got["B"].start, got["B"].finish) == (at("2023-12-29 08:00"), at("2024-01-01 17:00"))


def test_schedule__the_status_date_does_not_move_a_task_not_started() -> None:
    # Project leaves work not started where its links put it, before the status
    # date too (moving it is "Update Project", a person's choice, not the schedule).
    plan = project(status="2024-01-03 08:00")
    done = Task(
        id="A",
        duration=DAY,
        percent_complete=100,
        actual_start=at("2023-12-26 08:00"),
        actual_finish=at("2023-12-26 17:00"),
    )
    got = dates([done, Task(id="B", duration=DAY)], [link("A", "B")], plan=plan)
    assert got["B"].start == at("2023-12-27 08:00")


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
    tasks = [Task(id="A", duration=DAY), Task(id="M", milestone=True)]
    staff = [Assignment(task_id="M", resource_id="R", work=DAY)]
    got = dates(tasks, [link("A", "M")], staff)
    assert got["M"].start == got["M"].finish == at("2024-01-01 17:00")
    assert got["M"].duration == 0


def test_schedule__a_milestone_flag_keeps_the_tasks_duration() -> None:
    # Microsoft Project lets any task be marked a milestone; it keeps its duration.
    got = dates([Task(id="M", milestone=True, duration=2 * DAY)])
    assert (got["M"].start, got["M"].finish) == (at(MONDAY), at("2024-01-02 17:00"))
    assert got["M"].duration == 2 * DAY


def test_schedule__must_finish_on_milestone_stays_at_the_end_of_the_day() -> None:
    mfo = Task(
        id="M",
        milestone=True,
        constraint=ConstraintType.MFO,
        constraint_date=at("2024-01-03 17:00"),
    )
    got = dates([Task(id="A", duration=DAY), mfo])
    assert got["M"].start == got["M"].finish == at("2024-01-03 17:00")


def test_schedule__start_to_finish_link_finishes_at_the_predecessors_start_moment() -> None:
    tasks = [
        Task(
            id="A",
            duration=DAY,
            constraint=ConstraintType.SNET,
            constraint_date=at("2024-01-08 08:00"),
        ),
        Task(id="B", duration=DAY),
    ]
    got = dates(tasks, [link("A", "B", DependencyType.SF)])
    # Monday 08:00, as Microsoft Project shows it, not the Friday 17:00 before it.
    assert (got["B"].start, got["B"].finish) == (at("2024-01-05 08:00"), at("2024-01-08 08:00"))
    lagged = dates(tasks, [link("A", "B", DependencyType.SF, lag=DAY)])
    assert lagged["B"].finish == at("2024-01-08 17:00")  # a lag counts to a finish


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


def test_schedule__task_work_on_no_assignment_is_shared_by_units() -> None:
    tasks = [
        Task(id="One", work=24 * 60),
        Task(id="Two", work=24 * 60),
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


def test_schedule__each_assignment_does_its_own_work_at_its_units() -> None:
    # Microsoft Project: the task lasts as long as its longest assignment; how
    # work was shared when resources came and went is the edit's business.
    staff = [
        Assignment(task_id="A", resource_id="R1", units=100, work=5 * DAY),
        Assignment(task_id="A", resource_id="R2", units=50, work=5 * DAY),
    ]
    assert dates([Task(id="A", work=10 * DAY)], assignments=staff)["A"].duration == 10 * DAY


def test_schedule__a_stored_duration_stands_when_its_work_and_units_give_it() -> None:
    # A day at 33 % is 158.4 minutes of work, stored as 158: the day stands,
    # where 158 minutes / 33 % alone would make it 479 minutes.
    staff = [Assignment(task_id="A", resource_id="R", units=33, work=158)]
    assert dates([Task(id="A", duration=DAY, work=158)], assignments=staff)["A"].duration == DAY


def test_schedule__a_duration_its_work_does_not_fill_gives_way_to_the_work() -> None:
    # Stored before edits recalculated work: 10 days typed over 5 days of work.
    staff = [Assignment(task_id="A", resource_id="R", units=100, work=5 * DAY)]
    got = dates([Task(id="A", duration=10 * DAY, work=5 * DAY)], assignments=staff)
    assert got["A"].duration == 5 * DAY


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
    assert got["Next"].start == at("2024-01-02 08:00")  # not started: not moved


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
        Task(id="A", parent_id="S", work=16 * 60),
        Task(id="B", parent_id="S", duration=DAY, constraint=ConstraintType.ALAP),
        Task(id="C", duration=DAY, manual=True, start=at("2024-01-03 08:00")),
    ]
    links = [link("A", "C"), link("B", "C")]
    staff = [Assignment(task_id="A", resource_id="R", units=100)]
    first = schedule(project(), tasks, links, staff)
    assert schedule(project(), apply_schedule(tasks, first), links, staff) == first


AFTERNOONS = Calendar(name="Afternoons", week=(((780, 1020),),) * 5 + ((), ()))


def test_schedule__an_assignment_works_on_its_resources_calendar() -> None:
    # Microsoft Project: the assignment runs in its resource's working time and the
    # task spans its assignments.
    staff = [Assignment(task_id="A", resource_id="R", work=DAY, calendar=AFTERNOONS)]
    got = dates([Task(id="A", duration=DAY, work=DAY)], assignments=staff)
    assert (got["A"].start, got["A"].finish) == (at("2024-01-01 13:00"), at("2024-01-02 17:00"))
    both = [*staff, Assignment(task_id="A", resource_id="S", work=DAY // 2, calendar=STANDARD)]
    got = dates([Task(id="A", duration=DAY, work=DAY)], assignments=both)
    assert (got["A"].start, got["A"].finish) == (at(MONDAY), at("2024-01-02 17:00"))


def test_schedule__a_task_calendar_overrides_resource_calendars() -> None:
    staff = [Assignment(task_id="A", resource_id="R", work=DAY, calendar=AFTERNOONS)]
    task = Task(id="A", duration=DAY, work=DAY, calendar=STANDARD)
    got = dates([task], assignments=staff)
    assert (got["A"].start, got["A"].finish) == (at(MONDAY), at("2024-01-01 17:00"))


def test_schedule__a_summary_over_milestones_finishes_where_it_starts() -> None:
    got = dates([Task(id="S"), Task(id="M", parent_id="S", milestone=True)])
    assert got["S"].start == got["S"].finish == at(MONDAY)


def test_schedule__many_repeated_links_between_two_tasks_are_harmless() -> None:
    # More links into a task than there are tasks once made the sweep visit it twice.
    tasks = [Task(id=f"T{i}", elapsed=True) for i in range(4)]
    links = [link("T0", "T1")] * 9 + [link("T1", "T2", lag=60)]
    got = dates(tasks, links)
    assert got["T2"].start == got["T2"].late_start == at("2024-01-01 09:00")


@pytest.mark.parametrize(
    ("contour", "days"),
    [
        (WorkContour.FLAT, 5),
        (WorkContour.BELL, 10),  # half the units on average: twice as long
        (WorkContour.BACK_LOADED, 25 / 3),  # 60% on average
        (WorkContour.TURTLE, 50 / 7),  # 70% on average
    ],
)
def test_schedule__a_work_contour_stretches_the_duration(contour: WorkContour, days: float) -> None:
    # Microsoft Project: 40 hours bell-shaped at 100% peak take 80 working hours.
    staff = [Assignment(task_id="A", resource_id="R", work=5 * DAY, contour=contour)]
    task = Task(id="A", work=5 * DAY)
    assert dates([task], assignments=staff)["A"].duration == round(days * DAY)


def test_schedule__a_hand_edited_contour_keeps_its_span() -> None:
    staff = [
        Assignment(
            task_id="A", resource_id="R", work=5 * DAY, contour=WorkContour.CONTOURED, span=7 * DAY
        )
    ]
    got = dates([Task(id="A", work=5 * DAY)], assignments=staff)
    assert got["A"].finish == at("2024-01-09 17:00")


NIGHTS = Calendar(name="Nights", week=(((0, 240), (1320, 1440)),) * 7)


def test_schedule__progress_on_a_resources_own_calendar_runs_on_that_calendar() -> None:
    # Half done, started on time: the remaining half follows on the resource's
    # calendar, so the task finishes where it would have without progress.
    staff = [Assignment(task_id="A", resource_id="R", work=2 * DAY, calendar=NIGHTS)]
    fresh = Task(id="A", work=2 * DAY)
    planned = dates([fresh], assignments=staff)["A"]
    started = Task(id="A", work=2 * DAY, percent_complete=50, actual_start=planned.start)
    got = dates([started], assignments=staff)["A"]
    assert (got.start, got.finish) == (planned.start, planned.finish)
    assert planned.finish == at("2024-01-04 02:00")  # 6 night hours a day


def test_schedule__a_levelling_delay_in_elapsed_days_resumes_at_the_next_working_moment() -> None:
    # Microsoft Project keeps levelling delays in elapsed days: from Friday 08:00,
    # a delay of 2 edays ends on Sunday 08:00, and work resumes on Monday; a delay
    # of 2 working days resumes on Tuesday.
    friday = project(start="2024-01-05 08:00")
    elapsed = Task(id="A", duration=DAY, leveling_delay=2 * 1440, leveling_delay_elapsed=True)
    got = dates([elapsed], plan=friday)["A"]
    assert (got.start, got.finish) == (at("2024-01-08 08:00"), at("2024-01-08 17:00"))
    working = Task(id="A", duration=DAY, leveling_delay=2 * DAY)
    assert dates([working], plan=friday)["A"].start == at("2024-01-09 08:00")
