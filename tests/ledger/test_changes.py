"""The change feed: one sequence per store, tombstones, "changed since N"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.ledger.changes import changes_since, current_version
from projsync.ledger.model import Activity, JournalLine, TransactionKind
from projsync.ledger.posting import post_journal
from projsync.ledger.service import LedgerService


def version_now(ledger: LedgerService) -> int:
    with ledger.store.read() as conn:
        return current_version(conn)


def test_changes__only_what_changed_after_the_cursor(ledger: LedgerService) -> None:
    cursor = version_now(ledger)
    assert changes_since(ledger.store, "activity", cursor) == []
    ledger.update_activity("P1", "A1", name="Detailed design")
    ledger.add_activity(Activity(project="P2", number="B2", name="Unpacking"))
    found = changes_since(ledger.store, "activity", cursor)
    assert [c.key for c in found] == [("P1", "A1"), ("P2", "B2")]
    assert isinstance(found[0].record, Activity) and found[0].record.name == "Detailed design"
    assert found[0].version < found[1].version <= version_now(ledger)


def test_changes__an_update_that_changes_nothing_is_not_a_change(ledger: LedgerService) -> None:
    cursor = version_now(ledger)
    ledger.update_activity("P1", "A1", name="Design")
    assert changes_since(ledger.store, "activity", cursor) == []


def test_changes__deletion_leaves_a_tombstone(ledger: LedgerService) -> None:
    cursor = version_now(ledger)
    ledger.delete_activity("P1", "A2")
    (change,) = changes_since(ledger.store, "activity", cursor)
    assert (change.key, change.record) == (("P1", "A2"), None)


def test_changes__recreated_key_is_no_longer_a_tombstone(ledger: LedgerService) -> None:
    ledger.delete_activity("P1", "A2")
    cursor = version_now(ledger)
    ledger.add_activity(Activity(project="P1", number="A2", name="Review again", parent="A0"))
    (change,) = changes_since(ledger.store, "activity", 0)[-1:]
    assert change.record is not None and change.version > cursor
    assert all(c.record is not None for c in changes_since(ledger.store, "activity", 0))


def test_changes__capped_at_until_so_later_edits_are_read_next_time(ledger: LedgerService) -> None:
    cap = version_now(ledger)
    ledger.update_activity("P1", "A1", name="Late edit")
    assert changes_since(ledger.store, "activity", 0, cap)[-1].record != Activity(
        project="P1", number="A1", name="Late edit", parent="A0", category="Design"
    )
    assert [c.key for c in changes_since(ledger.store, "activity", cap)] == [("P1", "A1")]


def test_changes__posted_transactions_are_in_the_feed(ledger: LedgerService) -> None:
    cursor = version_now(ledger)
    post_journal(
        ledger.store,
        [
            JournalLine(
                line=i,
                kind=TransactionKind.FEE,
                project="P1",
                activity="A1",
                date=dt.date(2026, 3, i),
                amount=Decimal(i),
            )
            for i in range(1, 4)
        ],
        source="t",
    )
    found = changes_since(ledger.store, "transaction", cursor)
    assert [c.key for c in found] == [("1",), ("2",), ("3",)]
