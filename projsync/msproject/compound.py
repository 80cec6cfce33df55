"""The compound file (OLE2 structured storage) that an .mpp file is: a header,
a sector table (the FAT), a directory of streams, the streams.

Only as much of the format as the completeness check needs: whether the file is
as long as its own sector table says, and the bytes of a few small streams that
MPXJ reads but does not show (the entity tables' ``VarMeta``). Bytes in, bytes
out: no I/O, no JVM. It never repairs: a table that contradicts the file is
reported as damage.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["CompoundFile", "CompoundFileError", "read_compound"]

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_FREE = 0xFFFFFFFF
_END_OF_CHAIN = 0xFFFFFFFE
_SPECIAL = 0xFFFFFFFA  # and above: free, end of chain, FAT and DIFAT sectors
_HEADER_DIFAT = 109
_ENTRY_SIZE = 128
_STORAGE, _STREAM, _ROOT = 1, 2, 5


class CompoundFileError(ValueError):
    """The file contradicts its own tables: it is truncated or damaged."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Entry:
    name: str
    kind: int
    left: int
    right: int
    child: int
    start: int
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CompoundFile:
    """A compound file's streams by path (``"   19/TBkndTask/VarMeta"``)."""

    data: bytes
    sector_size: int
    fat: tuple[int, ...]
    mini_fat: tuple[int, ...]
    mini_cutoff: int
    entries: tuple[_Entry, ...]
    paths: dict[str, int]

    def stream(self, path: str) -> bytes | None:
        """A stream's bytes, or None when the file has no stream at that path."""
        index = self.paths.get(path)
        if index is None:
            return None
        entry = self.entries[index]
        if entry.size < self.mini_cutoff:
            root = self.entries[0]
            mini_stream = self._sectors(root.start, root.size)
            chunks = [
                mini_stream[s * 64 : (s + 1) * 64] for s in _chain(self.mini_fat, entry.start)
            ]
            data = b"".join(chunks)
        else:
            data = self._sectors(entry.start, entry.size)
        if len(data) < entry.size:
            raise CompoundFileError(f"the stream {path.strip()} is shorter than its directory says")
        return data[: entry.size]

    def _sectors(self, start: int, size: int) -> bytes:
        ss = self.sector_size
        need = -(-size // ss)
        chain = _chain(self.fat, start, limit=need)
        return b"".join(self.data[(s + 1) * ss : (s + 2) * ss] for s in chain)


def read_compound(data: bytes) -> CompoundFile:
    """The file's tables, after checking that the file holds every sector they use."""
    if len(data) < 512 or data[:8] != SIGNATURE:
        raise CompoundFileError("not a compound file (no OLE2 header)")
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise CompoundFileError("the header's sector sizes are damaged")
    ss = 1 << sector_shift
    fat_count, directory_start, _, mini_cutoff, mini_start, _, difat_start, difat_count = (
        struct.unpack_from("<IIIIIIII", data, 44)
    )
    sector = _SectorReader(data, ss)
    difat = list(struct.unpack_from(f"<{_HEADER_DIFAT}I", data, 76))
    next_difat, seen = difat_start, 0
    while next_difat < _SPECIAL and seen < difat_count:
        words = struct.unpack(f"<{ss // 4}I", sector(next_difat, "the DIFAT"))
        difat.extend(words[:-1])
        next_difat, seen = words[-1], seen + 1
    fat_sectors = [s for s in difat if s < _SPECIAL][:fat_count]
    if len(fat_sectors) < fat_count:
        raise CompoundFileError("the sector table is shorter than the header says")
    fat: list[int] = []
    for s in fat_sectors:
        fat.extend(struct.unpack(f"<{ss // 4}I", sector(s, "the sector table")))
    used = [i for i, next_sector in enumerate(fat) if next_sector != _FREE]
    needed = (max(used) + 2) * ss if used else ss
    if len(data) < needed:
        raise CompoundFileError(
            f"truncated: its sector table uses {needed:,} bytes, the file has {len(data):,}"
        )
    directory = b"".join(sector(s, "the directory") for s in _chain(fat, directory_start))
    entries = tuple(_entries(directory))
    if not entries or entries[0].kind != _ROOT:
        raise CompoundFileError("the directory has no root entry")
    mini_fat: list[int] = []
    for s in _chain(fat, mini_start):
        mini_fat.extend(struct.unpack(f"<{ss // 4}I", sector(s, "the mini sector table")))
    return CompoundFile(
        data=data,
        sector_size=ss,
        fat=tuple(fat),
        mini_fat=tuple(mini_fat),
        mini_cutoff=mini_cutoff,
        entries=entries,
        paths=_paths(entries),
    )


class _SectorReader:
    def __init__(self, data: bytes, sector_size: int) -> None:
        self.data = data
        self.size = sector_size

    def __call__(self, sector: int, what: str) -> bytes:
        start = (sector + 1) * self.size
        if start + self.size > len(self.data):
            raise CompoundFileError(f"{what} points past the end of the file (truncated)")
        return self.data[start : start + self.size]


def _chain(table: Sequence[int], start: int, *, limit: int | None = None) -> list[int]:
    """The sectors of a chain; a chain that loops or leaves the table is damage."""
    chain: list[int] = []
    sector = start
    while sector < _SPECIAL and (limit is None or len(chain) < limit):
        if sector >= len(table) or len(chain) > len(table):
            raise CompoundFileError("a sector chain leaves the sector table (damaged)")
        chain.append(sector)
        sector = table[sector]
    return chain


def _entries(directory: bytes) -> Iterator[_Entry]:
    for offset in range(0, len(directory) - _ENTRY_SIZE + 1, _ENTRY_SIZE):
        raw = directory[offset : offset + _ENTRY_SIZE]
        name_length = min(64, struct.unpack_from("<H", raw, 64)[0])
        left, right, child = struct.unpack_from("<III", raw, 68)
        start, size = struct.unpack_from("<IQ", raw, 116)
        yield _Entry(
            name=raw[: max(0, name_length - 2)].decode("utf-16-le", "replace"),
            kind=raw[66],
            left=left,
            right=right,
            child=child,
            start=start,
            size=size,
        )


def _paths(entries: tuple[_Entry, ...]) -> dict[str, int]:
    """Each stream's and storage's path, walking the directory's red-black trees."""
    paths: dict[str, int] = {}
    pending = [(entries[0].child, "")]
    visited: set[int] = set()
    while pending:
        index, prefix = pending.pop()
        if index >= len(entries) or index in visited:
            continue
        visited.add(index)
        entry = entries[index]
        path = f"{prefix}{entry.name}"
        paths[path] = index
        pending.extend(((entry.left, prefix), (entry.right, prefix)))
        if entry.kind == _STORAGE:
            pending.append((entry.child, f"{path}/"))
    return paths
