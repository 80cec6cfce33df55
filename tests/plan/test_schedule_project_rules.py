"""Scheduling rules of Microsoft Project, one test each, named for the behaviour.

Each test's comment names the behaviour of Project (2010 and later) it
reproduces, as Microsoft documents it; none is keyed to a file. The helpers
are test_schedule.py's.
"""

from projsync.plan.model import ConstraintType, Task
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


def test_schedule__the_status_date_still_holds_subtasks_of_a_manual_summary() -> None:
    # Project: work not started is not scheduled before the status date, under
    # a manual summary as anywhere.
    tasks = [
        Task(id="S", manual=True, start=at("2024-01-01 08:00"), finish=at("2024-01-05 17:00")),
        Task(id="A", parent_id="S", duration=DAY),
    ]
    got = dates(tasks, plan=project(status="2024-01-03 08:00"))
    assert got["A"].start == at("2024-01-03 08:00")


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
