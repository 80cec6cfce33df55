"""Types of the compiled sweeps (_sweeps.pyx), for the type checker."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from projsync.plan.model import Dependency, DependencyType, LagKind
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
def link_columns(
    dependencies: Sequence[Dependency],
    position: dict[str, int],
    ends_by_type: Mapping[DependencyType, tuple[int, int]],
    node_out: list[int],
    node_in: list[int],
    indegree: list[int],
) -> (
    tuple[
        list[int],
        list[int],
        list[int],
        list[int],
        list[int],
        list[int],
        list[LagKind],
        list[tuple[int, int]],
    ]
    | None
): ...
def index_links(
    sources: list[int], slots: list[int], pair: list[int], no_links: list[int]
) -> tuple[list[list[int]], bool, list[int]]: ...
def relax_floor(
    targets: list[int], kind: list[int], dated: set[int], base: list[int], floor: int
) -> None: ...
