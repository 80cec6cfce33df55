"""Enterprise custom fields: typed values, lookup tables, on projects, tasks and
resources.

A value is checked against its field's type (text, number, cost, date, flag,
duration) and, for a field with a lookup table, against the table. Values are
stored as canonical text and read back typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, insert, select, update

from projsync.db import Store
from projsync.errors import InputError, Problem, refusal
from projsync.plan.changes import reserve_versions
from projsync.plan.duration import parse_duration
from projsync.plan.entities import CustomField, FieldEntity, FieldType, LookupValue
from projsync.plan.model import DurationError
from projsync.plan.tables import (
    custom_fields,
    custom_values,
    lookup_values,
    projects,
    resources,
    tasks,
)

__all__ = [
    "add_field",
    "add_field_in",
    "add_lookup_value_in",
    "field_in",
    "field_values",
    "fields",
    "set_field_value",
    "set_field_value_in",
    "typed_value",
]

_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


def add_field(store: Store, field: CustomField) -> CustomField:
    """Define a custom field, with its lookup table when it has one."""
    with store.write() as conn:
        return add_field_in(conn, field)


def add_field_in(conn: Connection, field: CustomField) -> CustomField:
    where = f"field {field.name}"
    if not field.name.strip() or len(field.name) > 100:
        raise refusal("field", "a name of 1 to 100 characters is needed")
    if _field(conn, field.name) is not None:
        raise refusal(where, "already exists")
    for entry in field.lookup:
        canonical(field.type, entry.value, where)
    conn.execute(
        insert(custom_fields).values(
            name=field.name,
            entity=field.entity.value,
            type=field.type.value,
            version=reserve_versions(conn),
        )
    )
    if field.lookup:
        conn.execute(
            insert(lookup_values),
            [
                {
                    "field_name": field.name,
                    "value": canonical(field.type, e.value, where),
                    "description": e.description,
                    "position": i,
                }
                for i, e in enumerate(field.lookup)
            ],
        )
    return field


def add_lookup_value_in(conn: Connection, name: str, value: str, description: str = "") -> None:
    """Add a value to a field's lookup table unless it is there already."""
    field = _field(conn, name)
    if field is None:
        raise refusal(f"field {name}", "unknown field")
    text = canonical(field.type, value, f"field {name}")
    if text in {entry.value for entry in field.lookup}:
        return
    conn.execute(
        insert(lookup_values).values(
            field_name=name, value=text, description=description, position=len(field.lookup)
        )
    )


def field_in(conn: Connection, name: str) -> CustomField | None:
    return _field(conn, name)


def fields(store: Store, entity: FieldEntity | None = None) -> list[CustomField]:
    with store.read() as conn:
        query = select(custom_fields.c.name).order_by(custom_fields.c.name)
        if entity is not None:
            query = query.where(custom_fields.c.entity == entity.value)
        return [f for name in conn.execute(query).scalars() if (f := _field(conn, name))]


def set_field_value(store: Store, name: str, key: str, value: str | None) -> None:
    """Set (or, with ``None``, clear) a field's value on one project ("P1"),
    task ("P1/T1") or resource ("R1")."""
    with store.write() as conn:
        set_field_value_in(conn, name, key, value)


def set_field_value_in(conn: Connection, name: str, key: str, value: str | None) -> None:
    where = f"field {name} on {key}"
    field = _field(conn, name)
    if field is None:
        raise refusal(where, f"unknown field {name}")
    if (field.entity is FieldEntity.TASK) != ("/" in key):
        raise refusal(where, f"{name} is a {field.entity} field")
    if not _exists(conn, field.entity, key):
        raise refusal(where, f"unknown {field.entity} {key}")
    found = conn.execute(
        select(custom_values.c.value).where(
            custom_values.c.field_name == name, custom_values.c.entity_key == key
        )
    ).scalar()
    if value is None:
        if found is not None:
            conn.execute(
                custom_values.delete().where(
                    custom_values.c.field_name == name, custom_values.c.entity_key == key
                )
            )
        return
    text = canonical(field.type, value, where)
    if field.lookup and text not in {entry.value for entry in field.lookup}:
        allowed = ", ".join(entry.value for entry in field.lookup)
        raise InputError(
            [Problem(where=where, what=f"{value!r} is not in the lookup table ({allowed})")]
        )
    if found == text:
        return
    if found is None:
        conn.execute(
            insert(custom_values).values(
                field_name=name, entity_key=key, value=text, version=reserve_versions(conn)
            )
        )
    else:
        conn.execute(
            update(custom_values)
            .where(custom_values.c.field_name == name, custom_values.c.entity_key == key)
            .values(value=text, version=reserve_versions(conn))
        )


def field_values(conn: Connection, keys: Iterable[str]) -> dict[str, dict[str, object]]:
    """Typed custom field values by entity key."""
    wanted = set(keys)
    types = {
        r.name: FieldType(r.type)
        for r in conn.execute(select(custom_fields.c.name, custom_fields.c.type))
    }
    found: dict[str, dict[str, object]] = {}
    rows = conn.execute(select(custom_values)) if wanted else ()
    for row in rows:
        if row.entity_key in wanted:
            found.setdefault(row.entity_key, {})[row.field_name] = typed_value(
                types[row.field_name], row.value
            )
    return found


def canonical(kind: FieldType, value: str, where: str) -> str:
    """The stored text of a value, or a refusal saying why it does not fit."""
    text = value.strip()
    try:
        if kind is FieldType.NUMBER:
            return str(Decimal(text).normalize()) if Decimal(text).is_finite() else _bad()
        if kind is FieldType.COST:
            return str(Decimal(text).quantize(Decimal("0.01")))
        if kind is FieldType.DATE:
            return dt.datetime.fromisoformat(text).isoformat()
        if kind is FieldType.FLAG:
            if text.lower() in _TRUE:
                return "true"
            if text.lower() in _FALSE:
                return "false"
            return _bad()
        if kind is FieldType.DURATION:
            return str(parse_duration(text).minutes)
    except (InvalidOperation, ValueError, DurationError):
        pass
    else:
        return text
    raise refusal(where, f"{value!r} is not a valid {kind}")


def typed_value(kind: FieldType, text: str) -> object:
    if kind is FieldType.NUMBER:
        return Decimal(text)
    if kind is FieldType.COST:
        return Decimal(text)
    if kind is FieldType.DATE:
        return dt.datetime.fromisoformat(text)
    if kind is FieldType.FLAG:
        return text == "true"
    if kind is FieldType.DURATION:
        return int(text)
    return text


def _exists(conn: Connection, entity: FieldEntity, key: str) -> bool:
    if entity is FieldEntity.PROJECT:
        query = select(projects.c.id).where(projects.c.id == key)
    elif entity is FieldEntity.RESOURCE:
        query = select(resources.c.id).where(resources.c.id == key)
    else:
        project_id, task_id = key.split("/", 1)
        query = select(tasks.c.id).where(tasks.c.project_id == project_id, tasks.c.id == task_id)
    return conn.execute(query).first() is not None


def _bad() -> str:
    raise ValueError


def _field(conn: Connection, name: str) -> CustomField | None:
    row = conn.execute(select(custom_fields).where(custom_fields.c.name == name)).first()
    if row is None:
        return None
    lookup = tuple(
        LookupValue(value=r.value, description=r.description)
        for r in conn.execute(
            select(lookup_values)
            .where(lookup_values.c.field_name == name)
            .order_by(lookup_values.c.position)
        )
    )
    return CustomField(
        name=row.name, entity=FieldEntity(row.entity), type=FieldType(row.type), lookup=lookup
    )
