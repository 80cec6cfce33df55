"""Every operation of the API, read from its OpenAPI document, called by
BETA's people with ACME's ids: none reads or changes ACME's data, and no list
names anything of ACME's.

Each path parameter, query parameter and body field is filled from its
schema. One that names an entity of a company (``ENTITIES``) gets BETA's id
in a control call and ACME's in one call of its own (the others keeping
BETA's), so each is tried alone; other strings come from ``PLAIN``, and
numbers, booleans, dates and choices from their types. Where the control is
allowed (2xx), ACME's id must be refused; where it is not (403), ACME's is
refused as well. An operation naming nothing is a list: what it answers
must not name ACME. After each call that may change something, ACME's data
is read again and must be as it was.

A parameter or field the test does not know, or a control it cannot make
pass, fails with the operation's name: a new endpoint is covered without
editing the test, once its new names are told apart here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from projsync.plan.entities import TimesheetCell
from projsync.plan.timesheets import TimesheetService
from projsync.web.app import create_app
from projsync.web.context import Context
from tests.web.conftest import synced_two_companies

ROLES = ("bea", "ben", "bill")
"""BETA's accountant, project manager and team member (worker WB)."""
UNSAFE = {"post", "put", "patch", "delete"}
OMIT = object()
"""A field left out of the body, or a parameter out of the query."""
NEW = object()
"""A new id, unused so far."""

ENTITIES: dict[str, tuple[Any, Any]] = {
    "project_id": ("PA", "PB"),
    "project": ("PA", "PB"),
    "parent": ("PA", "PB"),
    "plan_project": ("PA", "PB"),
    "entity": ("PA", "PB"),
    "worker_id": ("WA", "WB"),
    "worker": ("WA", "WB"),
    "resource": ("WA", "WB"),  # a plan resource: the worker's, as the sync links them
    "company": ("ACME", "BETA"),
    "entry_id": ("ACME's entry", "BETA's entry"),  # ids of the stage's log entries
}
"""Names of parameters and fields that name a company's entity: ACME's and BETA's."""

PLAIN: dict[str, Any] = {
    "id": NEW,
    "number": NEW,
    "name": "Scope probe",
    "source": "scope probe",
    "calendar": "Standard",
    "activity": "1",
    "task_id": "1",
    "hours": "1",
    "amount": OMIT,
    "cost_price": "1",
    "sales_price": "1",
    "planned_hours": "1",
    "category": OMIT,
    "text": "scope probe",
    "customer": OMIT,
    "contract": OMIT,
    "group": OMIT,
    "manager": OMIT,
    "value": OMIT,
    "entity_type": OMIT,
    "custom_field_prefix": OMIT,
    "webhook_url": OMIT,
    "delete_rule": OMIT,
    "owners": OMIT,
    "predecessors": [],
    "task": "1",  # a plan task of the project named with it
    "week": "2026-W10",  # the week of DATE
    "note": "scope probe",
    "comment": OMIT,  # an approval takes none
    "NewActivity.parent": OMIT,  # an activity number of the path's project
    "GridRow.duration": "1d",  # the plan page's grid: a duration as typed
    "GridRow.predecessors": "",  # and predecessors as typed: none
    "GridRow.resources": OMIT,  # resource ids as typed (the test_plan_grid tests hold their scope)
}
"""Values of the strings (and a few others) that name no company's entity;
``Schema.field`` for a field whose name means something else elsewhere."""

DATE = "2026-03-02"
DAY = dt.date(2026, 3, 2)
ACME_WORDS = ("ACME", "PA", "WA")
ACME_NAMES = ("ACME Ltd", "Project PA", "Worker WA")
_NEW_IDS = itertools.count(1)


class Unhandled(Exception):
    """A parameter or field the test cannot fill."""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass
