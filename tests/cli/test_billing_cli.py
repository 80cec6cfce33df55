"""Billing from the command line, as a project accountant bills a month's work."""

from __future__ import annotations

from tests.cli.conftest import Run
from tests.cli.test_ledger_cli import setup

MARCH = ("--date", "2026-03-31")


def post_march(projsync: Run) -> None:
    """10 h of W1 at 120.00 on P1, an expense of 80.00 on P1, a fee of 300.00 on
    P1.1, all on 2 March; one more hour on 1 April."""
    base = ("--project", "P1", "--activity", "A1", "--date", "2026-03-02")
    sub = ("--project", "P1.1", "--activity", "C1", "--date", "2026-03-02")
    april = ("--project", "P1", "--activity", "A1", "--date", "2026-04-01")
    for command in (
        ("post", "hours", *base, "--worker", "W1", "--hours", "10"),
        ("post", "expense", *base, "--amount", "80", "--category", "Travel"),
        ("post", "fee", *sub, "--amount", "300"),
        ("post", "hours", *april, "--worker", "W1", "--hours", "1"),
    ):
        outcome = projsync("ledger", *command)
        assert outcome.exit_code == 0, (command, outcome.stderr)


def test_cli__propose_post_and_credit_an_invoice(projsync: Run) -> None:
    setup(projsync)
    post_march(projsync)
    milestone = (
        "--project",
        "P1",
        "--date",
        "2026-03-20",
        "--amount",
        "1000",
        "--text",
        "Design approved",
    )
    assert projsync("ledger", "milestone", "add", *milestone).exit_code == 0
    proposal = projsync("ledger", "invoice", "propose", "--project", "P1", *MARCH, "--json").json()
    # 10 h x 120.00 = 1200.00, the expense 80.00 at its cost, the fee 300.00 on
    # the subproject, the milestone 1000.00: 2580.00; April's hour is left out
    assert [line["amount"] for line in proposal["lines"]] == [
        "1200.00",
        "80.00",
        "300.00",
        "1000.00",
    ]
    assert (proposal["status"], proposal["number"], proposal["total"]) == (
        "proposal",
        None,
        "2580.00",
    )

    again = projsync("ledger", "invoice", "propose", "--project", "P1", *MARCH)
    assert again.exit_code == 1
    assert f"has an open proposal {proposal['id']}" in again.stderr

    posted = projsync("ledger", "invoice", "post", str(proposal["id"]), "--json").json()
    assert (posted["status"], posted["number"]) == ("posted", "DEMO-000001")
    shown = projsync("ledger", "invoice", "show", "DEMO-000001", "--json").json()
    assert shown == posted
    assert "DEMO-000001" in projsync("ledger", "invoice", "show", "DEMO-000001").stdout

    refused = projsync("ledger", "reverse", str(posted["lines"][0]["transaction"]))
    assert refused.exit_code == 1
    assert "is on invoice DEMO-000001; credit the invoice first" in refused.stderr

    note = projsync("ledger", "invoice", "credit", "DEMO-000001", *MARCH, "--json").json()
    assert (note["number"], note["credits"], note["total"]) == (
        "DEMO-000002",
        posted["id"],
        "-2580.00",
    )
    listed = projsync("ledger", "invoice", "list", "--project", "P1", "--json").json()
    assert [(i["number"], i["status"]) for i in listed] == [
        ("DEMO-000001", "credited"),
        ("DEMO-000002", "posted"),
    ]
    milestones = projsync("ledger", "milestone", "list", "--project", "P1", "--json").json()
    assert [(m["amount"], m["invoice"]) for m in milestones] == [("1000.00", None)]


def test_cli__discard_a_proposal(projsync: Run) -> None:
    setup(projsync)
    post_march(projsync)
    proposal = projsync(
        "ledger", "invoice", "propose", "--project", "P1.1", *MARCH, "--json"
    ).json()
    assert proposal["total"] == "300.00"
    discarded = projsync("ledger", "invoice", "discard", str(proposal["id"]))
    assert discarded.exit_code == 0
    assert projsync("ledger", "invoice", "list", "--json").json() == []
    nothing = projsync("ledger", "invoice", "propose", "--project", "P1.1", "--until", "2026-02-28")
    assert nothing.exit_code == 1
    assert "project P1.1: has nothing to bill up to 2026-02-28" in nothing.stderr


