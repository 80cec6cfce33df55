"""Types of the compiled sweeps (_sweeps.pyx), for the type checker."""

from array import array
from collections.abc import Mapping, Sequence
from datetime import datetime

from projsync.plan.model import Dependency, DependencyType, LagKind
from projsync.plan.network import TaskNetwork

_Ints = list[int]

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
    node_out: _Ints,
    node_in: _Ints,
    indegree: _Ints,
) -> (
    tuple[_Ints, _Ints, _Ints, _Ints, _Ints, _Ints, list[LagKind], list[tuple[int, int]]] | None
): ...
def index_links(
    sources: list[int], slots: list[int], pair: list[int]
) -> tuple[array[int], array[int], bool, list[int]]: ...
def unpacked_links(
    first: array[int], index: array[int], no_links: list[int]
) -> list[list[int]]: ...
def relax_floor(
    targets: list[int], kind: list[int], dated: set[int], base: list[int], floor: int
) -> None: ...
def task_columns(
    nodes: list[int],
    early: list[int],
    late: list[int],
    scheduled: list[int],
    duration: list[int],
    work: list[int],
    finish_gap: list[int],
    start_gap: list[int],
) -> tuple[list[list[int]], list[list[int]], list[list[int]]]: ...
def rolled_up(
    order: list[int],
    kind: list[int],
    parent_out: list[int],
    scheduled: list[int],
    late: list[int],
    work: list[int],
    pins: dict[int, tuple[int, int]],
) -> dict[int, list[int]]: ...
def outline_nodes(
    has_children: list[bool], parents: _Ints
) -> tuple[_Ints, _Ints, _Ints, _Ints, _Ints, _Ints, _Ints, _Ints, dict[int, _Ints]]: ...