class Request:
    """One call being filled: which entity slot gets ACME's id."""

    operation: Operation
    schemas: dict[str, Any]
    entities: dict[str, tuple[Any, Any]]
    acme: str | None = None
    bare: bool = False
    """Without the query's entities: the whole list."""
    slots: list[str] = field(default_factory=list)
    sent: list[Any] = field(default_factory=list)

    def entity(self, slot: str, name: str) -> Any:
        self.slots.append(slot)
        acme, beta = self.entities[name]
        if slot == self.acme:
            self.sent.append(acme)
            return acme
        return beta

    def build(self) -> tuple[str, dict[str, Any], Any]:
        """The URL, the query and the body (``OMIT`` for none)."""
        url = self.operation.path
        query: dict[str, Any] = {}
        for parameter in self.operation.spec.get("parameters", []):
            name, where = parameter["name"], parameter["in"]
            slot = f"{where}:{name}"
            if name in ENTITIES and self.bare and where == "query":
                continue
            if name in ENTITIES:
                value = self.entity(slot, name)
            elif name in PLAIN:
                value = self._plain(name)
            elif where == "path" or _may_name(name, self._resolve(parameter["schema"])):
                raise Unhandled(f"{where} parameter {name!r} is neither in ENTITIES nor PLAIN")
            elif parameter.get("required"):
                value = self._value(parameter["schema"], slot, name)
            else:
                continue
            if value is OMIT:
                continue
            if where == "path":
                url = url.replace("{" + name + "}", str(value))
            elif where == "query":
                query[name] = value
            else:
                raise Unhandled(f"a parameter in {where}")
        body: Any = OMIT
        content = self.operation.spec.get("requestBody", {}).get("content", {})
        if content:
            if "application/json" not in content:
                raise Unhandled(f"a body of {sorted(content)}")
            body = self._value(content["application/json"]["schema"], "body", "")
        return url, query, body

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        choices = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
        if choices:
            numeric = [s for s in choices if s.get("type") in ("number", "integer")]
            return self._resolve((numeric or choices)[0])
        return schema

    def _plain(self, key: str) -> Any:
        value = PLAIN[key]
        return f"S{next(_NEW_IDS)}" if value is NEW else value

    def _value(self, schema: dict[str, Any], slot: str, title: str) -> Any:
        schema = self._resolve(schema)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" and "properties" in schema:
            found = {}
            for name, inner in schema["properties"].items():
                value = self._field(schema.get("title", title), name, inner, f"{slot}.{name}")
                if value is not OMIT:
                    found[name] = value
            return found
        if kind == "object":
            return {}
        if kind == "array":
            return [self._value(schema["items"], f"{slot}[0]", title)]
        if kind == "boolean":
            return True
        if kind == "integer":
            return int(schema.get("minimum", 1))
        if kind == "number":
            return schema.get("minimum", 1)
        if kind == "string" and schema.get("format") == "date":
            return DATE
        if kind == "string" and schema.get("format") == "date-time":
            return f"{DATE}T08:00:00Z"
        raise Unhandled(f"{slot}: a {kind} the test cannot fill")

    def _field(self, model: str, name: str, schema: dict[str, Any], slot: str) -> Any:
        qualified = f"{model}.{name}"
        if qualified in PLAIN:
            return self._plain(qualified)
        if name in ENTITIES:
            return self.entity(slot, name)
        if name in PLAIN:
            return self._plain(name)
        if _may_name(name, self._resolve(schema)):
            raise Unhandled(f"field {qualified!r} is neither in ENTITIES nor PLAIN")
        return self._value(schema, slot, name)


def _may_name(name: str, schema: dict[str, Any]) -> bool:
    """Whether a parameter or field may name an entity: a free text, or an id
    of any type. It must then be told which it is."""
    text = schema.get("type") == "string" and "enum" not in schema and "format" not in schema
    return text or name == "id" or name.endswith("_id")


