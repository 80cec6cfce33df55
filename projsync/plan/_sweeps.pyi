"""Types of the compiled sweeps (_sweeps.pyx), for the type checker."""

from collections.abc import Sequence
from datetime import datetime

from projsync.plan.network import TaskNetwork

def forward(network: TaskNetwork, order: list[int], indegree: list[int]) -> None: ...
def backward(network: TaskNetwork) -> None: ...
def moments(
    offsets: list[int],
    cum: list[int],
    patterns: Sequence[object],
    midnights: list[datetime],
    finish: bool,
) -> list[datetime]: ...
