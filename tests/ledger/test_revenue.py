"""Billing rules and revenue recognition, with figures checked by hand, on both
databases.

W1 costs 50.00 and sells at 120.00 an hour until 30 June (see ``conftest.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.errors import InputError
from projsync.ledger.invoices import credit, post_proposal, propose
from projsync.ledger.markups import marked_up, markups_of, remove_markup, set_markup
from projsync.ledger.milestones import add_milestone
from projsync.ledger.model import (
    Activity,
    Category,
    CategoryKind,
    JournalLine,
    ProjectType,
    TransactionKind,
)
from projsync.ledger.posting import post_journal
from projsync.ledger.revenue import recognise, recognitions_of, reverse
from projsync.ledger.service import LedgerService

MARCH = dt.date(2026, 3, 31)


def refused(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def expense(
    project: str, activity: str, cost: str, *, category: str, sales: str | None = None
) -> JournalLine:
    return JournalLine(
        line=1,
        kind=TransactionKind.EXPENSE,
        project=project,
        activity=activity,
        date=dt.date(2026, 3, 3),
        amount=Decimal(cost),
        category=category,
        sales_amount=None if sales is None else Decimal(sales),
    )


def hours(project: str, activity: str, day: dt.date, count: str) -> JournalLine:
    return JournalLine(
        line=1,
        kind=TransactionKind.HOUR,
        project=project,
        activity=activity,
        worker="W1",
        date=day,
        hours=Decimal(count),
    )


@pytest.fixture
def fixed(ledger: LedgerService) -> LedgerService:
    """P1 a fixed-price project of 100,000.00 whose leaves are A1 and A2 under
    A0, with subproject leaves C1 (P1-1) and F1 (P1-1-1)."""
    ledger.update_project("P1", type=ProjectType.FIXED_PRICE, contract_value=Decimal("100000"))
    return ledger


def progress(ledger: LedgerService, **by_activity: tuple[int, str]) -> None:
    """Set the plan's progress on activities as the sync does: percent complete
    and work in hours, keyed ``P1_A1`` for activity A1 of P1."""
    for key, (percent, work) in by_activity.items():
        project, number = key.replace("_", "/").rsplit("/", 1)
        project = project.replace("/", "-")
        ledger.update_activity(
            project, number, percent_complete=percent, scheduled_hours=Decimal(work)
        )


# -- markups and what an expense bills ------------------------------------------


def test_billing__an_expense_bills_its_sales_amount_or_its_cost_plus_the_contracts_markup(
    ledger: LedgerService,
) -> None:
    ledger.add_category(Category(id="Travel", kind=CategoryKind.EXPENSE))
    ledger.add_category(Category(id="Hotel", kind=CategoryKind.EXPENSE))
    ledger.update_project("P1", contract="C-1")
    set_markup(ledger.store, "C-1", "Travel", Decimal("12.5"))
    set_markup(ledger.store, "C-2", "Hotel", Decimal("50"))  # another contract's
    for line in (
        expense("P1", "A2", "80.40", category="Travel"),
        expense("P1", "A2", "99.99", category="Travel", sales="150"),
        expense("P1", "A2", "200.00", category="Hotel"),
        expense("P1", "A2", "0.03", category="Travel"),
    ):
        post_journal(ledger.store, [line], source="test")
    proposal = propose(ledger.store, "P1", date=MARCH)
    # 80.40 + 12.5 % = 80.40 + 10.05 = 90.45; the sales amount 150.00 as given;
    # Hotel has no markup on C-1: at cost 200.00; 0.03 + 12.5 % = 0.03375 -> 0.03
    assert [line.amount for line in proposal.lines] == [
        Decimal("90.45"),
        Decimal("150.00"),
        Decimal("200.00"),
        Decimal("0.03"),
    ]
    assert proposal.total == Decimal("440.48")


def test_billing__a_markup_rounds_half_away_from_zero_to_the_cent() -> None:
    assert marked_up(Decimal("10.10"), Decimal("5")) == Decimal("10.61")  # 10.605
    assert marked_up(Decimal("-10.10"), Decimal("5")) == Decimal("-10.61")
    assert marked_up(Decimal("19.99"), Decimal("0")) == Decimal("19.99")
    assert marked_up(Decimal("1.00"), Decimal("1000")) == Decimal("11.00")


def test_billing__markups_are_set_replaced_listed_and_removed(ledger: LedgerService) -> None:
    ledger.add_category(Category(id="Travel", kind=CategoryKind.EXPENSE))
    set_markup(ledger.store, "C-1", "Travel", Decimal("10"))
    set_markup(ledger.store, "C-1", "Travel", Decimal("15.25"))
    assert [(m.contract, m.category, m.percent) for m in markups_of(ledger.store)] == [
        ("C-1", "Travel", Decimal("15.25"))
    ]
    remove_markup(ledger.store, "C-1", "Travel")
    assert markups_of(ledger.store) == []
    with pytest.raises(InputError) as error:
        remove_markup(ledger.store, "C-1", "Travel")
    assert refused(error) == ["markup C-1/Travel: no such markup"]


@pytest.mark.parametrize(
    ("category", "percent", "problem"),
    [
        ("Nowhere", "5", "unknown category Nowhere"),
        ("Design", "5", "category Design is for hour transactions, not expenses"),
        ("Travel", "1000.01", "a markup is from 0 to 1000.00 percent"),
        ("Travel", "-1", "a markup is from 0 to 1000.00 percent"),
        ("Travel", "1.005", "percent: '1.005' has more than 2 decimal places"),
    ],
)
def test_billing__a_markup_out_of_bounds_is_refused(
    ledger: LedgerService, category: str, percent: str, problem: str
) -> None:
    ledger.add_category(Category(id="Travel", kind=CategoryKind.EXPENSE))
    with pytest.raises(InputError) as error:
        set_markup(ledger.store, "C-1", category, Decimal(percent))
    assert refused(error) == [f"markup C-1/{category}: {problem}"]
    assert markups_of(ledger.store) == []


def test_billing__only_an_expense_takes_a_sales_amount(ledger: LedgerService) -> None:
    line = JournalLine(
        line=1,
        kind=TransactionKind.FEE,
        project="P1",
        activity="A2",
        date=MARCH,
        amount=Decimal("10"),
        sales_amount=Decimal("12"),
    )
    with pytest.raises(InputError, match="an fee line takes no sales amount"):
        post_journal(ledger.store, [line], source="test")


# -- what each project type bills -----------------------------------------------


def test_billing__a_fixed_price_project_bills_its_milestones_not_its_hours(
    fixed: LedgerService,
) -> None:
    post_journal(fixed.store, [hours("P1", "A1", dt.date(2026, 3, 2), "8")], source="test")
    post_journal(fixed.store, [hours("P1-1", "C1", dt.date(2026, 3, 2), "2")], source="test")
    add_milestone(fixed.store, "P1", date=dt.date(2026, 3, 20), amount=Decimal("30000"))
    proposal = propose(fixed.store, "P1", date=MARCH)
    # the milestone; P1's 8 h are in its price; P1-1 is time and material: 2 h x 120.00
    assert [(line.milestone is not None, line.amount) for line in proposal.lines] == [
        (False, Decimal("240.00")),
        (True, Decimal("30000.00")),
    ]


def test_billing__an_internal_project_bills_nothing(ledger: LedgerService) -> None:
    ledger.update_project("P2", type=ProjectType.INTERNAL)
    post_journal(ledger.store, [hours("P2", "B1", dt.date(2026, 3, 2), "8")], source="test")
    with pytest.raises(InputError) as error:
        propose(ledger.store, "P2", date=MARCH)
    assert refused(error) == ["project P2: bills nothing (its type is internal)"]
    with pytest.raises(InputError) as error:
        add_milestone(ledger.store, "P2", date=MARCH, amount=Decimal("1"))
    assert refused(error) == ["project P2: bills nothing (its type is internal)"]


def test_billing__a_fixed_prices_milestones_stay_within_its_contract_value(
    fixed: LedgerService,
) -> None:
    add_milestone(fixed.store, "P1", date=MARCH, amount=Decimal("60000"))
    with pytest.raises(InputError) as error:
        add_milestone(fixed.store, "P1", date=MARCH, amount=Decimal("40000.01"))
    assert refused(error) == [
        "project P1: its milestones would come to 100,000.01, more than its contract value"
        " 100,000.00"
    ]
    add_milestone(fixed.store, "P1", date=MARCH, amount=Decimal("40000"))
    with pytest.raises(InputError) as error:
        fixed.update_project("P1", contract_value=Decimal("99999.99"))
    assert refused(error) == [
        "project P1: its milestones come to 100,000.00, more than its contract value"
    ]
    fixed.update_project("P2", type=ProjectType.FIXED_PRICE)
    with pytest.raises(InputError) as error:
        add_milestone(fixed.store, "P2", date=MARCH, amount=Decimal("1"))
    assert refused(error) == ["project P2: a fixed-price project needs its contract value first"]


def test_billing__a_projects_invoiced_total_follows_invoices_and_credit_notes(
    ledger: LedgerService,
) -> None:
    post_journal(ledger.store, [hours("P1", "A1", dt.date(2026, 3, 2), "3")], source="test")
    first = post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert ledger.project("P1").invoiced == Decimal("360.00")  # 3 h x 120.00
    post_journal(ledger.store, [hours("P1", "A2", dt.date(2026, 3, 9), "0.5")], source="test")
    post_proposal(ledger.store, propose(ledger.store, "P1", date=MARCH).id)
    assert ledger.project("P1").invoiced == Decimal("420.00")  # + 0.5 h x 120.00
    credit(ledger.store, first.number or "", date=MARCH)
    assert ledger.project("P1").invoiced == Decimal("60.00")  # 420.00 - 360.00
    again = propose(ledger.store, "P1", date=MARCH)  # the credited 3 h, billable again
    assert ledger.project("P1").invoiced == Decimal("60.00")  # a proposal is not invoiced
    post_proposal(ledger.store, again.id)
    assert ledger.project("P1").invoiced == Decimal("420.00")


# -- revenue recognised from progress -------------------------------------------


def test_revenue__recognised_after_the_plans_progress_moved_twice(fixed: LedgerService) -> None:
    store = fixed.store
    post_journal(store, [hours("P1", "A1", dt.date(2026, 3, 2), "10")], source="test")
    post_journal(store, [hours("P1-1", "C1", dt.date(2026, 3, 20), "4")], source="test")
    post_journal(store, [hours("P1", "A1", dt.date(2026, 4, 2), "6")], source="test")
    # the leaves: A1 40 h, A2 20 h, C1 30 h, F1 10 h (A0 is a summary)
    progress(fixed, P1_A1=(50, "40"), P1_A2=(0, "20"), P1_1_C1=(10, "30"), P1_1_1_F1=(0, "10"))
    first = recognise(store, "P1", date=MARCH)
    # (40 x 50 + 20 x 0 + 30 x 10 + 10 x 0) / 100 = 2300 / 100 = 23.00 %
    # earned 100,000.00 x 23.00 % = 23,000.00; nothing stood: recognises 23,000.00
    # cost to 31 March: 10 h x 50.00 + 4 h x 50.00 = 700.00 (April's 6 h not yet)
    assert (first.completion, first.earned, first.amount, first.cost) == (
        Decimal("23.00"),
        Decimal("23000.00"),
        Decimal("23000.00"),
        Decimal("700.00"),
    )
    progress(fixed, P1_A1=(100, "40"), P1_A2=(35, "21"))  # moved once
    progress(fixed, P1_A2=(45, "20"), P1_1_C1=(30, "30"))  # and again
    second = recognise(store, "P1", date=dt.date(2026, 4, 30))
    # (40 x 100 + 20 x 45 + 30 x 30 + 10 x 0) / 100 = (4000 + 900 + 900) / 100 = 58.00 %
    # earned 58,000.00, less 23,000.00 recognised: 35,000.00; cost 700.00 + 6 h x 50.00
    assert (second.completion, second.earned, second.amount, second.cost) == (
        Decimal("58.00"),
        Decimal("58000.00"),
        Decimal("35000.00"),
        Decimal("1000.00"),
    )
    assert fixed.project("P1").recognised == Decimal("58000.00")


def test_revenue__the_completion_rounds_to_the_hundredth_of_a_percent(
    fixed: LedgerService,
) -> None:
    fixed.update_project("P1", contract_value=Decimal("99999.99"))
    progress(fixed, P1_A1=(33, "3"), P1_A2=(0, "0"), P1_1_C1=(0, "0"), P1_1_1_F1=(100, "6"))
    found = recognise(fixed.store, "P1", date=MARCH)
    # (3 x 33 + 6 x 100) / 9 = 699 / 9 = 77.666... -> 77.67 %
    # 99,999.99 x 77.67 % = 77,669.9922... -> 77,669.99
    assert (found.completion, found.earned) == (Decimal("77.67"), Decimal("77669.99"))


def test_revenue__leaves_without_work_weigh_the_same(fixed: LedgerService) -> None:
    progress(fixed, P1_A1=(50, "0"), P1_A2=(25, "0"), P1_1_C1=(0, "0"), P1_1_1_F1=(100, "0"))
    # no leaf has work: (50 + 25 + 0 + 100) / 4 = 43.75 %
    assert recognise(fixed.store, "P1", date=MARCH).completion == Decimal("43.75")


def test_revenue__recognising_a_date_again_posts_nothing(fixed: LedgerService) -> None:
    progress(fixed, P1_A1=(50, "40"))
    first = recognise(fixed.store, "P1", date=MARCH)
    progress(fixed, P1_A1=(80, "40"))
    assert recognise(fixed.store, "P1", date=MARCH) == first
    assert len(recognitions_of(fixed.store, "P1")) == 1


def test_revenue__a_reversal_undoes_the_last_recognition(fixed: LedgerService) -> None:
    store = fixed.store
    progress(fixed, P1_A1=(50, "40"), P1_A2=(0, "60"))
    first = recognise(store, "P1", date=MARCH)  # 40 x 50 / 100 = 20.00 %: 20,000.00
    progress(fixed, P1_A1=(100, "40"))
    second = recognise(store, "P1", date=dt.date(2026, 4, 30))  # 40.00 %: 20,000.00 more
    assert (first.amount, second.amount) == (Decimal("20000.00"), Decimal("20000.00"))
    with pytest.raises(InputError) as error:
        reverse(store, first.id)
    assert refused(error) == [
        f"recognition {first.id}: recognition {second.id} of 2026-04-30 stands after it;"
        " reverse that first"
    ]
    undone = reverse(store, second.id)
    assert (undone.amount, undone.reverses, undone.date) == (
        Decimal("-20000.00"),
        second.id,
        second.date,
    )
    assert fixed.project("P1").recognised == Decimal("20000.00")
    with pytest.raises(InputError, match="is reversed already"):
        reverse(store, second.id)
    with pytest.raises(InputError, match="is the reversal of"):
        reverse(store, undone.id)
    progress(fixed, P1_A2=(50, "60"))
    again = recognise(store, "P1", date=dt.date(2026, 4, 30))
    # (40 x 100 + 60 x 50) / 100 = 70.00 %: 70,000.00 less the 20,000.00 standing
    assert (again.completion, again.amount) == (Decimal("70.00"), Decimal("50000.00"))
    assert fixed.project("P1").recognised == Decimal("70000.00")


def test_revenue__progress_going_back_recognises_less(fixed: LedgerService) -> None:
    progress(fixed, P1_A1=(50, "40"), P1_A2=(0, "60"))
    recognise(fixed.store, "P1", date=MARCH)  # 20.00 %
    progress(fixed, P1_A1=(25, "40"))
    later = recognise(fixed.store, "P1", date=dt.date(2026, 4, 30))  # 10.00 %
    assert (later.earned, later.amount) == (Decimal("10000.00"), Decimal("-10000.00"))
    assert fixed.project("P1").recognised == Decimal("10000.00")


def test_revenue__a_date_before_the_last_recognition_is_refused(fixed: LedgerService) -> None:
    progress(fixed, P1_A1=(50, "40"))
    last = recognise(fixed.store, "P1", date=MARCH)
    with pytest.raises(InputError) as error:
        recognise(fixed.store, "P1", date=dt.date(2026, 3, 30))
    assert refused(error) == [
        f"project P1: revenue is recognised up to 2026-03-31 already (recognition {last.id});"
        " reverse that first"
    ]


def test_revenue__what_cannot_be_recognised_is_refused_with_the_reason(
    ledger: LedgerService,
) -> None:
    store = ledger.store
    cases = []
    for step in range(4):
        if step == 1:
            ledger.update_project("P1", type=ProjectType.INTERNAL)
        if step == 2:
            ledger.update_project("P1", type=ProjectType.FIXED_PRICE)
        if step == 3:
            ledger.update_project("P1", contract_value=Decimal("1000"))
        with pytest.raises(InputError) as error:
            recognise(store, "P1", date=MARCH)
        cases += refused(error)
    assert cases == [
        "project P1: a time-and-material project recognises its revenue as it is invoiced"
        " (0.00 so far)",
        "project P1: has no revenue to recognise (its type is internal)",
        "project P1: a fixed-price project needs its contract value first",
        "project P1: the plan has given no progress for its activities yet",
    ]
    assert recognitions_of(store, "P1") == []
    assert ledger.project("P1").recognised == Decimal("0.00")


def test_revenue__a_new_activity_without_progress_counts_as_not_started(
    fixed: LedgerService,
) -> None:
    progress(fixed, P1_A1=(100, "10"))
    fixed.add_activity(Activity(project="P1", number="A3", name="Handover"))
    # A1 10 h at 100 %; the others have no work: weight 0; 100.00 %
    assert recognise(fixed.store, "P1", date=MARCH).completion == Decimal("100.00")


def test_billing__invoices_milestones_markups_and_recognitions_are_in_the_change_feed(
    fixed: LedgerService,
) -> None:
    from projsync.ledger.changes import changes_since
    from projsync.ledger.invoices import discard

    store = fixed.store
    fixed.add_category(Category(id="Travel", kind=CategoryKind.EXPENSE))
    start = changes_since(store, "project", 0)[-1].version
    milestone = add_milestone(store, "P1", date=MARCH, amount=Decimal("500"))
    proposal = propose(store, "P1", date=MARCH)
    discard(store, proposal.id)
    set_markup(store, "C-1", "Travel", Decimal("5"))
    remove_markup(store, "C-1", "Travel")
    progress(fixed, P1_A1=(10, "1"))
    recognition = recognise(store, "P1", date=MARCH)

    def feed(entity: str) -> list[tuple[tuple[str, ...], bool]]:
        return [(c.key, c.record is None) for c in changes_since(store, entity, start)]

    assert feed("milestone") == [((str(milestone.id),), False)]
    assert feed("invoice") == [((str(proposal.id),), True)]  # proposed, then discarded
    assert feed("markup") == [(("C-1", "Travel"), True)]
    assert feed("recognition") == [((str(recognition.id),), False)]
