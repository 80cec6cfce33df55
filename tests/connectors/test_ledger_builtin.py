"""The built-in ledger as one side of the bridge: what the engine reads of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projsync.connectors.base import Action, Connector, EntityKind, Operation
from projsync.connectors.ledger_builtin import LedgerConnector
from projsync.ledger.forecasts import add_forecast, hour_forecasts
from projsync.ledger.model import Activity, ForecastKind, JournalLine, TransactionKind
from projsync.ledger.posting import post_journal, reverse_transaction
from projsync.ledger.service import LedgerService

D = dt.date(2026, 3, 2)


def connector(ledger: LedgerService) -> LedgerConnector:
    return LedgerConnector(ledger.store, today=dt.date(2026, 8, 1))


def test_ledger_connector__speaks_the_protocol_and_offers_parents_first(
    ledger: LedgerService,
) -> None:
    side = connector(ledger)
    assert isinstance(side, Connector)
    assert side.kinds()[:2] == (EntityKind.PROJECT, EntityKind.TASK)


def test_ledger_connector__snapshot_has_projects_and_the_wbs_with_parents(
    ledger: LedgerService,
) -> None:
    side = connector(ledger)
    projects = {r.key: r.parent for r in side.snapshot(EntityKind.PROJECT)}
    assert projects == {"P1": None, "P1-1": "P1", "P1-1-1": "P1-1", "P2": None}
    tasks = {r.key: r.parent for r in side.snapshot(EntityKind.TASK)}
    assert tasks["P1/A1"] == "P1/A0" and tasks["P1/A0"] == "P1"


def test_ledger_connector__only_integrated_workers_with_todays_prices(
    ledger: LedgerService,
) -> None:
    side = connector(ledger)
    assert list(side.snapshot(EntityKind.RESOURCE)) == []
    cursor = side.high_water()
    ledger.set_worker_integrated("W1", True)
    (record,) = side.changes(EntityKind.RESOURCE, cursor, side.high_water())
    assert record.fields is not None
    assert (record.key, record.fields["cost_price"]) == ("W1", Decimal("55.5000"))
    cursor = side.high_water()
    ledger.set_worker_integrated("W1", False)
    (gone,) = side.changes(EntityKind.RESOURCE, cursor, side.high_water())
    assert gone.deleted


def test_ledger_connector__changes_after_a_cursor_and_deletions(ledger: LedgerService) -> None:
    side = connector(ledger)
    cursor = side.high_water()
    ledger.update_activity("P1", "A2", name="Peer review")
    ledger.add_activity(Activity(project="P2", number="B2", name="Unpacking"))
    ledger.delete_activity("P2", "B2")
    found = [(r.key, r.deleted) for r in side.changes(EntityKind.TASK, cursor, side.high_water())]
    assert found == [("P1/A2", False), ("P2/B2", True)]


def test_ledger_connector__hour_forecasts_are_assignments(ledger: LedgerService) -> None:
    side = connector(ledger)
    add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=D,
        hours=Decimal("16"),
    )
    add_forecast(
        ledger.store,
        kind=ForecastKind.EXPENSE,
        project="P1",
        activity="A1",
        date=D,
        amount=Decimal("100"),
    )
    (record,) = side.snapshot(EntityKind.ASSIGNMENT)
    assert record.fields is not None and record.fields["hours"] == Decimal("16.00")


def test_ledger_connector__actuals_only_for_the_aggregates_that_changed(
    ledger: LedgerService,
) -> None:
    side = connector(ledger)
    post_journal(
        ledger.store,
        [
            JournalLine(
                line=1,
                kind=TransactionKind.HOUR,
                project="P1",
                activity="A1",
                worker="W1",
                date=D,
                hours=Decimal("4"),
            ),
            JournalLine(
                line=2,
                kind=TransactionKind.HOUR,
                project="P1",
                activity="A2",
                worker="W1",
                date=D,
                hours=Decimal("2"),
            ),
        ],
        source="t",
    )
    cursor = side.high_water()
    reverse_transaction(ledger.store, 2)
    (record,) = side.changes(EntityKind.ACTUAL, cursor, side.high_water())
    assert record.key == "P1/A2/W1/2026-03-02"
    assert record.fields is not None and record.fields["hours"] == Decimal("0.00")
    assert len(list(side.snapshot(EntityKind.ACTUAL))) == 2


def test_ledger_connector__a_project_takes_its_name_and_projected_dates_from_the_plan_never_its_own(
    ledger: LedgerService,
) -> None:
    ledger.update_project("P1", start=dt.date(2026, 3, 2), end=dt.date(2026, 9, 30))
    (applied,) = connector(ledger).apply(
        [
            Operation(
                kind=EntityKind.PROJECT,
                action=Action.UPDATE,
                source_key="P1",
                target_key="P1",
                fields={
                    "name": "Plant upgrade, phase 1",
                    "start": dt.date(2026, 3, 9),
                    "end": dt.date(2026, 4, 22),
                    "projected_start": dt.date(2026, 3, 9),
                    "projected_end": dt.date(2026, 4, 22),
                },
            )
        ]
    )
    assert applied.ok, applied.error
    project = ledger.project("P1")
    assert project.name == "Plant upgrade, phase 1"
    assert (project.start, project.end) == (dt.date(2026, 3, 2), dt.date(2026, 9, 30))
    assert (project.projected_start, project.projected_end) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 4, 22),
    )


JUNE_29 = dt.date(2026, 6, 29)
"""A Monday: W1 works it and the next three days, over the price rise of 1 July."""


def _assignment(action: Action = Action.UPDATE, **fields: object) -> Operation:
    return Operation(
        kind=EntityKind.ASSIGNMENT,
        action=action,
        source_key="X/T1/W1",
        target_key="P1/A1/W1",
        fields=fields,
    )


def _four_days(hours: str = "8.00") -> tuple[tuple[dt.date, Decimal], ...]:
    return tuple((JUNE_29 + dt.timedelta(days=i), Decimal(hours)) for i in range(4))


def _on_a1(ledger: LedgerService) -> list[tuple[dt.date, Decimal, Decimal]]:
    return [
        (f.date, f.hours, f.cost)
        for f in hour_forecasts(ledger.store, project="P1", activity="A1", worker="W1")
    ]


def test_ledger_connector__an_assignments_days_become_forecasts_priced_by_day(
    ledger: LedgerService,
) -> None:
    add_forecast(
        ledger.store,
        kind=ForecastKind.HOUR,
        project="P1",
        activity="A1",
        worker="W1",
        date=D,
        hours=Decimal("80"),
    )
    (applied,) = connector(ledger).apply([_assignment(hours=Decimal("32.00"), days=_four_days())])
    assert applied.ok
    # 50 an hour until 30 June, 55.50 from 1 July; the forecast of 80 h is gone
    assert _on_a1(ledger) == [
        (JUNE_29, Decimal("8.00"), Decimal("400.00")),
        (dt.date(2026, 6, 30), Decimal("8.00"), Decimal("400.00")),
        (dt.date(2026, 7, 1), Decimal("8.00"), Decimal("444.00")),
        (dt.date(2026, 7, 2), Decimal("8.00"), Decimal("444.00")),
    ]
    assert ledger.activity("P1", "A1").budget_cost == Decimal("1688.00")


def test_ledger_connector__an_assignment_replayed_changes_nothing(ledger: LedgerService) -> None:
    side = connector(ledger)
    operation = _assignment(Action.CREATE, hours=Decimal("32.00"), days=_four_days())
    side.apply([operation])
    before = (side.high_water(), _on_a1(ledger))
    (again,) = side.apply([operation])
    assert again.ok and (side.high_water(), _on_a1(ledger)) == before


def test_ledger_connector__days_refused_leave_the_forecasts_as_they_were(
    ledger: LedgerService,
) -> None:
    side = connector(ledger)
    side.apply([_assignment(hours=Decimal("32.00"), days=_four_days())])
    before = (side.high_water(), _on_a1(ledger))
    early = ((dt.date(2025, 12, 31), Decimal("8.00")), *_four_days()[1:])  # before W1's prices
    short = _four_days("7.00")  # 28 h for an assignment of 32 h
    refused = side.apply(
        [
            _assignment(hours=Decimal("32.00"), days=early),
            _assignment(hours=Decimal("32.00"), days=short),
        ]
    )
    assert "no price on 2025-12-31" in str(refused[0].error)
    assert "add up to 28.00, not 32.00" in str(refused[1].error)
    assert (side.high_water(), _on_a1(ledger)) == before


def test_ledger_connector__a_total_without_days_goes_on_the_activitys_start(
    ledger: LedgerService,
) -> None:
    side = connector(ledger)  # today: 1 August 2026
    side.apply([_assignment(hours=Decimal("10.00"))])
    assert _on_a1(ledger) == [(dt.date(2026, 8, 1), Decimal("10.00"), Decimal("555.00"))]
    side.apply([_assignment(Action.DELETE)])
    ledger.update_project("P1", start=dt.date(2026, 5, 4))
    side.apply([_assignment(hours=Decimal("10.00"))])
    assert _on_a1(ledger) == [(dt.date(2026, 5, 4), Decimal("10.00"), Decimal("500.00"))]
    side.apply([_assignment(Action.DELETE)])
    ledger.update_activity("P1", "A1", start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 12))
    side.apply([_assignment(hours=Decimal("10.00"))])
    assert _on_a1(ledger) == [(dt.date(2026, 6, 1), Decimal("10.00"), Decimal("500.00"))]
    # a new total keeps to the first date of the forecasts it replaces
    side.apply([_assignment(hours=Decimal("32.00"), days=_four_days())])
    side.apply([_assignment(hours=Decimal("12.00"))])
    assert _on_a1(ledger) == [(JUNE_29, Decimal("12.00"), Decimal("600.00"))]


def test_ledger_connector__an_assignment_deleted_or_of_no_hours_takes_its_forecasts(
    ledger: LedgerService,
) -> None:
    side = connector(ledger)
    side.apply([_assignment(hours=Decimal("32.00"), days=_four_days())])
    (deleted,) = side.apply([_assignment(Action.DELETE)])
    assert deleted.ok and deleted.target_key is None and _on_a1(ledger) == []
    side.apply([_assignment(hours=Decimal("32.00"), days=_four_days())])
    side.apply([_assignment(hours=Decimal("0.00"), days=())])
    assert _on_a1(ledger) == []
    assert ledger.activity("P1", "A1").budget_cost == Decimal("0.00")
