"""A Redmine 5 server as the plan side of the bridge, over its REST API.

It answers in the plan's terms, as the built-in plan server does, so the
engine cannot tell them apart: a plan project is a Redmine project (its
identifier derived from the project key), the node of a ledger subproject
(plan key ``<root>/<subproject>``) a Redmine subproject, a task an issue in
its project or subproject (the hierarchy in parent issues; start and due
dates; estimated hours as the budget work, a custom field the budget cost),
a resource a user, an assignment the user's membership of the issue's
project, and the actuals of a task its custom fields of actual hours, cost
and revenue.

Change capture: issues by ``updated_on`` (whole seconds, so the boundary
second is read again and duplicates dropped), deleted issues by comparing
what is there with what the sync linked; projects by comparing each one's
``updated_on``; assignments and resources never come back. Versions
are ``updated_on`` as seconds since the epoch. It never logs, never keeps
state between runs but caches of Redmine ids, and never reads the API key.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from projsync.columns import money
from projsync.connectors.base import (
    Action,
    Applied,
    EntityKind,
    Operation,
    SyncRecord,
    TimesheetLine,
)
from projsync.errors import ConfigurationError, InputError, refusal
from projsync.redmine import fields as rf
from projsync.redmine.client import (
    RedmineClient,
    RedmineNotFound,
    RedmineRefused,
    RedmineUnavailable,
)

__all__ = ["RedmineConnector"]

DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 0)
_CENT = Decimal("0.01")


@dataclass(slots=True)
class _Issue:
    id: int
    task: str
    parent: int | None
    project: int
    """The Redmine project (or subproject) the issue is in."""


class RedmineConnector:
    """One Redmine server, holding the plan projects whose identifiers carry
    ``namespace`` (empty by default) and custom fields named with ``prefix``."""

    side = "plan"

    def __init__(self, client: RedmineClient, *, prefix: str = "DAX_", namespace: str = "") -> None:
        self.client = client
        self.prefix = prefix
        self.namespace = namespace
        self._field_ids: dict[str, int] | None = None
        self._project_ids: dict[str, int] = {}
        """Redmine ids of our projects and subprojects by plan key."""
        self._listed = False
        self._issues: dict[int, dict[str, _Issue]] = {}
        self._users: dict[str, int] = {}
        self._members: dict[int, set[int]] = {}
        self._role: int | None = None

    def __repr__(self) -> str:
        return f"RedmineConnector({self.client.url!r}, namespace={self.namespace!r})"

    def kinds(self) -> tuple[EntityKind, ...]:
        return (
            EntityKind.PROJECT,
            EntityKind.TASK,
            EntityKind.RESOURCE,
            EntityKind.ASSIGNMENT,
            EntityKind.ACTUAL,
        )

    # -- reading -------------------------------------------------------------------

    def high_water(self) -> int:
        newest = self.client.get(
            "/issues.json", {"status_id": "*", "sort": "updated_on:desc", "limit": 1}
        ).get("issues", [])
        stamps = [_epoch(i["updated_on"]) for i in newest]
        stamps += [_epoch(p["updated_on"]) for p in self._our_projects().values()]
        return max(stamps, default=0)

    def changes(self, kind: EntityKind, since: int, until: int) -> Iterator[SyncRecord]:
        if kind is EntityKind.PROJECT:
            for key, project in self._our_projects().items():
                version = _epoch(project["updated_on"])
                if since <= version <= until:
                    yield self._project_record(key, project, version)
        elif kind is EntityKind.TASK:
            yield from self._task_changes(since, until)
        elif kind is EntityKind.RESOURCE:
            yield from self._resources()
        # assignments and actuals never come back from Redmine

    def snapshot(self, kind: EntityKind) -> Iterator[SyncRecord]:
        if kind is EntityKind.ACTUAL:
            yield from self._actual_records()
            return
        yield from self.changes(kind, -1, self.high_water())

    def vanished(self, kind: EntityKind, keys: Sequence[str]) -> list[str]:
        """Tasks whose issue is gone (deleted, or moved out of projsync's
        projects) from a project that is still there: Redmine keeps no
        tombstones, so every issue of our projects is listed and compared."""
        if kind is not EntityKind.TASK or not keys:
            return []
        projects = self._our_projects()
        held = {record.key for record in self._task_changes(-1, 2**62)}
        return [k for k in keys if k.split("/", 1)[0] in projects and k not in held]

    def _our_projects(self) -> dict[str, dict[str, Any]]:
        """The projects and subprojects projsync made (their ProjectId is set)
        in this namespace, by plan key: a subproject's is its top project's key
        and its own, ``<root>/<subproject>``, however deep it sits. And the
        top projects people made that name a company (its Company field) and
        no ProjectId yet: born in Redmine, keyed by their identifier (upper
        case, as ledger ids are written), which becomes their ProjectId."""
        mark = rf.identifier_of(self.namespace, "x")[:-1]
        key_field = rf.own_field(self.prefix, rf.PROJECT_ID)
        company_field = rf.own_field(self.prefix, rf.COMPANY)
        ours: dict[int, dict[str, Any]] = {}
        born: dict[str, dict[str, Any]] = {}
        for project in self.client.pages("/projects.json", "projects"):
            identifier = str(project["identifier"])
            if not identifier.startswith(mark):
                continue
            custom = _custom(project)
            if custom.get(key_field):
                ours[int(project["id"])] = project
            elif custom.get(company_field) and not project.get("parent"):
                born[identifier[len(mark) :].upper()] = project
        found: dict[str, dict[str, Any]] = {}
        for project_id, project in ours.items():
            own = str(_custom(project)[key_field])
            top = project
            while (parent := top.get("parent")) and int(parent["id"]) in ours:
                top = ours[int(parent["id"])]
            key = own if top is project else f"{_custom(top)[key_field]}/{own}"
            found[key] = project
            self._project_ids[key] = project_id
        for key, project in born.items():
            if key and key not in found:
                found[key] = project
                self._project_ids[key] = int(project["id"])
        self._listed = True
        return found

    def _project_record(self, key: str, project: dict[str, Any], version: int) -> SyncRecord:
        custom = self._prefixed(project)
        fields = {"id": key, "name": project["name"], "custom_fields": custom}
        return SyncRecord(kind=EntityKind.PROJECT, key=key, version=version, fields=fields)

    def _task_changes(self, since: int, until: int) -> Iterator[SyncRecord]:
        keys = {pid: key for key, pid in self._project_keys().items()}
        params: dict[str, object] = {"status_id": "*", "sort": "updated_on:asc"}
        if since > 0:
            moment = dt.datetime.fromtimestamp(since, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            params["updated_on"] = f">={moment}"
        seen: set[int] = set()
        for issue in self.client.pages("/issues.json", "issues", params):
            version = _epoch(issue["updated_on"])
            home = keys.get(int(issue["project"]["id"]))
            if home is None or issue["id"] in seen or version > until:
                continue  # not ours; read twice across pages; newer than the run
            seen.add(issue["id"])
            yield self._task_record(home, issue, version)

    def _project_keys(self) -> dict[str, int]:
        """Redmine ids of our projects and subprojects by plan key."""
        if not self._listed:
            self._our_projects()
        return self._project_ids

    def _task_record(self, home: str, issue: dict[str, Any], version: int) -> SyncRecord:
        """An issue as a plan task; ``home`` is the plan key of its Redmine
        project: a task at the top of a subproject hangs under its node."""
        custom = self._prefixed(issue)
        task = _task_id(issue, custom.get(rf.own_field(self.prefix, rf.ACTIVITY_NUMBER)))
        project, _, node = home.partition("/")
        parent_task: str | None = node.rsplit("/", 1)[-1] if node else None
        if issue.get("parent"):
            parent_task = self._task_of(project, int(issue["parent"]["id"]))
        start = _date(issue.get("start_date"))
        due = _date(issue.get("due_date"))
        hours = issue.get("estimated_hours")
        fields: dict[str, object] = {
            "project": project,
            "id": task,
            "name": issue["subject"],
            "parent": parent_task,
            "start": None if start is None else dt.datetime.combine(start, DAY_START),
            "finish": None if due is None else dt.datetime.combine(due, DAY_END),
            "budget_work": 0 if hours is None else round(Decimal(str(hours)) * 60),
            # the done ratio is the issue's progress; Redmine has no work beside
            # its estimate, which is the budget: issues weigh the same
            "percent_complete": issue.get("done_ratio"),
            "budget_cost": money(custom.get(rf.own_field(self.prefix, rf.BUDGET_COST))),
            "custom_fields": custom,
        }
        parent = f"{project}/{parent_task}" if parent_task else project
        return SyncRecord(
            kind=EntityKind.TASK,
            key=f"{project}/{task}",
            version=version,
            fields=fields,
            parent=parent,
        )

    def _task_of(self, project: str, issue_id: int) -> str:
        """The task id of an issue of plan project ``project`` (in any of its subprojects)."""
        for fresh in (False, True):
            if fresh:  # made since the indexes were read
                self._issues.clear()
            for project_id in self._tree(project):
                for task, issue in self._index(project_id).items():
                    if issue.id == issue_id:
                        return task
        return f"RM-{issue_id}"

    def _tree(self, project: str) -> list[int]:
        """Redmine ids of a plan project and of its subprojects, the project first."""
        keys = self._project_keys()
        root = keys.get(project)
        below = [pid for key, pid in keys.items() if key.startswith(f"{project}/")]
        return ([] if root is None else [root]) + below

    def _find(self, task_key: str) -> _Issue | None:
        """The issue of a plan task (``project/task``), wherever in its project's tree."""
        project, task = task_key.split("/", 1)
        for project_id in self._tree(project):
            found = self._index(project_id).get(task)
            if found is not None:
                return found
        return None

    def _resources(self) -> Iterator[SyncRecord]:
        key_field = rf.own_field(self.prefix, rf.WORKER_ID)
        for user in self.client.pages("/users.json", "users", {"status": ""}):
            custom = self._prefixed(user)
            key = custom.get(key_field)
            if key and user["login"] == rf.login_of(self.namespace, str(key)):
                name = f"{user['firstname']} {user['lastname']}".strip()
                yield SyncRecord(
                    kind=EntityKind.RESOURCE,
                    key=str(key),
                    version=_epoch(user.get("updated_on") or user["created_on"]),
                    fields={"id": key, "name": name, "custom_fields": custom},
                )

    def _actual_records(self) -> Iterator[SyncRecord]:
        by_day = rf.own_field(self.prefix, rf.ACTUALS_BY_DAY)
        for record in self.changes(EntityKind.TASK, -1, 2**62):
            custom = dict((record.fields or {}).get("custom_fields") or {})  # type: ignore[call-overload]
            days = _days(str(custom.get(by_day) or "{}"))
            project, task = record.key.split("/", 1)
            for who_day, (minutes, cost, revenue) in sorted(days.items()):
                who, day = who_day.rsplit("/", 1)
                yield SyncRecord(
                    kind=EntityKind.ACTUAL,
                    key=f"{record.key}/{who_day}",
                    version=record.version,
                    parent=record.key,
                    fields={
                        "project": project,
                        "task": task,
                        "resource": who or None,
                        "day": dt.date.fromisoformat(day),
                        "actual_work": int(minutes),
                        "actual_cost": Decimal(cost),
                        "revenue": Decimal(revenue),
                    },
                )

    def _prefixed(self, item: dict[str, Any]) -> dict[str, object]:
        """Custom fields with the configured prefix, empty values as None."""
        return {
            name: (value if value not in ("", None) else None)
            for name, value in _custom(item).items()
            if name.startswith(self.prefix)
        }

    # -- time entries: a timesheet source ---------------------------------------------

    timesheet_source = "redmine time entry"
    timesheets_whole = True
    """Redmine cannot say which time entries changed: every one is given."""

    def timesheet_lines(self, since: int, until: int) -> Iterator[TimesheetLine]:
        """Every time entry on the projects projsync made, versioned by when it
        was last updated."""
        projects = {pid: key.split("/", 1)[0] for key, pid in self._project_keys().items()}
        workers = {}
        key_field = rf.own_field(self.prefix, rf.WORKER_ID)
        for user in self.client.pages("/users.json", "users", {"status": ""}):
            key = _custom(user).get(key_field)
            if key and user["login"] == rf.login_of(self.namespace, str(key)):
                workers[int(user["id"])] = str(key)
        for entry in self.client.pages("/time_entries.json", "time_entries"):
            project = projects.get(int(entry["project"]["id"]))
            if project is None:
                continue
            task = None
            if entry.get("issue"):
                task_id = self._task_of(project, int(entry["issue"]["id"]))
                task = f"{project}/{task_id}"
            yield TimesheetLine(
                key=str(entry["id"]),
                version=_epoch(entry.get("updated_on") or entry["created_on"]),
                task=task,
                resource=workers.get(int(entry["user"]["id"])),
                person=str(entry["user"].get("name", entry["user"]["id"])),
                day=dt.date.fromisoformat(entry["spent_on"]),
                hours=Decimal(str(entry["hours"])).quantize(_CENT),
                text=str(entry.get("comments") or ""),
            )

    def vanished_lines(self, keys: Sequence[str]) -> list[str]:
        """Of these time entries, those Redmine no longer holds (a 404; one it
        hides from projsync's user is not said to have vanished)."""
        gone = []
        for key in keys:
            try:
                self.client.get(f"/time_entries/{int(key)}.json")
            except RedmineNotFound:
                gone.append(key)
        return gone

    # -- writing -------------------------------------------------------------------

    def apply(self, operations: Sequence[Operation]) -> list[Applied]:
        """Apply operations in order; a create of something that exists already
        is an update, so a replay after a crash changes nothing twice."""
        self._issues.clear()  # someone may have added issues since the last call
        results: list[Applied] = []
        actuals = [o for o in operations if o.kind is EntityKind.ACTUAL]
        done = self._apply_actuals(actuals) if actuals else {}
        for operation in operations:
            if operation.kind is EntityKind.ACTUAL:
                results.append(done[id(operation)])
                continue
            handler: Callable[[Operation, str], str | None] = {
                EntityKind.PROJECT: self._project,
                EntityKind.TASK: self._project if operation.header else self._task,
                EntityKind.RESOURCE: self._resource,
                EntityKind.ASSIGNMENT: self._assignment,
            }[operation.kind]
            results.append(_attempt(operation, handler))
        return results

    def _project(self, operation: Operation, key: str) -> str | None:
        """A plan project, or the node of a subproject (``root/sub``): a Redmine
        project, or a subproject of the project the node sits under."""
        own = key.rsplit("/", 1)[-1]
        if operation.action is Action.DELETE:
            found = self._project_id(key)
            if found is not None:
                self.client.delete(f"/projects/{found}.json")  # its subprojects go with it
            for gone in [k for k in self._project_ids if k == key or k.startswith(f"{key}/")]:
                del self._project_ids[gone]
            self._issues.clear()
            return None
        if operation.action is Action.UNLINK:
            return key
        fields = operation.fields
        body: dict[str, object] = {}
        if fields.get("name") is not None:
            body["name"] = str(fields["name"])[:255]
        custom = dict(_mapping(fields.get("custom_fields")))
        custom[rf.own_field(self.prefix, rf.PROJECT_ID)] = own
        body["custom_fields"] = self._custom_values(custom)
        if "/" in key and operation.parent:
            body["parent_id"] = self._needed_project(operation.parent)
        found = self._project_id(key)
        if found is None:
            body.setdefault("name", own)
            body.update(
                identifier=rf.identifier_of(self.namespace, own),
                is_public=False,
                enabled_module_names=["issue_tracking", "time_tracking"],
            )
            made = self.client.post("/projects.json", {"project": body})
            self._project_ids[key] = int(made["project"]["id"])
        else:
            self.client.put(f"/projects/{found}.json", {"project": body})
        return key

    def _project_id(self, key: str) -> int | None:
        """The Redmine id of a plan project or subproject node, None when it has none."""
        if key in self._project_ids:
            return self._project_ids[key]
        own = key.rsplit("/", 1)[-1]
        identifier = rf.identifier_of(self.namespace, own)
        try:
            project = self.client.get(f"/projects/{identifier}.json")["project"]
        except RedmineNotFound:
            return None
        owner = _custom(project).get(rf.own_field(self.prefix, rf.PROJECT_ID))
        if owner not in (None, "", own):
            raise refusal(
                f"project {key}",
                f"the Redmine identifier {identifier} is taken by project {owner}",
            )
        self._project_ids[key] = int(project["id"])
        return self._project_ids[key]

    def _needed_project(self, key: str) -> int:
        found = self._project_id(key)
        if found is None:
            raise refusal(f"task of project {key}", "no such project on Redmine")
        return found

    def _index(self, project_id: int) -> dict[str, _Issue]:
        """The project's issues by task id (its own issues, not its subprojects')."""
        if project_id not in self._issues:
            number = rf.own_field(self.prefix, rf.ACTIVITY_NUMBER)
            found: dict[str, _Issue] = {}
            params = {"project_id": project_id, "subproject_id": "!*", "status_id": "*"}
            for issue in self.client.pages("/issues.json", "issues", params):
                task = _task_id(issue, _custom(issue).get(number))
                parent = issue.get("parent", {}).get("id")
                found[task] = _Issue(
                    id=int(issue["id"]), task=task, parent=parent, project=project_id
                )
            self._issues[project_id] = found
        return self._issues[project_id]

    def _task(self, operation: Operation, key: str) -> str | None:
        project, task = key.split("/", 1)
        self._needed_project(project)
        existing = self._find(key)
        if operation.action is Action.DELETE:
            if existing is not None:
                self.client.delete(f"/issues/{existing.id}.json")
                self._issues.pop(existing.project, None)
            return None
        if operation.action is Action.UNLINK:
            return key
        body = self._issue_body(operation, existing)
        if existing is None:
            made = self.client.post("/issues.json", {"issue": body})["issue"]
            home = int(made["project"]["id"])
            parent = made.get("parent", {}).get("id")
            self._index(home)[task] = _Issue(
                id=int(made["id"]), task=task, parent=parent, project=home
            )
        elif body:
            self.client.put(f"/issues/{existing.id}.json", {"issue": body})
            if "project_id" in body:  # moved to another subproject
                self._issues.pop(existing.project, None)
                self._issues.pop(int(str(body["project_id"])), None)
        return key

    def _issue_body(self, operation: Operation, existing: _Issue | None) -> dict[str, object]:
        fields = operation.fields
        creating = existing is None
        task = str(operation.target_key).split("/", 1)[1]
        body: dict[str, object] = {}
        if fields.get("name") is not None or creating:
            body["subject"] = str(fields.get("name") or task)[:255]
        if "start" in fields:
            body["start_date"] = _iso_day(fields["start"])
        if "finish" in fields:
            body["due_date"] = _iso_day(fields["finish"])
        if "budget_work" in fields:
            minutes = int(str(fields["budget_work"] or 0))
            body["estimated_hours"] = str((Decimal(minutes) / 60).quantize(_CENT))
        if creating or "parent" in fields:  # an update moves only when it says so
            home, parent_issue = self._place(operation)
            body["parent_issue_id"] = parent_issue
            if existing is None or existing.project != home:
                body["project_id"] = home
        custom = dict(_mapping(fields.get("custom_fields")))
        if "budget_cost" in fields:
            custom[rf.own_field(self.prefix, rf.BUDGET_COST)] = str(money(fields["budget_cost"]))
        if creating:
            custom[rf.own_field(self.prefix, rf.ACTIVITY_NUMBER)] = task
        if custom:
            body["custom_fields"] = self._custom_values(custom)
        return body

    def _place(self, operation: Operation) -> tuple[int, int | str]:
        """Where a task goes: the Redmine project (or subproject) and the parent
        issue ("" for none) of the plan parent the operation names."""
        project = str(operation.target_key).split("/", 1)[0]
        parent = operation.parent
        if not parent or "/" not in parent:
            return self._needed_project(project), ""  # at the top of the project
        node = self._project_keys().get(parent)
        if node is not None:
            return node, ""  # at the top of a subproject
        found = self._find(parent)
        if found is None:
            raise refusal(f"task {operation.target_key}", f"no parent task {parent} on Redmine")
        return found.project, found.id

    def _resource(self, operation: Operation, key: str) -> str | None:
        if operation.action in (Action.DELETE, Action.UNLINK):
            return None  # a user is never deleted: their time entries stay
        fields = operation.fields
        body: dict[str, object] = {}
        if fields.get("name") is not None:
            first, _, last = str(fields["name"]).strip().partition(" ")
            body.update(firstname=first[:30] or key, lastname=(last or key)[:30])
        custom = dict(_mapping(fields.get("custom_fields")))
        custom[rf.own_field(self.prefix, rf.WORKER_ID)] = key
        body["custom_fields"] = self._custom_values(custom)
        user = self._user_id(key)
        if user is None:
            login = rf.login_of(self.namespace, key)
            body.setdefault("firstname", key[:30])
            body.setdefault("lastname", key[:30])
            body.update(
                login=login,
                mail=f"{login}@projsync.invalid",
                password=secrets.token_urlsafe(18),
                mail_notification="none",
            )
            made = self.client.post("/users.json", {"user": body})
            self._users[key] = int(made["user"]["id"])
        else:
            self.client.put(f"/users/{user}.json", {"user": body})
        return key

    def _user_id(self, key: str) -> int | None:
        if key not in self._users:
            login = rf.login_of(self.namespace, key)
            for user in self.client.get("/users.json", {"name": login, "status": ""})["users"]:
                if user["login"] == login:
                    self._users[key] = int(user["id"])
        return self._users.get(key)

    def _assignment(self, operation: Operation, key: str) -> str | None:
        """A worker planned on a task is a member of the task's project: Redmine
        keeps no planned work per person, so the hours stay in the ledger."""
        if operation.action in (Action.DELETE, Action.UNLINK):
            return None if operation.action is Action.DELETE else key
        project, task, worker = key.split("/", 2)
        issue = self._find(f"{project}/{task}")
        project_id = self._needed_project(project) if issue is None else issue.project
        user = self._user_id(worker)
        if user is None:
            raise refusal(f"assignment {key}", f"no Redmine user for resource {worker}")
        if project_id not in self._members:
            listed = self.client.pages(f"/projects/{project_id}/memberships.json", "memberships")
            self._members[project_id] = {int(m["user"]["id"]) for m in listed if "user" in m}
        if user not in self._members[project_id]:
            self.client.post(
                f"/projects/{project_id}/memberships.json",
                {"membership": {"user_id": user, "role_ids": [self._member_role()]}},
            )
            self._members[project_id].add(user)
        return key

    def _member_role(self) -> int:
        if self._role is None:
            roles = self.client.get("/roles.json")["roles"]
            if not roles:
                raise ConfigurationError(f"Redmine at {self.client.url} has no roles")
            named = [r for r in roles if r["name"] == "Developer"]
            self._role = int((named or roles)[0]["id"])
        return self._role

    def _apply_actuals(self, operations: list[Operation]) -> dict[int, Applied]:
        """Actuals of each task in one write: the day's values replace that
        day's, and the issue's totals are summed again from every day."""
        by_task: dict[str, list[Operation]] = {}
        for operation in operations:
            key = str(operation.target_key)
            by_task.setdefault(key.rsplit("/", 2)[0], []).append(operation)
        done: dict[int, Applied] = {}
        for task_key, group in by_task.items():
            error, retriable = None, False
            try:
                self._write_actuals(task_key, group)
            except (InputError, RedmineRefused, RedmineNotFound) as exc:
                error = str(exc)
            except RedmineUnavailable as exc:
                error, retriable = str(exc), True
            for operation in group:
                done[id(operation)] = Applied(
                    operation=operation,
                    target_key=operation.target_key,
                    error=error,
                    retriable=retriable,
                )
        return done

    def _write_actuals(self, task_key: str, operations: list[Operation]) -> None:
        self._needed_project(task_key.split("/", 1)[0])
        issue = self._find(task_key)
        if issue is None:
            raise refusal(f"actuals of {task_key}", "no such task on Redmine")
        current = self.client.get(f"/issues/{issue.id}.json")["issue"]
        by_day = rf.own_field(self.prefix, rf.ACTUALS_BY_DAY)
        days = _days(str(_custom(current).get(by_day) or "{}"))
        for operation in operations:
            who_day = str(operation.target_key)[len(task_key) + 1 :]
            if operation.action is Action.DELETE:
                days.pop(who_day, None)
                continue
            fields = operation.fields
            days[who_day] = (
                str(int(str(fields.get("actual_work") or 0))),
                str(money(fields.get("actual_cost"))),
                str(money(fields.get("revenue"))),
            )
        minutes = sum(int(m) for m, _, _ in days.values())
        values = {
            by_day: json.dumps(dict(sorted(days.items())), separators=(",", ":")),
            rf.own_field(self.prefix, rf.ACTUAL_HOURS): str(
                (Decimal(minutes) / 60).quantize(_CENT)
            ),
            rf.own_field(self.prefix, rf.ACTUAL_COST): str(_total(d[1] for d in days.values())),
            rf.own_field(self.prefix, rf.REVENUE): str(_total(d[2] for d in days.values())),
        }
        self.client.put(
            f"/issues/{issue.id}.json", {"issue": {"custom_fields": self._custom_values(values)}}
        )

    def _custom_values(self, values: Mapping[str, object]) -> list[dict[str, object]]:
        ids = self.field_ids()
        missing = sorted(name for name in values if name not in ids)
        if missing:
            raise ConfigurationError(
                f"Redmine at {self.client.url} lacks the custom fields {', '.join(missing)}: "
                "run `projsync redmine setup`"
            )
        return [
            {"id": ids[name], "value": "" if value is None else str(value)}
            for name, value in values.items()
        ]

    def field_ids(self) -> dict[str, int]:
        """Redmine's custom fields by name (read once: an admin's API key is needed)."""
        if self._field_ids is None:
            listed = self.client.get("/custom_fields.json").get("custom_fields", [])
            self._field_ids = {str(f["name"]): int(f["id"]) for f in listed}
        return self._field_ids


