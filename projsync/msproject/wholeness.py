"""Whether a project file is whole: what the file declares of itself against
what MPXJ read of it.

MPXJ reads what it can of a damaged file and says nothing of the rest: an MPX
file cut in the middle of a task comes back with the tasks before the cut, an
.mpp file with one damaged byte in its field maps with no resources. So before
anything is stored, the file's own structure is read here, apart from MPXJ:

- MSPDI (.xml): the document reaches its closing ``</Project>``, and it holds
  as many ``Task``, ``Resource``, ``Assignment``, ``Calendar`` and
  ``PredecessorLink`` elements as MPXJ read tasks, resources, assignments,
  calendars and links;
- MPX: the file ends on a complete record (a line break), its task and
  resource tables are defined by field numbers as by names (records 61 and 60,
  41 and 40), and it holds as many task (70), resource (50), assignment (75)
  and calendar (20 and 55) records as MPXJ read;
- .mpp: the compound file is as long as its sector table says, and every task,
  resource, assignment and calendar its tables name (the unique ids of the
  ``VarMeta`` stream of each, the entities with a name or other text) was read.

Any difference is damage, and the file is refused whole. This module never
looks at field values, and never refuses a file for holding what it declares:
every undamaged file of the corpus passes.
"""

from __future__ import annotations

import re
import struct
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from projsync.msproject.compound import CompoundFileError, read_compound

__all__ = ["KINDS", "Damaged", "Declaration", "declared", "shortfall"]

KINDS = ("tasks", "resources", "assignments", "calendars", "links")
"""The kinds of entity compared, in the order problems are told."""

_SINGULAR = {k: k[:-1] for k in KINDS}


@dataclass(frozen=True, slots=True, kw_only=True)
class Declaration:
    """What a file says it holds, by kind of entity.

    ``counts``: exactly this many must be read (MSPDI, MPX). ``unique_ids``:
    at least the entities with these unique ids must be read (.mpp, whose
    ``VarMeta`` tables name only the entities with some text, a name or notes;
    MPXJ rightly reads the others too)."""

    counts: Mapping[str, int]
    unique_ids: Mapping[str, frozenset[int]]


class Damaged(Exception):
    """The file contradicts itself before anything is compared."""


def declared(data: bytes, file_type: str, mpp_version: int | None) -> Declaration:
    """What the file declares; raises ``Damaged`` with the reason when its own
    structure shows it truncated or damaged. ``file_type`` is MPXJ's (MSPDI,
    MPX, MPP); other types declare nothing."""
    if file_type == "MSPDI":
        return _mspdi(data)
    if file_type == "MPX":
        return _mpx(data)
    if file_type == "MPP":
        return _mpp(data, mpp_version)
    return Declaration(counts={}, unique_ids={})


def shortfall(
    declaration: Declaration,
    counts: Mapping[str, int],
    unique_ids: Callable[[str], frozenset[int]],
) -> str | None:
    """Why what was read is not the whole file, or None when it is.

    ``counts`` is how many of each kind MPXJ read; ``unique_ids`` gives the
    unique ids read of a kind (asked only where the file names its entities)."""
    for kind in KINDS:
        if kind in declaration.counts and declaration.counts[kind] != counts[kind]:
            return (
                f"damaged: the file declares {_counted(declaration.counts[kind], kind)}, "
                f"{counts[kind]} could be read"
            )
        named = declaration.unique_ids.get(kind)
        if named:
            missing = sorted(named - unique_ids(kind))
            if missing:
                shown = ", ".join(str(uid) for uid in missing[:10])
                more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
                return (
                    f"damaged: the file's tables name {_counted(len(named), kind)}, "
                    f"{len(named) - len(missing)} of them could be read "
                    f"(missing unique ids {shown}{more})"
                )
    return None


def _counted(n: int, kind: str) -> str:
    return f"{n} {kind if n != 1 else _SINGULAR[kind]}"


# -- MSPDI -------------------------------------------------------------------------

_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?Project[\s>]")
_ENTITIES = rb"(Task|Resource|Assignment|Calendar|PredecessorLink)[\s/>]"
_XML_KINDS = {
    b"Task": "tasks",
    b"Resource": "resources",
    b"Assignment": "assignments",
    b"Calendar": "calendars",
    b"PredecessorLink": "links",
}
_UNMARKED = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_ROOT_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?Project\s*>\s*$")


def _mspdi(data: bytes) -> Declaration:
    # In MSPDI these names are used for the entities alone (children of Tasks,
    # Resources, Assignments, Calendars; links inside their successor task), and
    # a "<" in text is always escaped: counting the start tags outside comments
    # and CDATA counts the entities, at a fraction of a parse's cost.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = data.decode("utf-16").encode("utf-8")
    if b"<!" in data:
        data = _UNMARKED.sub(b"", data)
    if not _ROOT_END.search(data[-4096:]):
        raise Damaged("truncated: the XML stops before its closing </Project> tag")
    root = _ROOT.search(data)
    prefix = root.group(1) + b":" if root is not None and root.group(1) else b""
    # the root's prefix, if any, as a literal: twice as fast as matching any prefix
    element = re.compile(b"<" + re.escape(prefix) + _ENTITIES)
    found = Counter(element.findall(data))
    return Declaration(
        counts={kind: found[name] for name, kind in _XML_KINDS.items()}, unique_ids={}
    )


