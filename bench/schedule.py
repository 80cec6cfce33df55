"""Benchmark: projsync's scheduler against MPXJ's MicrosoftScheduler on one random network.

Run: .venv/bin/python bench/schedule.py --tasks 100000 [--seed 7] [--xmx 2g]

The network. N tasks in outline order, about 5 % of them summary tasks with 2 to 6
detail children each (one outline level; MPXJ's scheduler rolls summaries up and
expands links on them to their children, so they are kept on both sides). Durations
are 30 minutes to 79.5 hours of work, in whole working minutes. There are 1.5 N
links, each from a lower to a higher index (so no cycle), at most 40 tasks apart,
never between a summary and its own child and never twice between one pair: 2/3
FS, then SS, FF and SF in equal shares; 60 % without lag, 25 % with a working lag
of -8 to +23 hours (leads included), 10 % with a percent lag of -50 % to +100 %
(as `LagKind.PERCENT`, lag = percent) and 5 % with an elapsed lag of 0 to 71 hours.
A percent lag from a summary predecessor is replaced by a working lag, because
MPXJ takes the percent of the child's duration there, projsync of the summary's.
The calendar is Standard (Mon-Fri 08:00-12:00, 13:00-17:00) with France's 2026
public holidays; the project starts on Monday 2026-01-05 08:00. Seeded: the same
N and seed give the same network.

What is timed. `seconds` is projsync's `schedule(...)` call alone, on records built
beforehand; `mpxj_seconds` is `MicrosoftScheduler().schedule(...)` alone, on a
ProjectFile that MPXJ built from the same network, wrote as MSPDI XML (in a
temporary directory), read back and had its missing actual/remaining durations
filled in (MPXJ's scheduler refuses tasks without them). Building, writing and
reading are preparation and are not timed, on either side. projsync's figure is
the median of 3 runs at any size; MPXJ's is the median of 3 runs when N <= 20,000
(so mostly warm: the JIT; MPXJ reschedules the same ProjectFile, which its
scheduler clears first), and a single, cold run
above. ratio = seconds / mpxj_seconds (below 1: projsync is faster).

Memory. `peak_rss_mb` is the process's peak resident set (`ru_maxrss`) read right
after projsync's runs and before the JVM starts: it covers the network, projsync's
records and the schedule, not MPXJ (the JVM lives in the same process and would
dominate). The JVM is started afterwards with -Xmx (default 2g).

Sanity check, not a test. `same_dates` counts tasks (of `compared`: all of them)
whose start and finish are identical in both schedules; differences are reported,
never fatal. Lags go through MSPDI as LagFormat minutes / elapsed minutes / percent
and are checked on the way back (progress on stderr): they round-trip, elapsed and
percent included. Dates differ where the two schedulers disagree, and every
difference spreads to all successors (the chain grows with N: the 100,000-task
project runs into the 2170s, so `same_dates` falls with N). Seen at 10,000 and
100,000 tasks, every first differing task has one of three causes: MPXJ lets an SS
lead or an SF link put a task before the project start, projsync holds it at the
start; on an FF or SF link with an elapsed lag, MPXJ takes the successor's duration
off before adding the lag, so non-working time is counted differently; on an SS or
SF link from a summary, MPXJ drives from the child that was earliest before summary
links were applied.

`compiled` says whether the scheduler ran its compiled loops (projsync/plan/_sweeps.pyx,
built by `make`) or, where they were not built, the pure-Python ones (slower).

The last line of stdout is the JSON result; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from projsync.plan import compiled
from projsync.plan.calendar import STANDARD, public_holidays
from projsync.plan.model import (
    Calendar,
    CalendarException,
    Dependency,
    DependencyType,
    LagKind,
    Project,
    Schedule,
    Task,
)
from projsync.plan.schedule import schedule

START = datetime(2026, 1, 5, 8, 0)  # noqa: DTZ001 - plan times are naive local times
HOLIDAY_COUNTRY, HOLIDAY_YEAR = "FR", 2026
SUMMARY_SHARE = 1 / 16  # a summary takes 1 + 4 slots on average: 5 % of tasks are summaries
LINKS_PER_TASK = 1.5
WINDOW = 40
REPEAT_UP_TO = 20_000
TYPES = (DependencyType.FS,) * 6 + (DependencyType.SS, DependencyType.FF, DependencyType.SF)

Link = tuple[int, int, DependencyType, int, LagKind]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------- network


@dataclass(frozen=True, slots=True)
class Network:
    """Tasks by index (outline order) and links between them, independent of either side."""

    durations: list[int]
    parents: list[int | None]
    summary: list[bool]
    links: list[Link]


def make_network(size: int, seed: int) -> Network:
    rng = random.Random(seed)
    durations, summary = [0] * size, [False] * size
    parents: list[int | None] = [None] * size
    i = 0
    while i < size:
        if size - i > 2 and rng.random() < SUMMARY_SHARE:
            children = min(rng.randrange(2, 7), size - i - 1)
            summary[i] = True
            for child in range(i + 1, i + 1 + children):
                parents[child] = i
                durations[child] = rng.randrange(1, 160) * 30
            i += children + 1
        else:
            durations[i] = rng.randrange(1, 160) * 30
            i += 1
    return Network(durations, parents, summary, make_links(rng, parents, summary))


def make_links(rng: random.Random, parents: list[int | None], summary: list[bool]) -> list[Link]:
    size = len(parents)
    links: list[Link] = []
    seen: set[tuple[int, int]] = set()
    while len(links) < int(size * LINKS_PER_TASK):
        successor = rng.randrange(1, size)
        predecessor = rng.randrange(max(0, successor - WINDOW), successor)
        if parents[successor] == predecessor or (predecessor, successor) in seen:
            continue
        seen.add((predecessor, successor))
        lag, kind = make_lag(rng, from_summary=summary[predecessor])
        links.append((predecessor, successor, rng.choice(TYPES), lag, kind))
    return links


def make_lag(rng: random.Random, *, from_summary: bool) -> tuple[int, LagKind]:
    roll = rng.random()
    if roll < 0.6:
        return 0, LagKind.WORKING
    if roll < 0.85 or (roll < 0.95 and from_summary):
        return rng.randrange(-8, 24) * 60, LagKind.WORKING
    if roll < 0.95:
        return rng.randrange(-5, 11) * 10, LagKind.PERCENT
    return rng.randrange(0, 72) * 60, LagKind.ELAPSED


def holidays() -> tuple[CalendarException, ...]:
    return public_holidays(HOLIDAY_COUNTRY, [HOLIDAY_YEAR])


# ------------------------------------------------------------------------ projsync


def projsync_inputs(net: Network) -> tuple[Project, list[Task], list[Dependency]]:
    calendar: Calendar = replace(STANDARD, exceptions=holidays())
    project = Project(start=START, calendar=calendar)
    tasks = [
        Task(
            id=f"T{i}",
            parent_id=None if parent is None else f"T{parent}",
            outline_order=i,
            duration=duration,
        )
        for i, (duration, parent) in enumerate(zip(net.durations, net.parents, strict=True))
    ]
    links = [
        Dependency(
            predecessor_id=f"T{p}", successor_id=f"T{s}", type=kind, lag=lag, lag_kind=lag_kind
        )
        for p, s, kind, lag, lag_kind in net.links
    ]
    return project, tasks, links


def timed(runs: int, call: Callable[[], Any]) -> tuple[float, Any]:
    """Median seconds of `runs` calls, and the last call's result."""
    seconds, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), result


