"""Reading a Microsoft Project file (.mpp from Project 98 to 2019, MSPDI .xml,
.mpx) into a ``ProjectDocument``.

MPXJ does the parsing; this module asks it for the fields the plan server
models and converts them: durations to working minutes with the file's own
minutes per day and week, Java dates to naive local datetimes, rates to per
hour. In a file whose dates carry no time of day (Project 98's MPX), the dates
scheduling starts from (project start, status date, constraints, deadlines,
actual dates) get the file's default start or end time, as Microsoft Project
gives a date typed without a time. A file MPXJ cannot make sense of is refused
with the file and the reason.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from projsync.errors import InputError, Problem, refusal
from projsync.msproject.columns import (
    BLANK,
    FINISH_CONSTRAINTS,
    TASK_TYPES,
    UID,
    ColumnTasks,
    actual_duration,
    as_duration,
    as_minutes,
    populated_among,
    read_columns,
)
from projsync.msproject.document import (
    PROJSYNC_ID_FIELD,
    FieldValue,
    FileCalendar,
    ProjectDocument,
)
from projsync.msproject.jvm import java_classes, start_jvm
from projsync.msproject.wholeness import Damaged, declared, shortfall
from projsync.plan.entities import (
    CustomField,
    FieldEntity,
    FieldType,
    PlanAssignment,
    PlanLink,
    PlanProject,
    PlanResource,
    PlanTask,
    ResourceType,
    TaskType,
)
from projsync.plan.model import (
    CalendarException,
    ConstraintType,
    DependencyType,
    LagKind,
    WorkContour,
    WorkingIntervals,
)
from projsync.plan.schedule import collector_paused

__all__ = ["read_document"]

_CONSTRAINTS = {
    "AS_SOON_AS_POSSIBLE": ConstraintType.ASAP,
    "AS_LATE_AS_POSSIBLE": ConstraintType.ALAP,
    "START_NO_EARLIER_THAN": ConstraintType.SNET,
    "START_NO_LATER_THAN": ConstraintType.SNLT,
    "FINISH_NO_EARLIER_THAN": ConstraintType.FNET,
    "FINISH_NO_LATER_THAN": ConstraintType.FNLT,
    "MUST_START_ON": ConstraintType.MSO,
    "MUST_FINISH_ON": ConstraintType.MFO,
}
_RELATIONS = {
    "FINISH_START": DependencyType.FS,
    "START_START": DependencyType.SS,
    "FINISH_FINISH": DependencyType.FF,
    "START_FINISH": DependencyType.SF,
}
_ELAPSED_MINUTES = {
    "ELAPSED_MINUTES": 1,
    "ELAPSED_HOURS": 60,
    "ELAPSED_DAYS": 1440,
    "ELAPSED_WEEKS": 10080,
    "ELAPSED_MONTHS": 43200,
    "ELAPSED_YEARS": 525600,
}
_RATE_PER_HOUR = {"MINUTES": 60, "HOURS": 1, "DAYS": Decimal(1) / 8, "WEEKS": Decimal(1) / 40}
_FIELD_TYPES = {
    "TEXT": FieldType.TEXT,
    "OUTLINE_CODE": FieldType.TEXT,
    "NUMBER": FieldType.NUMBER,
    "COST": FieldType.COST,
    "DATE": FieldType.DATE,
    "FLAG": FieldType.FLAG,
    "DURATION": FieldType.DURATION,
}
_CUSTOM = re.compile(r"^(ENTERPRISE_)?(TEXT|OUTLINE_CODE|NUMBER|COST|DATE|FLAG|DURATION)(\d+)$")
_GATED = frozenset(
    {
        "NULL", "CALENDAR_UNIQUE_ID", "LEVELING_DELAY", "WORK", "TASK_MODE", "MILESTONE",
        "EFFORT_DRIVEN", "DEADLINE", "PERCENT_COMPLETE", "ACTUAL_START", "ACTUAL_FINISH",
        "ACTUAL_DURATION",
        "BASELINE_START", "BASELINE_FINISH", "BASELINE_DURATION", "BASELINE_WORK",
        "BASELINE_COST", "START", "FINISH", "EARLY_START", "EARLY_FINISH", "LATE_START",
        "LATE_FINISH",
    }
)  # fmt: skip
"""Task fields read only when some task has one (``has(...)`` in ``_task``)."""
_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def read_document(
    path: Path, *, progress: Callable[[int, int], None] | None = None
) -> ProjectDocument:
    """Read a project file; refuse it with the reason when it is not one MPXJ can read."""
    project_file = _open(path)
    return _Converter(project_file, path).document(progress)


def _open(path: Path) -> Any:
    where = str(path)
    if not path.exists():
        raise refusal(where, "no such file")
    if not path.is_file():
        raise refusal(where, "not a file")
    if path.stat().st_size == 0:
        raise refusal(where, "the file is empty")
    start_jvm()
    import jpype

    (reader_class,) = java_classes("org.mpxj.reader.UniversalProjectReader")
    try:
        project_file = reader_class().read(str(path))
    except jpype.JException as exc:
        raise refusal(where, _java_reason(exc)) from None
    if project_file is None:
        raise InputError(
            [
                Problem(
                    where=where,
                    what="not a Microsoft Project file that can be read "
                    "(unknown format, or a damaged or truncated file)",
                )
            ]
        )
    _refuse_unless_whole(path, project_file)
    return project_file


def _refuse_unless_whole(path: Path, project_file: Any) -> None:
    """Refuse a file MPXJ read only part of: what its structure declares is not
    what was read, or MPXJ skipped errors on the way (see ``wholeness``)."""
    ignored = list(project_file.getIgnoredErrors())
    if ignored:
        raise refusal(
            str(path),
            f"damaged: MPXJ could not read {len(ignored)} part(s) of it ({_causes(ignored[0])})",
        )
    properties = project_file.getProjectProperties()
    version = properties.getMppFileType()
    try:
        declaration = declared(
            path.read_bytes(),
            _str(properties.getFileType()) or "",
            int(version) if version is not None else None,
        )
    except Damaged as exc:
        raise refusal(str(path), str(exc)) from None
    containers = {
        "tasks": project_file.getTasks(),
        "resources": project_file.getResources(),
        "assignments": project_file.getResourceAssignments(),
        "calendars": project_file.getCalendars(),
        "links": project_file.getRelations(),
    }

    def unique_ids(kind: str) -> frozenset[int]:
        return frozenset(_int(item.getUniqueID()) for item in containers[kind])

    counts = {kind: int(container.size()) for kind, container in containers.items()}
    reason = shortfall(declaration, counts, unique_ids)
    if reason is not None:
        raise refusal(str(path), reason)


def _java_reason(exc: Any) -> str:
    message = str(exc.getMessage() or "")
    if "password" in message.lower():
        return "the file is password-protected; save it without a password and try again"
    return "damaged or unreadable: " + _causes(exc)


def _causes(exc: Any) -> str:
    """A Java exception's message and those of its first causes."""
    cause, reasons = exc, list[str]()
    while cause is not None and len(reasons) < 3:
        text = str(cause.getMessage() or cause.getClass().getSimpleName())
        if text not in reasons:
            reasons.append(text)
        cause = cause.getCause()
    return ": ".join(reasons)


