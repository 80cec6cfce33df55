"""Master data: companies, projects with subprojects, the WBS, workers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projsync.errors import InputError
from projsync.ledger.changes import changes_since, current_version
from projsync.ledger.model import (
    Activity,
    Category,
    CategoryKind,
    Company,
    JournalLine,
    Project,
    ProjectStatus,
    TransactionKind,
    Worker,
    WorkerPrice,
)
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService


def current_version_of(ledger: LedgerService) -> int:
    with ledger.store.read() as conn:
        return current_version(conn)


def test_company__duplicate_and_bad_currency_are_refused(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="company DEMO: already exists"):
        ledger.add_company(Company(id="DEMO", name="Again", currency="EUR"))
    with pytest.raises(InputError, match="not an ISO code"):
        ledger.add_company(Company(id="X", name="X", currency="EURO"))
    assert ledger.add_company(Company(id="US", name="US Inc", currency="usd")).currency == "USD"


def test_project__subprojects_nest_to_any_depth(ledger: LedgerService) -> None:
    ledger.add_project(Project(id="P1-1-1-1", company="DEMO", name="Deep", parent="P1-1-1"))
    assert ledger.project("P1-1-1-1").parent == "P1-1-1"


def test_project__subproject_of_its_own_subproject_is_refused(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="cannot be a subproject of its own subproject P1-1-1"):
        ledger.update_project("P1", parent="P1-1-1")


def test_project__parent_must_belong_to_the_same_company(ledger: LedgerService) -> None:
    ledger.add_company(Company(id="OTHER", name="Other", currency="EUR"))
    with pytest.raises(InputError, match="parent P1 belongs to company DEMO"):
        ledger.add_project(Project(id="X1", company="OTHER", name="X", parent="P1"))


def test_project__unknown_company_and_inverted_dates_are_both_reported(
    ledger: LedgerService,
) -> None:
    with pytest.raises(InputError) as caught:
        ledger.add_project(
            Project(
                id="X", company="NOPE", name="X", start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1)
            )
        )
    assert [p.what for p in caught.value.problems] == [
        "unknown company NOPE",
        "ends before it starts",
    ]


def test_project__projected_dates_are_kept_beside_the_contract_dates_and_are_a_change(
    ledger: LedgerService,
) -> None:
    ledger.update_project("P1", start=dt.date(2026, 3, 2), end=dt.date(2026, 9, 30))
    with ledger.store.read() as conn:
        cursor = current_version(conn)
    # a plan that finishes after the contract end is taken as it is: it says so
    ledger.update_project(
        "P1", projected_start=dt.date(2026, 3, 2), projected_end=dt.date(2026, 10, 16)
    )
    kept = ledger.project("P1")
    assert (kept.start, kept.end) == (dt.date(2026, 3, 2), dt.date(2026, 9, 30))
    assert (kept.projected_start, kept.projected_end) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 10, 16),
    )
    (change,) = changes_since(ledger.store, "project", cursor)
    assert change.key == ("P1",) and change.record == kept


def test_project__projected_dates_are_empty_until_the_plan_gives_them(
    ledger: LedgerService,
) -> None:
    added = ledger.add_project(
        Project(id="P3", company="DEMO", name="New", end=dt.date(2026, 9, 30))
    )
    assert ledger.project("P3") == added
    assert (added.projected_start, added.projected_end) == (None, None)


def test_project__status_update_is_kept(ledger: LedgerService) -> None:
    assert (
        ledger.update_project("P2", status=ProjectStatus.FINISHED).status is ProjectStatus.FINISHED
    )
    assert ledger.project("P2").status is ProjectStatus.FINISHED


def test_activity__number_is_unique_within_its_project_only(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="already exists"):
        ledger.add_activity(Activity(project="P1", number="A1", name="Again"))
    ledger.add_activity(Activity(project="P2", number="A1", name="Same number, other project"))


def test_activity__list_reads_parents_before_children(ledger: LedgerService) -> None:
    ledger.add_activity(Activity(project="P1", number="A11", name="Detail", parent="A1"))
    ledger.add_activity(Activity(project="P1", number="0", name="Kick-off"))
    assert [a.number for a in ledger.activities("P1")] == ["0", "A0", "A1", "A11", "A2"]


def test_activity__move_under_its_own_descendant_is_refused(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="cannot move under its own descendant A1"):
        ledger.update_activity("P1", "A0", parent="A1")


def test_activity__move_to_another_parent_is_kept(ledger: LedgerService) -> None:
    ledger.add_activity(Activity(project="P1", number="M", name="Management"))
    assert ledger.update_activity("P1", "A2", parent="M").parent == "M"


def test_activity__with_postings_cannot_become_a_parent_nor_be_deleted(
    ledger: LedgerService,
) -> None:
    post_journal(
        ledger.store,
        [
            JournalLine(
                line=1,
                kind=TransactionKind.FEE,
                project="P1",
                activity="A2",
                date=dt.date(2026, 3, 2),
                amount=Decimal("10"),
            )
        ],
        source="t",
    )
    with pytest.raises(InputError, match="parent A2 has posted transactions"):
        ledger.add_activity(Activity(project="P1", number="A21", name="Sub", parent="A2"))
    with pytest.raises(InputError, match="has posted transactions"):
        ledger.delete_activity("P1", "A2")


def test_activity__parent_with_children_cannot_be_deleted(ledger: LedgerService) -> None:
    with pytest.raises(InputError, match="has child activities"):
        ledger.delete_activity("P1", "A0")
    ledger.delete_activity("P1", "A1")
    assert [a.number for a in ledger.activities("P1")] == ["A0", "A2"]


def test_worker__price_history_is_kept_in_date_order(ledger: LedgerService) -> None:
    prices = ledger.worker_prices("W1")
    assert [(p.valid_from, p.cost_price, p.sales_price) for p in prices] == [
        (dt.date(2026, 1, 1), Decimal("50.0000"), Decimal("120.0000")),
        (dt.date(2026, 7, 1), Decimal("55.5000"), Decimal("130.2500")),
    ]


def test_worker__a_price_set_again_for_its_date_replaces_it_with_a_new_version(
    ledger: LedgerService,
) -> None:
    since = current_version_of(ledger)
    ledger.set_worker_price(
        WorkerPrice(
            worker="W1",
            valid_from=dt.date(2026, 7, 1),
            cost_price=Decimal("56"),
            sales_price=Decimal("131"),
        )
    )
    prices = ledger.worker_prices("W1")
    assert [(p.valid_from, p.cost_price) for p in prices] == [
        (dt.date(2026, 1, 1), Decimal("50.0000")),
        (dt.date(2026, 7, 1), Decimal("56.0000")),
    ]
    changed = changes_since(ledger.store, "worker_price", since)
    assert [change.key for change in changed] == [("W1", "2026-07-01")]


def test_worker__unknown_company_and_negative_price_are_refused(ledger: LedgerService) -> None:
    price = WorkerPrice(
        worker="W3",
        valid_from=dt.date(2026, 1, 1),
        cost_price=Decimal("1"),
        sales_price=Decimal("2"),
    )
    with pytest.raises(InputError, match="unknown company NOPE"):
        ledger.add_worker(Worker(id="W3", company="NOPE", name="X"), price)
    with pytest.raises(InputError, match="prices cannot be negative"):
        ledger.set_worker_price(
            WorkerPrice(
                worker="W1",
                valid_from=dt.date(2027, 1, 1),
                cost_price=Decimal("-1"),
                sales_price=Decimal("2"),
            )
        )


def test_worker__a_worker_added_twice_is_refused(ledger: LedgerService) -> None:
    price = WorkerPrice(
        worker="W1",
        valid_from=dt.date(2026, 1, 1),
        cost_price=Decimal("1"),
        sales_price=Decimal("2"),
    )
    with pytest.raises(InputError, match="worker W1: already exists"):
        ledger.add_worker(Worker(id="W1", company="DEMO", name="Again"), price)


def test_category__one_created_on_first_use_keeps_the_kind_of_that_use(
    ledger: LedgerService,
) -> None:
    # "Design" came with activity P1/A1 as an hour category
    with pytest.raises(InputError, match=r"category Design: already exists \(hour\)"):
        ledger.add_category(Category(id="Design", kind=CategoryKind.EXPENSE))
    ledger.add_category(Category(id="Travel", kind=CategoryKind.EXPENSE))
    with pytest.raises(InputError, match="category Travel is a expense category, not hour"):
        ledger.add_activity(Activity(project="P2", number="B2", name="Trips", category="Travel"))
    assert ledger.add_category(Category(id="Fees", kind=CategoryKind.FEE)).kind is CategoryKind.FEE


def test_worker__integration_flag_is_kept(ledger: LedgerService) -> None:
    assert ledger.set_worker_integrated("W1", True).integrated
    assert ledger.worker("W1").integrated


def test_worker__end_date_is_kept_changed_and_cleared_each_change_a_new_version(
    ledger: LedgerService,
) -> None:
    since = current_version_of(ledger)
    assert ledger.set_worker_end_date("W1", dt.date(2026, 3, 31)).end_date == dt.date(2026, 3, 31)
    assert ledger.worker("W1").end_date == dt.date(2026, 3, 31)
    ledger.set_worker_end_date("W1", dt.date(2026, 3, 31))  # the same again: no change
    ledger.set_worker_end_date("W1", dt.date(2026, 6, 30))
    assert {w.id: w.end_date for w in ledger.workers()} == {"W1": dt.date(2026, 6, 30), "W2": None}
    assert ledger.set_worker_end_date("W1", None).end_date is None
    changed = changes_since(ledger.store, "worker", since)
    assert [change.key for change in changed] == [("W1",)]  # the feed keeps the latest
    assert current_version_of(ledger) == since + 3


def test_worker__an_end_date_beyond_the_ledgers_dates_or_of_no_worker_is_refused(
    ledger: LedgerService,
) -> None:
    with pytest.raises(InputError, match="worker W1: end date: date 3000-01-01 is outside"):
        ledger.set_worker_end_date("W1", dt.date(3000, 1, 1))
    with pytest.raises(InputError, match="worker W9: unknown worker"):
        ledger.set_worker_end_date("W9", dt.date(2026, 3, 31))
    assert ledger.worker("W1").end_date is None


def test_master_data__numbers_and_dates_beyond_the_ledgers_range_are_refused(
    ledger: LedgerService,
) -> None:
    price = WorkerPrice(
        worker="W1",
        valid_from=dt.date(2027, 1, 1),
        cost_price=Decimal("1E+12"),
        sales_price=Decimal("2"),
    )
    with pytest.raises(InputError, match=r"price: '1E\+12' is out of range"):
        ledger.set_worker_price(price)
    with pytest.raises(InputError, match="date 0001-01-01 is outside the ledger's dates"):
        ledger.set_worker_price(
            WorkerPrice(
                worker="W1",
                valid_from=dt.date(1, 1, 1),
                cost_price=Decimal("1"),
                sales_price=Decimal("2"),
            )
        )
    with pytest.raises(InputError, match="planned hours: 'Infinity' is not a plain decimal"):
        ledger.add_activity(
            Activity(project="P1", number="A9", name="X", planned_hours=Decimal("Infinity"))
        )
    with pytest.raises(InputError, match="date 9999-12-31 is outside the ledger's dates"):
        ledger.update_project("P1", projected_end=dt.date(9999, 12, 31))
    assert [p.valid_from for p in ledger.worker_prices("W1")] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 7, 1),
    ]
