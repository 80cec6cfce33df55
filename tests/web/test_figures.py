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


def _x(svg: str, pattern: str) -> float:
    found = re.search(pattern, svg)
    assert found, pattern
    return float(found.group(1))


def test_figures__gantt_draws_today_where_it_falls_and_not_outside_the_chart() -> None:
    rows = [_row("A", 10)]
    svg = gantt_svg(rows, [], today=dt.date(2026, 3, 4))
    today = _x(svg, r'<line class="today" x1="([\d.]+)"')
    start = _x(svg, r'data-task="A" x="([\d.]+)"')
    # the chart starts on Monday 2 March at midnight; A starts at 08:00; today's line at noon
    per_day = (today - start) / (2 + 4 / 24)
    assert today == round(start + per_day * (2 + 4 / 24), 1)
    assert "Today, 2026-03-04" in svg
    assert 'class="today"' not in gantt_svg(rows, [], today=dt.date(2027, 1, 1))
    assert 'class="today"' not in gantt_svg(rows, [])


def test_figures__gantt_draws_each_baseline_under_its_task() -> None:
    moved = GanttRow(
        id="A", name="A", level=1,
        start=MON + dt.timedelta(days=7), finish=MON + dt.timedelta(days=9),
        baseline_start=MON, baseline_finish=MON + dt.timedelta(days=2),
    )  # fmt: skip
    svg = gantt_svg([moved, _row("B", 3)], [])
    assert svg.count('class="baseline"') == 1
    baseline = _x(svg, r'class="baseline" data-baseline="A" x="([\d.]+)"')
    bar = _x(svg, r'class="bar task" data-task="A" x="([\d.]+)"')
    chart_start = _x(svg, r'data-task="B" x="([\d.]+)"')
    assert baseline == chart_start < bar  # a week earlier than the task now is


def test_figures__gantt_draws_one_arrow_per_link_of_each_type() -> None:
    rows = [_row("A", 2), _row("B", 3, offset=3), _row("C", 2, offset=1)]
    links = [
        {"predecessor": "A", "successor": "B", "type": "FS"},
        {"predecessor": "A", "successor": "C", "type": "SS"},
        {"predecessor": "C", "successor": "B", "type": "FF"},
        {"predecessor": "B", "successor": "C", "type": "SF"},
        {"predecessor": "A", "successor": "missing", "type": "FS"},
    ]
    svg = gantt_svg(rows, links)
    arrows = re.findall(r'<path class="link" data-link="(\S+ \S+ \S+)" d="M([\d.]+),', svg)
    assert [a for a, _ in arrows] == ["A B FS", "A C SS", "C B FF", "B C SF"]
    start_a = _x(svg, r'data-task="A" x="([\d.]+)"')
    assert float(arrows[1][1]) == start_a  # start-to-start leaves from the start
    assert svg.count('marker-end="url(#arrow)"') == 4


def test_figures__a_collapsed_summary_hides_its_rows_and_takes_their_links() -> None:
    rows = [
        _row("S", 10, summary=True),
        _row("A", 2, level=2, parent="S"),
        _row("B", 3, offset=3, level=2, parent="S"),
        _row("C", 2, offset=7),
    ]
    links = [
        {"predecessor": "A", "successor": "B", "type": "FS"},
        {"predecessor": "B", "successor": "C", "type": "FS"},
        {"predecessor": "A", "successor": "C", "type": "FS"},
    ]

    def toggle(task: str, collapse: bool) -> str:
        return f"/plan/P?collapse={task}" if collapse else "/plan/P"

    whole = gantt_svg(rows, links, toggle=toggle)
    assert (
        '<a class="toggle" href="/plan/P?collapse=S" data-toggle="S" aria-expanded="true"' in whole
    )
    assert whole.count('class="link"') == 3 and 'data-task="A"' in whole
    folded = gantt_svg(rows, links, toggle=toggle, collapsed={"S"})
    assert (
        'href="/plan/P" data-toggle="S" aria-expanded="false" aria-label="Expand Task S"' in folded
    )
    assert 'data-task="A"' not in folded and 'data-task="B"' not in folded
    assert re.findall(r'data-link="([^"]+)"', folded) == ["S C FS"]  # one arrow for both
    assert _x(folded, r'height="(\d+)"') == _x(whole, r'height="(\d+)"') - 2 * 22
    assert "toggle" not in gantt_svg(rows, links)  # no address, no link (the project page)


def test_figures__gantt_zoom_sets_the_scale_and_escapes_names() -> None:
    rows = [GanttRow(id='<x">', name="<script>alert(1)</script> & co", level=1,
                     start=MON, finish=MON + dt.timedelta(days=30))]  # fmt: skip
    widths = {
        z: _x(gantt_svg(rows, [], zoom=z), r'width="(\d+)"') for z in ("days", "weeks", "months")
    }
    assert widths["days"] > widths["weeks"] > widths["months"]
    days = gantt_svg(rows, [], zoom="days")
    assert days.count('class="grid minor"') > 20 and 'class="gantt zoom-days"' in days
    months = gantt_svg(rows, [], zoom="months")
    assert ">Mar 26<" in months and ">Apr 26<" in months
    assert 'class="gantt zoom-fit"' in gantt_svg(rows, [], zoom="years")
    assert "<script>" not in days and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in days
    assert 'data-task="&lt;x&quot;&gt;"' in days