def run_projsync(net: Network, runs: int) -> tuple[float, Schedule]:
    project, tasks, links = projsync_inputs(net)
    return timed(runs, lambda: schedule(project, tasks, links))


def peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# --------------------------------------------------------------------------- MPXJ


def start_jvm(xmx: str) -> None:
    import jpype
    import mpxj  # noqa: F401 - puts MPXJ's jars on the class path; must precede startJVM

    jpype.startJVM(
        f"-Xmx{xmx}",
        "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
    )


def java_start() -> Any:
    from java.time import LocalDateTime

    return LocalDateTime.of(START.year, START.month, START.day, START.hour, START.minute)


def build_project_file(net: Network) -> Any:
    from java.time import LocalDate
    from org.mpxj import Duration, ProjectFile, TimeUnit

    pf = ProjectFile()
    pf.getProjectProperties().setStartDate(java_start())
    calendar = pf.addDefaultBaseCalendar()
    pf.setDefaultCalendar(calendar)
    for holiday in holidays():
        day = holiday.start
        calendar.addCalendarException(LocalDate.of(day.year, day.month, day.day))
    minutes: dict[int, Any] = {}
    tasks: list[Any] = []
    for i, (duration, parent) in enumerate(zip(net.durations, net.parents, strict=True)):
        task = (pf if parent is None else tasks[parent]).addTask()
        task.setName(f"T{i}")
        if not net.summary[i]:
            if duration not in minutes:
                minutes[duration] = Duration.getInstance(duration, TimeUnit.MINUTES)
            task.setDuration(minutes[duration])
        tasks.append(task)
    add_relations(tasks, net.links)
    return pf


def java_link_maps() -> tuple[dict[DependencyType, Any], dict[LagKind, Any]]:
    from org.mpxj import RelationType, TimeUnit

    types = {
        DependencyType.FS: RelationType.FINISH_START,
        DependencyType.SS: RelationType.START_START,
        DependencyType.FF: RelationType.FINISH_FINISH,
        DependencyType.SF: RelationType.START_FINISH,
    }
    units = {
        LagKind.WORKING: TimeUnit.MINUTES,
        LagKind.ELAPSED: TimeUnit.ELAPSED_MINUTES,
        LagKind.PERCENT: TimeUnit.PERCENT,
    }
    return types, units


def add_relations(tasks: list[Any], links: list[Link]) -> None:
    from org.mpxj import Duration, Relation

    types, units = java_link_maps()
    for p, s, kind, lag, lag_kind in links:
        builder = Relation.Builder().predecessorTask(tasks[p]).type(types[kind])
        if lag:
            builder = builder.lag(Duration.getInstance(lag, units[lag_kind]))
        tasks[s].addPredecessor(builder)