# -- MPX ---------------------------------------------------------------------------

_MPX_KINDS = {"70": "tasks", "50": "resources", "75": "assignments", "20": "calendars"}
_MPX_RESOURCE_CALENDAR = "55"
_MPX_DEFINITIONS = {(b"40", b"41"): "resource", (b"60", b"61"): "task"}
"""The records that list the fields of each resource or task record: by name
(read by people), then by number (read by MPXJ)."""
_DEFINING = frozenset(number for pair in _MPX_DEFINITIONS for number in pair)
_NUMBERED = frozenset(numbered for _, numbered in _MPX_DEFINITIONS)


def _mpx(data: bytes) -> Declaration:
    # MPX writes one record a line (line breaks inside notes are written as
    # 0x7F); the first field is the record's number, the fourth byte of the file
    # the field separator.
    if not data.rstrip(b"\x00\x1a").endswith((b"\n", b"\r")):
        raise Damaged("truncated: the file stops in the middle of a record")
    separator = data[3:4] or b","
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    numbers: Counter[str] = Counter()
    widths: dict[bytes, int] = {}
    for line in lines:
        number, _, fields = line.partition(separator)
        numbers[number.strip().decode("latin-1")] += 1
        if number.strip() in _DEFINING:
            widths[number.strip()] = _definition_width(number.strip(), fields, separator)
    for (names, numbered), table in _MPX_DEFINITIONS.items():
        if names in widths and widths.get(numbered) != widths[names]:
            raise Damaged(
                f"damaged: the {table} table's definition by field numbers (record "
                f"{numbered.decode()}) does not match its definition by names "
                f"(record {names.decode()})"
            )
    counts = {kind: numbers[number] for number, kind in _MPX_KINDS.items()}
    counts["calendars"] += numbers[_MPX_RESOURCE_CALENDAR]
    return Declaration(counts=counts, unique_ids={})


def _definition_width(number: bytes, fields: bytes, separator: bytes) -> int:
    """How many fields a table definition lists; -1 for a numbered definition
    that holds something other than numbers."""
    listed = [field.strip() for field in fields.split(separator)]
    if number in _NUMBERED and not all(field.isdigit() for field in listed if field):
        return -1
    return len(listed)


# -- .mpp --------------------------------------------------------------------------

_MPP_FOLDERS = {9: "   19", 12: "   112", 14: "   114"}
_MPP_TABLES = {
    "tasks": "TBkndTask",
    "resources": "TBkndRsc",
    "calendars": "TBkndCal",
}
"""Tables whose every entry is an entity. Not the assignments' (TBkndAssn):
Project keeps there the assignments of tasks since deleted, which are no one's
(MPXJ drops an assignment whose task is gone; a real plan has them)."""
_FLAGGED = 1 << 31
"""An id with its top bit set is an entry Project marks, not an entity's unique
id (real plans list such entries beside their tasks; no task carries one)."""
_VAR_META_MAGIC = 0xFADFADBA


def _mpp(data: bytes, version: int | None) -> Declaration:
    try:
        compound = read_compound(data)
        folder = _MPP_FOLDERS.get(version or 0)
        named: dict[str, frozenset[int]] = {}
        if folder is not None:  # Project 98's files (MPP8) keep no VarMeta
            for kind, table in _MPP_TABLES.items():
                stream = compound.stream(f"{folder}/{table}/VarMeta")
                if stream is not None:
                    named[kind] = _var_meta_ids(stream, wide=version != 9)
    except CompoundFileError as exc:
        raise Damaged(str(exc)) from None
    return Declaration(counts={}, unique_ids=named)


def _var_meta_ids(stream: bytes, *, wide: bool) -> frozenset[int]:
    """The unique ids a VarMeta stream lists: 24 bytes of header (magic, item
    count at 8), then per item the unique id, an offset and a type: 12 bytes
    with a 4-byte id (Project 2007 on), 8 bytes with a 3-byte id (Project 2000-3).
    A stream this does not recognise names nothing (MPXJ is the judge of it)."""
    if len(stream) < 24:
        return frozenset()
    magic, _, items = struct.unpack_from("<III", stream, 0)
    if magic not in (0, _VAR_META_MAGIC) or (magic == 0 and not wide):
        return frozenset()
    size = 12 if wide else 8
    items = min(items, (len(stream) - 24) // size)
    ids = set()
    for item in range(items):
        at = 24 + item * size
        uid = int.from_bytes(stream[at : at + (4 if wide else 3)], "little")
        if uid < _FLAGGED:
            ids.add(uid)
    return frozenset(ids)
