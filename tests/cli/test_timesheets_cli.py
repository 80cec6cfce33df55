"""Timesheets from the command line: a resource records a week, a manager
approves or rejects it, and every refusal says what and where."""

from __future__ import annotations

from tests.cli.conftest import Run


def stage(projsync: Run) -> None:
    for command in (
        ("plan", "project", "add", "P1", "--name", "Plant", "--start", "2026-03-02"),
        ("plan", "task", "add", "P1", "T3", "--name", "Survey"),
        ("plan", "task", "add", "P1", "T4", "--name", "Build"),
        ("plan", "resource", "add", "ADA", "--name", "Ada"),
    ):
        assert projsync(*command).exit_code == 0, command


def hours(projsync: Run, task: str, date: str, value: str, *more: str) -> object:
    return projsync(
        "plan", "timesheet", "add", "ADA", "--project", "P1", "--task", task,
        "--date", date, "--hours", value, *more,
    )  # fmt: skip


def test_timesheet_cli__a_week_recorded_submitted_rejected_resubmitted_approved(
    projsync: Run,
) -> None:
    stage(projsync)
    line = hours(projsync, "T4", "2026-03-03", "7.5", "--note", "pouring", "--json")
    assert line.exit_code == 0 and line.json()["hours"] == "7.50"
    assert line.json()["week"] == "2026-W10" and line.json()["status"] == "draft"
    submitted = projsync("plan", "timesheet", "submit", "ADA", "--week", "2026-W10", "--json")
    assert submitted.json()["status"] == "submitted" and submitted.json()["hours"] == "7.50"
    locked = hours(projsync, "T4", "2026-03-03", "6")
    assert locked.exit_code == 1
    assert "week 2026-W10 of ADA: is submitted" in locked.stderr
    rejected = projsync(
        "plan", "timesheet", "approve", "ADA", "--week", "2026-W10",
        "--reject", "--comment", "that was Tuesday", "--json",
    )  # fmt: skip
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["comment"] == "that was Tuesday"
    assert hours(projsync, "T4", "2026-03-03", "0").exit_code == 0  # removed, never approved
    assert hours(projsync, "T4", "2026-03-04", "7.5").exit_code == 0
    assert projsync("plan", "timesheet", "submit", "ADA", "--week", "2026-W10").exit_code == 0
    approved = projsync("plan", "timesheet", "approve", "ADA", "--week", "2026-W10", "--json")
    assert approved.json()["status"] == "approved"
    listed = projsync("plan", "timesheet", "list", "--status", "approved", "--json").json()
    assert [(x["day"], x["hours"], x["status"]) for x in listed] == [
        ("2026-03-04", "7.50", "approved")
    ]
    reopened = projsync("plan", "timesheet", "reopen", "ADA", "--week", "2026-W10", "--json")
    assert reopened.json()["status"] == "draft"
    assert hours(projsync, "T4", "2026-03-04", "0").exit_code == 0
    (tombstone,) = projsync("plan", "timesheet", "list", "--status", "deleted", "--json").json()
    assert (tombstone["day"], tombstone["status"]) == ("2026-03-04", "deleted")
    assert projsync("plan", "timesheet", "list", "--json").json() == []


