"""The scheduler's loops compiled with Cython (`_sweeps.pyx`), when `make` built them.

`sweeps` is the compiled module, or None where it was not built: then network.py,
schedule.py and calendar.py run their own loops, with identical results (held
so by tests/plan/test_sweeps.py, which switches `sweeps` off to compare).
"""

from __future__ import annotations

__all__ = ["sweeps"]

try:
    import projsync.plan._sweeps as sweeps
except ImportError:  # pragma: no cover - depends on the build
    sweeps = None  # type: ignore[assignment]  # (the pure-Python loops)
