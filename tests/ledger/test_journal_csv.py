"""Journal files: every malformed line is named, with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from projsync.errors import InputError, Problem
from projsync.ledger.journal_csv import read_journal
from projsync.ledger.posting import post_journal
from projsync.ledger.reports import iter_transactions
from projsync.ledger.service import LedgerService
from projsync.ledger.validation import Line

HEADER = "kind,project,activity,worker,date,hours,amount,category\n"


def problems(path: Path, text: str | bytes) -> list[str]:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return [str(item) for item in read_journal(path) if isinstance(item, Problem)]


def test_journal_csv__good_lines_are_read_in_units(tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text(
        HEADER + "hour,P1,A1,W1,2026-03-02,7.5,,\nexpense,P1,A1,,2026-03-02,,80.10,Travel\n"
    )
    lines = [item for item in read_journal(path) if isinstance(item, Line)]
    assert [(ln.line, ln.hours, ln.amount, ln.category) for ln in lines] == [
        (2, 750, 0, ""),
        (3, 0, 8010, "Travel"),
    ]


def test_journal_csv__columns_may_come_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text(
        "date,kind,project,activity,worker,hours,amount,category\n2026-03-02,hour,P1,A1,W1,2,,\n"
    )
    (line,) = list(read_journal(path))
    assert isinstance(line, Line) and line.hours == 200


def test_journal_csv__malformed_values_are_named_with_their_line(tmp_path: Path) -> None:
    text = HEADER + (
        "hour,P1,A1,W1,2026-02-30,1,,\n"
        "hour,P1,A1,W1,2026-03-02,one,,\n"
        "hour,P1,A1,W1,2026-03-02,1.234,,\n"
        "expense,P1,A1,,2026-03-02,,NaN,\n"
        "bonus,P1,A1,W1,2026-03-02,1,,\n"
        "hour,P1,A1,W1,2026-03-02,1\n"
        "hour,P1,A1,,2026-03-02,1,,\n"
    )
    assert problems(tmp_path / "j.csv", text) == [
        "line 2: date '2026-02-30' is not a date (YYYY-MM-DD)",
        "line 3: hours: 'one' is not a plain decimal number",
        "line 4: hours: '1.234' has more than 2 decimal places",
        "line 5: amount: 'NaN' is not a plain decimal number",
        "line 6: kind 'bonus' is not hour, expense or fee",
        "line 7: has 6 fields, the header 8",
        "line 8: an hour line needs a worker",
    ]


def test_journal_csv__bad_header_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path / "j.csv", "kind,project,hours\nhour,P1,1\n") == [
        "line 1: the header must name the columns kind,project,activity,worker,date,hours,"
        "amount,category (text and sales_amount may follow);"
        " missing: activity, worker, date, amount, category"
    ]


def test_journal_csv__a_text_column_gives_each_line_its_text(
    ledger: LedgerService, tmp_path: Path
) -> None:
    path = tmp_path / "texts.csv"
    path.write_text(
        "text,kind,project,activity,worker,date,hours,amount,category\n"
        '"Survey, north field",hour,P1,A1,W1,2026-03-02,8,,\n'
        ",hour,P1,A1,W1,2026-03-03,2,,\n"
    )
    post_journal(ledger.store, read_journal(path), source="texts")
    assert [t.text for t in iter_transactions(ledger.store)] == ["Survey, north field", ""]
    long = tmp_path / "long.csv"
    long.write_text(
        HEADER.rstrip("\n") + ",text\n" + "hour,P1,A1,W1,2026-03-04,1,,," + "x" * 251 + "\n"
    )
    with pytest.raises(InputError, match="line 2: text has 251 characters; at most 250"):
        post_journal(ledger.store, read_journal(long), source="long")


def test_journal_csv__empty_file_and_broken_quoting_and_bad_encoding(tmp_path: Path) -> None:
    assert problems(tmp_path / "a.csv", "") == [
        f"{tmp_path / 'a.csv'}: the file is empty; it needs a header line"
    ]
    broken = problems(tmp_path / "b.csv", HEADER + 'hour,"P1,A1,W1,2026-03-02,1,,\n')
    assert broken and broken[0].startswith("line ")
    assert "malformed CSV" in broken[0] or "fields" in broken[0]
    latin = problems(
        tmp_path / "c.csv", HEADER.encode() + "hour,Pé,A1,W1,2026-03-02,1,,\n".encode("latin-1")
    )
    assert latin == [f"{tmp_path / 'c.csv'}: not UTF-8 text: invalid continuation byte at byte 62"]


def test_journal_csv__numbers_not_plain_or_beyond_the_range_name_line_and_field(
    tmp_path: Path,
) -> None:
    text = HEADER + (
        "expense,P1,A1,,2026-03-02,,1e400,\n"
        "fee,P1,A1,,2026-03-02,,99999999999999999999,\n"
        "fee,P1,A1,,2026-03-02,,92233720368547758.07,\n"
        "hour,P1,A1,W1,2026-03-02,²,,\n"
        "hour,P1,A1,W1,2026-03-02,٥,,\n"
        "hour,P1,A1,W1,2026-03-02,７,,\n"
        "expense,P1,A1,,2026-03-02,,1_000,\n"
        "hour,P1,A1,W1,2026-03-02,,,\n"
    )
    assert problems(tmp_path / "j.csv", text) == [
        "line 2: amount: '1e400' is not a plain decimal number",
        "line 3: amount: '99999999999999999999' is out of range "
        "(at most 999,999,999,999.99 either way)",
        "line 4: amount: '92233720368547758.07' is out of range "
        "(at most 999,999,999,999.99 either way)",
        "line 5: hours: '²' is not a plain decimal number",
        "line 6: hours: '٥' is not a plain decimal number",
        "line 7: hours: '７' is not a plain decimal number",
        "line 8: amount: '1_000' is not a plain decimal number",
        "line 9: hours: a number is needed",
    ]
