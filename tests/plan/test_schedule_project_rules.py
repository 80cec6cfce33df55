"""Scheduling rules of Microsoft Project, one test each, named for the behaviour.

Each test's comment names the behaviour of Project (2010 and later) it
reproduces, as Microsoft documents it; none is keyed to a file. The helpers
are test_schedule.py's.
"""

import pytest

from projsync.plan.model import Assignment, ConstraintType, Task
from tests.plan.test_schedule import DAY, MONDAY, at, dates, link, project


def test_schedule__a_manually_scheduled_summary_keeps_the_dates_typed_on_it() -> None:
    # Project: a manually scheduled summary task does not roll up its subtasks;
    # its Start and Finish stay as typed (the subtasks' span is drawn beside it).
    tasks = [
        Task(id="S", manual=True, start=at("2024-01-02 08:00"), finish=at("2024-01-05 17:00")),
        Task(id="A", parent_id="S", duration=2 * DAY),
        Task(id="B", parent_id="S", duration=6 * DAY),
    ]
    got = dates(tasks)["S"]
    assert (got.start, got.finish) == (at("2024-01-02 08:00"), at("2024-01-05 17:00"))


def test_schedule__subtasks_of_a_manual_summary_are_scheduled_from_its_start() -> None:
    # Project: auto-scheduled subtasks of a manually scheduled summary start at
    # the summary's start rather than the project start, later or earlier.
    tasks = [
        Task(id="S", manual=True, start=at("2024-01-03 08:00"), finish=at("2024-01-10 17:00")),
        Task(id="A", parent_id="S", duration=DAY),
        Task(id="E", manual=True, start=at("2023-12-27 08:00"), finish=at("2023-12-29 17:00")),
        Task(id="B", parent_id="E", duration=DAY),
        Task(id="C", duration=DAY),
    ]
    got = dates(tasks)
    assert got["A"].start == at("2024-01-03 08:00")
    assert got["B"].start == at("2023-12-27 08:00")
    assert got["C"].start == at(MONDAY)


def test_schedule__a_link_into_a_manual_summary_moves_neither_it_nor_its_subtasks() -> None:
    # Project: a manually scheduled task is not moved by its predecessors, and
    # its auto-scheduled subtasks still start from its own start.
    tasks = [
        Task(id="P", duration=3 * DAY),
        Task(id="S", manual=True, start=at("2024-01-01 08:00"), finish=at("2024-01-01 17:00")),
        Task(id="A", parent_id="S", duration=DAY),
        Task(id="B", parent_id="S", duration=DAY),
    ]
    got = dates(tasks, [link("P", "S"), link("A", "B")])
    assert got["S"].start == got["A"].start == at(MONDAY)
    assert got["B"].start == at("2024-01-02 08:00")


def test_schedule__the_status_date_moves_no_subtask_of_a_manual_summary() -> None:
    # Project: the status date moves no work not started (only "Update Project",
    # a person's choice, does), under a manual summary as anywhere.
    tasks = [
        Task(id="S", manual=True, start=at("2024-01-01 08:00"), finish=at("2024-01-05 17:00")),
        Task(id="A", parent_id="S", duration=DAY),
    ]
    got = dates(tasks, plan=project(status="2024-01-03 08:00"))
    assert got["A"].start == at("2024-01-01 08:00")


def test_schedule__successors_and_the_summary_of_a_manual_summary_see_its_typed_dates() -> None:
    # Project: a link leaves a manually scheduled summary from its Finish as
    # typed, and the summary above it rolls up that Start and Finish, not the
    # span of the subtasks under it.
    tasks = [
        Task(id="P"),
        Task(id="S", parent_id="P", manual=True, start=at(MONDAY), finish=at("2024-01-02 17:00")),
        Task(id="A", parent_id="S", duration=5 * DAY),
        Task(id="B", duration=DAY),
    ]
    got = dates(tasks, [link("S", "B")])
    assert got["B"].start == at("2024-01-03 08:00")
    assert (got["P"].start, got["P"].finish) == (at(MONDAY), at("2024-01-02 17:00"))


