"""Charts as SVG text, computed from records: the Gantt chart, the S-curve of
cost and the weekly allocation of resources. Pure functions, no I/O, so the
pages stay a template and a call, and the charts are tested alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

__all__ = [
    "ZOOMS",
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


ZOOMS = ("fit", "days", "weeks", "months")
"""The Gantt chart's time scales: the whole project fitted to the width, or a
fixed width per day, week or month."""
_PER_DAY = {"days": 28.0, "weeks": 8.0, "months": 1.5}


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
    parent: str | None = None
    baseline_start: dt.datetime | None = None
    baseline_finish: dt.datetime | None = None


def progress_percent(percent_complete: int, work: int, actual_work: int) -> int:
    """The task's percent complete; where none was entered, actual work over work."""
    if percent_complete:
        return max(0, min(100, percent_complete))
    if work > 0:
        return max(0, min(100, round(100 * actual_work / work)))
    return 0


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _shown(
    rows: Sequence[GanttRow], collapsed: Collection[str]
) -> tuple[list[GanttRow], dict[str, str]]:
    """The rows not under a collapsed summary, and for each hidden row the
    collapsed summary that stands for it (rows come parents first)."""
    stands: dict[str, str] = {}
    shown = []
    for row in rows:
        if row.parent is not None and row.parent in stands:
            stands[row.id] = stands[row.parent]
        elif row.parent is not None and row.parent in collapsed:
            stands[row.id] = row.parent
        else:
            shown.append(row)
    return shown, stands


def _ticks(
    first: dt.date, last: dt.date, zoom: str, per_day: float
) -> list[tuple[dt.date, str, bool]]:
    """Gridlines of the scale: (day, label, major)."""
    found: list[tuple[dt.date, str, bool]] = []
    if zoom == "months":
        day = first.replace(day=1)
        while day <= last:
            found.append((day, f"{day:%b %y}", True))
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return found
    if zoom == "days":
        day = first
        while day <= last:
            major = day.weekday() == 0
            found.append((day, f"{day:%d %b}" if major else f"{day:%d}", major))
            day += dt.timedelta(days=1)
        return found
    # weekly gridlines, so many weeks apart that they stay at least 60 px apart
    step = 1 if zoom == "weeks" else max(1, math.ceil(60 / (per_day * 7)))
    day = monday(first)
    while day <= last:
        found.append((day, f"{day:%d %b}" if zoom == "weeks" else f"{day:%d %b %y}", True))
        day += dt.timedelta(days=7 * step)
    return found