class _Converter(ColumnTasks):
    """Turns one MPXJ ProjectFile into a document, field by field."""

    def __init__(self, project_file: Any, path: Path) -> None:
        self.file = project_file
        self.path = path
        self.properties = project_file.getProjectProperties()
        time_unit, duration, relation_type, constraint_type, task_type = java_classes(
            "org.mpxj.TimeUnit", "org.mpxj.Duration", "org.mpxj.RelationType",
            "org.mpxj.ConstraintType", "org.mpxj.TaskType",
        )  # fmt: skip
        self.time_unit = time_unit
        self.minutes_per_day = int(self.properties.getMinutesPerDay() or 480)
        # Durations are converted here rather than by MPXJ's convertUnits, one JVM
        # call a duration fewer: (kind, minutes per unit) by the unit's ordinal,
        # the working units' sizes taken from the file's settings once.
        self.units: dict[int, tuple[LagKind, float]] = {}
        for unit in time_unit.values():
            name = str(unit.name())
            if name in _ELAPSED_MINUTES:
                self.units[int(unit.ordinal())] = (LagKind.ELAPSED, _ELAPSED_MINUTES[name])
            elif name in ("PERCENT", "ELAPSED_PERCENT"):
                self.units[int(unit.ordinal())] = (LagKind.PERCENT, 1.0)
            else:
                one = duration.getInstance(1.0, unit)
                one = one.convertUnits(time_unit.MINUTES, self.properties)
                self.units[int(unit.ordinal())] = (LagKind.WORKING, float(one.getDuration()))
        self.relations = {
            int(t.ordinal()): _RELATIONS.get(str(t.name()), DependencyType.FS)
            for t in relation_type.values()
        }
        self.constraints = {
            int(t.ordinal()): _CONSTRAINTS.get(str(t.name()), ConstraintType.ASAP)
            for t in constraint_type.values()
        }
        self.task_types = {
            int(t.ordinal()): TASK_TYPES.get(str(t.name()), TaskType.FIXED_UNITS)
            for t in task_type.values()
        }
        self.populated_fields: list[Any] = []
        self.populated: set[str | None] = set()
        # Project 98's MPX files may write dates without a time ("Fri 17/10/14"),
        # which MPXJ reads as midnight. Microsoft Project gives a date entered
        # without a time its default start time (a start) or default end time (a
        # finish); the dates the scheduler starts from get those times here.
        date_format = self.properties.getDateFormat()
        self.days_only = (
            _str(self.properties.getFileType()) == "MPX"
            and date_format is not None
            and "HH" not in (_str(date_format.name()) or "")
        )
        self.day_start = _time(self.properties.getDefaultStartTime(), dt.time(8))
        self.day_end = _time(self.properties.getDefaultEndTime(), dt.time(17))

    def document(
        self, progress: Callable[[int, int], None] | None, *, columns: bool = True
    ) -> ProjectDocument:
        """The file as a document; ``columns=False`` asks MPXJ task by task even
        when the TaskColumns helper is built (for comparing the two)."""
        with collector_paused():  # tens of thousands of records, none in a cycle
            return self._document(progress, columns=columns)

    def _document(
        self, progress: Callable[[int, int], None] | None, *, columns: bool
    ) -> ProjectDocument:
        in_file = list(self.file.getTasks())
        populated = self._populated(columns=columns)
        self.populated_fields = list(populated)
        self.populated = {_str(f.name()) for f in self.populated_fields}
        table = read_columns(self.file.getTasks(), populated) if columns else None
        if table is None:
            uids = [_int(t.getUniqueID()) for t in in_file]
            blanks = [bool(t.getNull()) for t in in_file] if "NULL" in self.populated else None
        else:
            uids = [int(uid) for uid in table.column(UID)]
            blanks = [bool(blank) for blank in table.column(BLANK)]
        # blank rows: Project neither schedules nor shows them
        numbered = [i for i, uid in enumerate(uids) if uid != 0]
        kept = [i for i in numbered if not (blanks and blanks[i])]
        id_field = self._projsync_id_field()
        ids = {uids[i]: self._task_id(in_file[i], uids[i], id_field) for i in kept}
        fields = self._custom_fields()
        tasks: list[PlanTask] = []
        values: list[FieldValue] = []
        for position, i in enumerate(kept, start=1):
            task_id = ids[uids[i]]
            if table is None:
                task = self._task(in_file[i], task_id, ids, position)
            else:
                task = self._task_at(table, i, task_id, ids, position)
            tasks.append(task)
            if fields:
                values.extend(self._values(in_file[i], task.id, fields))
            if progress is not None and position % 500 == 0:
                progress(position, len(kept))
        if progress is not None:
            progress(len(kept), len(kept))
        if table is None:
            links = list(self._links([in_file[i] for i in kept], [uids[i] for i in kept], ids))
        else:
            links = list(self._links_at(table, uids, set(kept), ids))
        resources, pool_ids = self._resources()
        return ProjectDocument(
            source=self.path.name,
            project=self._project(),
            calendars=tuple(self._calendars()),
            tasks=tuple(tasks),
            links=tuple(links),
            resources=tuple(resources.values()),
            assignments=tuple(self._assignments(ids, resources)),
            fields=tuple(
                CustomField(name=n, entity=FieldEntity.TASK, type=t) for n, (_, t) in fields.items()
            ),
            values=tuple(values),
            minutes_per_day=self.minutes_per_day,
            blank_rows=len(numbered) - len(kept),
            pool_ids=pool_ids,
        )

    def _populated(self, *, columns: bool) -> Any:
        """The task fields with a value on at least one task, of those read: the
        rest need not be asked for task by task (each question to the JVM costs
        a microsecond or two). TaskColumns checks only the fields read, by
        MPXJ's rule; MPXJ's getPopulatedFields() checks all thousand."""
        if columns:
            own = list(self.file.getUserDefinedFields().getTaskFields())
            found = populated_among(self.file, [*_read_task_fields(), *own])
            if found is not None:
                return found
        return self.file.getTasks().getPopulatedFields()

    # -- project and calendars ----------------------------------------------------

    def _project(self) -> PlanProject:
        title = _str(self.properties.getProjectTitle()) or self.path.stem
        start = self._start(self.properties.getStartDate()) or dt.datetime(2000, 1, 3, 8)  # noqa: DTZ001
        calendar = self.file.getDefaultCalendar()
        currency = (_str(self.properties.getCurrencyCode()) or "").strip().upper()
        return PlanProject(
            id="",
            name=title[:200],
            start=start,
            calendar=(_str(calendar.getName()) if calendar is not None else None) or "Standard",
            status_date=self._finish(self.properties.getStatusDate()),
            currency=currency if len(currency) == 3 and currency.isalpha() else None,
        )

    def _calendars(self) -> Iterator[FileCalendar]:
        (day_of_week,) = java_classes("java.time.DayOfWeek")
        for calendar in self.file.getCalendars():
            name = _str(calendar.getName())
            if not name:
                continue
            parent = calendar.getParent()
            week: list[WorkingIntervals | None] = []
            for day_name in _DAYS:
                day = getattr(day_of_week, day_name)
                kind = _str(calendar.getCalendarDayType(day))
                if kind == "DEFAULT" and parent is not None:
                    week.append(None)
                elif kind == "WORKING":
                    week.append(_ranges(calendar.getCalendarHours(day)))
                else:
                    week.append(())
            yield FileCalendar(
                name=name,
                base=_str(parent.getName()) if parent is not None else None,
                week=tuple(week),
                exceptions=tuple(self._exceptions(calendar)),
            )

    def _exceptions(self, calendar: Any) -> Iterator[CalendarException]:
        for exception in calendar.getExpandedCalendarExceptions():
            yield CalendarException(
                start=_day(exception.getFromDate()),
                finish=_day(exception.getToDate()),
                working_times=_ranges(exception) if exception.getWorking() else (),
                name=_str(exception.getName()) or "",
            )

    def _start(self, value: Any) -> dt.datetime | None:
        return self._at_start(_moment(value))

    def _finish(self, value: Any) -> dt.datetime | None:
        return self._at_finish(_moment(value))

    def _at_start(self, moment: dt.datetime | None) -> dt.datetime | None:
        """A date the scheduler starts from, at the default start time in a day-only file."""
        if moment is not None and self.days_only and moment.time() == dt.time(0):
            return dt.datetime.combine(moment.date(), self.day_start)
        return moment

    def _at_finish(self, moment: dt.datetime | None) -> dt.datetime | None:
        """A date the scheduler finishes at, at the default end time in a day-only file."""
        if moment is not None and self.days_only and moment.time() == dt.time(0):
            return dt.datetime.combine(moment.date(), self.day_end)
        return moment

    # -- tasks ---------------------------------------------------------------------

    def _projsync_id_field(self, kind: str = "TASK") -> Any:
        """The task (or resource) field aliased ProjsyncId, if the file has one."""
        for field in self.file.getCustomFields():
            if _str(field.getAlias()) == PROJSYNC_ID_FIELD:
                field_type = field.getFieldType()
                if _str(field_type.getFieldTypeClass().name()) == kind:
                    return field_type
        return None

    def _task_id(self, task: Any, uid: int, id_field: Any) -> str:
        if id_field is not None:
            value = _str(task.get(id_field))
            if value:
                return value
        return str(uid)

    def _task(self, task: Any, task_id: str, ids: dict[int, str], position: int) -> PlanTask:
        # A field with no value on any task is not asked for: MPXJ counts a field
        # populated when some task has it non-null, true or non-zero, which are
        # the defaults taken here otherwise.
        has = self.populated.__contains__

        def moment(field: str, getter: Callable[[], Any]) -> dt.datetime | None:
            return _moment(getter()) if has(field) else None

        def input_moment(
            field: str, getter: Callable[[], Any], *, finish: bool
        ) -> dt.datetime | None:
            if not has(field):
                return None
            return self._finish(getter()) if finish else self._start(getter())

        parent = task.getParentTask()
        parent_unique = _int(parent.getUniqueID()) if parent is not None else 0
        duration, elapsed = self._duration(task.getDuration())
        kind = task.getConstraintType()
        constraint = ConstraintType.ASAP if kind is None else self.constraints[int(kind.ordinal())]
        calendar = task.getCalendar() if has("CALENDAR_UNIQUE_ID") else None
        delay, delay_elapsed = (
            self._duration(task.getLevelingDelay()) if has("LEVELING_DELAY") else (0, False)
        )
        java_type = task.getType()  # always: MPXJ may leave it out of the populated fields
        done, _ = self._duration(task.getActualDuration()) if has("ACTUAL_DURATION") else (0, False)
        splits = _splits(task)
        percent = (
            min(100, max(0, round(_number(task.getPercentageComplete()))))
            if has("PERCENT_COMPLETE")
            else 0
        )
        task_type = (
            TaskType.FIXED_UNITS if java_type is None else self.task_types[int(java_type.ordinal())]
        )
        return PlanTask(
            project="",
            id=task_id,
            name=(_str(task.getName()) or f"Task {task_id}")[:250],
            parent=ids.get(parent_unique) if parent_unique else None,
            position=position,
            duration=max(0, duration),
            elapsed=elapsed,
            work=max(0, self._minutes(task.getWork())) if has("WORK") else 0,
            manual=has("TASK_MODE") and _str(task.getTaskMode()) == "MANUALLY_SCHEDULED",
            milestone=has("MILESTONE") and bool(task.getMilestone()),
            type=task_type,
            effort_driven=(has("EFFORT_DRIVEN") and bool(task.getEffortDriven()))
            or task_type is TaskType.FIXED_WORK,
            constraint=constraint,
            constraint_date=(
                self._finish(task.getConstraintDate())
                if constraint in FINISH_CONSTRAINTS
                else self._start(task.getConstraintDate())
            )
            if constraint not in (ConstraintType.ASAP, ConstraintType.ALAP)
            else None,
            deadline=input_moment("DEADLINE", task.getDeadline, finish=True),
            percent_complete=percent,
            actual_start=input_moment("ACTUAL_START", task.getActualStart, finish=False),
            actual_finish=input_moment("ACTUAL_FINISH", task.getActualFinish, finish=True),
            calendar=_str(calendar.getName()) if calendar is not None else None,
            priority=min(
                1000, max(0, _int(task.getPriority().getValue()) if task.getPriority() else 500)
            ),
            leveling_delay=max(0, delay),
            leveling_delay_elapsed=delay_elapsed and delay > 0,
            actual_duration=actual_duration(done, max(0, duration), percent),
            splits=splits,
            budget_work=0,
            baseline_start=moment("BASELINE_START", task.getBaselineStart),
            baseline_finish=moment("BASELINE_FINISH", task.getBaselineFinish),
            baseline_duration=(self._minutes(task.getBaselineDuration()) or None)
            if has("BASELINE_DURATION")
            else None,
            baseline_work=(self._minutes(task.getBaselineWork()) or None)
            if has("BASELINE_WORK")
            else None,
            baseline_cost=(_money(task.getBaselineCost()) or None)
            if has("BASELINE_COST")
            else None,
            start=moment("START", task.getStart),
            finish=moment("FINISH", task.getFinish),
            early_start=moment("EARLY_START", task.getEarlyStart),
            early_finish=moment("EARLY_FINISH", task.getEarlyFinish),
            late_start=moment("LATE_START", task.getLateStart),
            late_finish=moment("LATE_FINISH", task.getLateFinish),
            critical=bool(task.getCritical()),
        )

    def _measure(self, duration: Any) -> tuple[int, LagKind]:
        """A duration in minutes (percent for a percentage), and what they count."""
        if duration is None:
            return 0, LagKind.WORKING
        return self._measured(float(duration.getDuration()), duration.getUnits().ordinal())

    def _measured(self, value: float, unit: Any) -> tuple[int, LagKind]:
        """``_measure`` of an amount and its unit's ordinal (NaN for no duration)."""
        if value == 0 or math.isnan(value):  # NaN: no duration
            return 0, LagKind.WORKING
        kind, size = self.units[int(unit)]
        return round(value * size), kind

    def _duration(self, duration: Any) -> tuple[int, bool]:
        return as_duration(*self._measure(duration))

    def _minutes(self, duration: Any) -> int:
        return as_minutes(*self._measure(duration))

    def _links(self, tasks: list[Any], uids: list[int], ids: dict[int, str]) -> Iterator[PlanLink]:
        """Each task's predecessor links (the task is the successor of its own)."""
        seen: set[tuple[str, str]] = set()
        for task, successor in zip(tasks, uids, strict=True):
            relations = task.getPredecessors()
            if relations.isEmpty():
                continue
            for relation in relations:
                predecessor = _int(relation.getPredecessorTask().getUniqueID())
                if predecessor not in ids:
                    continue
                pair = (ids[predecessor], ids[successor])
                if pair in seen or pair[0] == pair[1]:
                    continue
                seen.add(pair)
                lag, kind = self._measure(relation.getLag())
                yield PlanLink(
                    project="",
                    predecessor=pair[0],
                    successor=pair[1],
                    type=self.relations[int(relation.getType().ordinal())],
                    lag=lag,
                    lag_kind=kind,
                )

    # -- custom fields -------------------------------------------------------------

    def _custom_fields(self) -> dict[str, tuple[Any, FieldType]]:
        """Custom task fields with a value somewhere: name (alias, else the field's
        own name such as Text1) → (MPXJ field, type), in the order Text1, Text2 ..."""
        found: dict[str, tuple[Any, FieldType]] = {}
        container = self.file.getCustomFields()
        matched = [(f, _CUSTOM.match(_str(f.name()) or "")) for f in self.populated_fields]
        custom = [(f, m) for f, m in matched if m is not None]
        custom.sort(key=lambda fm: (fm[1].group(1) or "", fm[1].group(2), int(fm[1].group(3))))
        for field, match in custom:
            definition = container.get(field)
            alias = _str(definition.getAlias()) if definition is not None else None
            if alias == PROJSYNC_ID_FIELD:
                continue
            found[alias or _str(field) or match.group(0)] = (field, _FIELD_TYPES[match.group(2)])
        return found

    def _values(
        self, task: Any, task_id: str, fields: dict[str, tuple[Any, FieldType]]
    ) -> Iterator[FieldValue]:
        for name, (field, kind) in fields.items():
            value = task.get(field)
            if value is None:
                continue
            text = self._field_text(value, kind)
            if text is not None:
                yield FieldValue(field=name, key=task_id, value=text)

    def _field_text(self, value: Any, kind: FieldType) -> str | None:
        if kind is FieldType.DATE:
            moment = _moment(value)
            return moment.isoformat() if moment else None
        if kind is FieldType.FLAG:
            return "true" if bool(value) else None
        if kind is FieldType.DURATION:
            minutes = self._minutes(value)
            return f"{minutes}m" if minutes else None  # zero reads as empty, as for numbers
        if kind in (FieldType.NUMBER, FieldType.COST):
            number = float(value.doubleValue())
            # Microsoft Project cannot tell a zero from an empty number field.
            return str(Decimal(str(number))) if number else None
        text = _str(value)
        return text if text else None

    # -- resources and assignments -------------------------------------------------

    def _resources(self) -> tuple[dict[int, PlanResource], frozenset[str]]:
        """The file's resources by unique id, and the ids among them that are
        projsync's (from the ProjsyncId field); the others take their name."""
        found: dict[int, PlanResource] = {}
        used: set[str] = set()
        id_field = self._projsync_id_field("RESOURCE")
        given: set[str] = set()
        for resource in self.file.getResources():
            unique = _int(resource.getUniqueID())
            name = (_str(resource.getName()) or "").strip()
            if unique == 0 and not name:
                continue
            own = (_str(resource.get(id_field)) or "").strip()[:60] if id_field else ""
            if own and own not in used:
                given.add(own)
            resource_id = own or name.replace("/", "-")[:60] or f"R{unique}"
            while resource_id in used:
                resource_id = f"{resource_id[:50]}#{unique}"
            used.add(resource_id)
            kind = _str(resource.getType()) or "WORK"
            calendar = resource.getCalendar()
            found[unique] = PlanResource(
                id=resource_id,
                name=name or resource_id,
                type=ResourceType(kind.lower())
                if kind.lower() in ("work", "material", "cost")
                else ResourceType.WORK,
                standard_rate=_per_hour(resource.getStandardRate()),
                overtime_rate=_per_hour(resource.getOvertimeRate()),
                cost_per_use=_money(resource.getCostPerUse()) or Decimal("0.00"),
                max_units=max(1, round(_number(resource.getMaxUnits()) or 100)),
                calendar=_str(calendar.getName()) if calendar is not None else None,
                available_until=_available_until(resource.getAvailability()),
            )
        return found, frozenset(given)

    def _assignments(
        self, ids: dict[int, str], resources: dict[int, PlanResource]
    ) -> Iterator[PlanAssignment]:
        seen: set[tuple[str, str]] = set()
        for assignment in self.file.getResourceAssignments():
            resource = assignment.getResource()
            task = assignment.getTask()
            if resource is None or task is None:
                continue
            task_id = ids.get(_int(task.getUniqueID()))
            pool = resources.get(_int(resource.getUniqueID()))
            if task_id is None or pool is None or (task_id, pool.id) in seen:
                continue
            seen.add((task_id, pool.id))
            yield PlanAssignment(
                project="",
                task=task_id,
                resource=pool.id,
                units=max(0, round(_number(assignment.getUnits()) or 100)),
                work=max(0, self._minutes(assignment.getWork())),
                actual_work=max(0, self._minutes(assignment.getActualWork())),
                cost=_money(assignment.getCost()) or Decimal("0.00"),
                actual_cost=_money(assignment.getActualCost()) or Decimal("0.00"),
                overtime_work=max(0, self._minutes(assignment.getOvertimeWork())),
                **self._contour(assignment),
            )

    def _contour(self, assignment: Any) -> dict[str, Any]:
        """The assignment's work contour; a hand-edited one with the working
        minutes, on the assignment's calendar, from its start to its finish."""
        contour = _CONTOURS.get(_str(assignment.getWorkContour()) or "FLAT", WorkContour.FLAT)
        if contour is not WorkContour.CONTOURED:
            return {"contour": contour}
        start, finish = assignment.getStart(), assignment.getFinish()
        calendar = assignment.getEffectiveCalendar()
        if start is None or finish is None or calendar is None:
            return {"contour": WorkContour.FLAT}
        span = calendar.getWork(start, finish, self.time_unit.MINUTES)
        return {"contour": contour, "span": max(0, round(float(span.getDuration())))}


