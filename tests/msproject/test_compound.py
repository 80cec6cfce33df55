"""The compound file an .mpp file is: its streams, and the damage its own
tables reveal."""

from __future__ import annotations

import pytest

from projsync.msproject.compound import CompoundFileError, read_compound
from tests.msproject.conftest import CORPUS


@pytest.fixture
def sample() -> bytes:
    path = CORPUS / "legacy" / "sample.mpp"
    if not path.exists():
        pytest.skip(f"corpus not at {CORPUS}")
    return path.read_bytes()


def test_compound__reads_small_and_large_streams_by_path(sample: bytes) -> None:
    compound = read_compound(sample)
    var_meta = compound.stream("   19/TBkndTask/VarMeta")
    assert var_meta is not None and var_meta[:4] == bytes.fromhex("BAADDFFA")
    assert compound.stream("   19/no such stream") is None
    sizes = {len(compound.stream(path) or b"") for path in compound.paths if "/Var2Data" in path}
    assert max(sizes) > 4096  # past the mini-stream's cutoff too


def test_compound__a_file_shorter_than_its_sector_table_is_truncated(sample: bytes) -> None:
    with pytest.raises(CompoundFileError, match="truncated"):
        read_compound(sample[: len(sample) - 512])


def test_compound__a_sector_cut_out_of_the_middle_is_damage(sample: bytes) -> None:
    middle = len(sample) // 1024 * 512
    with pytest.raises(CompoundFileError):
        read_compound(sample[:middle] + sample[middle + 512 :])


def test_compound__other_bytes_are_not_a_compound_file() -> None:
    with pytest.raises(CompoundFileError, match="not a compound file"):
        read_compound(b"MPX,Microsoft Project for Windows,4.0,ANSI\r\n" * 20)