def test_timesheet_cli__refusals_say_what_and_where_and_change_nothing(projsync: Run) -> None:
    stage(projsync)
    for args, said in (
        (("T4", "2026-03-03", "25"), "line 2026-03-03 P1/T4: hours 25 exceed 24"),
        (("T9", "2026-03-03", "2"), "line 2026-03-03 P1/T9: unknown task T9"),
        (("T4", "2026-03-03", "2.555"), "--hours"),
        (("T4", "2026-02-30", "2"), "--date: '2026-02-30' is not a date"),
    ):
        refused = hours(projsync, *args)
        assert refused.exit_code == 1 and said in refused.stderr, refused.stderr
    assert hours(projsync, "T3", "2026-03-03", "20").exit_code == 0
    over = hours(projsync, "T4", "2026-03-03", "5")
    assert "day 2026-03-03 of ADA: hours add up to 25.00, more than 24" in over.stderr
    for command, said in (
        (("add", "NOBODY", "--project", "P1", "--task", "T4", "--date", "2026-03-03",
          "--hours", "1"), "resource NOBODY: unknown resource"),
        (("add", "ADA", "--project", "P9", "--task", "T4", "--date", "2026-03-03",
          "--hours", "1"), "line 2026-03-03 P9/T4: unknown project P9"),
        (("submit", "ADA", "--week", "2026-10"), "--week: '2026-10' is not an ISO week"),
        (("approve", "ADA", "--week", "2026-W10"), "week 2026-W10 of ADA: is draft, not submitted"),
        (("reopen", "ADA", "--week", "2026-W10"), "is draft, not approved"),
        (("submit", "ADA", "--week", "2026-W11"), "week 2026-W11 of ADA: holds no hours to submit"),
        (("list", "--week", "W10"), "--week: 'W10' is not an ISO week"),
    ):  # fmt: skip
        refused = projsync("plan", "timesheet", *command)
        assert refused.exit_code == 1 and said in refused.stderr, (command, refused.stderr)
    listed = projsync(
        "plan", "timesheet", "list", "--resource", "ADA", "--week", "2026-W10", "--json"
    )
    assert [(x["task"], x["hours"]) for x in listed.json()] == [("T3", "20.00")]
    weeks = projsync("plan", "timesheet", "weeks", "--json").json()
    assert [(w["week"], w["status"], w["hours"]) for w in weeks] == [("2026-W10", "draft", "20.00")]


def test_timesheet_cli__an_approved_week_reaches_the_ledger_and_a_refused_line_says_why(
    projsync: Run,
) -> None:
    """W-004 (48.00 an hour) on the demo's PRJ-3000, a week of April when the
    demo has no hours: 2.5 hours go in at the next run; 6 hours on a day the
    ledger holds 20 already break its 24-hour rule, and the listing says so."""
    assert projsync("demo", "--json").exit_code == 0
    posted = projsync(
        "ledger", "post", "hours", "--project", "PRJ-3000", "--activity", "1",
        "--worker", "W-004", "--date", "2026-04-14", "--hours", "20",
    )  # fmt: skip
    assert posted.exit_code == 0, posted.stderr
    before = projsync("ledger", "transactions", "--project", "PRJ-3000", "--json").json()
    for date, value in (("2026-04-13", "2.5"), ("2026-04-14", "6")):
        done = projsync(
            "plan", "timesheet", "add", "W-004", "--project", "PRJ-3000", "--task", "1",
            "--date", date, "--hours", value, "--note", "review",
        )  # fmt: skip
        assert done.exit_code == 0, done.stderr
    for step in ("submit", "approve"):
        assert projsync("plan", "timesheet", step, "W-004", "--week", "2026-W16").exit_code == 0

    run = projsync("sync", "run", "--json").json()

    assert run["refused"] == 1
    listed = {x["day"]: x for x in projsync("plan", "timesheet", "list", "--json").json()}
    assert listed["2026-04-13"]["ledger"] == "posted" and listed["2026-04-13"]["journal"]
    assert listed["2026-04-14"]["ledger"] == "held"
    assert listed["2026-04-14"]["reason"] == (
        f"plan timesheet line {listed['2026-04-14']['id']}: worker W-004 would have 26.00 hours"
        " on 2026-04-14; at most 24 per day"
    )
    after = projsync("ledger", "transactions", "--project", "PRJ-3000", "--json").json()
    new = [t for t in after if t not in before]
    assert [(t["date"], t["hours"], t["cost"], t["text"]) for t in new] == [
        ("2026-04-13", "2.50", "120.00", "review")
    ]
