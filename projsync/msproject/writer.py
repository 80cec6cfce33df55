"""Writing a plan project as MSPDI XML, the format Microsoft Project opens.

Everything the plan server models goes out: the outline, durations (a
summary's as Project computes it), work, task types and effort-driven
switches, links with their lags, constraints,
deadlines, progress, baselines, budgets, the project's currency, the calendars
in use, resources with their rates and last available day (the end of their
availability), assignments, actual work and cost (the
work day by day, as time-phased data), custom fields (under their names, as
aliases of Text, Number, Cost, Date, Flag and Duration fields), the category
of leaf tasks, and each task's and resource's projsync id, so that a file
saved back from Microsoft Project finds its tasks and resources again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from projsync.msproject.document import (
    BUDGET_COST_FIELD,
    BUDGET_WORK_FIELD,
    PROJSYNC_ID_FIELD,
    FileCalendar,
    ProjectDocument,
)
from projsync.msproject.importer import CATEGORY_FIELD
from projsync.msproject.jvm import java_classes, start_jvm
from projsync.plan.entities import ActualEntry, FieldType, PlanAssignment, PlanTask
from projsync.plan.model import ConstraintType, DependencyType, LagKind

__all__ = ["WriteReport", "write_mspdi"]

_CONSTRAINTS = {
    ConstraintType.ASAP: "AS_SOON_AS_POSSIBLE",
    ConstraintType.ALAP: "AS_LATE_AS_POSSIBLE",
    ConstraintType.SNET: "START_NO_EARLIER_THAN",
    ConstraintType.SNLT: "START_NO_LATER_THAN",
    ConstraintType.FNET: "FINISH_NO_EARLIER_THAN",
    ConstraintType.FNLT: "FINISH_NO_LATER_THAN",
    ConstraintType.MSO: "MUST_START_ON",
    ConstraintType.MFO: "MUST_FINISH_ON",
}
_RELATIONS = {
    DependencyType.FS: "FINISH_START",
    DependencyType.SS: "START_START",
    DependencyType.FF: "FINISH_FINISH",
    DependencyType.SF: "START_FINISH",
}
# Slots of Microsoft Project's custom task fields; Text29, Text30, Cost10 and
# Duration10 are ours.
_SLOTS = {
    FieldType.TEXT: (("TEXT", 28), ("ENTERPRISE_TEXT", 40)),
    FieldType.NUMBER: (("NUMBER", 20), ("ENTERPRISE_NUMBER", 40)),
    FieldType.COST: (("COST", 9), ("ENTERPRISE_COST", 10)),
    FieldType.DATE: (("DATE", 10), ("ENTERPRISE_DATE", 30)),
    FieldType.FLAG: (("FLAG", 20), ("ENTERPRISE_FLAG", 20)),
    FieldType.DURATION: (("DURATION", 9), ("ENTERPRISE_DURATION", 10)),
}
# Symbols of the currencies whose symbol is not their code (Project shows amounts
# with the symbol); any other currency shows its code.
_SYMBOLS = {
    "EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩",
    "RUB": "₽", "TRY": "₺", "ILS": "₪", "VND": "₫", "NGN": "₦", "UAH": "₴", "PLN": "zł",
    "CZK": "Kč", "SEK": "kr", "NOK": "kr", "DKK": "kr", "ISK": "kr", "BRL": "R$",
    "AUD": "A$", "CAD": "C$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "MXN": "MX$",
    "ZAR": "R", "CHF": "CHF",
}  # fmt: skip
_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@dataclass(slots=True, kw_only=True)
class WriteReport:
    path: str
    tasks: int = 0
    resources: int = 0
    assignments: int = 0
    skipped_fields: list[str] = field(default_factory=list)
    """Custom fields left out: more of one type than Microsoft Project has slots."""


def write_mspdi(document: ProjectDocument, path: Path) -> WriteReport:
    """Write the document as an MSPDI file at ``path`` (written whole, then moved)."""
    start_jvm()
    writer = _Writer(document)
    project_file = writer.build()
    (mspdi_writer,) = java_classes("org.mpxj.mspdi.MSPDIWriter")
    partial = path.with_name(path.name + ".partial")
    mspdi = mspdi_writer()
    mspdi.setWriteTimephasedData(True)  # the actual work day by day (only where given)
    mspdi.write(project_file, str(partial))
    partial.replace(path)
    writer.report.path = str(path)
    return writer.report


class _Writer:
    def __init__(self, document: ProjectDocument) -> None:
        self.document = document
        self.report = WriteReport(path="")
        names = (
            "org.mpxj.ProjectFile", "org.mpxj.Duration", "org.mpxj.TimeUnit",
            "org.mpxj.RelationType", "org.mpxj.Relation$Builder", "org.mpxj.ConstraintType",
            "org.mpxj.TaskField", "org.mpxj.TaskMode", "org.mpxj.Priority", "org.mpxj.ResourceType",
            "org.mpxj.Rate", "org.mpxj.CostRateTable", "org.mpxj.CostRateTableEntry",
            "org.mpxj.Availability", "org.mpxj.common.LocalDateTimeHelper", "org.mpxj.DayType",
            "org.mpxj.LocalTimeRange", "java.time.LocalDateTime", "java.time.LocalDate",
            "java.time.LocalTime", "java.time.DayOfWeek", "java.lang.Double",
            "org.mpxj.WorkContour", "org.mpxj.TaskType", "org.mpxj.ResourceField",
            "org.mpxj.TimephasedWork",
        )  # fmt: skip
        (
            self.ProjectFile, self.Duration, self.TimeUnit, self.RelationType, self.RelationBuilder,
            self.ConstraintType, self.TaskField, self.TaskMode, self.Priority, self.ResourceType,
            self.Rate, self.CostRateTable, self.CostRateTableEntry, self.Availability,
            self.DateHelper, self.DayType, self.LocalTimeRange, self.LocalDateTime, self.LocalDate,
            self.LocalTime, self.DayOfWeek, self.Double, self.WorkContour, self.TaskType,
            self.ResourceField, self.TimephasedWork,
        ) = java_classes(*names)  # fmt: skip
        self.actuals: dict[str, list[ActualEntry]] = {}
        for entry in document.actuals:
            self.actuals.setdefault(entry.task, []).append(entry)

    def build(self) -> Any:
        document = self.document
        project_file = self.ProjectFile()
        properties = project_file.getProjectProperties()
        properties.setProjectTitle(document.project.name)
        properties.setStartDate(self._moment(document.project.start))
        if document.project.status_date is not None:
            properties.setStatusDate(self._moment(document.project.status_date))
        properties.setMinutesPerDay(self.Double(document.minutes_per_day).intValue())
        properties.setMinutesPerWeek(self.Double(document.minutes_per_day * 5).intValue())
        if document.project.currency:
            properties.setCurrencyCode(document.project.currency)
            properties.setCurrencySymbol(
                _SYMBOLS.get(document.project.currency, document.project.currency)
            )
        calendars = self._calendars(project_file, document.calendars)
        default = calendars.get(document.project.calendar)
        if default is not None:
            project_file.setDefaultCalendar(default)
        slots = self._custom_fields(project_file)
        resources = self._resources(project_file, calendars)
        made = self._tasks(project_file, calendars, slots)
        self._links(made)
        self._assignments(made, resources)
        return project_file

    # -- calendars ---------------------------------------------------------------

    def _calendars(self, project_file: Any, found: Iterable[FileCalendar]) -> dict[str, Any]:
        made: dict[str, Any] = {}
        pending = list(found)
        while pending:
            ready = [c for c in pending if c.base is None or c.base in made]
            if not ready:  # a base that is not exported: write the rest as base calendars
                ready = pending
            for record in ready:
                made[record.name] = self._calendar(
                    project_file, record, made.get(record.base or "")
                )
            pending = [c for c in pending if c not in ready]
        return made

    def _calendar(self, project_file: Any, record: FileCalendar, base: Any) -> Any:
        calendar = project_file.addCalendar()
        calendar.setName(record.name)
        if base is not None:
            calendar.setParent(base)
        for day_name, periods in zip(_DAYS, record.week, strict=True):
            day = getattr(self.DayOfWeek, day_name)
            if periods is None and base is not None:
                calendar.setCalendarDayType(day, self.DayType.DEFAULT)
            elif periods:
                calendar.setCalendarDayType(day, self.DayType.WORKING)
                hours = calendar.addCalendarHours(day)
                for start, end in periods:
                    hours.add(self._range(start, end))
            else:
                calendar.setCalendarDayType(day, self.DayType.NON_WORKING)
        for exception in record.exceptions:
            made = calendar.addCalendarException(
                self._day(exception.start), self._day(exception.finish)
            )
            if exception.name:
                made.setName(exception.name)
            for start, end in exception.working_times:
                made.add(self._range(start, end))
        return calendar

    # -- tasks ---------------------------------------------------------------------

    def _custom_fields(self, project_file: Any) -> dict[str, Any]:
        """Our task fields → MPXJ fields, named by alias; Text29 category, Text30 id,
        Cost10 and Duration10 budget; a resource's Text30 its id."""
        container = project_file.getCustomFields()
        container.getOrCreate(self.TaskField.TEXT30).setAlias(PROJSYNC_ID_FIELD)
        container.getOrCreate(self.TaskField.TEXT29).setAlias(CATEGORY_FIELD)
        container.getOrCreate(self.TaskField.COST10).setAlias(BUDGET_COST_FIELD)
        container.getOrCreate(self.TaskField.DURATION10).setAlias(BUDGET_WORK_FIELD)
        container.getOrCreate(self.ResourceField.TEXT30).setAlias(PROJSYNC_ID_FIELD)
        free = {kind: [f"{family}{n}" for family, count in families for n in range(1, count + 1)]
                for kind, families in _SLOTS.items()}  # fmt: skip
        slots: dict[str, Any] = {}
        for custom in self.document.fields:
            if not free[custom.type]:
                self.report.skipped_fields.append(custom.name)
                continue
            java_field = getattr(self.TaskField, free[custom.type].pop(0))
            container.getOrCreate(java_field).setAlias(custom.name)
            slots[custom.name] = (java_field, custom.type)
        return slots

    def _tasks(
        self, project_file: Any, calendars: dict[str, Any], slots: dict[str, Any]
    ) -> dict[str, Any]:
        made: dict[str, Any] = {}
        values: dict[str, list[tuple[str, str]]] = {}
        for value in self.document.values:
            values.setdefault(value.key, []).append((value.field, value.value))
        children: dict[str | None, list[PlanTask]] = {}
        ids = {t.id for t in self.document.tasks}
        for task in sorted(self.document.tasks, key=lambda t: t.position):
            children.setdefault(task.parent if task.parent in ids else None, []).append(task)
        self.rolled_actuals = self._rolled_actuals()
        next_unique = 1
        stack: list[tuple[Any, PlanTask]] = [
            (project_file, t) for t in reversed(children.get(None, []))
        ]
        while stack:
            owner, task = stack.pop()
            java_task = owner.addTask()
            java_task.setUniqueID(self.Double(next_unique).intValue())
            java_task.setID(self.Double(next_unique).intValue())
            next_unique += 1
            self._fill(java_task, task, calendars)
            for name, text in values.get(task.id, []):
                if name in slots:
                    java_field, kind = slots[name]
                    java_task.set(java_field, self._typed(kind, text))
            made[task.id] = java_task
            stack.extend((java_task, child) for child in reversed(children.get(task.id, [])))
        self.report.tasks = len(made)
        return made

    def _fill(self, java_task: Any, task: PlanTask, calendars: dict[str, Any]) -> None:
        java_task.setName(task.name)
        java_task.setText(30, task.id)
        if task.category:
            java_task.setText(29, task.category)
        duration = self._duration(task.duration, task.elapsed)
        java_task.setDuration(duration)
        if task.work:
            java_task.setWork(self._duration(task.work, False))
        if task.budget_work:
            java_task.set(self.TaskField.DURATION10, self._duration(task.budget_work, False))
        if task.budget_cost:
            java_task.set(self.TaskField.COST10, self.Double(float(task.budget_cost)))
        actual_work, actual_cost = self.rolled_actuals.get(task.id, (0, Decimal(0)))
        if actual_work:
            java_task.setActualWork(self._duration(actual_work, False))
        if actual_cost:
            java_task.setActualCost(self.Double(float(actual_cost)))
        java_task.setMilestone(task.milestone)
        java_task.setType(getattr(self.TaskType, task.type.name))
        java_task.setEffortDriven(task.effort_driven)
        if task.manual:
            java_task.setTaskMode(self.TaskMode.MANUALLY_SCHEDULED)
        java_task.setConstraintType(getattr(self.ConstraintType, _CONSTRAINTS[task.constraint]))
        for setter, value in (
            (java_task.setConstraintDate, task.constraint_date),
            (java_task.setDeadline, task.deadline),
            (java_task.setActualStart, task.actual_start),
            (java_task.setActualFinish, task.actual_finish),
            (java_task.setStart, task.start),
            (java_task.setFinish, task.finish),
            (java_task.setEarlyStart, task.early_start),
            (java_task.setEarlyFinish, task.early_finish),
            (java_task.setLateStart, task.late_start),
            (java_task.setLateFinish, task.late_finish),
            (java_task.setBaselineStart, task.baseline_start),
            (java_task.setBaselineFinish, task.baseline_finish),
        ):
            if value is not None:
                setter(self._moment(value))
        java_task.setPercentageComplete(self.Double(task.percent_complete))
        java_task.setCritical(task.critical)
        java_task.setPriority(self.Priority.getInstance(task.priority))
        if task.leveling_delay:
            java_task.setLevelingDelay(
                self._duration(task.leveling_delay, task.leveling_delay_elapsed)
            )
        if task.baseline_duration is not None:
            java_task.setBaselineDuration(self._duration(task.baseline_duration, False))
        if task.baseline_work is not None:
            java_task.setBaselineWork(self._duration(task.baseline_work, False))
        if task.baseline_cost is not None:
            java_task.setBaselineCost(self.Double(float(task.baseline_cost)))
        if task.calendar and task.calendar in calendars:
            java_task.setCalendar(calendars[task.calendar])
        done = task.done_duration
        java_task.setActualDuration(self._duration(done, task.elapsed))
        java_task.setRemainingDuration(self._duration(task.duration - done, task.elapsed))

    def _rolled_actuals(self) -> dict[str, tuple[int, Decimal]]:
        """Actual work and cost of each task, a summary's its subtasks' (all
        actuals: of assigned resources, of others, and costs of no resource)."""
        parents = {t.id: t.parent for t in self.document.tasks}
        rolled: dict[str, tuple[int, Decimal]] = {}
        for task_id, entries in self.actuals.items():
            work = sum(e.actual_work for e in entries)
            cost = sum((e.actual_cost for e in entries), Decimal(0))
            place: str | None = task_id
            seen: set[str] = set()
            while place is not None and place in parents and place not in seen:
                seen.add(place)
                before = rolled.get(place, (0, Decimal(0)))
                rolled[place] = (before[0] + work, before[1] + cost)
                place = parents[place]
        return rolled

    def _links(self, made: dict[str, Any]) -> None:
        for link in self.document.links:
            if link.predecessor not in made or link.successor not in made:
                continue
            if link.lag_kind is LagKind.PERCENT:
                lag = self.Duration.getInstance(float(link.lag), self.TimeUnit.PERCENT)
            else:
                lag = self._duration(link.lag, link.lag_kind is LagKind.ELAPSED)
            builder = (
                self.RelationBuilder()
                .predecessorTask(made[link.predecessor])
                .type(getattr(self.RelationType, _RELATIONS[link.type]))
                .lag(lag)
            )
            made[link.successor].addPredecessor(builder)

    # -- resources and assignments -------------------------------------------------

    def _resources(self, project_file: Any, calendars: dict[str, Any]) -> dict[str, Any]:
        made: dict[str, Any] = {}
        for number, resource in enumerate(self.document.resources, start=1):
            java_resource = project_file.addResource()
            java_resource.setUniqueID(self.Double(number).intValue())
            java_resource.setName(resource.name)
            java_resource.setType(getattr(self.ResourceType, resource.type.value.upper()))
            table = self.CostRateTable()
            table.add(
                self.CostRateTableEntry(
                    self.DateHelper.START_DATE_NA,
                    self.DateHelper.END_DATE_NA,
                    self.Double(float(resource.cost_per_use)),
                    self.Rate(float(resource.standard_rate), self.TimeUnit.HOURS),
                    self.Rate(float(resource.overtime_rate), self.TimeUnit.HOURS),
                )
            )
            java_resource.setCostRateTable(0, table)
            last = resource.available_until  # to the end of that day
            java_resource.getAvailability().add(
                self.Availability(
                    self.DateHelper.START_DATE_NA,
                    self.DateHelper.END_DATE_NA
                    if last is None
                    else self._moment(dt.datetime.combine(last, dt.time(23, 59))),
                    self.Double(float(resource.max_units)),
                )
            )
            if resource.calendar and resource.calendar in calendars:
                java_resource.setCalendar(calendars[resource.calendar])
            java_resource.setText(30, resource.id)
            made[resource.id] = java_resource
        self.report.resources = len(made)
        return made

    def _assignments(self, tasks: dict[str, Any], resources: dict[str, Any]) -> None:
        count = 0
        split: dict[str, list[tuple[Any, Any, Any]]] = {}
        for task in self.document.tasks:
            if task.splits and task.id in tasks and (placed := self._placed(tasks[task.id], task)):
                split[task.id] = placed
                self._stop_and_resume(tasks[task.id], task, placed)
        for assignment in self.document.assignments:
            if assignment.task not in tasks or assignment.resource not in resources:
                continue
            made = tasks[assignment.task].addResourceAssignment(resources[assignment.resource])
            made.setUnits(self.Double(float(assignment.units)))
            made.setWork(self._duration(assignment.work, False))
            made.setActualWork(self._duration(assignment.actual_work, False))
            made.setRemainingWork(self._duration(assignment.remaining_work, False))
            made.setCost(self.Double(float(assignment.cost)))
            made.setActualCost(self.Double(float(assignment.actual_cost)))
            if assignment.overtime_work:
                made.setOvertimeWork(self._duration(assignment.overtime_work, False))
            self._contour(made, assignment)
            self._actual_days(made, assignment)
            if assignment.task in split and assignment.units > 0:
                self._split_work(made, assignment.units, split[assignment.task])
            count += 1
        self.report.assignments = count
        # A split task without resources keeps its parts as Project does: on an
        # assignment to no resource (MSPDI's resource -65535), of no work.
        staffed = {a.task for a in self.document.assignments if a.units > 0}
        for task_id, placed in split.items():
            if task_id not in staffed:
                self._split_work(tasks[task_id].addResourceAssignment(None), 100, placed)

    def _placed(self, java_task: Any, task: PlanTask) -> list[tuple[Any, Any, Any]]:
        """A split task's parts placed from its start, as (start, finish, working
        minutes): where the plan holds them while the task starts there, else
        each part and each gap as long, in working time, as those."""
        calendar, cursor = java_task.getEffectiveCalendar(), java_task.getStart()
        if calendar is None or cursor is None:
            return []
        minutes = self.TimeUnit.MINUTES
        parts = [(self._moment(start), self._moment(finish)) for start, finish in task.splits]
        works = [calendar.getWork(first, last, minutes) for first, last in parts]
        if task.start == task.splits[0][0]:  # not moved: the parts as they are
            return [(first, last, work) for (first, last), work in zip(parts, works, strict=True)]
        placed: list[tuple[Any, Any, Any]] = []
        for i, ((_, last), work) in enumerate(zip(parts, works, strict=True)):
            end = calendar.getDate(cursor, work)
            placed.append((cursor, end, work))
            if i + 1 < len(parts):
                gap = calendar.getWork(last, parts[i + 1][0], minutes)
                cursor = calendar.getNextWorkStart(calendar.getDate(end, gap))
        return placed

    def _stop_and_resume(
        self, java_task: Any, task: PlanTask, placed: list[tuple[Any, Any, Any]]
    ) -> None:
        """Project's Stop and Resume of a split task with progress (where its
        completed part stops, where the rest resumes), which the reader needs to
        take a started task's parts as splits."""
        if task.actual_finish is not None:  # done: Project stops and resumes at its finish
            java_task.setStop(self._moment(task.actual_finish))
            java_task.setResume(self._moment(task.actual_finish))
            return
        if task.actual_start is None:
            return
        calendar = java_task.getEffectiveCalendar()
        stop, resume = placed[-1][1], placed[-1][1]
        left = task.done_duration
        for i, (start, end, work) in enumerate(placed):
            minutes = round(float(work.getDuration()))
            if left < minutes:
                length = self.Duration.getInstance(left, self.TimeUnit.MINUTES)
                stop = calendar.getDate(start, length)
                resume = calendar.getNextWorkStart(stop) if left else start
                break
            left -= minutes
            if left == 0 and i + 1 < len(placed):
                stop, resume = end, placed[i + 1][0]
                break
        java_task.setStop(stop)
        java_task.setResume(resume)

    def _split_work(self, made: Any, units: int, placed: list[tuple[Any, Any, Any]]) -> None:
        """A split task's parts as the assignment's time-phased work: MSPDI keeps
        splits nowhere else."""
        minutes = self.TimeUnit.MINUTES
        raw = made.getRawTimephasedRemainingRegularWork()
        per_hour = self.Duration.getInstance(60 * units / 100, minutes)
        for start, end, work in placed:
            item = self.TimephasedWork()
            item.setStart(start)
            item.setFinish(end)
            item.setTotalAmount(
                self.Duration.getInstance(float(work.getDuration()) * units / 100, minutes)
            )
            item.setAmountPerHour(per_hour)
            raw.add(item)

    def _contour(self, made: Any, assignment: PlanAssignment) -> None:
        """The work contour; a hand-edited one keeps its span as the assignment's
        start and finish (on the resource's calendar), which is how it is read."""
        made.setWorkContour(getattr(self.WorkContour, assignment.contour.name))
        start = made.getTask().getStart()
        calendar = made.getEffectiveCalendar()
        if assignment.span is None or start is None or calendar is None:
            return
        made.setStart(start)
        made.setFinish(
            calendar.getDate(
                start, self.Duration.getInstance(assignment.span, self.TimeUnit.MINUTES)
            )
        )

    def _actual_days(self, made: Any, assignment: PlanAssignment) -> None:
        """The assignment's actual work day by day (MSPDI's time-phased actual
        work), each day's from the first working moment of that day on the
        assignment's calendar (08:00 on a day without working time)."""
        days = sorted(
            (e.day, e.actual_work)
            for e in self.actuals.get(assignment.task, ())
            if e.resource == assignment.resource and e.actual_work > 0
        )
        if not days:
            return
        calendar = made.getEffectiveCalendar()
        raw = made.getRawTimephasedActualRegularWork()
        for day, minutes in days:
            start, finish = self._worked(calendar, day, minutes)
            item = self.TimephasedWork()
            item.setStart(start)
            item.setFinish(finish)
            item.setTotalAmount(self.Duration.getInstance(minutes, self.TimeUnit.MINUTES))
            span = max(1, _minutes_between(start, finish))
            item.setAmountPerHour(
                self.Duration.getInstance(minutes * 60 / span, self.TimeUnit.MINUTES)
            )
            raw.add(item)
        made.setActualStart(raw.get(0).getStart())

    def _worked(self, calendar: Any, day: dt.date, minutes: int) -> tuple[Any, Any]:
        """When a day's actual work was done: from the day's first working moment
        for as long as it takes, within the day (a day of more work than it has
        working time: until its end)."""
        midnight = self.LocalDateTime.of(day.year, day.month, day.day, 0, 0)
        if calendar is not None and calendar.isWorkingDate(self._day(day)):
            start = calendar.getNextWorkStart(midnight)
            finish = calendar.getDate(
                start, self.Duration.getInstance(minutes, self.TimeUnit.MINUTES)
            )
            if finish.toLocalDate().equals(start.toLocalDate()):
                return start, finish
            return start, self.LocalDateTime.of(day.year, day.month, day.day, 23, 59)
        start = midnight.plusHours(8)
        return start, start.plusMinutes(min(minutes, 16 * 60 - 1))

    # -- values --------------------------------------------------------------------

    def _duration(self, minutes: int, elapsed: bool) -> Any:
        per_day = self.document.minutes_per_day
        if elapsed:
            if minutes % 1440 == 0:
                return self.Duration.getInstance(minutes // 1440, self.TimeUnit.ELAPSED_DAYS)
            return self.Duration.getInstance(minutes, self.TimeUnit.ELAPSED_MINUTES)
        if per_day and minutes % per_day == 0:
            return self.Duration.getInstance(minutes // per_day, self.TimeUnit.DAYS)
        if minutes % 60 == 0:
            return self.Duration.getInstance(minutes // 60, self.TimeUnit.HOURS)
        return self.Duration.getInstance(minutes, self.TimeUnit.MINUTES)

    def _moment(self, moment: dt.datetime) -> Any:
        return self.LocalDateTime.of(
            moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second
        )

    def _day(self, day: dt.date) -> Any:
        return self.LocalDate.of(day.year, day.month, day.day)

    def _range(self, start: int, end: int) -> Any:
        last = self.LocalTime.MIDNIGHT if end >= 1440 else self.LocalTime.of(end // 60, end % 60)
        return self.LocalTimeRange(self.LocalTime.of(start // 60, start % 60), last)

    def _typed(self, kind: FieldType, text: str) -> Any:
        if kind in (FieldType.NUMBER, FieldType.COST):
            return self.Double(float(Decimal(text)))
        if kind is FieldType.FLAG:
            return text == "true"
        if kind is FieldType.DATE:
            return self._moment(dt.datetime.fromisoformat(text))
        if kind is FieldType.DURATION:
            return self._duration(int(text.rstrip("m")), False)
        return text


def _minutes_between(start: Any, finish: Any) -> int:
    """Clock minutes between two Java LocalDateTimes of one day."""
    return (
        (int(finish.getHour()) - int(start.getHour())) * 60
        + int(finish.getMinute())
        - int(start.getMinute())
    )