def operations(spec: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method=method, path=path, spec=operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


@dataclass
class Stage:
    context: Context
    client: TestClient
    tokens: dict[str, str]
    entities: dict[str, tuple[Any, Any]]

    def call(self, login: str, request: Request) -> Response:
        url, query, body = request.build()
        headers = {"Authorization": f"Bearer {self.tokens[login]}"}
        extra = {} if body is OMIT else {"json": body}
        return self.client.request(
            request.operation.method, url, params=query, headers=headers, **extra
        )

    def acme(self) -> str:
        """ACME's data as an administrator reads it: what no call of BETA's may change."""
        headers = {"Authorization": f"Bearer {self.tokens['ann']}"}

        def read(path: str, keep: Callable[[dict[str, Any]], bool] | None = None) -> Any:
            found = self.client.get(path, headers=headers).json()
            return [item for item in found if keep(item)] if keep else found

        return json.dumps(
            [
                read("/api/v1/projects/PA"),
                read("/api/v1/projects/PA/activities"),
                read("/api/v1/projects/PA/forecasts"),
                read("/api/v1/transactions?project=PA"),
                read("/api/v1/transactions?worker=WA"),
                read("/api/v1/workers", lambda w: w["company"] == "ACME"),
                read("/api/v1/plan/projects/PA/tasks"),
                read("/api/v1/plan/resources", lambda r: r["id"] == "WA"),
                read("/api/v1/sync/log?entity=PA"),
                read("/api/v1/sync/log?entity=WA"),
                read("/api/v1/settings"),
                read("/api/v1/settings/companies", lambda c: c["id"] == "ACME"),
                read("/api/v1/settings/projects", lambda p: p["company"] == "ACME"),
                read("/api/v1/timesheets/lines?resource=WA"),
                read("/api/v1/timesheets/weeks?resource=WA"),
            ],
            sort_keys=True,
        )


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    context, tokens = synced_two_companies(tmp_path_factory.mktemp("scope-openapi"))
    sheets = TimesheetService(context.plan)
    for resource, project, day in (("WA", "PA", DAY), ("WB", "PB", DAY - dt.timedelta(days=7))):
        # ACME's week is submitted: approving or reopening it would change it
        hours = TimesheetCell(project=project, task="1", day=day, hours=Decimal(2))
        sheets.record(resource, [hours])
        sheets.submit(resource, day)
    with TestClient(create_app(context, background_sync=False)) as client:
        admin = {"Authorization": f"Bearer {tokens['ann']}"}
        log = client.get("/api/v1/sync/log", headers=admin).json()
        entry = {e["entity_key"]: e["id"] for e in log}
        entities = {**ENTITIES, "entry_id": (entry["PA"], entry["PB"])}
        yield Stage(context=context, client=client, tokens=tokens, entities=entities)
    context.dispose()


def _leaks(answer: Response, sent: list[Any]) -> list[str]:
    """ACME's ids and names in an answer, but for the ids the caller sent."""
    words = [w for w in ACME_WORDS if w not in sent]
    found = [w for w in words if re.search(rf"\b{re.escape(w)}\b", answer.text)]
    return found + [n for n in ACME_NAMES if n in answer.text]


def _said(answer: Response) -> str:
    return f"{answer.status_code} {answer.text[:300]}"


def _check_operation(stage: Stage, operation: Operation, schemas: dict[str, Any]) -> list[str]:
    """What went wrong with one operation, for each of BETA's people."""
    problems: list[str] = []
    unsafe = operation.method in UNSAFE

    def request(acme: str | None = None, *, bare: bool = False) -> Request:
        return Request(
            operation=operation, schemas=schemas, entities=stage.entities, acme=acme, bare=bare
        )

    def unchanged(before: str, what: str) -> None:
        if unsafe and stage.acme() != before:
            problems.append(f"{operation} ({what}) changed ACME's data")

    for login in ROLES:
        before = stage.acme() if unsafe else ""
        control = request()
        answer = stage.call(login, control)
        unchanged(before, f"{login}, BETA's ids")
        listed = [answer]
        if any(s.startswith("query:") for s in control.slots):
            listed.append(stage.call(login, request(bare=True)))
        for found in listed:
            if found.is_success and _leaks(found, []):
                problems.append(f"{operation} as {login} names ACME: {_leaks(found, [])}")
        if not control.slots:
            continue
        if not (answer.is_success or answer.status_code == 403):
            problems.append(
                f"{operation} as {login}: the control with BETA's ids answered {_said(answer)}; "
                "the test cannot tell a refusal by scope from another (fill it validly)"
            )
            continue
        for slot in dict.fromkeys(control.slots):
            tried = request(slot)
            refused = stage.call(login, tried)
            unchanged(before, f"{login}, ACME's {slot}")
            where = f"{operation} as {login} with ACME's {slot}"
            if refused.is_success and not slot.startswith("query:"):
                problems.append(f"{where}: {_said(refused)}")
            elif refused.is_success and _leaks(refused, []):
                problems.append(f"{where} names ACME: {_leaks(refused, [])}")
            elif not refused.is_success and refused.status_code not in (403, 404, 422):
                problems.append(f"{where}: {_said(refused)}")
            elif answer.status_code == 403 and refused.status_code != 403:
                problems.append(f"{where}: {_said(refused)} where BETA's ids are 403")
            elif _leaks(refused, tried.sent):
                problems.append(f"{where} names ACME: {_leaks(refused, tried.sent)}")
    return problems


def test_scope_openapi__no_operation_reads_or_changes_another_companys_data(stage: Stage) -> None:
    spec = stage.client.app.openapi()  # type: ignore[attr-defined]
    schemas = spec["components"]["schemas"]
    problems: list[str] = []
    for operation in operations(spec):
        try:
            problems += _check_operation(stage, operation, schemas)
        except Unhandled as exc:
            problems.append(f"{operation}: not handled: {exc}")
    assert not problems, "\n".join(problems)


def test_scope_openapi__every_list_shows_betas_own_data_and_nothing_of_acmes(stage: Stage) -> None:
    """The lists are not empty by accident: BETA's accountant finds BETA's
    project, worker, resource and log entries in them."""
    bea = {"Authorization": f"Bearer {stage.tokens['bea']}"}
    for path, key, own in (
        ("/api/v1/projects", "id", "PB"),
        ("/api/v1/workers", "id", "WB"),
        ("/api/v1/plan/projects", "id", "PB"),
        ("/api/v1/plan/resources", "id", "WB"),
        ("/api/v1/sync/log", "entity_key", "WB"),
        ("/api/v1/sync/status", "key", "PB"),
        ("/api/v1/timesheets/lines", "resource", "WB"),
        ("/api/v1/timesheets/weeks", "resource", "WB"),
    ):
        listed = stage.client.get(path, headers=bea).json()
        assert own in {item[key] for item in listed}, path
        assert not {item[key] for item in listed} & {"PA", "WA"}, path


def test_scope_openapi__an_unknown_field_is_reported_with_its_operation() -> None:
    operation = Operation(
        method="post",
        path="/api/v1/things/{thing_id}",
        spec={"parameters": [{"name": "thing_id", "in": "path", "schema": {"type": "string"}}]},
    )
    with pytest.raises(Unhandled, match="'thing_id' is neither in ENTITIES nor PLAIN"):
        Request(operation=operation, schemas={}, entities=ENTITIES).build()
    numbered = Operation(
        method="get",
        path="/api/v1/things",
        spec={"parameters": [{"name": "thing_id", "in": "query", "schema": {"type": "integer"}}]},
    )
    with pytest.raises(Unhandled, match="'thing_id' is neither"):
        Request(operation=numbered, schemas={}, entities=ENTITIES).build()
    body = Operation(
        method="post",
        path="/api/v1/things",
        spec={"requestBody": {"content": {"application/json": {"schema": {
            "title": "Thing", "type": "object", "properties": {"owner": {"type": "string"}},
        }}}}},
    )  # fmt: skip
    with pytest.raises(Unhandled, match=r"'Thing\.owner' is neither"):
        Request(operation=body, schemas={}, entities=ENTITIES).build()


def test_scope_openapi__the_stage_has_acme_data_to_protect(stage: Stage) -> None:
    acme = json.loads(stage.acme())
    assert acme[0]["id"] == "PA" and acme[6]["tasks"] and acme[7] and acme[8]
    assert acme[-2][0]["status"] == acme[-1][0]["status"] == "submitted"
