"""The scheduler's loops compiled with Cython (`_sweeps.pyx`), when `make` built them.

`sweeps` is the compiled module, or None where it was not built, or was built
from an older `_sweeps.pyx` than the one beside it (its functions may differ:
`make` builds it again). Then network.py, schedule.py and calendar.py run their
own loops, with identical results (held so by tests/plan/test_sweeps.py, which
switches `sweeps` off to compare), only slower.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["sweeps"]

try:
    import projsync.plan._sweeps as sweeps
except ImportError:  # pragma: no cover - depends on the build
    sweeps = None  # type: ignore[assignment]  # (the pure-Python loops)
else:
    _source = Path(__file__).with_name("_sweeps.pyx")
    if _source.exists() and _source.stat().st_mtime > Path(sweeps.__file__).stat().st_mtime:
        sweeps = None  # type: ignore[assignment]  # stale: built from an older source
