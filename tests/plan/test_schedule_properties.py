"""Properties of the scheduler on random networks (hypothesis)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projsync.plan.calendar import STANDARD, calendar_index
from projsync.plan.model import (
    ConstraintType,
    Dependency,
    DependencyType,
    LagKind,
    Project,
    Schedule,
    Task,
    TaskDates,
)
from projsync.plan.schedule import apply_schedule, schedule

START = datetime.fromisoformat("2024-01-01 08:00")
PROJECT = Project(start=START, calendar=STANDARD)
INDEX = calendar_index(STANDARD)
FROM_FINISH = {DependencyType.FS, DependencyType.FF}
TO_FINISH = {DependencyType.FF, DependencyType.SF}


@dataclass(frozen=True)
class Network:
    tasks: tuple[Task, ...]
    links: tuple[Dependency, ...]


@st.composite
def networks(
    draw: st.DrawFn,
    *,
    summaries: bool = True,
    elapsed: bool = True,
    constraints: bool = False,
) -> Network:
    """Acyclic by construction: every item covers a range of leaf positions, links go right."""
    count = draw(st.integers(min_value=1, max_value=12))
    durations = draw(st.lists(st.integers(0, 24), min_size=count, max_size=count))
    leaves = []
    for i, hours in enumerate(durations):
        task = Task(id=f"T{i}", duration=hours * 60)
        if elapsed and draw(st.integers(0, 9)) == 0:
            task = Task(id=task.id, duration=hours * 60, elapsed=True)
        if constraints:
            task = _constrained(draw, task)
        leaves.append(task)
    spans = [(i, i) for i in range(count)]
    names = [task.id for task in leaves]
    groups: list[Task] = []
    if summaries:
        cuts = sorted(draw(st.sets(st.integers(1, count - 1), max_size=3)) if count > 1 else [])
        bounds = [0, *cuts, count]
        for lo, hi in pairwise(bounds):
            if draw(st.booleans()):
                name = f"S{lo}"
                groups.append(Task(id=name))
                spans.append((lo, hi - 1))
                names.append(name)
                for k in range(lo, hi):
                    leaves[k] = Task(**{**_fields(leaves[k]), "parent_id": name})
    pairs = [
        (p, s) for p in range(len(spans)) for s in range(len(spans)) if spans[p][1] < spans[s][0]
    ]
    links = []
    if pairs:
        chosen = draw(st.lists(st.sampled_from(pairs), max_size=min(18, 2 * len(pairs))))
        for p, s in chosen:
            kind = draw(
                st.sampled_from(list(LagKind) if elapsed else [LagKind.WORKING, LagKind.PERCENT])
            )
            lag = {
                LagKind.WORKING: draw(st.integers(-16, 24)) * 60,
                LagKind.ELAPSED: draw(st.integers(0, 72)) * 60,
                LagKind.PERCENT: draw(st.integers(-50, 150)),
            }[kind]
            links.append(
                Dependency(
                    predecessor_id=names[p],
                    successor_id=names[s],
                    type=draw(st.sampled_from(list(DependencyType))),
                    lag=lag,
                    lag_kind=kind,
                )
            )
    return Network(tasks=tuple(groups + leaves), links=tuple(links))


def _fields(task: Task) -> dict[str, object]:
    return {name: getattr(task, name) for name in Task.__dataclass_fields__}


def _constrained(draw: st.DrawFn, task: Task) -> Task:
    kind = draw(st.sampled_from(list(ConstraintType)))
    when = START + timedelta(hours=draw(st.integers(0, 24 * 14)))
    fields = _fields(task)
    fields["constraint"] = kind
    if kind not in (ConstraintType.ASAP, ConstraintType.ALAP):
        fields["constraint_date"] = when
    if draw(st.integers(0, 4)) == 0:
        fields["deadline"] = when
    return Task(**fields)  # type: ignore[arg-type]


def _offset(moment: datetime) -> int:
    return INDEX.to_offset(moment)


def _requirement(link: Dependency, dates: dict[str, TaskDates], tasks: dict[str, Task]) -> int:
    """The least working offset the link allows for the successor's end."""
    before = dates[link.predecessor_id]
    moment = before.finish if link.type in FROM_FINISH else before.start
    lag = link.lag
    elapsed = link.lag_kind is LagKind.ELAPSED
    if link.lag_kind is LagKind.PERCENT:
        basis = tasks[link.predecessor_id].duration if before.summary else before.duration
        lag = (2 * abs(basis * lag) + 100) // 200 * (1 if lag >= 0 else -1)
        elapsed = tasks[link.predecessor_id].elapsed and not before.summary
    if elapsed:
        return _offset(moment + timedelta(minutes=lag))
    return _offset(moment) + lag


def _successor_end(link: Dependency, dates: dict[str, TaskDates]) -> int:
    after = dates[link.successor_id]
    return _offset(after.finish if link.type in TO_FINISH else after.start)


def _by_id(result: Schedule) -> dict[str, TaskDates]:
    return {d.task_id: d for d in result.tasks}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks())
def test_schedule__every_dependency_holds(network: Network) -> None:
    dates = _by_id(schedule(PROJECT, network.tasks, network.links))
    tasks = {t.id: t for t in network.tasks}
    for link in network.links:
        assert _successor_end(link, dates) >= _requirement(link, dates, tasks), link


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(summaries=False, elapsed=False))
def test_schedule__critical_chain_runs_from_project_start_to_project_finish(
    network: Network,
) -> None:
    result = schedule(PROJECT, network.tasks, network.links)
    dates = _by_id(result)
    tasks = {t.id: t for t in network.tasks}
    assert all(d.total_slack >= 0 for d in dates.values())
    assert all(d.critical == (d.total_slack == 0) for d in dates.values())
    finish = _offset(result.finish)
    current = next(d for d in dates.values() if d.critical and _offset(d.finish) == finish)
    for _ in range(len(dates)):
        if _offset(current.early_start) == _offset(START):
            return
        driving = [
            link
            for link in network.links
            if link.successor_id == current.task_id
            and dates[link.predecessor_id].critical
            and _requirement(link, dates, tasks) == _successor_end(link, dates)
        ]
        assert driving, f"{current.task_id} starts late but no critical link drives it"
        current = dates[driving[0].predecessor_id]
    raise AssertionError("the critical chain does not reach the project start")


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(constraints=True))
def test_schedule__scheduling_the_result_again_changes_nothing(network: Network) -> None:
    first = schedule(PROJECT, network.tasks, network.links)
    again = schedule(PROJECT, apply_schedule(network.tasks, first), network.links)
    assert again == first
