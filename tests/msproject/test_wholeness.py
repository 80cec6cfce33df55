"""What a file declares of itself, read apart from MPXJ, and the comparison with
what MPXJ read."""

from __future__ import annotations

import re

import pytest

from projsync.msproject.wholeness import Damaged, Declaration, declared, shortfall
from tests.msproject.conftest import CORPUS

MSPDI = b"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project">
<!-- <Task> in a comment is no task -->
<Calendars><Calendar><UID>1</UID></Calendar></Calendars>
<Tasks><Task><UID>0</UID></Task><Task><UID>1</UID><Notes><![CDATA[<Task>]]></Notes>
<PredecessorLink><PredecessorUID>0</PredecessorUID></PredecessorLink></Task></Tasks>
<Resources><Resource><UID>1</UID></Resource></Resources>
<Assignments><Assignment><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID></Assignment></Assignments>
</Project>
"""

MPX = b"""MPX;Microsoft Project for Windows;4.0;ANSI\r
40;Name;ID\r
41;1;40\r
50;Ada;1\r
60;Name;ID;Predecessors\r
61;1;90;70\r
70;Design;1;\r
70;Build;2;1\r
75;1;100\r
"""


def test_wholeness__mspdi_declares_its_elements_outside_comments_and_cdata() -> None:
    declaration = declared(MSPDI, "MSPDI", None)
    assert declaration.counts == {
        "tasks": 2,
        "resources": 1,
        "assignments": 1,
        "calendars": 1,
        "links": 1,
    }


def test_wholeness__mspdi_without_its_closing_tag_is_truncated() -> None:
    cut = MSPDI[: MSPDI.index(b"</Assignments>")]
    with pytest.raises(Damaged, match="truncated: the XML stops before its closing </Project>"):
        declared(cut, "MSPDI", None)


def test_wholeness__mpx_declares_its_records_with_the_files_own_separator() -> None:
    declaration = declared(MPX, "MPX", None)
    assert declaration.counts == {"tasks": 2, "resources": 1, "assignments": 1, "calendars": 0}


def test_wholeness__mpx_cut_in_a_record_is_truncated() -> None:
    with pytest.raises(Damaged, match="stops in the middle of a record"):
        declared(MPX[:-3], "MPX", None)


@pytest.mark.parametrize(
    "damage",
    [
        (b"61;1;90;70\r\n", b""),  # the definition by numbers lost
        (b"61;1;90;70", b"61;1;\xc690;70"),  # a number damaged
        (b"\r\n61;", b"\xf2\xf561;"),  # joined to the line before
    ],
)
def test_wholeness__mpx_task_definitions_that_disagree_are_damage(
    damage: tuple[bytes, bytes],
) -> None:
    with pytest.raises(Damaged, match=r"task table's definition by field numbers \(record 61\)"):
        declared(MPX.replace(*damage), "MPX", None)


def test_wholeness__mpp_declares_the_unique_ids_its_tables_name() -> None:
    path = CORPUS / "legacy" / "sample.mpp"
    if not path.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    declaration = declared(path.read_bytes(), "MPP", 9)
    assert declaration.counts == {}
    assert {1, 2} <= declaration.unique_ids["resources"]
    assert len(declaration.unique_ids["tasks"]) >= 10


def test_wholeness__mpp_shorter_than_its_sector_table_is_truncated() -> None:
    path = CORPUS / "legacy" / "sample.mpp"
    if not path.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    with pytest.raises(Damaged, match="truncated: its sector table uses"):
        declared(path.read_bytes()[:-1], "MPP", 9)


def test_wholeness__other_file_types_declare_nothing() -> None:
    assert declared(b"anything", "PLANNER", None) == Declaration(counts={}, unique_ids={})


READ = {"tasks": 2, "resources": 1, "assignments": 1, "calendars": 1, "links": 1}


def test_shortfall__counts_as_declared_are_whole() -> None:
    assert shortfall(declared(MSPDI, "MSPDI", None), READ, lambda kind: frozenset()) is None


def test_shortfall__fewer_read_than_declared_says_both() -> None:
    reason = shortfall(declared(MSPDI, "MSPDI", None), {**READ, "tasks": 0}, lambda _: frozenset())
    assert reason == "damaged: the file declares 2 tasks, 0 could be read"


def test_shortfall__named_entities_not_read_are_listed_by_unique_id() -> None:
    declaration = Declaration(counts={}, unique_ids={"resources": frozenset({0, 1, 2})})
    reason = shortfall(declaration, READ, lambda kind: frozenset({0}))
    assert reason == (
        "damaged: the file's tables name 3 resources, 1 of them could be read "
        "(missing unique ids 1, 2)"
    )


def test_shortfall__more_read_than_named_is_whole() -> None:
    # .mpp tables name only the entities with text; MPXJ rightly reads others too
    declaration = Declaration(counts={}, unique_ids={"tasks": frozenset({1})})
    assert shortfall(declaration, READ, lambda kind: frozenset({0, 1, 5})) is None


def test_wholeness__mspdi_with_a_namespace_prefix_declares_its_elements() -> None:
    prefixed = re.sub(rb"<(/?)(?=[A-Z])", rb"<\1p:", MSPDI).replace(b"xmlns=", b"xmlns:p=")
    assert declared(prefixed, "MSPDI", None) == declared(MSPDI, "MSPDI", None)