def gantt_svg(
    rows: Sequence[GanttRow],
    links: Iterable[Mapping[str, Any]],
    *,
    title: str = "",
    today: dt.date | None = None,
    zoom: str = "fit",
    collapsed: Collection[str] = (),
    toggle: Callable[[str, bool], str] | None = None,
) -> str:
    """A Gantt chart: names indented by outline level, bars on a time scale
    (``zoom``: fitted to the width, or per day, week or month), summary
    brackets, milestones, critical tasks in red, progress as a darker band,
    each task's baseline as a thin bar under it, today as a vertical line,
    and one arrow per dependency (finish-to-start, start-to-start,
    finish-to-finish, start-to-finish). The rows under a ``collapsed``
    summary are left out and its links drawn to the summary; ``toggle(id,
    collapsed)`` gives the address that collapses or expands a summary, drawn
    as a link before its name."""
    if zoom not in ZOOMS:
        zoom = "fit"
    shown, stands = _shown(rows, collapsed)
    dated = [r for r in rows if r.start is not None and r.finish is not None]
    height = 30 + ROW * max(1, len(shown)) + 10
    if dated:
        first = min(r.start for r in dated if r.start is not None)
        last = max(r.finish for r in dated if r.finish is not None)
        based = [r.baseline_start for r in dated if r.baseline_start is not None]
        based += [r.baseline_finish for r in dated if r.baseline_finish is not None]
        if based:
            first, last = min(first, *based), max(last, *based)
    else:
        first = last = dt.datetime(2000, 1, 3)  # noqa: DTZ001 (unused: nothing is dated)
    start_day = first.date().replace(day=1) if zoom == "months" else monday(first.date())
    origin = dt.datetime.combine(start_day, dt.time())
    days = max(7, (last - origin).days + 2)
    per_day = max(0.25, min(40.0, CHART_WIDTH / days)) if zoom == "fit" else _PER_DAY[zoom]
    width = LABEL_WIDTH + math.ceil(days * per_day) + 60  # room for the last label
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt zoom-{zoom}" width="{width}" '
        # a figure, not an image: the summaries' collapse links inside it are
        # controls of their own, which an image's children cannot be
        f'height="{height}" viewBox="0 0 {width} {height}" role="figure" '
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

    end_day = (last + dt.timedelta(days=1)).date()
    for day, label, major in _ticks(start_day, end_day, zoom, per_day):
        gx = x(dt.datetime.combine(day, dt.time()))
        grid = "grid" if major else "grid minor"
        out.append(f'<line class="{grid}" x1="{gx:.1f}" y1="22" x2="{gx:.1f}" y2="{height}"/>')
        if label:
            out.append(
                f'<text class="{"scale" if major else "scale minor"}" x="{gx + 2:.1f}" '
                f'y="16">{label}</text>'
            )
    out.append(f'<line class="axis" x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}"/>')
    if today is not None and origin.date() <= today <= end_day:
        tx = x(dt.datetime.combine(today, dt.time(12)))
        out.append(
            f'<line class="today" x1="{tx:.1f}" y1="20" x2="{tx:.1f}" y2="{height}">'
            f"<title>Today, {today:%Y-%m-%d}</title></line>"
        )
    where: dict[str, tuple[float, float, float]] = {}
    for number, row in enumerate(shown):
        top = 26 + number * ROW
        middle = top + ROW / 2
        label = escape(row.name if len(row.name) <= 40 else row.name[:39] + "…")
        weight = ' font-weight="bold"' if row.summary else ""
        indent = 6 + 14 * (row.level - 1)
        if row.summary and toggle is not None:
            closed = row.id in collapsed
            verb = "Expand" if closed else "Collapse"
            out.append(
                f'<a class="toggle" href="{escape(toggle(row.id, not closed))}" '
                f'data-toggle="{escape(row.id)}" aria-expanded="{"false" if closed else "true"}" '
                f'aria-label="{verb} {escape(row.name)}"><text x="{indent}" y="{middle + 4:.1f}">'
                f"{'▸' if closed else '▾'}</text></a>"
            )
        out.append(
            f'<text class="name" x="{indent + (12 if row.summary and toggle else 0)}" '
            f'y="{middle + 4:.1f}"{weight}>{label}</text>'
        )
        if row.baseline_start is not None and row.baseline_finish is not None:
            b0, b1 = x(row.baseline_start), x(row.baseline_finish)
            planned = (
                f"<title>Baseline {escape(row.name)}: {row.baseline_start:%Y-%m-%d %H:%M} → "
                f"{row.baseline_finish:%Y-%m-%d %H:%M}</title>"
            )
            if row.baseline_finish <= row.baseline_start:  # a milestone: a small diamond
                out.append(
                    f'<path class="baseline" data-baseline="{escape(row.id)}" '
                    f'd="M{b0:.1f},{top + ROW - 8} l4,4 l-4,4 l-4,-4 z">{planned}</path>'
                )
            else:
                out.append(
                    f'<rect class="baseline" data-baseline="{escape(row.id)}" x="{b0:.1f}" '
                    f'y="{top + ROW - 5}" width="{b1 - b0:.1f}" height="3">{planned}</rect>'
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
                f'y="{top + 4}" width="{x1 - x0:.1f}" height="{ROW - 11}" rx="2">{tip}</rect>'
            )
            if row.progress:
                done = (x1 - x0) * row.progress / 100
                out.append(
                    f'<rect class="progress" x="{x0:.1f}" y="{top + 8}" '
                    f'width="{done:.1f}" height="{ROW - 19}"/>'
                )
    drawn: set[tuple[str, str, str]] = set()
    for link in links:
        predecessor, successor = str(link["predecessor"]), str(link["successor"])
        kind = str(link.get("type", "FS"))
        predecessor = stands.get(predecessor, predecessor)
        successor = stands.get(successor, successor)
        source, target = where.get(predecessor), where.get(successor)
        if source is None or target is None or predecessor == successor:
            continue
        if (predecessor, successor, kind) in drawn:
            continue  # links folded into one collapsed summary: one arrow
        drawn.add((predecessor, successor, kind))
        sx = source[0] if kind in ("SS", "SF") else source[1]
        tx = target[1] if kind in ("FF", "SF") else target[0]
        sy, ty = source[2], target[2]
        bend = sx + 6 if kind in ("FS", "FF") else sx - 6
        out.append(
            f'<path class="link" data-link="{escape(predecessor)} {escape(successor)} {kind}" '
            f'd="M{sx:.1f},{sy:.1f} H{bend:.1f} V{ty:.1f} H{tx:.1f}" marker-end="url(#arrow)"/>'
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
