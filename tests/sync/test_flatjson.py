"""Payloads and merge bases written directly are the encoder's very text."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projsync.sync.flatjson import actual_payload_json, flat_json, sums_base_json
from projsync.sync.links import base_fields, base_text
from projsync.sync.log import payload_text

scalars = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(),
    st.none(),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(dt.UTC))),
)
flat = st.dictionaries(st.text(), scalars, max_size=8)
values = st.one_of(
    scalars,
    flat,  # a task's custom fields
    st.lists(st.text(), max_size=4),
    st.lists(st.text(), max_size=4).map(tuple),  # the fields with lookup tables
)
records = st.dictionaries(st.text(), values, max_size=8)


def _as_payload(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)


def _as_base(value: object) -> object:
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise TypeError(value)


@given(records)
def test_a_payload_is_the_encoders_text(fields: dict[str, object]) -> None:
    expected = json.dumps(fields, sort_keys=True, default=_as_payload)
    assert flat_json(fields, tag_decimals=False) == expected
    assert payload_text(fields) == expected


@given(records)
def test_a_merge_base_is_the_encoders_text(fields: dict[str, object]) -> None:
    expected = json.dumps(fields, sort_keys=True, default=_as_base)
    assert flat_json(fields, tag_decimals=True) == expected
    assert base_text(fields) == expected


@given(flat)
def test_a_flat_merge_base_reads_back_as_it_was(fields: dict[str, object]) -> None:
    read = base_fields(base_text(fields))
    assert read == fields
    assert all(type(read[k]) is type(v) for k, v in fields.items())


def test_anything_else_is_left_to_the_encoder() -> None:
    assert flat_json({"when": 1.5}, tag_decimals=False) is None
    assert flat_json({"flag": True}, tag_decimals=False) is None
    assert flat_json({"nested": {"a": 1.5}}, tag_decimals=True) is None
    assert flat_json({"lookups": ("a", 1)}, tag_decimals=False) is None
    assert flat_json({"many": {"a", "b"}}, tag_decimals=False) is None
    assert payload_text({"flag": True, "n": Decimal("1.10")}) == '{"flag": true, "n": "1.10"}'


amounts = st.decimals(allow_nan=False, allow_infinity=False)


@given(amounts, st.integers(min_value=-(10**12), max_value=10**12), amounts)
def test_an_actuals_payload_written_in_one_step_is_the_general_text(
    cost: Decimal, work: int, revenue: Decimal
) -> None:
    fields = {"actual_work": work, "actual_cost": cost, "revenue": revenue}
    assert actual_payload_json(fields) == flat_json(fields, tag_decimals=False)


@given(amounts, amounts, amounts)
def test_an_actuals_base_written_in_one_step_is_the_general_text(
    hours: Decimal, cost: Decimal, revenue: Decimal
) -> None:
    fields = {"hours": hours, "cost": cost, "revenue": revenue}
    assert sums_base_json(fields) == base_text(fields)


def test_other_shapes_are_left_to_the_general_writers() -> None:
    assert (
        actual_payload_json({"actual_work": 1, "actual_cost": None, "revenue": Decimal(0)}) is None
    )
    assert sums_base_json({"hours": Decimal(1), "cost": Decimal(1)}) is None
    assert sums_base_json({"hours": 1, "cost": Decimal(1), "revenue": Decimal(1)}) is None