_CONTOURS = {
    "FLAT": WorkContour.FLAT,
    "BACK_LOADED": WorkContour.BACK_LOADED,
    "FRONT_LOADED": WorkContour.FRONT_LOADED,
    "DOUBLE_PEAK": WorkContour.DOUBLE_PEAK,
    "EARLY_PEAK": WorkContour.EARLY_PEAK,
    "LATE_PEAK": WorkContour.LATE_PEAK,
    "BELL": WorkContour.BELL,
    "TURTLE": WorkContour.TURTLE,
    "CONTOURED": WorkContour.CONTOURED,
}
"""MPXJ's WorkContour names."""


@functools.cache
def _read_task_fields() -> tuple[Any, ...]:
    """MPXJ's task fields the reader asks for only when populated: the custom
    fields and those of ``_GATED`` (found once: a thousand names to look at)."""
    (task_field,) = java_classes("org.mpxj.TaskField")
    named = [(f, str(f.name())) for f in task_field.values()]
    return tuple(f for f, name in named if name in _GATED or _CUSTOM.match(name))


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


def _number(value: Any) -> float:
    return 0.0 if value is None else float(value.doubleValue())


def _money(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(float(value.doubleValue()))).quantize(Decimal("0.01"))


def _per_hour(rate: Any) -> Decimal:
    if rate is None:
        return Decimal("0")
    units = _str(rate.getUnits().name()) or "HOURS"
    factor = Decimal(str(_RATE_PER_HOUR.get(units, 1)))
    return (Decimal(str(float(rate.getAmount()))) * factor).quantize(Decimal("0.0001"))


