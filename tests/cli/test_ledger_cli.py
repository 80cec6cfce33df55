"""The ledger from the command line, as a project accountant types it."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Run

SETUP = (
    ("ledger", "company", "add", "DEMO", "--name", "Demo Ltd", "--currency", "EUR"),
    (
        "ledger",
        "project",
        "add",
        "P1",
        "--company",
        "DEMO",
        "--name",
        "Plant upgrade",
        "--start",
        "2026-01-01",
    ),
    ("ledger", "project", "add", "P1.1", "--company", "DEMO", "--name", "Civil", "--parent", "P1"),
    ("ledger", "activity", "add", "P1", "A0", "--name", "Engineering"),
    (
        "ledger",
        "activity",
        "add",
        "P1",
        "A1",
        "--name",
        "Design",
        "--parent",
        "A0",
        "--category",
        "Design",
        "--planned-hours",
        "40",
    ),
    ("ledger", "activity", "add", "P1.1", "C1", "--name", "Excavation"),
    (
        "ledger",
        "worker",
        "add",
        "W1",
        "--company",
        "DEMO",
        "--name",
        "Ada",
        "--cost-price",
        "50",
        "--sales-price",
        "120",
        "--from",
        "2026-01-01",
    ),
)


def setup(projsync: Run) -> None:
    for command in SETUP:
        outcome = projsync(*command)
        assert outcome.exit_code == 0, (command, outcome.stderr)


def test_cli__post_hours_expense_and_fee_then_totals(projsync: Run) -> None:
    setup(projsync)
    base = ("--project", "P1", "--activity", "A1", "--date", "2026-03-02")
    assert (
        projsync("ledger", "post", "hours", *base, "--worker", "W1", "--hours", "10").exit_code == 0
    )
    assert (
        projsync(
            "ledger", "post", "expense", *base, "--amount", "80", "--category", "Travel"
        ).exit_code
        == 0
    )
    assert (
        projsync(
            "ledger",
            "post",
            "fee",
            "--project",
            "P1.1",
            "--activity",
            "C1",
            "--date",
            "2026-03-02",
            "--amount",
            "300",
        ).exit_code
        == 0
    )
    totals = projsync("ledger", "totals", "--project", "P1", "--json").json()
    assert totals == {
        "project": "P1",
        "hours": "10.00",
        "cost": "580.00",
        "revenue": "1500.00",
        "forecast_hours": "0.00",
        "forecast_cost": "0.00",
        "forecast_revenue": "0.00",
    }


def test_cli__activity_list_json_reads_parents_first(projsync: Run) -> None:
    setup(projsync)
    listing = projsync("ledger", "activity", "list", "P1", "--json").json()
    assert [(a["number"], a["parent"], a["planned_hours"]) for a in listing] == [
        ("A0", None, "0.00"),
        ("A1", "A0", "40.00"),
    ]


def test_cli__refused_posting_exits_non_zero_and_says_why(projsync: Run) -> None:
    setup(projsync)
    outcome = projsync(
        "ledger",
        "post",
        "hours",
        "--project",
        "P1",
        "--activity",
        "A0",
        "--worker",
        "W1",
        "--date",
        "2026-03-02",
        "--hours",
        "2",
    )
    assert outcome.exit_code == 1
    assert "line 1: activity A0 has child activities" in outcome.stderr
    assert projsync("ledger", "transactions", "--json").json() == []


def test_cli__malformed_number_is_refused_before_anything_is_written(projsync: Run) -> None:
    setup(projsync)
    outcome = projsync(
        "ledger",
        "post",
        "hours",
        "--project",
        "P1",
        "--activity",
        "A1",
        "--worker",
        "W1",
        "--date",
        "2026-03-02",
        "--hours",
        "ten",
    )
    assert outcome.exit_code == 1
    assert "--hours: 'ten' is not a plain decimal number" in outcome.stderr


def test_cli__journal_file_posts_all_or_nothing(projsync: Run, tmp_path: Path) -> None:
    setup(projsync)
    journal = tmp_path / "week.csv"
    journal.write_text(
        "kind,project,activity,worker,date,hours,amount,category\n"
        "hour,P1,A1,W1,2026-03-02,8,,\n"
        "hour,P1,A1,W1,2026-03-03,8,,\n"
        "hour,P9,A1,W1,2026-03-04,8,,\n"
        "expense,P1,A1,,2026-03-04,,abc,Travel\n"
    )
    outcome = projsync("ledger", "journal", "post", str(journal))
    assert outcome.exit_code == 1
    assert "line 4: unknown project P9" in outcome.stderr
    assert "line 5: amount: 'abc' is not a plain decimal number" in outcome.stderr
    assert projsync("ledger", "transactions", "--json").json() == []
    journal.write_text(
        "kind,project,activity,worker,date,hours,amount,category\n"
        "hour,P1,A1,W1,2026-03-02,8,,\n"
        "fee,P1.1,C1,,2026-03-02,,1000,\n"
    )
    posted = projsync("ledger", "journal", "post", str(journal), "--json").json()
    assert (posted["lines"], posted["hours"], posted["revenue"]) == (2, "8.00", "1960.00")


def test_cli__reverse_then_totals_are_zero(projsync: Run) -> None:
    setup(projsync)
    projsync(
        "ledger",
        "post",
        "hours",
        "--project",
        "P1",
        "--activity",
        "A1",
        "--worker",
        "W1",
        "--date",
        "2026-03-02",
        "--hours",
        "4",
    )
    (posted,) = projsync("ledger", "transactions", "--project", "P1", "--json").json()
    reversal = projsync("ledger", "reverse", str(posted["id"]), "--json").json()
    assert (reversal["reverses"], reversal["cost"]) == (posted["id"], "-200.00")
    assert projsync("ledger", "totals", "--project", "P1", "--json").json()["cost"] == "0.00"
    again = projsync("ledger", "reverse", str(posted["id"]))
    assert again.exit_code == 1 and "already reversed" in again.stderr


def test_cli__reverse_a_whole_journal(projsync: Run, tmp_path: Path) -> None:
    setup(projsync)
    journal = tmp_path / "week.csv"
    journal.write_text(
        "kind,project,activity,worker,date,hours,amount,category\n"
        "hour,P1,A1,W1,2026-03-02,8,,\n"
        "hour,P1,A1,W1,2026-03-03,4,,\n"
    )
    posted = projsync("ledger", "journal", "post", str(journal), "--json").json()
    listed = projsync("ledger", "transactions", "--project", "P1", "--json").json()
    assert {t["journal"] for t in listed} == {posted["journal"]}
    reversed_ = projsync("ledger", "reverse", "--journal", str(posted["journal"]), "--json").json()
    assert sorted(r["reverses"] for r in reversed_) == sorted(t["id"] for t in listed)
    assert projsync("ledger", "totals", "--project", "P1", "--json").json()["hours"] == "0.00"
    again = projsync("ledger", "reverse", "--journal", str(posted["journal"]))
    assert again.exit_code == 1 and "already reversed" in again.stderr
    neither = projsync("ledger", "reverse")
    assert neither.exit_code == 1 and "TRANSACTION_ID or --journal" in neither.stderr


def test_cli__finished_project_refuses_postings(projsync: Run) -> None:
    setup(projsync)
    assert projsync("ledger", "project", "update", "P1", "--status", "finished").exit_code == 0
    outcome = projsync(
        "ledger",
        "post",
        "fee",
        "--project",
        "P1",
        "--activity",
        "A1",
        "--date",
        "2026-03-02",
        "--amount",
        "5",
    )
    assert outcome.exit_code == 1 and "project P1 is finished" in outcome.stderr


def test_cli__every_listing_speaks_json(projsync: Run) -> None:
    setup(projsync)
    for listing in (
        ("company", "list"),
        ("project", "list"),
        ("worker", "list"),
        ("category", "list"),
        ("forecast", "list", "--project", "P1"),
        ("transactions",),
        ("worker", "prices", "W1"),
    ):
        outcome = projsync("ledger", *listing, "--json")
        assert outcome.exit_code == 0, listing
        assert isinstance(outcome.json(), list), listing


def test_cli__demo_loads_once_and_reports_totals(projsync: Run) -> None:
    first = projsync("ledger", "demo", "--json").json()
    assert first["loaded"] is True
    assert [t["project"] for t in first["totals"]] == ["PRJ-1000", "PRJ-2000", "PRJ-3000"]
    assert all(t["hours"] != "0.00" for t in first["totals"])
    second = projsync("ledger", "demo", "--json").json()
    assert second == {**first, "loaded": False}


def test_cli__seed_posts_the_asked_number_of_lines(projsync: Run) -> None:
    outcome = projsync(
        "ledger",
        "seed",
        "--projects",
        "8",
        "--activities",
        "12",
        "--workers",
        "5",
        "--transactions",
        "500",
        "--json",
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.json()["lines"] == 500
    assert len(projsync("ledger", "project", "list", "--json").json()) == 8
    assert len(projsync("ledger", "transactions", "--json").json()) == 500


def test_cli__a_posting_keeps_its_text_and_its_reversal_too(projsync: Run) -> None:
    setup(projsync)
    base = ("--project", "P1", "--activity", "A1", "--date", "2026-03-02")
    posted = projsync(
        "ledger", "post", "expense", *base, "--amount", "80", "--text", "Train to site, return"
    )
    assert posted.exit_code == 0, posted.stderr
    (line,) = projsync("ledger", "transactions", "--project", "P1", "--json").json()
    assert line["text"] == "Train to site, return"
    reversal = projsync("ledger", "reverse", str(line["id"]), "--json").json()
    assert reversal["text"] == "Train to site, return"
    long = projsync("ledger", "post", "fee", *base, "--amount", "1", "--text", "x" * 251)
    assert long.exit_code == 1 and "text has 251 characters; at most 250" in long.stderr
    broken = projsync("ledger", "post", "fee", *base, "--amount", "1", "--text", "two\nlines")
    assert broken.exit_code == 1 and "line break" in broken.stderr


def test_cli__a_workers_end_date_is_set_shown_and_cleared_and_refuses_later_hours(
    projsync: Run,
) -> None:
    setup(projsync)
    updated = projsync("ledger", "worker", "update", "W1", "--end", "2026-03-31", "--json").json()
    assert updated["end_date"] == "2026-03-31"
    assert projsync("ledger", "worker", "show", "W1", "--json").json()["end_date"] == "2026-03-31"
    assert [w["end_date"] for w in projsync("ledger", "worker", "list", "--json").json()] == [
        "2026-03-31"
    ]
    assert "2026-03-31" in projsync("ledger", "worker", "show", "W1").stdout
    post = ("ledger", "post", "hours", "--project", "P1", "--activity", "A1", "--worker", "W1")
    outcome = projsync(*post, "--date", "2026-04-01", "--hours", "2")
    assert outcome.exit_code == 1
    assert "line 1: worker W1's last day is 2026-03-31; no hours on 2026-04-01" in outcome.stderr
    assert projsync(*post, "--date", "2026-03-31", "--hours", "2").exit_code == 0
    cleared = projsync("ledger", "worker", "update", "W1", "--end", "none", "--json").json()
    assert cleared["end_date"] is None
    assert projsync(*post, "--date", "2026-04-01", "--hours", "2").exit_code == 0
    wrong = projsync("ledger", "worker", "update", "W1", "--end", "soon")
    assert wrong.exit_code == 1 and "--end: 'soon' is not a date" in wrong.stderr