def write_and_read(pf: Any, path: Path) -> Any:
    from org.mpxj.reader import UniversalProjectReader
    from org.mpxj.writer import FileFormat, UniversalProjectWriter

    UniversalProjectWriter(FileFormat.MSPDI).write(pf, str(path))
    log(f"  MSPDI file: {path.stat().st_size / 2**20:.0f} MB")
    read = UniversalProjectReader().read(str(path))
    if read is None:
        raise RuntimeError(f"MPXJ could not read back {path}")
    return read


def fill_actuals(pf: Any) -> None:
    """Zero actual and full remaining durations: MSPDI omits them, MicrosoftScheduler needs them."""
    from org.mpxj import Duration

    for task in pf.getTasks():
        duration = task.getDuration()
        if duration is None:
            continue
        if task.getActualDuration() is None:
            task.setActualDuration(Duration.getInstance(0, duration.getUnits()))
        if task.getRemainingDuration() is None:
            task.setRemainingDuration(duration)


def read_links(pf: Any) -> set[Link]:
    """The links as MPXJ read them back, in the network's terms; lag units it was not
    given (anything but minutes, elapsed minutes and percent) come back as kind None."""
    types, units = java_link_maps()
    type_of = {str(java.name()): ours for ours, java in types.items()}
    kind_of = {str(java.name()): ours for ours, java in units.items()}
    found: set[Any] = set()
    for relation in pf.getRelations():
        lag = relation.getLag()
        value = lag.getDuration()
        found.add(
            (
                int(str(relation.getPredecessorTask().getName())[1:]),
                int(str(relation.getSuccessorTask().getName())[1:]),
                type_of[str(relation.getType().name())],
                value,
                kind_of.get(str(lag.getUnits().name())) if value else LagKind.WORKING,
            )
        )
    return found


def changed_links(pf: Any, net: Network) -> int:
    """How many of the network's links did not come back from MSPDI exactly (type, lag, kind)."""
    wanted = {
        (p, s, kind, lag, lag_kind if lag else LagKind.WORKING)
        for p, s, kind, lag, lag_kind in net.links
    }
    return len(wanted - read_links(pf))


def mpxj_dates(pf: Any) -> dict[str, tuple[datetime, datetime]]:
    dates = {}
    for task in pf.getTasks():
        name, start, finish = task.getName(), task.getStart(), task.getFinish()
        if name is not None and start is not None and finish is not None:
            dates[str(name)] = (
                datetime.fromisoformat(str(start)),
                datetime.fromisoformat(str(finish)),
            )
    return dates


def run_mpxj(
    net: Network, runs: int, xmx: str
) -> tuple[float, dict[str, tuple[datetime, datetime]]]:
    start_jvm(xmx)
    from org.mpxj.cpm import MicrosoftScheduler

    began = time.perf_counter()
    built = build_project_file(net)
    with tempfile.TemporaryDirectory(prefix="projsync-bench-") as folder:
        pf = write_and_read(built, Path(folder) / "network.xml")
    del built
    fill_actuals(pf)
    log(f"  built, wrote, read back and filled in {time.perf_counter() - began:.1f} s (untimed)")
    log(f"  links changed by the MSPDI round trip: {changed_links(pf, net)}")
    start = java_start()
    seconds, _ = timed(runs, lambda: MicrosoftScheduler().schedule(pf, start))
    return seconds, mpxj_dates(pf)


# --------------------------------------------------------------------------- main


def same_dates(result: Schedule, theirs: dict[str, tuple[datetime, datetime]]) -> int:
    return sum(theirs.get(t.task_id) == (t.start, t.finish) for t in result.tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tasks", type=int, required=True, help="number of tasks (>= 10)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--xmx", default="2g", help="JVM maximum heap for MPXJ")
    args = parser.parse_args()
    if args.tasks < 10:
        parser.error("--tasks must be at least 10")
    runs = 3 if args.tasks <= REPEAT_UP_TO else 1
    ours = 3  # cheap enough to take the median at any size
    net = make_network(args.tasks, args.seed)
    log(f"network: {args.tasks} tasks ({sum(net.summary)} summaries), {len(net.links)} links")
    log(f"projsync: {ours} runs")
    seconds, result = run_projsync(net, ours)
    rss = peak_rss_mb()
    log(f"  {seconds:.3f} s, finish {result.finish}, peak RSS {rss} MB")
    log(f"MPXJ: {runs} run(s)")
    mpxj_seconds, theirs = run_mpxj(net, runs, args.xmx)
    log(f"  {mpxj_seconds:.3f} s, finish {max(f for _, f in theirs.values())}")
    report = {
        "tasks": args.tasks,
        "links": len(net.links),
        "seconds": round(seconds, 3),
        "compiled": compiled.sweeps is not None,
        "peak_rss_mb": rss,
        "mpxj_seconds": round(mpxj_seconds, 3),
        "ratio": round(seconds / mpxj_seconds, 3),
        "same_dates": same_dates(result, theirs),
        "compared": len(result.tasks),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
