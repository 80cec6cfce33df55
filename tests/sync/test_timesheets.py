"""Outside timesheets through the sync: each line of a side's timesheets is
one hour posting in the ledger, posted once, replaced when the line changes,
reversed when it is withdrawn, held in the log with the ledger's reasons when
refused. The side here is the built-in plan server with its lines given by
the test (the plan server's own timesheets and Redmine's time entries have
their stories in tests/plan and tests/redmine)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal

import pytest
from sqlalchemy import select

from projsync.connectors.base import TimesheetLine
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.connectors.plan_builtin import PlanConnector
from projsync.db import Store
from projsync.ledger.model import Transaction
from projsync.ledger.service import LedgerService
from projsync.plan.service import PlanService
from projsync.plan.views import project_view
from projsync.sync import timesheets
from projsync.sync.engine import SyncEngine
from projsync.sync.log import entries
from projsync.sync.tables import links
from tests.ledger.conftest import ledger
from tests.sync.conftest import D, integrate, post_hours, stores

__all__ = ["ledger", "stores"]


class Sheets(PlanConnector):
    """The built-in plan server, whose timesheet lines the test writes."""

    timesheet_source = "test sheet line"

    def __init__(self, store: Store, *, whole: bool = False) -> None:
        super().__init__(store)
        self.lines: dict[str, TimesheetLine] = {}
        self.timesheets_whole = whole
        self.deleted: set[str] = set()
        self.asked: list[tuple[int, int]] = []
        self.edits = 0

    def put(self, key: str, **changes: object) -> TimesheetLine:
        """A line recorded (or changed): its version moves past the plan's."""
        old = self.lines.get(key)
        fields: dict[str, object] = {
            "key": key, "task": "P1/A1", "resource": "W1", "person": "Ada",
            "day": D, "hours": Decimal("2"), "text": "",
        }  # fmt: skip
        if old is not None:
            fields = {f.name: getattr(old, f.name) for f in dataclasses.fields(old)}
        fields.update({"withdrawn": False, **changes})  # a line put again is approved again
        fields["version"] = self._bump()
        line = TimesheetLine(**fields)  # type: ignore[arg-type]
        self.lines[key] = line
        return line

    def remove(self, key: str) -> None:
        """A line deleted, leaving nothing behind (as Redmine deletes)."""
        self.lines.pop(key)
        self.deleted.add(key)
        self._bump()

    def _bump(self) -> int:
        # a change of the plan moves its version past the lines read before
        self.edits += 1
        at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=self.edits)
        PlanService(self.store).update_project("P1", status_date=at)
        return self.high_water()

    def timesheet_lines(self, since: int, until: int) -> Iterator[TimesheetLine]:
        self.asked.append((since, until))
        for line in self.lines.values():
            if self.timesheets_whole or since < line.version <= until:
                yield line

    def vanished_lines(self, keys: Sequence[str]) -> list[str]:
        return [k for k in keys if k in self.deleted]


def setup(
    stores: tuple[LedgerService, Store, Store], *, whole: bool = False
) -> tuple[LedgerService, Sheets, SyncEngine]:
    ledger, plan, sync = stores
    integrate(ledger, sync)
    side = Sheets(plan, whole=whole)
    engine = SyncEngine(sync, LedgerConnector(ledger.store, today=dt.date(2026, 8, 1)), side)
    engine.run()
    return ledger, side, engine


def sheet_postings(ledger: LedgerService) -> list[Transaction]:
    """The transactions the sync posted from timesheet lines, reversals included."""
    from projsync.ledger.reports import iter_transactions

    return [t for t in iter_transactions(ledger.store, project="P1") if t.worker == "W1"]


def actual_cost_of_a1(side: Sheets) -> Decimal:
    _, views, _ = project_view(side.store, "P1")
    return next(v.actual_cost for v in views if v.task.id == "A1")


def standing(ledger: LedgerService) -> Decimal:
    return sum((t.hours for t in sheet_postings(ledger)), Decimal(0))


