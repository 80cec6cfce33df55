"""Enterprise custom fields: typed values, lookup tables, on projects, tasks and
resources.

A value is checked against its field's type (text, number, cost, date, flag,
duration) and, for a field with a lookup table, against the table. Values are
stored as canonical text and read back typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, bindparam, insert, select, update

from projsync.db import Store, insert_many
from projsync.errors import refusal
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
    "fields_changed",
    "set_field_value",
    "set_field_value_in",
    "set_field_values_in",
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


def fields_changed(store: Store, entity: FieldEntity, since: int, until: int) -> list[str]:
    """Keys of the entities whose field values changed after ``since`` up to ``until``."""
    with store.read() as conn:
        keys = conn.execute(
            select(custom_values.c.entity_key)
            .join(custom_fields, custom_fields.c.name == custom_values.c.field_name)
            .where(
                custom_fields.c.entity == entity.value,
                custom_values.c.version > since,
                custom_values.c.version <= until,
            )
        ).scalars()
        return sorted(set(keys))


def set_field_value(store: Store, name: str, key: str, value: str | None) -> None:
    """Set (or, with ``None``, clear) a field's value on one project ("P1"),
    task ("P1/T1") or resource ("R1")."""
    with store.write() as conn:
        set_field_value_in(conn, name, key, value)


def set_field_value_in(conn: Connection, name: str, key: str, value: str | None) -> None:
    set_field_values_in(conn, {(name, key): value})


def set_field_values_in(conn: Connection, values: Mapping[tuple[str, str], str | None]) -> None:
    """Set (or, with ``None``, clear) many values at once, keyed by (field name,
    entity key): checked as one value is, then read and written in a few
    statements however many there are."""
    definitions: dict[str, CustomField] = {}
    for name, key in values:
        if name not in definitions:
            found = _field(conn, name)
            if found is None:
                raise refusal(f"field {name} on {key}", f"unknown field {name}")
            definitions[name] = found
    _check_entities(conn, {(definitions[name], key) for name, key in values})
    wanted: dict[tuple[str, str], str | None] = {}
    for (name, key), value in values.items():
        field = definitions[name]
        wanted[(name, key)] = None if value is None else _allowed(field, value, key)
    current = _current_values(conn, set(definitions), {key for _, key in values})
    _write_values(conn, wanted, current)


def _check_entities(conn: Connection, pairs: set[tuple[CustomField, str]]) -> None:
    ordered = sorted(pairs, key=lambda pair: (pair[0].name, pair[1]))
    for field, key in ordered:
        if (field.entity is FieldEntity.TASK) != ("/" in key):
            raise refusal(f"field {field.name} on {key}", f"{field.name} is a {field.entity} field")
    known = {
        entity: _existing(conn, entity, {key for field, key in pairs if field.entity is entity})
        for entity in {field.entity for field, _ in pairs}
    }
    for field, key in ordered:
        if key not in known[field.entity]:
            raise refusal(f"field {field.name} on {key}", f"unknown {field.entity} {key}")


def _existing(conn: Connection, entity: FieldEntity, keys: set[str]) -> set[str]:
    found: set[str] = set()
    listed = sorted(keys)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        if entity is FieldEntity.PROJECT:
            found.update(
                conn.execute(select(projects.c.id).where(projects.c.id.in_(chunk))).scalars()
            )
        elif entity is FieldEntity.RESOURCE:
            found.update(
                conn.execute(select(resources.c.id).where(resources.c.id.in_(chunk))).scalars()
            )
        else:
            # Two IN lists, which the tasks' key serves by probes (a row-value
            # IN list made SQLite scan every task); pairs not asked for drop out.
            pairs = [key.split("/", 1) for key in chunk]
            rows = conn.execute(
                select(tasks.c.project_id, tasks.c.id).where(
                    tasks.c.project_id.in_(sorted({project for project, _ in pairs})),
                    tasks.c.id.in_(sorted({task for _, task in pairs})),
                )
            )
            found.update(key for project, task in rows if (key := f"{project}/{task}") in keys)
    return found


def _allowed(field: CustomField, value: str, key: str) -> str:
    where = f"field {field.name} on {key}"
    text = canonical(field.type, value, where)
    if field.lookup and text not in {entry.value for entry in field.lookup}:
        allowed = ", ".join(entry.value for entry in field.lookup)
        raise refusal(where, f"{value!r} is not in the lookup table ({allowed})")
    return text


def _current_values(
    conn: Connection, names: set[str], keys: set[str]
) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    listed = sorted(keys)
    for start in range(0, len(listed), 500):
        rows = conn.execute(
            select(
                custom_values.c.field_name, custom_values.c.entity_key, custom_values.c.value
            ).where(
                custom_values.c.field_name.in_(sorted(names)),
                custom_values.c.entity_key.in_(listed[start : start + 500]),
            )
        )
        found.update(((name, key), value) for name, key, value in rows)
    return found


def _write_values(
    conn: Connection,
    wanted: Mapping[tuple[str, str], str | None],
    current: Mapping[tuple[str, str], str],
) -> None:
    cleared = [pair for pair, text in wanted.items() if text is None and pair in current]
    added = [
        (pair, text) for pair, text in wanted.items() if text is not None and pair not in current
    ]
    changed = [
        (pair, text)
        for pair, text in wanted.items()
        if text is not None and pair in current and current[pair] != text
    ]
    for name, key in cleared:
        conn.execute(
            custom_values.delete().where(
                custom_values.c.field_name == name, custom_values.c.entity_key == key
            )
        )
    if added:
        first = reserve_versions(conn, len(added))
        insert_many(
            conn,
            custom_values,
            [
                {"field_name": name, "entity_key": key, "value": text, "version": first + i}
                for i, ((name, key), text) in enumerate(added)
            ],
        )
    if changed:
        first = reserve_versions(conn, len(changed))
        conn.execute(
            update(custom_values)
            .where(
                custom_values.c.field_name == bindparam("key_field"),
                custom_values.c.entity_key == bindparam("key_entity"),
            )
            .values(value=bindparam("new_value"), version=bindparam("new_version")),
            [
                {"key_field": name, "key_entity": key, "new_value": text, "new_version": first + i}
                for i, ((name, key), text) in enumerate(changed)
            ],
        )


def field_values(conn: Connection, keys: Iterable[str]) -> dict[str, dict[str, object]]:
    """Typed custom field values by entity key."""
    wanted = set(keys)
    types = {
        r.name: FieldType(r.type)
        for r in conn.execute(select(custom_fields.c.name, custom_fields.c.type))
    }
    found: dict[str, dict[str, object]] = {}
    listed = sorted(wanted)
    for start in range(0, len(listed), 500):
        # by field name too: the key (field, entity) serves both lists
        rows = conn.execute(
            select(custom_values).where(
                custom_values.c.field_name.in_(sorted(types)),
                custom_values.c.entity_key.in_(listed[start : start + 500]),
            )
        )
        for row in rows:
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