def _attempt(operation: Operation, handler: Callable[[Operation, str], str | None]) -> Applied:
    """One operation: refused input fails it, an unreachable server fails it
    retriably; a configuration problem stops the run."""
    key = operation.target_key
    try:
        if key is None:
            raise refusal(operation.source_key, "no plan key to apply to")
        return Applied(operation=operation, target_key=handler(operation, key))
    except (InputError, RedmineRefused, RedmineNotFound) as exc:
        return Applied(operation=operation, target_key=key, error=str(exc))
    except RedmineUnavailable as exc:
        return Applied(operation=operation, target_key=key, error=str(exc), retriable=True)


def _custom(item: dict[str, Any]) -> dict[str, object]:
    return {str(f["name"]): f.get("value") for f in item.get("custom_fields", [])}


def _mapping(value: object) -> dict[str, object]:
    return dict(value) if isinstance(value, dict) else {}


def _task_id(issue: dict[str, Any], number: object) -> str:
    """The plan task id of an issue: the one projsync gave it, else ``RM-<id>``
    for an issue made in Redmine (the new activity is numbered so)."""
    return str(number) if number else f"RM-{issue['id']}"


def _days(text: str) -> dict[str, tuple[str, str, str]]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): (str(v[0]), str(v[1]), str(v[2])) for k, v in found.items()}


def _total(amounts: Iterable[str]) -> Decimal:
    return sum((Decimal(a) for a in amounts), Decimal("0.00"))


def _epoch(stamp: str) -> int:
    return int(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _iso_day(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