def test_timesheets__an_approved_line_is_posted_once_priced_with_its_text_and_its_cost_comes_back(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    side.put("7", hours=Decimal("2.5"), text="drawing review")

    report = engine.run()

    (posted,) = sheet_postings(ledger)
    assert (posted.project, posted.activity, posted.worker, posted.date) == ("P1", "A1", "W1", D)
    assert (posted.hours, posted.cost, posted.text) == (
        Decimal("2.50"),
        Decimal("125.00"),
        "drawing review",
    )
    assert report.created == 2  # the posting, and the actual it made on the task
    assert actual_cost_of_a1(side) == Decimal("125.00")  # in the same run
    (entry,) = [e for e in entries(engine.store) if e.entity_type == "timesheet line"]
    assert (entry.entity_key, entry.action, entry.status.value) == (
        "test sheet line 7",
        "create",
        "completed",
    )
    assert entry.plan_key == "P1/A1"

    engine.run()
    engine.run()
    assert len(sheet_postings(ledger)) == 1


def test_timesheets__a_line_changed_after_posting_is_reversed_and_posted_again(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    side.put("7", hours=Decimal("2"))
    engine.run()
    side.put("7", hours=Decimal("3"), text="more")

    report = engine.run()

    hours = [t.hours for t in sheet_postings(ledger)]
    assert hours == [Decimal("2.00"), Decimal("-2.00"), Decimal("3.00")]
    assert standing(ledger) == Decimal("3.00")
    assert report.updated >= 1
    engine.run()
    assert len(sheet_postings(ledger)) == 3


def test_timesheets__a_withdrawn_line_has_its_posting_reversed_once(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    side.put("7", hours=Decimal("2"))
    engine.run()
    side.put("7", withdrawn=True)

    engine.run()
    engine.run()

    assert [t.hours for t in sheet_postings(ledger)] == [Decimal("2.00"), Decimal("-2.00")]
    assert actual_cost_of_a1(side) == Decimal("0")


def test_timesheets__a_line_withdrawn_before_it_was_ever_posted_changes_nothing(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    side.put("7", withdrawn=True)
    engine.run()
    assert sheet_postings(ledger) == []
    assert [e for e in entries(engine.store) if e.entity_type == "timesheet line"] == []


def test_timesheets__a_line_the_ledger_refuses_is_held_once_with_the_reason_and_goes_in_when_it_can(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    post_hours(ledger, "A2", "20")  # Ada's day holds 20 h already
    side.put("7", hours=Decimal("6"))

    engine.run()
    engine.run()

    held = [e for e in entries(engine.store) if e.entity_type == "timesheet line"]
    assert [(e.status.value, e.entity_key) for e in held] == [("refused", "test sheet line 7")]
    assert held[0].error == (
        "test sheet line 7: worker W1 would have 26.00 hours on 2026-03-02; at most 24 per day"
    )
    assert standing(ledger) == Decimal("20.00")

    side.put("7", hours=Decimal("4"))  # the manager corrects the line
    engine.run()

    assert standing(ledger) == Decimal("24.00")
    logged = [e for e in entries(engine.store) if e.entity_type == "timesheet line"]
    assert sorted((e.entity_version, e.status.value) for e in logged) == [
        (held[0].entity_version, "completed"),  # held no more
        (side.lines["7"].version, "completed"),
    ]


def test_timesheets__a_line_on_a_task_the_ledger_does_not_know_is_held_until_it_is_linked(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    side.put("8", task="P9/T1")
    side.put("9", resource="X1", person="Someone")

    report = engine.run()

    held = {
        e.entity_key: e.error for e in entries(engine.store) if e.entity_type == "timesheet line"
    }
    assert "linked to no ledger activity" in (held["test sheet line 8"] or "")
    assert "Someone is no integrated worker" in (held["test sheet line 9"] or "")
    assert report.refused == 2
    assert sheet_postings(ledger) == []


def test_timesheets__a_side_that_gives_every_line_posts_each_once_and_withdraws_the_deleted(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores, whole=True)
    side.put("1", hours=Decimal("1"))
    side.put("2", hours=Decimal("2"), day=D + dt.timedelta(days=1))
    engine.run()
    engine.run()
    assert standing(ledger) == Decimal("3.00")
    assert len(sheet_postings(ledger)) == 2

    side.remove("2")
    engine.run()
    engine.run()

    assert standing(ledger) == Decimal("1.00")
    assert len(sheet_postings(ledger)) == 3


def test_timesheets__a_line_read_once_is_not_read_again_by_a_later_run(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    _, side, engine = setup(stores)
    side.put("7")
    engine.run()
    first = side.asked[-1]
    side.put("8", day=D + dt.timedelta(days=1))
    engine.run()
    assert side.asked[-1][0] == first[1]  # read from where the last run stopped


def test_timesheets__the_lines_links_are_the_syncs(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    """What the lines name (P1/A1, W1) is what the sync linked: a check on
    the stories above, which would hold nothing if these keys were wrong."""
    _, _, engine = setup(stores)
    with engine.store.read() as conn:
        found = {(r.kind, r.plan_key) for r in conn.execute(select(links))}
    assert ("task", "P1/A1") in found
    assert ("resource", "W1") in found


def test_timesheets__a_run_that_ends_between_posting_and_logging_posts_nothing_twice(
    stores: tuple[LedgerService, Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, side, engine = setup(stores)
    side.put("7", hours=Decimal("2"))
    real = timesheets.add_entry

    def crash(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt  # the process is stopped once the ledger has the line

    monkeypatch.setattr(timesheets, "add_entry", crash)
    with pytest.raises(KeyboardInterrupt):
        engine.run()
    assert standing(ledger) == Decimal("2.00")
    monkeypatch.setattr(timesheets, "add_entry", real)

    engine.run()
    engine.run()

    assert len(sheet_postings(ledger)) == 1
    logged = [e for e in entries(engine.store) if e.entity_type == "timesheet line"]
    assert [(e.action, e.status.value) for e in logged] == [("create", "completed")]


def test_timesheets__a_dry_run_tells_the_lines_it_would_post_and_posts_none(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    side.put("7", hours=Decimal("2"))

    told = engine.run(dry_run=True)

    assert {"kind": "timesheet line", "plan": "P1/A1", "key": "test sheet line 7",
            "action": "post"} in told.planned  # fmt: skip
    assert sheet_postings(ledger) == []
    engine.run()
    assert standing(ledger) == Decimal("2.00")


def test_timesheets__each_lines_outcome_reads_back_for_its_approver(
    stores: tuple[LedgerService, Store, Store],
) -> None:
    ledger, side, engine = setup(stores)
    post_hours(ledger, "A2", "20")
    side.put("7", hours=Decimal("6"))
    side.put("8", hours=Decimal("1"), day=D + dt.timedelta(days=1))
    engine.run()

    told = timesheets.line_outcomes(engine.store, "test sheet line", ["7", "8", "9"])

    assert told["7"].state == "held" and "at most 24 per day" in (told["7"].reason or "")
    assert told["8"].state == "posted" and told["8"].journal is not None
    assert "9" not in told
    side.put("8", withdrawn=True)
    engine.run()
    assert timesheets.line_outcomes(engine.store, "test sheet line", ["8"])["8"].state == (
        "withdrawn"
    )
