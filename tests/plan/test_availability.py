"""Work beyond a resource's last available day, with figures checked by hand.

The project starts on Monday 1 January 2024 on the standard calendar (8 hours
a day, Monday to Friday); a ten-day task of 80 hours runs from Monday 1 to
Friday 12 January, 8 hours a day."""

from datetime import date, datetime

from projsync.plan.availability import work_beyond_availability
from projsync.plan.calendar import STANDARD
from projsync.plan.model import (
    Assignment,
    Calendar,
    Dependency,
    Project,
    Task,
    WorkBeyondAvailability,
)
from projsync.plan.schedule import schedule

DAY = 480
PROJECT = Project(start=datetime(2024, 1, 1, 8), calendar=STANDARD)


def beyond(
    tasks: list[Task],
    staff: list[Assignment],
    until: dict[str, date],
    links: tuple[Dependency, ...] = (),
) -> tuple[WorkBeyondAvailability, ...]:
    result = schedule(PROJECT, tasks, list(links), staff)
    return work_beyond_availability(PROJECT, tasks, result, staff, until)


TEN_DAYS = [Task(id="A", duration=10 * DAY)]
ON_A = [Assignment(task_id="A", resource_id="R", work=10 * DAY)]


def test_availability__work_after_the_sixth_day_of_ten_is_four_days_and_32_hours() -> None:
    assert beyond(TEN_DAYS, ON_A, {"R": date(2024, 1, 8)}) == (
        WorkBeyondAvailability(
            resource_id="R",
            task_id="A",
            available_until=date(2024, 1, 8),
            first_day=date(2024, 1, 9),
            days=4,
            work=32 * 60,
        ),
    )


def test_availability__a_weekend_after_the_last_day_holds_no_work() -> None:
    (found,) = beyond(TEN_DAYS, ON_A, {"R": date(2024, 1, 5)})  # a Friday
    assert (found.first_day, found.days, found.work) == (date(2024, 1, 8), 5, 40 * 60)


def test_availability__work_done_by_the_last_day_or_of_a_resource_without_one_is_not_reported() -> (
    None
):
    assert beyond(TEN_DAYS, ON_A, {"R": date(2024, 1, 12)}) == ()  # the task's last day
    assert beyond(TEN_DAYS, ON_A, {"R": date(2024, 1, 14)}) == ()  # the Sunday after it
    assert beyond(TEN_DAYS, ON_A, {"Q": date(2024, 1, 2)}) == ()  # another resource's


def test_availability__a_task_wholly_after_the_last_day_reports_all_its_work() -> None:
    tasks = [Task(id="A", duration=5 * DAY), Task(id="B", duration=5 * DAY)]
    staff = [
        Assignment(task_id="A", resource_id="R", work=5 * DAY),
        Assignment(task_id="B", resource_id="R", units=50, work=20 * 60),
    ]
    after_a = (Dependency(predecessor_id="A", successor_id="B"),)
    (found,) = beyond(tasks, staff, {"R": date(2024, 1, 5)}, after_a)
    assert (found.task_id, found.first_day, found.days, found.work) == (
        "B",
        date(2024, 1, 8),
        5,
        20 * 60,
    )


def test_availability__work_follows_the_resources_own_calendar() -> None:
    """A resource working Monday, Wednesday and Friday does the 24 hours of a
    task 8 hours on each of 1, 3 and 5 January (not 4.8 hours on each weekday
    of the span): available until Tuesday 2, two days and 16 hours are beyond."""
    day = STANDARD.week[0]
    alternate = Calendar(name="Mon-Wed-Fri", week=(day, None, day, None, day, None, None))
    tasks = [Task(id="A", work=24 * 60)]
    staff = [Assignment(task_id="A", resource_id="R", work=24 * 60, calendar=alternate)]
    (found,) = beyond(tasks, staff, {"R": date(2024, 1, 2)})
    assert (found.first_day, found.days, found.work) == (date(2024, 1, 3), 2, 16 * 60)
