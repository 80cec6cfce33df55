"""What a person sees in Redmine, read over its REST API (for the tests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from projsync.redmine.client import RedmineClient


def custom(item: dict[str, Any]) -> dict[str, Any]:
    return {f["name"]: f.get("value") for f in item.get("custom_fields", [])}


def issues_of(rest: RedmineClient, identifier: str) -> dict[str, dict[str, Any]]:
    """A project's issues by their activity number (the task id projsync gave them)."""
    project = rest.get(f"/projects/{identifier}.json")["project"]
    listed = rest.pages("/issues.json", "issues", {"project_id": project["id"], "status_id": "*"})
    found: dict[str, dict[str, Any]] = {}
    for issue in listed:
        number = custom(issue)["DAX_09_ActivityNumber"]
        assert number not in found, f"two issues for task {number}"
        found[number] = issue
    return found


def user_id(rest: RedmineClient, login: str) -> int:
    (user,) = [u for u in rest.get("/users.json", {"name": login})["users"] if u["login"] == login]
    return int(user["id"])


def money(value: object) -> Decimal:
    return Decimal(str(value or "0")).quantize(Decimal("0.01"))
