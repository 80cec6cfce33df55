"""The three-way merge: examples by behaviour, then properties over random histories."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projsync.sync.merge import (
    FieldConflict,
    MergeOutcome,
    Ownership,
    Side,
    merge,
    resync_base,
)

NOBODY = Ownership()
BASE = {"name": "Foundations", "budget": Decimal("1200.00"), "start": dt.date(2024, 3, 1)}


def _edited(fields: Mapping[str, object], **changes: object) -> dict[str, object]:
    return {**fields, **changes}


# Both sides present


def test_merge__nothing_changed_writes_nothing() -> None:
    outcome = merge(base=BASE, ledger=dict(BASE), plan=dict(BASE), ownership=NOBODY)

    assert outcome.to_ledger == {} and outcome.to_plan == {}
    assert (outcome.action_ledger, outcome.action_plan) == ("none", "none")
    assert outcome.new_base == BASE and outcome.conflicts == ()


def test_merge__name_edited_in_the_plan_goes_to_the_ledger() -> None:
    plan = _edited(BASE, name="Foundations and piles")

    outcome = merge(base=BASE, ledger=dict(BASE), plan=plan, ownership=NOBODY)

    assert outcome.to_ledger == {"name": "Foundations and piles"}
    assert outcome.to_plan == {}
    assert (outcome.action_ledger, outcome.action_plan) == ("update", "none")
    assert outcome.new_base == plan


def test_merge__budget_edited_in_the_ledger_goes_to_the_plan() -> None:
    ledger = _edited(BASE, budget=Decimal("1500.00"))

    outcome = merge(base=BASE, ledger=ledger, plan=dict(BASE), ownership=NOBODY)

    assert outcome.to_plan == {"budget": Decimal("1500.00")}
    assert outcome.action_plan == "update" and outcome.to_ledger == {}
    assert outcome.new_base == ledger


def test_merge__same_edit_on_both_sides_only_moves_the_base() -> None:
    both = _edited(BASE, name="Piles")

    outcome = merge(base=BASE, ledger=both, plan=dict(both), ownership=NOBODY)

    assert outcome.to_ledger == {} and outcome.to_plan == {}
    assert outcome.new_base == both


def test_merge__different_fields_edited_on_both_sides_are_both_kept() -> None:
    ledger = _edited(BASE, budget=Decimal("900.00"))
    plan = _edited(BASE, start=dt.date(2024, 4, 2))

    outcome = merge(base=BASE, ledger=ledger, plan=plan, ownership=NOBODY)

    assert outcome.to_ledger == {"start": dt.date(2024, 4, 2)}
    assert outcome.to_plan == {"budget": Decimal("900.00")}
    assert outcome.new_base == _edited(BASE, budget=Decimal("900.00"), start=dt.date(2024, 4, 2))
    assert outcome.conflicts == ()


def test_merge__same_field_edited_on_both_sides_without_owner_is_held_as_a_conflict() -> None:
    ledger = _edited(BASE, name="Piles", budget=Decimal("900.00"))
    plan = _edited(BASE, name="Footings")

    outcome = merge(base=BASE, ledger=ledger, plan=plan, ownership=NOBODY)

    assert outcome.conflicts == (
        FieldConflict(field="name", base="Foundations", ledger="Piles", plan="Footings"),
    )
    assert outcome.to_ledger == {}
    assert outcome.to_plan == {"budget": Decimal("900.00")}
    assert outcome.new_base == _edited(BASE, budget=Decimal("900.00"))


@pytest.mark.parametrize(("owner", "winner"), [(Side.LEDGER, "Piles"), (Side.PLAN, "Footings")])
def test_merge__owner_wins_when_both_sides_edit_its_field(owner: Side, winner: str) -> None:
    ledger = _edited(BASE, name="Piles")
    plan = _edited(BASE, name="Footings")

    outcome = merge(
        base=BASE, ledger=ledger, plan=plan, ownership=Ownership(fields={"name": owner})
    )

    loser_writes = outcome.to_plan if owner is Side.LEDGER else outcome.to_ledger
    assert loser_writes == {"name": winner}
    assert outcome.new_base == _edited(BASE, name=winner)
    assert outcome.conflicts == ()


def test_merge__default_owner_covers_fields_not_named() -> None:
    ownership = Ownership(fields={"name": Side.LEDGER}, default=Side.PLAN)
    ledger = _edited(BASE, name="Piles", start=dt.date(2024, 5, 1))
    plan = _edited(BASE, name="Footings", start=dt.date(2024, 6, 1))

    outcome = merge(base=BASE, ledger=ledger, plan=plan, ownership=ownership)

    assert outcome.to_plan == {"name": "Piles"}
    assert outcome.to_ledger == {"start": dt.date(2024, 6, 1)}


def test_merge__held_conflict_is_held_again_on_the_next_run() -> None:
    ledger = _edited(BASE, name="Piles")
    plan = _edited(BASE, name="Footings")
    first = merge(base=BASE, ledger=ledger, plan=plan, ownership=NOBODY)

    second = merge(base=first.new_base, ledger=ledger, plan=plan, ownership=NOBODY)

    assert second == first


def test_merge__field_missing_from_a_side_reads_as_none() -> None:
    plan = {name: value for name, value in BASE.items() if name != "budget"}

    outcome = merge(base=BASE, ledger=dict(BASE), plan=plan, ownership=NOBODY)

    assert outcome.to_ledger == {"budget": None}


# First run: no base


def test_merge__entity_created_in_the_ledger_is_created_in_the_plan() -> None:
    outcome = merge(base=None, ledger=BASE, plan=None, ownership=NOBODY)

    assert (outcome.action_ledger, outcome.action_plan) == ("none", "create")
    assert outcome.to_plan == BASE and outcome.new_base == BASE


def test_merge__entity_created_in_the_plan_is_created_in_the_ledger() -> None:
    outcome = merge(base=None, ledger=None, plan=BASE, ownership=NOBODY)

    assert (outcome.action_ledger, outcome.action_plan) == ("create", "none")
    assert outcome.to_ledger == BASE and outcome.new_base == BASE


def test_merge__entity_on_both_sides_without_base_holds_only_the_differing_fields() -> None:
    plan = _edited(BASE, budget=Decimal("1300.00"))

    outcome = merge(base=None, ledger=BASE, plan=plan, ownership=NOBODY)

    assert outcome.conflicts == (
        FieldConflict(field="budget", base=None, ledger=Decimal("1200.00"), plan=plan["budget"]),
    )
    assert outcome.to_ledger == {} and outcome.to_plan == {}
    assert outcome.new_base == {"name": "Foundations", "start": dt.date(2024, 3, 1)}


def test_merge__first_run_conflict_is_not_settled_by_a_none_on_the_next_run() -> None:
    # The base must not take None for the held field, or the plan's value would win next time.
    ledger = _edited(BASE, budget=None)
    first = merge(base=None, ledger=ledger, plan=BASE, ownership=NOBODY)

    second = merge(base=first.new_base, ledger=ledger, plan=BASE, ownership=NOBODY)

    assert second.conflicts == first.conflicts and len(first.conflicts) == 1
    assert second.to_ledger == {}


def test_merge__entity_on_both_sides_without_base_follows_the_owner() -> None:
    plan = _edited(BASE, budget=Decimal("1300.00"))

    outcome = merge(base=None, ledger=BASE, plan=plan, ownership=Ownership(default=Side.PLAN))

    assert outcome.to_ledger == {"budget": Decimal("1300.00")}
    assert outcome.new_base == plan and outcome.conflicts == ()


# Deletions


def test_merge__deleted_in_the_plan_and_unchanged_in_the_ledger_is_deleted_in_the_ledger() -> None:
    outcome = merge(base=BASE, ledger=dict(BASE), plan=None, plan_deleted=True, ownership=NOBODY)

    assert (outcome.action_ledger, outcome.action_plan) == ("delete", "none")
    assert outcome.new_base is None and not outcome.delete_conflict


def test_merge__deleted_in_the_ledger_and_unchanged_in_the_plan_is_deleted_in_the_plan() -> None:
    outcome = merge(base=BASE, ledger=None, ledger_deleted=True, plan=BASE, ownership=NOBODY)

    assert (outcome.action_ledger, outcome.action_plan) == ("none", "delete")
    assert outcome.new_base is None


def test_merge__deleted_in_the_ledger_but_edited_in_the_plan_is_a_delete_conflict() -> None:
    plan = _edited(BASE, name="Footings")

    outcome = merge(base=BASE, ledger=None, ledger_deleted=True, plan=plan, ownership=NOBODY)

    assert outcome.delete_conflict
    assert (outcome.action_ledger, outcome.action_plan) == ("none", "none")
    assert outcome.to_ledger == {} and outcome.to_plan == {}
    assert outcome.new_base == BASE


def test_merge__deleting_side_that_owns_existence_deletes_the_edited_entity() -> None:
    plan = _edited(BASE, name="Footings")
    ownership = Ownership(existence=Side.LEDGER)

    outcome = merge(base=BASE, ledger=None, ledger_deleted=True, plan=plan, ownership=ownership)

    assert outcome.action_plan == "delete" and not outcome.delete_conflict
    assert outcome.new_base is None


def test_merge__editing_side_that_owns_existence_creates_the_entity_again() -> None:
    plan = _edited(BASE, name="Footings")
    ownership = Ownership(existence=Side.PLAN)

    outcome = merge(base=BASE, ledger=None, ledger_deleted=True, plan=plan, ownership=ownership)

    assert outcome.action_ledger == "create" and outcome.to_ledger == plan
    assert outcome.new_base == plan and not outcome.delete_conflict


def test_merge__entity_gone_from_a_side_it_was_synced_to_reads_as_deleted() -> None:
    outcome = merge(base=BASE, ledger=dict(BASE), plan=None, ownership=NOBODY)

    assert outcome.action_ledger == "delete" and outcome.new_base is None


def test_merge__tombstone_against_an_entity_never_synced_is_a_delete_conflict() -> None:
    outcome = merge(base=None, ledger=BASE, plan=None, plan_deleted=True, ownership=NOBODY)

    assert outcome.delete_conflict and outcome.new_base is None
    assert (outcome.action_ledger, outcome.action_plan) == ("none", "none")


def test_merge__deleted_on_both_sides_forgets_the_base() -> None:
    outcome = merge(
        base=BASE,
        ledger=None,
        plan=None,
        ledger_deleted=True,
        plan_deleted=True,
        ownership=NOBODY,
    )

    assert outcome.new_base is None
    assert (outcome.action_ledger, outcome.action_plan) == ("none", "none")


def test_merge__tombstone_with_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="deleted side"):
        merge(base=BASE, ledger=BASE, ledger_deleted=True, plan=BASE, ownership=NOBODY)


def test_merge__ownership_and_outcome_cannot_be_changed_afterwards() -> None:
    owners = {"name": Side.LEDGER}
    ownership = Ownership(fields=owners)
    owners["name"] = Side.PLAN
    outcome = merge(base=None, ledger=BASE, plan=None, ownership=ownership)

    assert ownership.owner_of("name") is Side.LEDGER
    with pytest.raises(TypeError):
        outcome.to_plan["name"] = "x"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.delete_conflict = True  # type: ignore[misc]


# Properties over random histories

FIELDS = ("name", "start", "budget", "status")
VALUES = st.sampled_from(
    [None, "A", "B", 0, 7, True, Decimal("7.50"), dt.date(2024, 1, 1), dt.date(2024, 6, 30)]
)
SIDES = st.sampled_from(Side)


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    """Everything merge reads about one entity."""

    base: Mapping[str, object] | None
    ledger: Mapping[str, object] | None
    plan: Mapping[str, object] | None
    ledger_deleted: bool = False
    plan_deleted: bool = False

    def merged(self, ownership: Ownership) -> MergeOutcome:
        return merge(
            base=self.base,
            ledger=self.ledger,
            plan=self.plan,
            ledger_deleted=self.ledger_deleted,
            plan_deleted=self.plan_deleted,
            ownership=ownership,
        )

    def applied(self, outcome: MergeOutcome) -> World:
        """The world once the engine has carried the outcome out."""
        if outcome.delete_conflict:
            return self
        if outcome.new_base is None:
            return World(base=None, ledger=None, plan=None)
        return World(
            base=outcome.new_base,
            ledger={**(self.ledger or {}), **outcome.to_ledger},
            plan={**(self.plan or {}), **outcome.to_plan},
        )

    def mirrored(self) -> World:
        return World(
            base=self.base,
            ledger=self.plan,
            plan=self.ledger,
            ledger_deleted=self.plan_deleted,
            plan_deleted=self.ledger_deleted,
        )


@st.composite
def _side(draw: st.DrawFn, base: Mapping[str, object] | None) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name in FIELDS:
        how = draw(st.sampled_from(("kept", "kept", "edited", "missing")))
        if how == "kept" and base is not None and name in base:
            fields[name] = base[name]
        elif how == "edited":
            fields[name] = draw(VALUES)
    return fields


@st.composite
def worlds(draw: st.DrawFn, *, both_present: bool = False) -> World:
    base = draw(st.none() | st.dictionaries(st.sampled_from(FIELDS), VALUES))
    states = ("present",) if both_present else ("present", "present", "absent", "deleted")
    ledger_state, plan_state = draw(st.sampled_from(states)), draw(st.sampled_from(states))
    return World(
        base=base,
        ledger=draw(_side(base)) if ledger_state == "present" else None,
        plan=draw(_side(base)) if plan_state == "present" else None,
        ledger_deleted=ledger_state == "deleted",
        plan_deleted=plan_state == "deleted",
    )


ownerships = st.builds(
    Ownership,
    fields=st.dictionaries(st.sampled_from(FIELDS), SIDES),
    default=st.none() | SIDES,
    existence=st.none() | SIDES,
)


def _other(side: Side) -> Side:
    return Side.PLAN if side is Side.LEDGER else Side.LEDGER


def _mirror(ownership: Ownership) -> Ownership:
    return Ownership(
        fields={name: _other(side) for name, side in ownership.fields.items()},
        default=None if ownership.default is None else _other(ownership.default),
        existence=None if ownership.existence is None else _other(ownership.existence),
    )


@given(worlds(), ownerships)
def test_merge__applying_the_outcome_leaves_both_sides_equal_to_the_new_base(
    world: World, ownership: Ownership
) -> None:
    outcome = world.merged(ownership)
    after = world.applied(outcome)

    if outcome.delete_conflict:  # held for a person: nothing written, the base kept
        assert outcome.to_ledger == outcome.to_plan == {}
        assert (outcome.action_ledger, outcome.action_plan) == ("none", "none")
        assert outcome.new_base == world.base
        return
    if outcome.new_base is None:  # gone: deleted where it is still present
        assert outcome.to_ledger == outcome.to_plan == {}
        assert outcome.action_ledger == ("delete" if world.ledger is not None else "none")
        assert outcome.action_plan == ("delete" if world.plan is not None else "none")
        return
    assert after.ledger is not None and after.plan is not None
    held = {conflict.field for conflict in outcome.conflicts}
    assert held.isdisjoint(outcome.to_ledger.keys() | outcome.to_plan.keys())
    for name in after.ledger.keys() | after.plan.keys() | outcome.new_base.keys():
        if name in held:
            assert outcome.new_base.get(name) == (world.base or {}).get(name)
        else:
            assert after.ledger.get(name) == after.plan.get(name) == outcome.new_base[name]


@given(worlds(both_present=True), ownerships)
def test_merge__an_edit_made_on_one_side_only_is_never_lost(
    world: World, ownership: Ownership
) -> None:
    after = world.applied(world.merged(ownership))

    assert world.ledger is not None and world.plan is not None
    assert after.ledger is not None and after.plan is not None
    for name, agreed in (world.base or {}).items():
        ledger_value, plan_value = world.ledger.get(name), world.plan.get(name)
        if ledger_value != agreed and plan_value == agreed:
            assert after.ledger.get(name) == after.plan.get(name) == ledger_value
        if plan_value != agreed and ledger_value == agreed:
            assert after.ledger.get(name) == after.plan.get(name) == plan_value


@given(worlds(), ownerships)
def test_merge__merging_again_after_applying_changes_nothing(
    world: World, ownership: Ownership
) -> None:
    first = world.merged(ownership)
    after = world.applied(first)

    second = after.merged(ownership)

    assert second.to_ledger == {} and second.to_plan == {}
    assert (second.action_ledger, second.action_plan) == ("none", "none")
    assert second.conflicts == first.conflicts
    assert second.delete_conflict == first.delete_conflict
    assert second.new_base == after.base


@given(worlds(), ownerships)
def test_merge__swapping_the_sides_swaps_the_outcome(world: World, ownership: Ownership) -> None:
    outcome = world.merged(ownership)

    mirrored = world.mirrored().merged(_mirror(ownership))

    assert mirrored.to_ledger == outcome.to_plan and mirrored.to_plan == outcome.to_ledger
    assert (mirrored.action_ledger, mirrored.action_plan) == (
        outcome.action_plan,
        outcome.action_ledger,
    )
    assert mirrored.new_base == outcome.new_base
    assert mirrored.delete_conflict == outcome.delete_conflict
    assert mirrored.conflicts == tuple(
        dataclasses.replace(conflict, ledger=conflict.plan, plan=conflict.ledger)
        for conflict in outcome.conflicts
    )


@given(worlds(both_present=True), ownerships, st.sampled_from(FIELDS), VALUES)
def test_merge__a_decided_value_ends_on_both_sides_and_in_the_base(
    world: World, ownership: Ownership, name: str, value: object
) -> None:
    outcome = merge(
        base=world.base,
        ledger=world.ledger,
        plan=world.plan,
        ownership=ownership,
        decided={name: value},
    )
    after = world.applied(outcome)
    assert after.ledger is not None and after.plan is not None
    assert after.ledger.get(name) == after.plan.get(name) == value
    assert outcome.new_base is not None and outcome.new_base[name] == value
    assert name not in {c.field for c in outcome.conflicts}
    undecided = world.merged(ownership)  # every other field as without the decision
    assert {c.field for c in outcome.conflicts} == {
        c.field for c in undecided.conflicts if c.field != name
    }


@given(worlds(both_present=True), ownerships)
def test_merge__a_resynchronization_leaves_each_owned_field_as_its_owner_has_it(
    world: World, ownership: Ownership
) -> None:
    assert world.ledger is not None and world.plan is not None
    outcome = merge(
        base=resync_base(world.base, world.ledger, world.plan, ownership),
        ledger=world.ledger,
        plan=world.plan,
        ownership=ownership,
    )
    after = world.applied(outcome)
    assert after.ledger is not None and after.plan is not None
    for name in world.ledger.keys() & world.plan.keys():
        owner = ownership.owner_of(name)
        if owner is Side.LEDGER:
            assert after.ledger[name] == after.plan[name] == world.ledger[name]
        elif owner is Side.PLAN:
            assert after.ledger[name] == after.plan[name] == world.plan[name]
