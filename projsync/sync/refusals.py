"""What a person can do about a change that a side's rules refused.

A refused change is held in the integration log, not retried on a timer:
nothing would change by trying again until someone changes the entity on
either side, or asks for it again. Its entry says which rule refused it (the
side's own words) and what the person can do. The rules are the ledger's and
the plan server's; the advice is the sync's, found here by the rule's words.
"""

from __future__ import annotations

from projsync.connectors.base import EntityKind

__all__ = ["advice"]

_AGAIN = (
    "The sync tries again when either side changes it, or when asked "
    "(projsync sync retry ID, or Resynchronize on the integration log)."
)

_FROM_PLAN: tuple[tuple[str, str], ...] = (
    (
        "has posted transactions and cannot have children",
        "An activity with postings takes no children in the ledger: move the task in the "
        "plan under a task without postings, or leave it where it was and put the new "
        "work on a new sibling activity.",
    ),
    (
        "unknown parent activity",
        "Its parent is not in the ledger: place the task under a task the ledger knows.",
    ),
    (
        "cannot move under its own descendant",
        "Move the task in the plan elsewhere: not under one of its own subtasks.",
    ),
    (
        "has posted transactions; it cannot be deleted",
        "The task was deleted in the plan, but the activity has postings and stays in the "
        "ledger: restore the task in the plan, or reverse the postings first.",
    ),
    (
        "has child activities",
        "The task was deleted in the plan, but the activity still has children in the "
        "ledger: delete or move them first.",
    ),
)


def advice(kind: EntityKind, error: str, *, origin: str) -> str:
    """The refused change's error, with what the person can do about it."""
    if origin == "plan":
        found = next((tip for words, tip in _FROM_PLAN if words in error), None)
        tip = found or (
            f"Change the {_noun(kind)} in the plan so that the ledger can take it, "
            "or change the ledger so that it allows it."
        )
        return f"The ledger refused this change from the plan: {error}. {tip} {_AGAIN}"
    return (
        f"The plan side refused this change from the ledger: {error}. Change the "
        f"{_noun(kind)} in the ledger so that the plan can take it. {_AGAIN}"
    )


def _noun(kind: EntityKind) -> str:
    return {
        EntityKind.PROJECT: "project",
        EntityKind.TASK: "task",
        EntityKind.RESOURCE: "resource",
        EntityKind.ASSIGNMENT: "assignment",
        EntityKind.ACTUAL: "actuals",
    }[kind]
