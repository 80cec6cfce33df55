"""The plan server from the command line, as a project manager types it."""

from __future__ import annotations

from typing import Any

from tests.cli.conftest import Run


def build(projsync: Run) -> None:
    for command in (
        ("plan", "project", "add", "X", "--name", "Bridge", "--start", "2026-03-02"),
        ("plan", "task", "add", "X", "T0", "--name", "Phase 1", "--duration", "1d"),
        (
            "plan",
            "task",
            "add",
            "X",
            "T1",
            "--name",
            "Survey",
            "--duration",
            "3d",
            "--parent",
            "T0",
        ),
        (
            "plan",
            "task",
            "add",
            "X",
            "T2",
            "--name",
            "Design",
            "--duration",
            "2d",
            "--parent",
            "T0",
            "--after",
            "T1",
        ),
        (
            "plan",
            "task",
            "add",
            "X",
            "T3",
            "--name",
            "Build",
            "--duration",
            "5d",
            "--after",
            "T2,T1:SS+1d",
            "--work",
            "24h",
        ),
        ("plan", "resource", "add", "R1", "--name", "Ada", "--rate", "50", "--max-units", "100"),
        ("plan", "assign", "X", "T3", "R1", "--units", "100"),
        ("plan", "calendar", "exception", "Standard", "2026-03-05", "--name", "Holiday"),
    ):
        outcome = projsync(*command)
        assert outcome.exit_code == 0, (command, outcome.stderr)


def test_cli__schedule_then_show_gives_dates_slack_and_cost(projsync: Run) -> None:
    build(projsync)
    assert projsync("plan", "schedule", "X").exit_code == 0
    shown = projsync("plan", "show", "X", "--json").json()
    tasks = {t["id"]: t for t in shown["tasks"]}
    assert [t["id"] for t in shown["tasks"]] == ["T0", "T1", "T2", "T3"]
    assert (tasks["T1"]["start"], tasks["T1"]["finish"]) == (
        "2026-03-02T08:00:00",
        "2026-03-04T17:00:00",
    )
    # the holiday on Thursday pushes Design to Friday and Monday
    assert (tasks["T2"]["start"], tasks["T2"]["finish"]) == (
        "2026-03-06T08:00:00",
        "2026-03-09T17:00:00",
    )
    # 24h of work with one resource at 100 % takes three days
    assert (tasks["T3"]["start"], tasks["T3"]["finish"]) == (
        "2026-03-10T08:00:00",
        "2026-03-12T17:00:00",
    )
    assert tasks["T3"]["work_minutes"] == 1440 and tasks["T3"]["cost"] == "1200.00"
    assert tasks["T0"]["summary"] and tasks["T0"]["finish"] == "2026-03-09T17:00:00"
    assert [t["outline_level"] for t in shown["tasks"]] == [1, 2, 2, 1]
    assert all(t["critical"] and t["total_slack_minutes"] == 0 for t in shown["tasks"])
    assert tasks["T3"]["actual_cost"] == "0.00" and tasks["T3"]["custom_fields"] == {}


def test_cli__update_duration_and_predecessors_then_reschedule(projsync: Run) -> None:
    build(projsync)
    assert projsync("plan", "task", "update", "X", "T3", "--after", "T1").exit_code == 0
    assert (
        projsync(
            "plan", "task", "update", "X", "T2", "--duration", "1d", "--name", "Sketch"
        ).exit_code
        == 0
    )
    projsync("plan", "schedule", "X")
    tasks = {t["id"]: t for t in projsync("plan", "show", "X", "--json").json()["tasks"]}
    assert tasks["T2"]["name"] == "Sketch"
    assert tasks["T2"]["total_slack_minutes"] > 0 and not tasks["T2"]["critical"]


def test_cli__cycle_is_refused_with_the_tasks_named(projsync: Run) -> None:
    build(projsync)
    outcome = projsync("plan", "task", "update", "X", "T1", "--after", "T3")
    assert outcome.exit_code == 1
    assert "would close a dependency cycle: T3 → T1" in outcome.stderr


def test_cli__bad_duration_is_refused(projsync: Run) -> None:
    build(projsync)
    outcome = projsync(
        "plan", "task", "add", "X", "T9", "--name", "Odd", "--duration", "3 fortnights"
    )
    assert outcome.exit_code == 1 and "--duration" in outcome.stderr


def test_cli__level_removes_over_allocation(projsync: Run) -> None:
    build(projsync)
    projsync("plan", "task", "add", "X", "T4", "--name", "Paint", "--duration", "2d")
    projsync("plan", "assign", "X", "T4", "R1")
    projsync("plan", "task", "update", "X", "T3", "--after", "")
    projsync("plan", "schedule", "X")
    over = projsync("plan", "overallocations", "X", "--json").json()
    assert [o["resource_id"] for o in over["periods"]] == ["R1"]
    levelled = projsync("plan", "level", "X", "--json").json()
    assert levelled["delayed"]
    assert projsync("plan", "overallocations", "X", "--json").json() == {
        "project": "X",
        "periods": [],
        "beyond_availability": [],
    }


def test_cli__listings_speak_json(projsync: Run) -> None:
    build(projsync)
    for listing in (
        ("project", "list"),
        ("resource", "list"),
        ("calendar", "list"),
        ("field", "list"),
        ("assignments", "X"),
        ("actuals", "X"),
        ("task", "links", "X"),
        ("changes", "task"),
    ):
        outcome = projsync("plan", *listing, "--json")
        assert outcome.exit_code == 0, (listing, outcome.stderr)
        assert isinstance(outcome.json(), list), listing