def test_schedule__a_summary_spans_its_childrens_dates_as_shown() -> None:
    # Project: a summary's Start is its earliest child's Start, its Finish the
    # latest child's Finish, even an actual start typed outside working time.
    tasks = [
        Task(id="S"),
        Task(id="A", parent_id="S", duration=DAY, actual_start=at("2024-01-01 07:00")),
        Task(id="B", parent_id="S", duration=DAY),
    ]
    got = dates(tasks)
    assert got["A"].start == got["S"].start == at("2024-01-01 07:00")


def test_schedule__a_subtask_follows_its_summarys_link_before_the_project_start() -> None:
    # Project: a link into a summary applies to every task under it, and a
    # task with predecessors is placed by them alone, even before the project
    # start (here after a milestone constrained to start earlier).
    tasks = [
        Task(
            id="M",
            milestone=True,
            constraint=ConstraintType.SNET,
            constraint_date=at("2023-12-27 08:00"),
        ),
        Task(id="S"),
        Task(id="A", parent_id="S", duration=DAY),
        Task(id="B", duration=DAY),
    ]
    got = dates(tasks, [link("M", "S")])
    assert got["A"].start == got["S"].start == at("2023-12-27 08:00")
    assert got["B"].start == at(MONDAY)


def test_schedule__a_milestone_stays_at_its_no_earlier_than_date() -> None:
    # Project: a milestone needs no working time; one placed by its start- or
    # finish-no-earlier-than date stays at that moment, even at a day's end or
    # before the calendar opens, rather than moving to the next working moment.
    def milestone(task_id: str, constraint: ConstraintType, when: str) -> Task:
        return Task(id=task_id, milestone=True, constraint=constraint, constraint_date=at(when))

    tasks = [
        milestone("F", ConstraintType.FNET, "2024-01-05 17:00"),
        milestone("S", ConstraintType.SNET, "2024-01-03 07:00"),
        Task(id="P", duration=4 * DAY),
        milestone("L", ConstraintType.SNET, "2024-01-02 17:00"),
    ]
    got = dates(tasks, [link("P", "L")])
    assert (got["F"].start, got["F"].finish) == (at("2024-01-05 17:00"), at("2024-01-05 17:00"))
    assert got["S"].start == at("2024-01-03 07:00")
    assert got["L"].start == at("2024-01-04 17:00")  # held later by its link


@pytest.mark.parametrize("axis", ["working", "clock"])
def test_schedule__a_split_keeps_its_working_time_when_the_task_moves(axis: str) -> None:
    # Project: a split task's duration is its work only; the split (here two
    # working days after the first day of work) moves with the task, after the
    # same share of work, so the task finishes that much later.
    split = Task(
        id="S",
        duration=3 * DAY,
        splits=(
            (at("2024-01-01 08:00"), at("2024-01-01 17:00")),
            (at("2024-01-04 08:00"), at("2024-01-05 17:00")),
        ),
    )
    tasks = [Task(id="P", duration=2 * DAY), split, Task(id="N", duration=DAY)]
    if axis == "clock":  # an elapsed task puts the schedule on the clock axis
        tasks.append(Task(id="E", duration=60, elapsed=True))
    got = dates(tasks, [link("P", "S"), link("S", "N")])
    # one day on Wednesday, Thursday and Friday split off, two days from Monday
    assert (got["S"].start, got["S"].finish) == (at("2024-01-03 08:00"), at("2024-01-09 17:00"))
    assert got["S"].duration == 3 * DAY  # the gaps are not duration
    assert got["N"].start == at("2024-01-10 08:00")


def test_schedule__a_task_in_progress_resumes_after_its_split() -> None:
    # Project: a started task split where its completed part stops (its Stop and
    # Resume dates) resumes its remaining work after the split.
    task = Task(
        id="H",
        duration=4 * DAY,
        percent_complete=50,
        actual_start=at(MONDAY),
        splits=(
            (at("2024-01-01 08:00"), at("2024-01-02 17:00")),
            (at("2024-01-05 08:00"), at("2024-01-08 17:00")),
        ),
    )
    got = dates([task])
    assert (got["H"].start, got["H"].finish) == (at(MONDAY), at("2024-01-08 17:00"))


