"""Stories of Redmine as the plan side, against a real Redmine server."""

from __future__ import annotations

import time
from decimal import Decimal

from projsync.redmine.client import RedmineClient
from tests.redmine.conftest import Run
from tests.redmine.stories import custom, issues_of, money, user_id


def test_redmine__demo_company_has_the_hierarchy_and_custom_field_values(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    demo = projsync("demo", "--json")
    assert demo.exit_code == 0, demo.stderr
    outcome = demo.json()
    assert outcome["sync"]["failed"] == 0 and outcome["sync"]["created"] > 0
    assert outcome["differences"] == 0
    assert outcome["totals"]["ledger"] == outcome["totals"]["plan"]

    project = rest.get(f"/projects/{namespace}prj-1000.json")["project"]
    assert project["name"] == "Plant upgrade"
    values = custom(project)
    assert values["DAX_01_ProjectId"] == "PRJ-1000"
    assert values["DAX_03_Company"] == "DEMO"
    assert values["DAX_06_ProjectType"] == "time-material"
    assert values["DAX_04_Customer"] == "Northwind Foods"

    # subprojects are Redmine subprojects with their own custom-field values
    engineering = rest.get(f"/projects/{namespace}prj-1000-01.json")["project"]
    assert engineering["name"] == "Engineering"
    assert engineering["parent"]["id"] == project["id"]
    assert custom(engineering)["DAX_01_ProjectId"] == "PRJ-1000-01"
    assert custom(engineering)["DAX_03_Company"] == "DEMO"
    construction = rest.get(f"/projects/{namespace}prj-1000-02.json")["project"]
    assert construction["parent"]["id"] == project["id"]
    # a subproject's activities are its issues, parent issues as the hierarchy
    issues = issues_of(rest, f"{namespace}prj-1000-01")
    assert set(issues) == {"PRJ-1000-01.1", "PRJ-1000-01.1.1", "PRJ-1000-01.1.2", "PRJ-1000-01.2"}
    basic, drawings = issues["PRJ-1000-01.1"], issues["PRJ-1000-01.1.2"]
    assert basic["subject"] == "Basic design" and "parent" not in basic
    assert {i["project"]["id"] for i in issues.values()} == {engineering["id"]}
    assert drawings["parent"]["id"] == basic["id"]
    assert drawings["subject"] == "P&ID drawings" and drawings["estimated_hours"] == 120.0
    assert custom(drawings)["DAX_10_ActivityCategory"] == "Design"
    # an issue's budget cost is the cost of its activity's forecasts
    listed = projsync("ledger", "activity", "list", "PRJ-1000-01", "--json").json()
    budgets = {f"PRJ-1000-01.{a['number']}": money(a["budget_cost"]) for a in listed}
    assert budgets["PRJ-1000-01.1.2"] == Decimal("14880.00")  # 240 h at 62.00
    assert {n: money(custom(i)["DAX_17_BudgetCost"]) for n, i in issues.items()} == budgets

    # actual hours and cost of every issue add up to what the ledger posted
    hours = cost = Decimal("0.00")
    for identifier in ("prj-1000", "prj-2000", "prj-3000"):
        for issue in issues_of(rest, f"{namespace}{identifier}").values():
            hours += money(custom(issue)["DAX_15_ActualHours"])
            cost += money(custom(issue)["DAX_16_ActualCost"])
    assert (str(hours), str(cost)) == (
        outcome["totals"]["ledger"]["hours"],
        outcome["totals"]["ledger"]["cost"],
    )
    # a worker is a user, a member of the projects they are planned on
    ada = user_id(rest, f"{namespace}w-001")
    members = rest.get(f"/projects/{namespace}prj-2000/memberships.json")["memberships"]
    assert ada in {m["user"]["id"] for m in members}

    again = projsync("sync", "run", "--json").json()
    assert (again["created"], again["updated"], again["failed"]) == (0, 0, 0)


def test_redmine__a_workers_end_date_says_nothing_to_redmine_and_the_sync_stays_at_rest(
    projsync: Run,
) -> None:
    """Redmine keeps no availability of a user (as it keeps no rate): the end
    date goes nowhere, no run fails or holds a conflict over it, the next run
    has nothing to do, and reconciliation finds nothing to say."""
    assert projsync("demo", "--json").exit_code == 0
    ended = projsync("ledger", "worker", "update", "W-001", "--end", "2026-03-31")
    assert ended.exit_code == 0, ended.stderr
    first = projsync("sync", "run", "--json").json()
    assert (first["failed"], first["conflicts"]) == (0, 0)
    again = projsync("sync", "run", "--json").json()
    assert (again["created"], again["updated"], again["failed"]) == (0, 0, 0)
    check = projsync("reconcile", "--json")
    assert check.exit_code == 0 and check.json()["resources"] == []


def test_redmine__issue_subject_and_dates_edited_in_redmine_come_back_to_the_activity(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    issue = issues_of(rest, f"{namespace}prj-2000")["2"]
    rest.put(
        f"/issues/{issue['id']}.json",
        {"issue": {"subject": "Configuration, phase 1",
                   "start_date": "2026-05-04", "due_date": "2026-05-29"}},
    )  # fmt: skip

    run = projsync("sync", "run", "--json").json()

    assert run["failed"] == 0 and run["conflicts"] == 0 and run["updated"] >= 1
    activities = {
        a["number"]: a for a in projsync("ledger", "activity", "list", "PRJ-2000", "--json").json()
    }
    assert activities["2"]["name"] == "Configuration, phase 1"
    assert (activities["2"]["start"], activities["2"]["end"]) == ("2026-05-04", "2026-05-29")
    assert activities["1"]["name"] == "Analysis"
    settled = projsync("sync", "run", "--json").json()
    assert (settled["created"], settled["updated"], settled["failed"]) == (0, 0, 0)


def test_redmine__time_entry_is_posted_once_and_its_cost_comes_back_to_the_issue(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    issue = issues_of(rest, f"{namespace}prj-3000")["1"]
    before = custom(issue)
    edsger = user_id(rest, f"{namespace}w-004")  # W-004 costs 48.00 an hour
    rest.post(
        "/time_entries.json",
        {"time_entry": {"issue_id": issue["id"], "user_id": edsger, "hours": 2.5,
                        "spent_on": "2026-04-13", "comments": "portal review"}},
    )  # fmt: skip

    run = projsync("sync", "run", "--json").json()

    assert run["failed"] == 0
    posted = projsync("ledger", "transactions", "--project", "PRJ-3000", "--json").json()
    new = [t for t in posted if t["date"] == "2026-04-13"]
    assert [(t["worker"], t["activity"], t["hours"], t["cost"], t["text"]) for t in new] == [
        ("W-004", "1", "2.50", "120.00", "portal review")
    ]
    after = custom(rest.get(f"/issues/{issue['id']}.json")["issue"])
    assert money(after["DAX_15_ActualHours"]) == money(before["DAX_15_ActualHours"]) + Decimal(
        "2.5"
    )
    assert money(after["DAX_16_ActualCost"]) == money(before["DAX_16_ActualCost"]) + 120
    assert projsync("reconcile", "--json").json()["differences"] == []

    projsync("sync", "run", "--json")
    again = projsync("ledger", "transactions", "--project", "PRJ-3000", "--json").json()
    assert len(again) == len(posted)


def test_redmine__time_entry_changed_or_deleted_after_posting_is_reversed_and_posted_again(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    issue = issues_of(rest, f"{namespace}prj-3000")["1"]
    edsger = user_id(rest, f"{namespace}w-004")  # W-004 costs 48.00 an hour
    entry = rest.post(
        "/time_entries.json",
        {"time_entry": {"issue_id": issue["id"], "user_id": edsger, "hours": 2.5,
                        "spent_on": "2026-04-15"}},
    )["time_entry"]  # fmt: skip
    projsync("sync", "run", "--json")

    def on_the_day() -> list[tuple[str, str]]:
        posted = projsync("ledger", "transactions", "--project", "PRJ-3000", "--json").json()
        return [(t["hours"], t["cost"]) for t in posted if t["date"] == "2026-04-15"]

    assert on_the_day() == [("2.50", "120.00")]
    time.sleep(1.1)  # Redmine tells an entry's changes by the second
    rest.put(f"/time_entries/{entry['id']}.json", {"time_entry": {"hours": 3}})
    projsync("sync", "run", "--json")
    assert on_the_day() == [("2.50", "120.00"), ("-2.50", "-120.00"), ("3.00", "144.00")]

    rest.delete(f"/time_entries/{entry['id']}.json")
    projsync("sync", "run", "--json")
    projsync("sync", "run", "--json")
    assert on_the_day()[3:] == [("-3.00", "-144.00")]
    assert len(on_the_day()) == 4
    assert projsync("reconcile", "--json").json()["differences"] == []


def test_redmine__time_entry_the_ledger_refuses_is_held_once_with_the_reason(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    issue = issues_of(rest, f"{namespace}prj-3000")["1"]
    rest.post(  # logged by the administrator, who is no worker of the ledger
        "/time_entries.json",
        {"time_entry": {"issue_id": issue["id"], "hours": 1, "spent_on": "2026-04-14"}},
    )
    count = len(projsync("ledger", "transactions", "--project", "PRJ-3000", "--json").json())

    projsync("sync", "run", "--json")
    projsync("sync", "run", "--json")

    failed = projsync("sync", "log", "--status", "refused", "--json").json()
    assert [(f["entity_type"], f["origin"], f["destination"]) for f in failed] == [
        ("timesheet line", "plan", "ledger")
    ]
    assert "is no integrated worker" in failed[0]["error"]
    after = projsync("ledger", "transactions", "--project", "PRJ-3000", "--json").json()
    assert len(after) == count


def test_redmine__subproject_renamed_and_issue_added_in_redmine_come_back_to_the_ledger(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    construction = rest.get(f"/projects/{namespace}prj-1000-02.json")["project"]
    rest.put(f"/projects/{construction['id']}.json", {"project": {"name": "Construction works"}})
    tracker = rest.get("/trackers.json")["trackers"][0]["id"]
    made = rest.post(
        "/issues.json",
        {"issue": {"project_id": construction["id"], "tracker_id": tracker,
                   "subject": "Fire safety inspection",
                   "start_date": "2026-06-01", "due_date": "2026-06-05"}},
    )["issue"]  # fmt: skip

    run = projsync("sync", "run", "--json").json()

    assert run["failed"] == 0 and run["conflicts"] == 0
    projects = {p["id"]: p for p in projsync("ledger", "project", "list", "--json").json()}
    assert projects["PRJ-1000-02"]["name"] == "Construction works"
    assert projects["PRJ-1000"]["name"] == "Plant upgrade"
    activities = {
        a["number"]: a
        for a in projsync("ledger", "activity", "list", "PRJ-1000-02", "--json").json()
    }
    new = activities[f"RM-{made['id']}"]
    assert new["name"] == "Fire safety inspection" and new["parent"] is None
    assert (new["start"], new["end"]) == ("2026-06-01", "2026-06-05")
    settled = projsync("sync", "run", "--json").json()
    assert (settled["created"], settled["updated"], settled["failed"]) == (0, 0, 0)
    assert len(issues_of(rest, f"{namespace}prj-1000-02")) == len(activities)


def test_redmine__issue_deleted_in_redmine_unlinks_its_activity(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    issue = issues_of(rest, f"{namespace}prj-2000")["4"]
    rest.delete(f"/issues/{issue['id']}.json")

    run = projsync("sync", "run", "--json").json()

    assert run["failed"] == 0
    unlinked = projsync("sync", "log", "--entity", "PRJ-2000/4", "--json").json()
    assert unlinked[0]["action"] == "unlink" and unlinked[0]["status"] == "completed"
    activities = projsync("ledger", "activity", "list", "PRJ-2000", "--json").json()
    assert "Training" in {a["name"] for a in activities}  # by default only unlinked
    assert "4" not in issues_of(rest, f"{namespace}prj-2000")  # and not made again
    settled = projsync("sync", "run", "--json").json()
    assert (settled["created"], settled["updated"], settled["failed"]) == (0, 0, 0)


def test_redmine__a_project_made_in_redmine_naming_a_company_becomes_a_ledger_project(
    projsync: Run, rest: RedmineClient, namespace: str
) -> None:
    assert projsync("demo", "--json").exit_code == 0
    fields = {f["name"]: f["id"] for f in rest.get("/custom_fields.json")["custom_fields"]}
    made = rest.post(
        "/projects.json",
        {"project": {"name": "Depot move", "identifier": f"{namespace}depot",
                     "enabled_module_names": ["issue_tracking", "time_tracking"],
                     "custom_fields": [{"id": fields["DAX_03_Company"], "value": "DEMO"}]}},
    )["project"]  # fmt: skip
    tracker = rest.get("/trackers.json")["trackers"][0]["id"]
    for subject in ("Pack", "Carry"):
        rest.post(
            "/issues.json",
            {"issue": {"project_id": made["id"], "subject": subject, "tracker_id": tracker,
                       "start_date": "2026-05-04", "due_date": "2026-05-08"}},
        )  # fmt: skip

    run = projsync("sync", "run", "--json").json()

    assert (run["failed"], run["refused"]) == (0, 0)
    shown = projsync("ledger", "project", "show", "DEPOT", "--json").json()
    assert (shown["company"], shown["name"], shown["type"]) == (
        "DEMO",
        "Depot move",
        "time-material",
    )
    activities = projsync("ledger", "activity", "list", "DEPOT", "--json").json()
    assert sorted(a["name"] for a in activities) == ["Carry", "Pack"]
    projsync("sync", "run", "--json")
    marked = custom(rest.get(f"/projects/{made['id']}.json")["project"])
    assert marked["DAX_01_ProjectId"] == "DEPOT"
    settled = projsync("sync", "run", "--json").json()
    assert (settled["created"], settled["updated"], settled["failed"]) == (0, 0, 0)
    assert projsync("reconcile", "--json").json()["differences"] == []
