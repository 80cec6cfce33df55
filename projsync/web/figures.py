"""Charts as SVG text, computed from records: the Gantt chart, the S-curve of
cost and the weekly allocation of resources. Pure functions, no I/O, so the
pages stay a template and a call, and the charts are tested alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

__all__ = [
    "GanttRow",
    "cumulative",
    "gantt_svg",
    "monday",
    "progress_percent",
    "s_curve_svg",
    "weekly_allocation",
]

ROW = 22
LABEL_WIDTH = 320
CHART_WIDTH = 900


@dataclass(frozen=True, slots=True, kw_only=True)
class GanttRow:
    """One task as the chart draws it."""

    id: str
    name: str
    level: int
    start: dt.datetime | None
    finish: dt.datetime | None
    summary: bool = False
    milestone: bool = False
    critical: bool = False
    progress: int = 0
    """Percent complete, 0-100."""


def progress_percent(percent_complete: int, work: int, actual_work: int) -> int:
    """The task's percent complete; where none was entered, actual work over work."""
    if percent_complete:
        return max(0, min(100, percent_complete))
    if work > 0:
        return max(0, min(100, round(100 * actual_work / work)))
    return 0


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def gantt_svg(
    rows: Sequence[GanttRow], links: Iterable[Mapping[str, Any]], *, title: str = ""
) -> str:
    """A Gantt chart: names indented by outline level, bars on a time scale
    with weekly gridlines, summary brackets, milestones, critical tasks in red,
    progress as a darker band, and dependency arrows between the bars."""
    dated = [r for r in rows if r.start is not None and r.finish is not None]
    height = 30 + ROW * max(1, len(rows)) + 10
    if dated:
        first = min(r.start for r in dated if r.start is not None)
        last = max(r.finish for r in dated if r.finish is not None)
    else:
        first = last = dt.datetime(2000, 1, 3)  # noqa: DTZ001 (unused: nothing is dated)
    origin = dt.datetime.combine(monday(first.date()), dt.time())
    days = max(7, (last - origin).days + 2)
    per_day = max(0.25, min(40.0, CHART_WIDTH / days))
    width = LABEL_WIDTH + math.ceil(days * per_day) + 60  # room for the last label
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title or "Gantt chart")}">',
        '<defs><marker id="arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L6,3 L0,6 z" class="arrowhead"/>'
        "</marker></defs>",
    ]
    if not dated:
        out.append('<text x="10" y="20">No scheduled tasks yet.</text></svg>')
        return "".join(out)

    def x(moment: dt.datetime) -> float:
        return LABEL_WIDTH + (moment - origin).total_seconds() / 86400 * per_day

    # gridlines every so many weeks that they stay at least 60 px apart
    step = max(1, math.ceil(60 / (per_day * 7)))
    week = origin
    while week <= last + dt.timedelta(days=1):
        gx = x(week)
        out.append(f'<line class="grid" x1="{gx:.1f}" y1="22" x2="{gx:.1f}" y2="{height}"/>')
        out.append(f'<text class="scale" x="{gx + 2:.1f}" y="16">{week:%d %b %y}</text>')
        week += dt.timedelta(days=7 * step)
    out.append(f'<line class="axis" x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}"/>')
    where: dict[str, tuple[float, float, float]] = {}
    for number, row in enumerate(rows):
        top = 26 + number * ROW
        middle = top + ROW / 2
        label = escape(row.name if len(row.name) <= 40 else row.name[:39] + "…")
        weight = ' font-weight="bold"' if row.summary else ""
        out.append(
            f'<text class="name" x="{6 + 14 * (row.level - 1)}" y="{middle + 4:.1f}"{weight}>'
            f"{label}</text>"
        )
        if row.start is None or row.finish is None:
            continue
        x0, x1 = x(row.start), x(row.finish)
        where[row.id] = (x0, x1, middle)
        tip = (
            f"<title>{escape(row.id)} {escape(row.name)}: {row.start:%Y-%m-%d %H:%M} → "
            f"{row.finish:%Y-%m-%d %H:%M}, {row.progress}% done"
            f"{', critical' if row.critical else ''}</title>"
        )
        css = "critical" if row.critical else "task"
        if row.milestone or row.finish <= row.start:
            out.append(
                f'<path class="milestone {css}" data-task="{escape(row.id)}" '
                f'd="M{x0:.1f},{middle - 6:.1f} l6,6 l-6,6 l-6,-6 z">{tip}</path>'
            )
        elif row.summary:
            out.append(
                f'<path class="summary" data-task="{escape(row.id)}" d="M{x0:.1f},{top + 6} '
                f'H{x1:.1f} v10 l-5,-5 H{x0 + 5:.1f} l-5,5 z">{tip}</path>'
            )
        else:
            x1 = max(x1, x0 + 2)  # a short task stays visible as a bar, not a dot
            out.append(
                f'<rect class="bar {css}" data-task="{escape(row.id)}" x="{x0:.1f}" '
                f'y="{top + 5}" width="{x1 - x0:.1f}" height="{ROW - 10}" rx="2">{tip}</rect>'
            )
            if row.progress:
                done = (x1 - x0) * row.progress / 100
                out.append(
                    f'<rect class="progress" x="{x0:.1f}" y="{top + 9}" '
                    f'width="{done:.1f}" height="{ROW - 18}"/>'
                )
    for link in links:
        source = where.get(str(link["predecessor"]))
        target = where.get(str(link["successor"]))
        if source is None or target is None:
            continue
        kind = str(link.get("type", "FS"))
        sx = source[0] if kind in ("SS", "SF") else source[1]
        tx = target[1] if kind in ("FF", "SF") else target[0]
        sy, ty = source[2], target[2]
        bend = sx + 6 if kind in ("FS", "FF") else sx - 6
        out.append(
            f'<path class="link" d="M{sx:.1f},{sy:.1f} H{bend:.1f} V{ty:.1f} H{tx:.1f}" '
            'marker-end="url(#arrow)"/>'
        )
    out.append("</svg>")
    return "".join(out)


