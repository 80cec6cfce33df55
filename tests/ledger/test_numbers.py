"""Numbers entering the ledger: plain ASCII decimals within one range, or a
refusal that says why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projsync.ledger.numbers import (
    HOURS,
    MONEY,
    PRICE,
    NumberRefused,
    checked_units,
    read_decimal,
    read_units,
)

SIGNED_64 = 2**63 - 1


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("7", 700),
        ("7.5", 750),
        ("7.25", 725),
        (" 8 ", 800),
        ("+3", 300),
        ("-2.5", -250),
        ("-0", 0),
        (".5", 50),
        ("0000000000000000001.5", 150),
        ("999999999999.99", 99_999_999_999_999),
        ("-999999999999.99", -99_999_999_999_999),
    ],
)
def test_numbers__plain_decimals_are_read_in_units(text: str, units: int) -> None:
    assert read_units(text, HOURS) == units


@pytest.mark.parametrize(
    "text",
    ["1e400", "1.5e3", "1E2", "²", "٥", "７", "1_000", "1,5", "NaN", "Infinity", "-inf",
     "0x10", "--1", "1.2.3", "\ud800", "five", "½"],
)  # fmt: skip
def test_numbers__anything_but_plain_ascii_decimal_notation_is_refused(text: str) -> None:
    with pytest.raises(NumberRefused) as refused:
        read_units(text, MONEY)
    assert str(refused.value) == f"{text!r} is not a plain decimal number"


@pytest.mark.parametrize("text", ["99999999999999999999", "92233720368547758.07", "1000000000000"])
def test_numbers__beyond_a_trillion_is_out_of_range(text: str) -> None:
    with pytest.raises(NumberRefused) as refused:
        read_units(text, MONEY)
    assert str(refused.value) == f"{text!r} is out of range (at most 999,999,999,999.99 either way)"


def test_numbers__places_are_counted_as_written() -> None:
    with pytest.raises(NumberRefused, match=r"'1\.000' has more than 2 decimal places"):
        read_units("1.000", HOURS)
    assert read_units("1.2345", PRICE) == 12345
    with pytest.raises(NumberRefused, match="more than 4 decimal places"):
        read_units("1.23456", PRICE)


def test_numbers__an_empty_field_asks_for_a_number() -> None:
    with pytest.raises(NumberRefused, match="a number is needed"):
        read_units("  ", HOURS)


def test_numbers__a_long_text_is_refused_quickly_and_shown_cut() -> None:
    with pytest.raises(NumberRefused) as refused:
        read_units("9" * 100_000, MONEY)
    assert len(str(refused.value)) < 120
    assert read_units("0" * 100_000 + "1", MONEY) == 100


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (Decimal("Infinity"), "'Infinity' is not a plain decimal number"),
        (Decimal("NaN"), "'NaN' is not a plain decimal number"),
        (Decimal("sNaN"), "'sNaN' is not a plain decimal number"),
        (
            Decimal("1E+999999"),
            "'1E+999999' is out of range (at most 999,999,999,999.99 either way)",
        ),
        (10**30, "'1000000000000000000000000000000' is out of range"),
        (Decimal("1.005"), "'1.005' has more than 2 decimal places"),
    ],
)
def test_numbers__values_from_code_are_held_to_the_same_range(
    value: Decimal | int, what: str
) -> None:
    with pytest.raises(NumberRefused) as refused:
        checked_units(value, MONEY)
    assert str(refused.value).startswith(what)


def test_numbers__values_from_code_may_carry_trailing_zeros() -> None:
    assert checked_units(Decimal("7.500"), HOURS) == 750
    assert checked_units(-5, HOURS) == -500


def test_numbers__the_range_leaves_room_for_sums_in_64_bit_integers() -> None:
    assert MONEY.limit == Decimal("999999999999.99") and HOURS.limit == MONEY.limit
    assert PRICE.limit == Decimal("999999999999.9999")
    assert MONEY.limit_units * 90_000 < SIGNED_64
    assert PRICE.limit_units * 900 < SIGNED_64


@given(st.decimals(min_value=-MONEY.limit, max_value=MONEY.limit, places=2))
def test_numbers__every_amount_in_range_reads_back_from_its_plain_text(value: Decimal) -> None:
    text = f"{value:f}"
    assert read_decimal(text, MONEY) == value
    assert read_units(text, MONEY) == checked_units(value, MONEY)
