"""The project page's schedule when the plan store is not the plan (Redmine is
the plan side): drawn from the ledger's subprojects and activities, whose dates
the plan owns and the sync brings back, so it is the plan as of the last sync.

It shows what the ledger knows (hierarchy and dates), never the plan store:
no dependencies, critical path or progress, which stay in the plan tool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from projsync.ledger.model import Activity, Project
from projsync.web.figures import GanttRow, gantt_svg
from projsync.web.work_spans import DAY_END, DAY_START

__all__ = ["ledger_gantt_rows", "ledger_gantt_svg"]


def ledger_gantt_rows(
    projects: Sequence[Project], activities: Mapping[str, Sequence[Activity]]
) -> list[GanttRow]:
    """Rows in outline order: the first project's activities, then each
    subproject (in ``projects``' order, parents first) as a summary row above
    its own. Ids are the plan's: ``number`` in the first project,
    ``subproject.number`` in a subproject."""
    if not projects:
        return []
    top = projects[0].id
    depth = {top: 0}
    rows: list[GanttRow] = []
    for project in projects:
        level = 0 if project.id == top else depth.get(project.parent or top, 0) + 1
        depth[project.id] = level
        if project.id != top:
            rows.append(_row(project.id, project.name, level, project.start, project.end, True))
        listed = activities.get(project.id, ())
        parents = {a.parent for a in listed if a.parent is not None}
        level_of: dict[str, int] = {}
        for activity in listed:  # parents before children (the WBS order)
            own = level_of.get(activity.parent or "", level) + 1
            level_of[activity.number] = own
            task_id = activity.number if project.id == top else f"{project.id}.{activity.number}"
            summary = activity.number in parents
            rows.append(_row(task_id, activity.name, own, activity.start, activity.end, summary))
    return rows


def ledger_gantt_svg(
    projects: Sequence[Project], activities: Mapping[str, Sequence[Activity]]
) -> str:
    return gantt_svg(
        ledger_gantt_rows(projects, activities),
        (),
        title=f"{projects[0].id} {projects[0].name}" if projects else "",
    )


def _row(
    row_id: str,
    name: str,
    level: int,
    start: dt.date | None,
    end: dt.date | None,
    summary: bool,
) -> GanttRow:
    if start is None or end is None:  # a bar needs both ends
        return GanttRow(id=row_id, name=name, level=level, start=None, finish=None, summary=summary)
    return GanttRow(
        id=row_id,
        name=name,
        level=level,
        start=dt.datetime.combine(start, DAY_START),
        finish=dt.datetime.combine(end, DAY_END),
        summary=summary,
    )