def test_cli__a_projects_contract_value(projsync: Run) -> None:
    setup(projsync)
    updated = projsync("ledger", "project", "update", "P1", "--contract-value", "100000", "--json")
    assert updated.json()["contract_value"] == "100000.00"
    refused = projsync("ledger", "project", "update", "P1", "--contract-value", "1e5")
    assert refused.exit_code == 1
    assert "--contract-value" in refused.stderr


def test_cli__markups_and_an_expenses_sales_amount_in_a_proposal(projsync: Run) -> None:
    setup(projsync)
    base = ("--project", "P1", "--activity", "A1", "--date", "2026-03-02")
    for command in (
        ("project", "update", "P1", "--contract", "C-1"),
        ("category", "add", "Travel", "--kind", "expense"),
        ("markup", "set", "--contract", "C-1", "--category", "Travel", "--percent", "7.5"),
        ("post", "expense", *base, "--amount", "80", "--category", "Travel"),
        (
            "post",
            "expense",
            *base,
            "--amount",
            "80",
            "--category",
            "Travel",
            "--sales-amount",
            "95",
        ),
    ):
        outcome = projsync("ledger", *command)
        assert outcome.exit_code == 0, (command, outcome.stderr)
    listed = projsync("ledger", "markup", "list", "--json").json()
    assert listed == [{"contract": "C-1", "category": "Travel", "percent": "7.50"}]
    proposal = projsync("ledger", "invoice", "propose", "--project", "P1", *MARCH, "--json").json()
    # 80.00 + 7.5 % = 86.00; the second at its sales amount 95.00
    assert [line["amount"] for line in proposal["lines"]] == ["86.00", "95.00"]
    refused = projsync(
        "ledger", "markup", "set", "--contract", "C-1", "--category", "Travel", "--percent", "x"
    )
    assert refused.exit_code == 1 and "--percent" in refused.stderr
    negative = projsync("ledger", "post", "expense", *base, "--amount", "1", "--sales-amount", "-1")
    assert negative.exit_code == 1 and "sales amount must not be negative" in negative.stderr
    assert (
        projsync(
            "ledger", "markup", "remove", "--contract", "C-1", "--category", "Travel"
        ).exit_code
        == 0
    )
    assert projsync("ledger", "markup", "list", "--json").json() == []


def test_cli__recognize_revenue_of_a_fixed_price_project(projsync: Run) -> None:
    from decimal import Decimal

    from projsync.cli.stores import ledger_store
    from projsync.ledger.service import LedgerService

    setup(projsync)
    update = ("project", "update", "P1", "--type", "fixed-price", "--contract-value", "50000")
    assert projsync("ledger", *update).exit_code == 0
    early = projsync("ledger", "revenue", "recognize", "--project", "P1", *MARCH)
    assert early.exit_code == 1
    assert "the plan has given no progress for its activities yet" in early.stderr
    # as the sync brings the plan's progress: A1 at 30 %, the other leaves none
    ledger = LedgerService(ledger_store())
    ledger.update_activity("P1", "A1", percent_complete=30, scheduled_hours=Decimal("12"))
    found = projsync("ledger", "revenue", "recognize", "--project", "P1", *MARCH, "--json").json()
    # only A1 has work: 30.00 %; 50,000.00 x 30 % = 15,000.00
    assert (found["completion"], found["earned"], found["amount"]) == (
        "30.00",
        "15000.00",
        "15000.00",
    )
    again = projsync("ledger", "revenue", "recognize", "--project", "P1", *MARCH, "--json").json()
    assert again == found
    undone = projsync("ledger", "revenue", "reverse", str(found["id"]), "--json").json()
    assert (undone["amount"], undone["reverses"]) == ("-15000.00", found["id"])
    listed = projsync("ledger", "revenue", "list", "--project", "P1", "--json").json()
    assert listed["completion"] == "30.00"
    assert [r["amount"] for r in listed["recognitions"]] == ["15000.00", "-15000.00"]
    shown = projsync("ledger", "project", "show", "P1", "--json").json()
    assert shown["recognised"] == "0.00"
    unknown = projsync("ledger", "revenue", "reverse", "999")
    assert unknown.exit_code == 1 and "recognition 999: unknown recognition" in unknown.stderr