def cumulative(points: Iterable[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
    """Amounts per day, summed and then accumulated in date order."""
    per_day: dict[dt.date, Decimal] = {}
    for day, amount in points:
        per_day[day] = per_day.get(day, Decimal("0")) + amount
    total = Decimal("0")
    found = []
    for day in sorted(per_day):
        total += per_day[day]
        found.append((day, total))
    return found


def s_curve_svg(
    series: Mapping[str, Sequence[tuple[dt.date, Decimal]]],
    *,
    width: int = 640,
    height: int = 260,
    currency: str = "",
) -> str:
    """Cumulative cost over time, one polyline per named series (planned, actual)."""
    points = [p for values in series.values() for p in values]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="scurve" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="S-curve of cost">'
    ]
    if not points:
        out.append('<text x="10" y="20">No cost yet.</text></svg>')
        return "".join(out)
    left, right, top, bottom = 70, width - 10, 10, height - 30
    first = min(d for d, _ in points)
    last = max(d for d, _ in points)
    span = max(1, (last - first).days)
    peak = max(float(v) for _, v in points) or 1.0

    def px(day: dt.date, value: Decimal) -> str:
        gx = left + (right - left) * (day - first).days / span
        gy = bottom - (bottom - top) * float(value) / peak
        return f"{gx:.1f},{gy:.1f}"

    out.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>')
    out.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/>')
    for fraction in (0.0, 0.5, 1.0):
        gy = bottom - (bottom - top) * fraction
        out.append(
            f'<text class="scale" x="{left - 4}" y="{gy + 4:.1f}" text-anchor="end">'
            f"{peak * fraction:,.0f}</text>"
        )
    out.append(f'<text class="scale" x="{left}" y="{height - 10}">{first:%Y-%m-%d}</text>')
    out.append(
        f'<text class="scale" x="{right}" y="{height - 10}" text-anchor="end">'
        f"{last:%Y-%m-%d}</text>"
    )
    for number, (name, values) in enumerate(series.items()):
        if not values:
            continue
        # a step line: the total holds until the next day with cost, then to the end
        corners = [px(first, Decimal("0"))]
        before = Decimal("0")
        for day, value in values:
            corners += [px(day, before), px(day, value)]
            before = value
        corners.append(px(last, before))
        steps = " ".join(corners)
        out.append(
            f'<polyline class="series series-{number}" data-series="{escape(name)}" '
            f'points="{steps}"><title>{escape(name)}: {values[-1][1]} {escape(currency)}'
            "</title></polyline>"
        )
        out.append(
            f'<text class="legend series-{number}" x="{left + 10}" y="{top + 14 + 16 * number}">'
            f"{escape(name)}: {values[-1][1]:,} {escape(currency)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def weekly_allocation(
    tasks: Mapping[str, tuple[dt.datetime | None, dt.datetime | None]],
    assignments: Iterable[tuple[str, str, int]],
) -> dict[str, dict[dt.date, int]]:
    """Minutes of work per resource and week: each assignment's (task, resource,
    work) spread evenly over the weekdays between its task's start and finish."""
    found: dict[str, dict[dt.date, int]] = {}
    for task_id, resource, work in assignments:
        start, finish = tasks.get(task_id, (None, None))
        if start is None or finish is None or work <= 0:
            continue
        days = [
            start.date() + dt.timedelta(days=n)
            for n in range((finish.date() - start.date()).days + 1)
        ]
        weekdays = [d for d in days if d.weekday() < 5] or days
        share, rest = divmod(work, len(weekdays))
        weeks = found.setdefault(resource, {})
        for number, day in enumerate(weekdays):
            week = monday(day)
            weeks[week] = weeks.get(week, 0) + share + (1 if number < rest else 0)
    return found