def test_cli__a_bell_contour_doubles_the_duration(projsync: Run) -> None:
    build(projsync)

    def scheduled_t3() -> dict[str, str]:
        projsync("plan", "schedule", "X")
        shown = projsync("plan", "show", "X", "--json").json()["tasks"]
        return next(t for t in shown if t["id"] == "T3")

    flat = scheduled_t3()
    shaped = projsync("plan", "assign", "X", "T3", "R1", "--contour", "bell", "--json").json()
    assert shaped["contour"] == "bell"
    bell = scheduled_t3()
    assert (flat["start"], flat["finish"]) == ("2026-03-10T08:00:00", "2026-03-12T17:00:00")
    assert (bell["start"], bell["finish"]) == ("2026-03-10T08:00:00", "2026-03-17T17:00:00")
    refused = projsync("plan", "assign", "X", "T3", "R1", "--contour", "zigzag")
    assert refused.exit_code == 1 and "--contour" in refused.stderr and "bell" in refused.stderr


def _staffed_task(projsync: Run, *options: str) -> None:
    for command in (
        ("plan", "project", "add", "X", "--name", "Bridge", "--start", "2026-03-02"),
        ("plan", "resource", "add", "R1", "--name", "Ada"),
        ("plan", "resource", "add", "R2", "--name", "Bob"),
        ("plan", "task", "add", "X", "T1", "--name", "Build", "--duration", "5d", *options),
        ("plan", "assign", "X", "T1", "R1"),
    ):
        outcome = projsync(*command)
        assert outcome.exit_code == 0, (command, outcome.stderr)


def _shown(projsync: Run) -> dict[str, Any]:
    assert projsync("plan", "schedule", "X").exit_code == 0
    (task,) = projsync("plan", "show", "X", "--json").json()["tasks"]
    return task


def _work(projsync: Run) -> dict[str, tuple[int, int]]:
    rows = projsync("plan", "assignments", "X", "--json").json()
    return {row["resource"]: (row["units"], row["work_minutes"]) for row in rows}


def test_cli__a_duration_edit_on_a_staffed_task_holds_after_scheduling(projsync: Run) -> None:
    # Found: 5d with one resource, updated to 10d, was 5d again once scheduled.
    _staffed_task(projsync)
    updated = projsync("plan", "task", "update", "X", "T1", "--duration", "10d", "--json")
    assert updated.exit_code == 0, updated.stderr
    task = _shown(projsync)
    assert (task["duration_minutes"], task["work_minutes"]) == (4800, 4800)
    assert task["finish"] == "2026-03-13T17:00:00"
    assert _work(projsync) == {"R1": (100, 4800)}


def test_cli__a_second_resource_at_half_time_takes_a_third_of_the_work(projsync: Run) -> None:
    # Found: a second resource at 50 % shortened the task but the first kept
    # all its work. Effort-driven: 40 h shared 2:1 and the task lasts 26.67 h.
    _staffed_task(projsync)
    assert projsync("plan", "assign", "X", "T1", "R2", "--units", "50").exit_code == 0
    assert _work(projsync) == {"R1": (100, 1600), "R2": (50, 800)}
    task = _shown(projsync)
    assert (task["duration_minutes"], task["work_minutes"]) == (1600, 2400)
    assert task["finish"] == "2026-03-05T10:40:00"


def test_cli__task_type_and_effort_driven_are_set_and_shown(projsync: Run) -> None:
    _staffed_task(projsync, "--type", "fixed-duration", "--effort-driven", "off")
    task = _shown(projsync)
    assert (task["type"], task["effort_driven"]) == ("fixed-duration", False)
    assert projsync("plan", "assign", "X", "T1", "R1", "--units", "50").exit_code == 0
    assert _work(projsync) == {"R1": (50, 1200)}  # fixed duration: the work follows
    assert projsync("plan", "assign", "X", "T1", "R2").exit_code == 0
    assert _work(projsync) == {"R1": (50, 1200), "R2": (100, 2400)}  # not effort-driven
    changed = projsync("plan", "task", "update", "X", "T1", "--type", "fixed-work", "--json")
    assert (changed.json()["type"], changed.json()["effort_driven"]) == ("fixed-work", True)
    refused = projsync("plan", "task", "update", "X", "T1", "--effort-driven", "off")
    assert refused.exit_code == 1 and "always effort-driven" in refused.stderr
    table = projsync("plan", "show", "X")
    assert "fixed-work" in table.stdout


def test_cli__overallocations_report_work_after_a_resources_last_available_day(
    projsync: Run,
) -> None:
    """Ten days of 8 hours from Monday 2 March for a resource available until
    Monday 9 (the sixth working day): 4 days, 32 hours beyond."""
    for command in (
        ("plan", "project", "add", "Y", "--name", "Tunnel", "--start", "2026-03-02"),
        ("plan", "task", "add", "Y", "T", "--name", "Dig", "--duration", "10d"),
        ("plan", "resource", "add", "R2", "--name", "Grace", "--available-until", "2026-03-09"),
        ("plan", "assign", "Y", "T", "R2", "--units", "100"),
    ):
        outcome = projsync(*command)
        assert outcome.exit_code == 0, (command, outcome.stderr)
    listed = projsync("plan", "resource", "list", "--json").json()
    assert [(r["id"], r["available_until"]) for r in listed] == [("R2", "2026-03-09")]
    report = projsync("plan", "overallocations", "Y", "--json").json()
    assert report["periods"] == []
    assert report["beyond_availability"] == [
        {
            "project": "Y",
            "resource_id": "R2",
            "task_id": "T",
            "available_until": "2026-03-09",
            "first_day": "2026-03-10",
            "days": 4,
            "work": 1920,
            "hours": "32.00",
        }
    ]
    shown = projsync("plan", "overallocations", "Y")
    assert shown.exit_code == 0
    assert "work after the last available day" in shown.stdout
    assert "2026-03-10" in shown.stdout and "32.00" in shown.stdout