def _splits(task: Any) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """A split task's parts of work: TaskColumns.splitParts's rule, asked here.

    MPXJ's work splits, when they span more working time than the task's
    duration (which counts work only); else none: one part, or the days a
    hand-edited contour put work on; none either for a started task whose file
    does not say where its completed part stops (Project's Stop, kept for every
    task in progress: without it the parts are only the days actual work was
    recorded on, as in our own export)."""
    if task.getActualStart() is not None and task.getStop() is None:
        return ()
    if any(
        a.getResource() is not None and _str(a.getWorkContour()) == "CONTOURED"
        for a in task.getResourceAssignments()
    ):
        return ()  # its parts are the hand-edited contour's
    parts, duration = task.getWorkSplits(), task.getDuration()
    calendar = task.getEffectiveCalendar()
    if parts is None or parts.size() < 2 or duration is None or calendar is None:
        return ()
    first, last = parts.get(0).getStart(), parts.get(parts.size() - 1).getEnd()
    if first is None or last is None:
        return ()
    (time_unit,) = java_classes("org.mpxj.TimeUnit")
    span = float(calendar.getWork(first, last, time_unit.MINUTES).getDuration())
    properties = task.getParentFile().getProjectProperties()
    if span <= float(duration.convertUnits(time_unit.MINUTES, properties).getDuration()) + 0.5:
        return ()
    found = [(_moment(p.getStart()), _moment(p.getEnd())) for p in parts]
    return tuple((start, end) for start, end in found if start is not None and end is not None)


def _moment(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(str(value.toString()))


_NO_END = dt.datetime(2049, 12, 31)  # noqa: DTZ001 - a file's dates are local
"""Project's "NA" end of an availability period (December 2049): no end."""


def _available_until(periods: Any) -> dt.date | None:
    """A resource's last available day: the end of its last period of
    availability (a period ending at midnight ends the day before); None when
    it has no periods, or one without an end."""
    ends = [_moment(p.getRange().getEnd()) for p in periods if _number(p.getUnits()) > 0]
    if not ends or any(end is None or end >= _NO_END for end in ends):
        return None
    last = max(end for end in ends if end is not None)
    return last.date() - dt.timedelta(days=1) if last.time() == dt.time(0) else last.date()


def _time(value: Any, default: dt.time) -> dt.time:
    return default if value is None else dt.time.fromisoformat(str(value.toString()))


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value.toString()))


def _ranges(hours: Any) -> WorkingIntervals:
    if hours is None:
        return ()
    periods = []
    for period in hours:
        start, end = period.getStart(), period.getEnd()
        first = int(start.getHour()) * 60 + int(start.getMinute())
        last = int(end.getHour()) * 60 + int(end.getMinute())
        periods.append((first, last if last > first else 1440))
    return tuple(sorted(periods))