def test_schedule__parts_within_the_duration_or_across_a_break_are_no_split() -> None:
    # Project: a lunch break between parts is no working time, so no split; and
    # parts spanning no more than the duration are only the days a hand-edited
    # contour puts work on (the duration already covers their gaps).
    lunch = Task(
        id="L",
        duration=DAY,
        splits=(
            (at("2024-01-01 08:00"), at("2024-01-01 12:00")),
            (at("2024-01-01 13:00"), at("2024-01-01 17:00")),
        ),
    )
    days = Task(
        id="C",
        duration=5 * DAY,
        splits=tuple((at(f"2024-01-0{d} 08:00"), at(f"2024-01-0{d} 17:00")) for d in (1, 3, 5)),
    )
    got = dates([lunch, days])
    assert got["L"].finish == at("2024-01-01 17:00")
    assert got["C"].finish == at("2024-01-05 17:00")


def test_schedule__overtime_work_shortens_the_task() -> None:
    # Project: overtime work is done outside the calendar's working time, so the
    # duration is (work - overtime work) / units: 40 hours with 8 in overtime
    # take four days, not five.
    staff = [Assignment(task_id="O", resource_id="R", units=100, work=5 * DAY, overtime_work=DAY)]
    for duration in (4 * DAY, 5 * DAY):  # as Project stored it, or before the overtime
        got = dates([Task(id="O", duration=duration)], assignments=staff)
        assert (got["O"].finish, got["O"].duration) == (at("2024-01-04 17:00"), 4 * DAY)


def test_schedule__remaining_duration_is_the_duration_less_the_actual_duration() -> None:
    # Project: a task's percent complete is its actual duration's share of the
    # duration, rounded to a whole percent; the remaining duration is the
    # duration less the actual duration, not less the rounded percent. Here
    # 1,000 of 1,440 minutes are done (69 %); the remaining 440 minutes resume
    # at the status date.
    plan = project(status="2024-01-03 12:00")

    def task(actual: int | None) -> Task:
        return Task(
            id="T",
            duration=3 * DAY,
            percent_complete=69,
            actual_start=at(MONDAY),
            actual_duration=actual,
        )

    assert dates([task(1000)], plan=plan)["T"].finish == at("2024-01-04 11:20")
    assert dates([task(None)], plan=plan)["T"].finish == at("2024-01-04 11:26")  # 994 done


def test_schedule__the_status_date_moves_only_the_remaining_work_of_tasks_in_progress() -> None:
    # Project: the status date moves no work not started (a task stays where its
    # links put it, before the status date too: moving it is "Update Project",
    # a person's choice); the remaining work of a task in progress and behind
    # schedule resumes at the status date, where Project's "reschedule
    # uncompleted work" leaves it.
    plan = project(status="2024-01-05 08:00")
    tasks = [
        Task(id="N", duration=DAY),
        Task(id="H", duration=2 * DAY, percent_complete=50, actual_start=at(MONDAY)),
    ]
    got = dates(tasks, plan=plan)
    assert (got["N"].start, got["N"].finish) == (at(MONDAY), at("2024-01-01 17:00"))
    assert (got["H"].start, got["H"].finish) == (at(MONDAY), at("2024-01-05 17:00"))


def test_schedule__a_fixed_duration_task_lasts_its_duration_whatever_its_work() -> None:
    # Project: a fixed-duration task keeps its duration; more work on it than
    # its duration and units give changes its units (or work), never the
    # duration, and its successors follow that duration.
    staff = [Assignment(task_id="F", resource_id="R", units=100, work=5 * DAY)]
    tasks = [Task(id="F", duration=3 * DAY, fixed_duration=True), Task(id="N", duration=DAY)]
    got = dates(tasks, [link("F", "N")], staff)
    assert (got["F"].finish, got["F"].duration) == (at("2024-01-03 17:00"), 3 * DAY)
    assert got["N"].start == at("2024-01-04 08:00")
    # a fixed-units task with the same work lasts as long as the work takes
    units = dates([Task(id="F", duration=3 * DAY)], assignments=staff)
    assert units["F"].finish == at("2024-01-05 17:00")
