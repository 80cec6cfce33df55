"""The corpus of real Microsoft Project files, beside the project in ``shared/``.

``PROJSYNC_CORPUS`` points elsewhere. The files are the MPXJ project's public
test data; they are not part of this repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("PROJSYNC_CORPUS", ROOT.parent / "shared" / "corpus" / "msproject"))
DATA = ROOT / "tests" / "data"


def manifest() -> list[dict[str, Any]]:
    path = CORPUS / "MANIFEST.json"
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = json.loads(path.read_text())
    return entries


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    entries = manifest()
    if not entries:
        pytest.skip(f"the Microsoft Project corpus is not at {CORPUS} (set PROJSYNC_CORPUS)")
    return entries


def corpus_file(name: str) -> Path:
    """One file of the corpus (the test is skipped, saying where, without it)."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"the Microsoft Project corpus is not at {CORPUS} (set PROJSYNC_CORPUS)")
    return path
