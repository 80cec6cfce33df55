"""The charts, drawn from records alone."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from projsync.web.figures import (
    GanttRow,
    cumulative,
    gantt_svg,
    progress_percent,
    s_curve_svg,
    weekly_allocation,
)

MON = dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 (the plan keeps local wall-clock times)


def _row(task: str, days: int, offset: int = 0, **extra: object) -> GanttRow:
    start = MON + dt.timedelta(days=offset)
    return GanttRow(
        id=task,
        name=f"Task {task}",
        level=int(str(extra.pop("level", 1))),
        start=start,
        finish=start + dt.timedelta(days=days, hours=9),
        **extra,  # type: ignore[arg-type]
    )


def test_figures__gantt_draws_bars_summaries_milestones_links_and_the_critical_path() -> None:
    rows = [
        _row("S", 10, summary=True),
        _row("A", 2, level=2, critical=True, progress=50),
        _row("B", 3, offset=3, level=2),
        GanttRow(id="M", name="Done", level=1, start=MON, finish=MON, milestone=True),
    ]
    svg = gantt_svg(rows, [{"predecessor": "A", "successor": "B", "type": "FS"}])
    assert svg.count('class="bar critical"') == 1
    assert svg.count('class="bar task"') == 1
    assert svg.count('class="summary"') == 1
    assert svg.count('class="milestone') == 1
    assert svg.count('class="progress"') == 1
    assert svg.count('class="link"') == 1
    bar = re.search(r'class="bar critical" data-task="A" x="([\d.]+)".*?width="([\d.]+)"', svg)
    progress = re.search(r'class="progress" x="[\d.]+" y="\d+" width="([\d.]+)"', svg)
    assert bar and progress
    assert float(progress.group(1)) == round(float(bar.group(2)) / 2, 1)


def test_figures__gantt_without_dates_says_so() -> None:
    svg = gantt_svg([GanttRow(id="A", name="A", level=1, start=None, finish=None)], [])
    assert "No scheduled tasks yet." in svg


def test_figures__progress_is_percent_complete_or_actual_over_planned_work() -> None:
    assert progress_percent(40, 600, 60) == 40
    assert progress_percent(0, 600, 300) == 50
    assert progress_percent(0, 600, 900) == 100
    assert progress_percent(0, 0, 60) == 0


def test_figures__cumulative_cost_adds_days_in_order() -> None:
    day = dt.date(2026, 3, 2)
    points = [(day + dt.timedelta(days=1), Decimal("5")), (day, Decimal("10")), (day, Decimal("1"))]
    assert cumulative(points) == [(day, Decimal("11")), (day + dt.timedelta(days=1), Decimal("16"))]
    svg = s_curve_svg({"actual cost": cumulative(points)}, currency="EUR")
    assert "actual cost: 16 EUR" in svg
    assert "No cost yet." in s_curve_svg({"actual cost": []})


def test_figures__allocation_spreads_work_over_the_tasks_weekdays() -> None:
    tasks = {"A": (MON + dt.timedelta(days=3), MON + dt.timedelta(days=7))}  # Thu .. next Mon
    found = weekly_allocation(tasks, [("A", "R1", 3 * 480), ("missing", "R1", 60)])
    assert found == {"R1": {dt.date(2026, 3, 2): 960, dt.date(2026, 3, 9): 480}}
