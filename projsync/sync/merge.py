"""Field-level three-way merge of one synchronized entity.

For each entity the sync engine keeps the merge base: the fields as they were when both sides
last agreed. Given that base and the entity's current fields on the ledger side and on the plan
side (already mapped to the same neutral field names), :func:`merge` decides what to write on
each side, what the new base is, and what a person must settle. It is pure: it must never do
I/O, read settings or clocks, nor drop an edit silently. Whatever the ownership rules cannot
settle comes back as a conflict, and neither side is written for it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

__all__ = ["Action", "FieldConflict", "MergeOutcome", "Ownership", "Side", "merge", "resync_base"]

Action = Literal["none", "create", "update", "delete"]
Fields = Mapping[str, object]

_NO_FIELDS: Fields = MappingProxyType({})


class Side(enum.StrEnum):
    LEDGER = "ledger"
    PLAN = "plan"


def _no_owners() -> Mapping[str, Side]:
    return MappingProxyType({})


def _frozen(fields: Fields) -> Fields:
    """A read-only copy (a mapping frozen already is kept as it is)."""
    if isinstance(fields, MappingProxyType):
        return fields
    return MappingProxyType(dict(fields))


@dataclass(frozen=True, slots=True, kw_only=True)
class Ownership:
    """Which side wins when both sides changed the same thing to different values.

    ``fields`` names the owner of single fields; ``default`` owns every field not named there
    (None: such fields are held as conflicts); ``existence`` owns whether the entity exists
    (None: a deletion on one side against an edit on the other is held as a conflict).
    """

    fields: Mapping[str, Side] = field(default_factory=_no_owners)
    default: Side | None = None
    existence: Side | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def owner_of(self, name: str) -> Side | None:
        return self.fields.get(name, self.default)


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldConflict:
    """A field both sides changed to different values, with no owner: a person decides.

    ``base`` is None when there was no agreed value (first run, or a conflict never settled).
    """

    field: str
    base: object
    ledger: object
    plan: object


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeOutcome:
    """What to do on each side, and the merge base to store once it is done.

    ``to_ledger`` and ``to_plan`` hold the field values to write (all fields for a create,
    nothing for a delete). ``new_base`` is None when the entity is gone on both sides, or
    was never agreed and is held by a delete conflict. ``delete_conflict`` says one side deleted
    the entity while the other edited it and nobody owns existence: nothing is done.
    """

    to_ledger: Fields
    to_plan: Fields
    new_base: Fields | None
    conflicts: tuple[FieldConflict, ...]
    action_ledger: Action
    action_plan: Action
    delete_conflict: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "to_ledger", _frozen(self.to_ledger))
        object.__setattr__(self, "to_plan", _frozen(self.to_plan))
        if self.new_base is not None:
            object.__setattr__(self, "new_base", _frozen(self.new_base))


def merge(
    *,
    base: Fields | None,
    ledger: Fields | None,
    plan: Fields | None,
    ownership: Ownership,
    ledger_deleted: bool = False,
    plan_deleted: bool = False,
    decided: Fields = _NO_FIELDS,
) -> MergeOutcome:
    """Merge one entity's ledger and plan versions against their merge base.

    ``ledger=None`` means the entity is not on the ledger side: never was, or a tombstone when
    ``ledger_deleted`` (likewise for the plan). Values compare by ``==``. A field missing from a
    side's mapping reads as None; a field missing from the base has no agreed value.

    Both sides present, field by field over every field named in the base or either side:

    - equal on both sides (unchanged, or changed alike): nothing written, the base takes it;
    - one side equal to the base: the other side's value goes across and becomes the base;
    - otherwise (both changed, or no agreed value): the field's owner (``ownership.fields``,
      else ``ownership.default``) wins, its value goes to the loser and becomes the base;
      without an owner it is a :class:`FieldConflict`: neither side is written and the base
      keeps its old value, or stays without one, so the next run holds it again;
    - a field a person ``decided`` (a held conflict resolved): the decided value goes to each
      side that does not hold it and becomes the base, whatever the sides and the owners say.

    One side present, the other never had it and there is no base: created on the other side
    with all its fields, which become the base.

    One side present, the other deleted (a tombstone, or absent although a base exists, since
    it was there once):

    - the present side equal to the base on every field: deleted there too, base None;
    - else the owner of existence wins: if it is the deleting side, deleted on the other side;
      if it is the editing side, created again on the deleting side with all its fields;
    - without one, a delete conflict: nothing written, the base unchanged. With no base at
      all the present side counts as edited.

    Neither side present (deleted or never there): nothing written, base None.
    Raises ValueError when a side is marked deleted but fields are given for it.
    """
    if (ledger_deleted and ledger is not None) or (plan_deleted and plan is not None):
        raise ValueError("a deleted side carries no fields: pass None with its tombstone")
    if ledger is not None and plan is not None:
        return _merge_fields(base, ledger, plan, ownership, decided)
    if ledger is not None:
        survivor, fields, other_deleted = Side.LEDGER, ledger, plan_deleted
    elif plan is not None:
        survivor, fields, other_deleted = Side.PLAN, plan, ledger_deleted
    else:
        return _on_one_side(Side.LEDGER, writes=_NO_FIELDS, action="none", new_base=None)
    if base is None and not other_deleted:
        created = _frozen(fields)
        return _on_one_side(_other(survivor), writes=created, action="create", new_base=created)
    return _merge_deletion(base, survivor, fields, ownership)


def _other(side: Side) -> Side:
    return Side.PLAN if side is Side.LEDGER else Side.LEDGER


def _on_one_side(
    side: Side,
    *,
    writes: Fields,
    action: Action,
    new_base: Fields | None,
    delete_conflict: bool = False,
) -> MergeOutcome:
    """An outcome that acts on ``side`` only."""
    on_ledger = side is Side.LEDGER
    return MergeOutcome(
        to_ledger=writes if on_ledger else _NO_FIELDS,
        to_plan=_NO_FIELDS if on_ledger else writes,
        new_base=new_base,
        conflicts=(),
        action_ledger=action if on_ledger else "none",
        action_plan="none" if on_ledger else action,
        delete_conflict=delete_conflict,
    )


def _unchanged(base: Fields | None, fields: Fields) -> bool:
    if base is None:
        return False
    return all(name in base and base[name] == fields.get(name) for name in base.keys() | fields)


def _merge_deletion(
    base: Fields | None, survivor: Side, fields: Fields, ownership: Ownership
) -> MergeOutcome:
    """The entity is deleted on one side and still present, with ``fields``, on ``survivor``."""
    deleter = _other(survivor)
    if _unchanged(base, fields) or ownership.existence is deleter:
        return _on_one_side(survivor, writes=_NO_FIELDS, action="delete", new_base=None)
    if ownership.existence is survivor:
        return _on_one_side(deleter, writes=fields, action="create", new_base=fields)
    return _on_one_side(
        survivor, writes=_NO_FIELDS, action="none", new_base=base, delete_conflict=True
    )


def _winner(
    name: str, agreed: Fields, ledger_value: object, plan_value: object, ownership: Ownership
) -> Side | None:
    """The side whose value stands for a field the two sides disagree on; None: a conflict."""
    if name in agreed:
        if agreed[name] == plan_value:
            return Side.LEDGER
        if agreed[name] == ledger_value:
            return Side.PLAN
    return ownership.owner_of(name)


def _merge_fields(
    base: Fields | None, ledger: Fields, plan: Fields, ownership: Ownership, decided: Fields
) -> MergeOutcome:
    agreed = base if base is not None else _NO_FIELDS
    to_ledger: dict[str, object] = {}
    to_plan: dict[str, object] = {}
    new_base: dict[str, object] = {}
    conflicts: list[FieldConflict] = []
    for name in sorted(agreed.keys() | ledger.keys() | plan.keys() | decided.keys()):
        ledger_value, plan_value = ledger.get(name), plan.get(name)
        if name in decided:
            value = new_base[name] = decided[name]
            if ledger_value != value:
                to_ledger[name] = value
            if plan_value != value:
                to_plan[name] = value
            continue
        if ledger_value == plan_value:
            new_base[name] = ledger_value
            continue
        winner = _winner(name, agreed, ledger_value, plan_value, ownership)
        if winner is Side.LEDGER:
            to_plan[name] = new_base[name] = ledger_value
        elif winner is Side.PLAN:
            to_ledger[name] = new_base[name] = plan_value
        else:
            conflicts.append(
                FieldConflict(
                    field=name, base=agreed.get(name), ledger=ledger_value, plan=plan_value
                )
            )
            if name in agreed:
                new_base[name] = agreed[name]
    return MergeOutcome(
        to_ledger=to_ledger,
        to_plan=to_plan,
        new_base=new_base,
        conflicts=tuple(conflicts),
        action_ledger="update" if to_ledger else "none",
        action_plan="update" if to_plan else "none",
        delete_conflict=False,
    )


def resync_base(
    base: Fields | None, ledger: Fields, plan: Fields, ownership: Ownership
) -> dict[str, object]:
    """The base that makes a merge send every owned field again (a person asked to
    resynchronize): a field the ledger owns reads as changed on the ledger side
    only, one the plan owns as changed on the plan side only, so the owner's
    value goes to the other side wherever they differ. Fields without an owner
    keep their base: a true conflict is still held for a person. A field only
    one side carries is left as the base has it."""
    rebased = dict(base or {})
    for name in ledger.keys() & plan.keys():
        owner = ownership.owner_of(name)
        if owner is Side.LEDGER:
            rebased[name] = plan.get(name)
        elif owner is Side.PLAN:
            rebased[name] = ledger.get(name)
    return rebased
