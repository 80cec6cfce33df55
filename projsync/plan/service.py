"""The plan server's data: projects, tasks and links, resources and assignments.

Every call is one transaction; every write stamps a version from the change
sequence in that transaction, and only rows that really changed are written,
so the change feed carries real changes only. Refusals are ``InputError`` with
every problem found. Scheduling lives in ``scheduling.py``, custom fields in
``fields.py``, actuals and baselines in ``progress.py``. This module never
reaches another part's store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from sqlalchemy import Connection, func, insert, select, update

from projsync.db import Store, insert_many
from projsync.errors import InputError, Problem, check_id, refusal
from projsync.plan import records, task_types
from projsync.plan.calendars import calendar_names
from projsync.plan.changes import reserve_versions, tombstone, untombstone, untombstone_all
from projsync.plan.entities import (
    PlanAssignment,
    PlanLink,
    PlanProject,
    PlanResource,
    PlanTask,
    TaskType,
)
from projsync.plan.model import ConstraintType, WorkContour
from projsync.plan.tables import actuals, assignments, links, projects, resources, tasks

__all__ = ["PlanService"]

_R = TypeVar("_R", PlanProject, PlanTask, PlanResource)

_DATED = {
    ConstraintType.SNET,
    ConstraintType.SNLT,
    ConstraintType.FNET,
    ConstraintType.FNLT,
    ConstraintType.MSO,
    ConstraintType.MFO,
}


class PlanService:
    """Projects, tasks, links, resources and assignments; one transaction per call."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- projects ----------------------------------------------------------

    def add_project(self, project: PlanProject) -> PlanProject:
        with self.store.write() as conn:
            return self.add_project_in(conn, project)

    def add_project_in(self, conn: Connection, project: PlanProject) -> PlanProject:
        check_id("project", project.id, 40)
        if self._project(conn, project.id) is not None:
            raise refusal(f"project {project.id}", "already exists")
        self._check_project(conn, project)
        conn.execute(
            insert(projects).values(
                **records.project_values(project), version=reserve_versions(conn)
            )
        )
        untombstone(conn, "project", project.id)
        return project

    def update_project(self, project_id: str, **changes: Any) -> PlanProject:
        with self.store.write() as conn:
            current = self.project_in(conn, project_id)
            updated = _replace(current, f"project {project_id}", changes)
            self._check_project(conn, updated)
            self.write_project(conn, current, updated)
        return updated

    def write_project(self, conn: Connection, current: PlanProject, updated: PlanProject) -> None:
        if updated != current:
            conn.execute(
                update(projects)
                .where(projects.c.id == current.id)
                .values(**records.project_values(updated), version=reserve_versions(conn))
            )

    def delete_project(self, project_id: str) -> None:
        """Delete a project with its tasks, links, assignments and actuals."""
        with self.store.write() as conn:
            self.project_in(conn, project_id)
            version = reserve_versions(conn)
            for table in (actuals, assignments, links):
                conn.execute(table.delete().where(table.c.project_id == project_id))
            task_ids = list(
                conn.execute(select(tasks.c.id).where(tasks.c.project_id == project_id)).scalars()
            )
            conn.execute(
                tasks.update().where(tasks.c.project_id == project_id).values(parent_id=None)
            )
            conn.execute(tasks.delete().where(tasks.c.project_id == project_id))
            conn.execute(projects.delete().where(projects.c.id == project_id))
            for task_id in task_ids:
                tombstone(conn, "task", f"{project_id}/{task_id}", version)
            tombstone(conn, "project", project_id, version)

    def project(self, project_id: str) -> PlanProject:
        with self.store.read() as conn:
            return self.project_in(conn, project_id)

    def projects(self) -> list[PlanProject]:
        with self.store.read() as conn:
            rows = conn.execute(select(projects).order_by(projects.c.id))
            return [records.project_from_row(r) for r in rows]

    def project_in(self, conn: Connection, project_id: str) -> PlanProject:
        found = self._project(conn, project_id)
        if found is None:
            raise refusal(f"project {project_id}", "unknown project")
        return found

    def find_project(self, conn: Connection, project_id: str) -> PlanProject | None:
        return self._project(conn, project_id)

    def _project(self, conn: Connection, project_id: str) -> PlanProject | None:
        row = conn.execute(select(projects).where(projects.c.id == project_id)).first()
        return records.project_from_row(row) if row else None

    def _check_project(self, conn: Connection, project: PlanProject) -> None:
        where = f"project {project.id}"
        if not project.name.strip():
            raise refusal(where, "name is empty")
        if project.calendar not in calendar_names(conn):
            raise refusal(where, f"unknown calendar {project.calendar}")
        if project.currency is not None and not (
            len(project.currency) == 3 and project.currency.isascii() and project.currency.isupper()
        ):
            raise refusal(where, f"currency {project.currency!r} is not an ISO 4217 code")

    # -- tasks and links ---------------------------------------------------

    def add_task(self, task: PlanTask, predecessors: Sequence[PlanLink] = ()) -> PlanTask:
        return self.add_tasks(task.project, [task], predecessors)[0]

    def add_tasks(
        self, project_id: str, new: Sequence[PlanTask], new_links: Sequence[PlanLink] = ()
    ) -> list[PlanTask]:
        """Add tasks (parents before or after their children) and their links,
        in one transaction. A task added without a position goes last."""
        with self.store.write() as conn:
            return self.add_tasks_in(conn, project_id, new, new_links)

    def add_tasks_in(
        self,
        conn: Connection,
        project_id: str,
        new: Sequence[PlanTask],
        new_links: Sequence[PlanLink] = (),
    ) -> list[PlanTask]:
        self.project_in(conn, project_id)
        existing = {t.id: t for t in self.tasks_in(conn, project_id)}
        problems: list[Problem] = []
        last = max((t.position for t in existing.values()), default=0)
        placed: list[PlanTask] = []
        for given in new:
            where = f"task {project_id}/{given.id}"
            if given.project != project_id:
                what = f"belongs to project {given.project}"
                problems.append(Problem(where=where, what=what))
            if given.id in existing:
                problems.append(Problem(where=where, what="already exists"))
            task = given
            if not task.position:
                last += 1
                task = dataclasses.replace(task, position=last)
            existing[task.id] = task
            placed.append(task)
        names = calendar_names(conn)
        for task in placed:
            problems += _task_problems(task, existing, names)
        problems += _link_problems(new_links, existing, self.links_in(conn, project_id))
        if problems:
            raise InputError(problems)
        if not placed and not new_links:
            return placed
        first = reserve_versions(conn, len(placed) + len(new_links))
        if placed:
            insert_many(
                conn,
                tasks,
                [
                    {**records.task_values(t), "version": first + i}
                    for i, t in enumerate(_parents_first(placed))
                ],
            )
        if new_links:
            insert_many(
                conn,
                links,
                [_link_values(link, first + len(placed) + i) for i, link in enumerate(new_links)],
            )
        untombstone_all(conn, "task", [f"{project_id}/{task.id}" for task in placed])
        return placed

    def update_task(
        self,
        project_id: str,
        task_id: str,
        predecessors: Sequence[PlanLink] | None = None,
        **changes: Any,
    ) -> PlanTask:
        """Change a task's fields; ``predecessors`` (when given) replaces its links in.

        A new duration or work of a task with assignments recalculates them by
        the task's type (``task_types.py``), in the same transaction. Making a
        task fixed work makes it effort-driven.
        """
        where = f"task {project_id}/{task_id}"
        with self.store.write() as conn:
            current = self.task_in(conn, project_id, task_id)
            if "type" in changes:
                changes["type"] = _task_type(where, changes["type"])
                if changes["type"] is TaskType.FIXED_WORK:
                    changes.setdefault("effort_driven", True)
            updated = _replace(current, where, changes)
            if (updated.project, updated.id) != (project_id, task_id):
                raise refusal(where, "project and id cannot change")
            existing = {t.id: t for t in self.tasks_in(conn, project_id)}
            existing[task_id] = updated
            problems = _task_problems(updated, existing, calendar_names(conn))
            if predecessors is not None:
                kept = [
                    link for link in self.links_in(conn, project_id) if link.successor != task_id
                ]
                problems += _link_problems(predecessors, existing, kept)
            if problems:
                raise InputError(problems)
            staff = self.assignments_in(conn, project_id, task_id)
            if staff:
                edited = task_types.edit_task(
                    dataclasses.replace(updated, duration=current.duration, work=current.work),
                    staff,
                    duration=updated.duration if updated.duration != current.duration else None,
                    work=updated.work if updated.work != current.work else None,
                )
                updated = edited.task
                self._write_staff(conn, staff, edited.assignments)
            self.write_task(conn, current, updated)
            if predecessors is not None:
                self._replace_predecessors(conn, project_id, task_id, predecessors)
        return updated

    def write_task(self, conn: Connection, current: PlanTask, updated: PlanTask) -> bool:
        """Write a task that changed; returns whether it did."""
        if updated == current:
            return False
        values = records.task_values(updated)
        # Setting the key columns, even to the same values, would make SQLite
        # check every row that refers to this task.
        del values["project_id"], values["id"]
        conn.execute(
            update(tasks)
            .where(tasks.c.project_id == current.project, tasks.c.id == current.id)
            .values(**values, version=reserve_versions(conn))
        )
        return True

    def _replace_predecessors(
        self, conn: Connection, project_id: str, task_id: str, wanted: Sequence[PlanLink]
    ) -> None:
        current = {
            link.predecessor: link
            for link in self.links_in(conn, project_id)
            if link.successor == task_id
        }
        target = {link.predecessor: link for link in wanted}
        for predecessor in current:
            if predecessor not in target:
                conn.execute(
                    links.delete().where(
                        links.c.project_id == project_id,
                        links.c.predecessor_id == predecessor,
                        links.c.successor_id == task_id,
                    )
                )
                tombstone(
                    conn, "link", f"{project_id}/{predecessor}/{task_id}", reserve_versions(conn)
                )
        for predecessor, link in target.items():
            if current.get(predecessor) == link:
                continue
            if predecessor in current:
                conn.execute(
                    links.delete().where(
                        links.c.project_id == project_id,
                        links.c.predecessor_id == predecessor,
                        links.c.successor_id == task_id,
                    )
                )
            conn.execute(insert(links).values(_link_values(link, reserve_versions(conn))))
            untombstone(conn, "link", f"{project_id}/{predecessor}/{task_id}")

    def delete_task(self, project_id: str, task_id: str) -> None:
        """Delete a task without children; its links, assignments and actuals go with it."""
        where = f"task {project_id}/{task_id}"
        with self.store.write() as conn:
            self.task_in(conn, project_id, task_id)
            children = conn.execute(
                select(tasks.c.id).where(
                    tasks.c.project_id == project_id, tasks.c.parent_id == task_id
                )
            ).first()
            if children:
                raise refusal(where, "has subtasks; delete them first")
            version = reserve_versions(conn)
            for link in self.links_in(conn, project_id):
                if task_id in (link.predecessor, link.successor):
                    tombstone(
                        conn, "link", f"{project_id}/{link.predecessor}/{link.successor}", version
                    )
            conn.execute(
                links.delete().where(
                    links.c.project_id == project_id,
                    (links.c.predecessor_id == task_id) | (links.c.successor_id == task_id),
                )
            )
            for table in (assignments, actuals):
                conn.execute(
                    table.delete().where(
                        table.c.project_id == project_id, table.c.task_id == task_id
                    )
                )
            conn.execute(
                tasks.delete().where(tasks.c.project_id == project_id, tasks.c.id == task_id)
            )
            tombstone(conn, "task", f"{project_id}/{task_id}", version)

    def tasks(self, project_id: str) -> list[PlanTask]:
        with self.store.read() as conn:
            self.project_in(conn, project_id)
            return self.tasks_in(conn, project_id)

    def tasks_in(self, conn: Connection, project_id: str) -> list[PlanTask]:
        rows = conn.execute(
            select(tasks)
            .where(tasks.c.project_id == project_id)
            .order_by(tasks.c.position, tasks.c.id)
        )
        return [records.task_from_row(r) for r in rows]

    def task_in(self, conn: Connection, project_id: str, task_id: str) -> PlanTask:
        self.project_in(conn, project_id)
        row = conn.execute(
            select(tasks).where(tasks.c.project_id == project_id, tasks.c.id == task_id)
        ).first()
        if row is None:
            raise refusal(f"task {project_id}/{task_id}", "unknown task")
        return records.task_from_row(row)

    def links(self, project_id: str) -> list[PlanLink]:
        with self.store.read() as conn:
            self.project_in(conn, project_id)
            return self.links_in(conn, project_id)

    def links_in(self, conn: Connection, project_id: str) -> list[PlanLink]:
        rows = conn.execute(select(links).where(links.c.project_id == project_id))
        return [records.link_from_row(r) for r in rows]

    # -- resources and assignments -------------------------------------------

    def add_resource(self, resource: PlanResource) -> PlanResource:
        with self.store.write() as conn:
            return self.add_resource_in(conn, resource)

    def add_resource_in(self, conn: Connection, resource: PlanResource) -> PlanResource:
        check_id("resource", resource.id, 60)
        if self.find_resource(conn, resource.id) is not None:
            raise refusal(f"resource {resource.id}", "already exists")
        self._check_resource(conn, resource)
        conn.execute(
            insert(resources).values(
                **records.resource_values(resource), version=reserve_versions(conn)
            )
        )
        untombstone(conn, "resource", resource.id)
        return resource

    def add_assignments_in(
        self, conn: Connection, new: Sequence[PlanAssignment], *, tasks_hold_work: bool = False
    ) -> None:
        """Store assignments as given (work, cost and actuals included), e.g.
        from a file; the tasks' work becomes the sum of their assignments'
        (``tasks_hold_work``: the caller stored the tasks with that work already)."""
        if not new:
            return
        first = reserve_versions(conn, len(new))
        insert_many(
            conn,
            assignments,
            [{**_assignment_values(a), "version": first + i} for i, a in enumerate(new)],
        )
        if tasks_hold_work:
            return
        totals: dict[tuple[str, str], int] = {}
        for a in new:
            totals[(a.project, a.task)] = totals.get((a.project, a.task), 0) + a.work
        for project_id in {project for project, _ in totals}:
            for task in self.tasks_in(conn, project_id):
                work = totals.get((project_id, task.id))
                if work is not None and work != task.work:
                    self.write_task(conn, task, dataclasses.replace(task, work=work))

    def update_resource(self, resource_id: str, **changes: Any) -> PlanResource:
        with self.store.write() as conn:
            current = self.resource_in(conn, resource_id)
            updated = _replace(current, f"resource {resource_id}", changes)
            self._check_resource(conn, updated)
            if updated != current:
                conn.execute(
                    update(resources)
                    .where(resources.c.id == resource_id)
                    .values(**records.resource_values(updated), version=reserve_versions(conn))
                )
                for assignment in self._assignments_of_resource(conn, resource_id):
                    self.write_assignment(conn, assignment, _costed(assignment, updated))
        return updated

    def resources(self) -> list[PlanResource]:
        with self.store.read() as conn:
            rows = conn.execute(select(resources).order_by(resources.c.id))
            return [records.resource_from_row(r) for r in rows]

    def resource_in(self, conn: Connection, resource_id: str) -> PlanResource:
        found = self.find_resource(conn, resource_id)
        if found is None:
            raise refusal(f"resource {resource_id}", "unknown resource")
        return found

    def find_resource(self, conn: Connection, resource_id: str) -> PlanResource | None:
        row = conn.execute(select(resources).where(resources.c.id == resource_id)).first()
        return records.resource_from_row(row) if row else None

    def _check_resource(self, conn: Connection, resource: PlanResource) -> None:
        where = f"resource {resource.id}"
        problems = []
        if not resource.name.strip():
            problems.append(Problem(where=where, what="name is empty"))
        if min(resource.standard_rate, resource.overtime_rate, resource.cost_per_use) < 0:
            problems.append(Problem(where=where, what="rates cannot be negative"))
        if resource.max_units <= 0:
            problems.append(Problem(where=where, what="maximum units must be more than zero"))
        if resource.calendar is not None and resource.calendar not in calendar_names(conn):
            problems.append(Problem(where=where, what=f"unknown calendar {resource.calendar}"))
        if problems:
            raise InputError(problems)

    def assign(
        self,
        project_id: str,
        task_id: str,
        resource_id: str,
        *,
        units: int | None = None,
        work: int | None = None,
        contour: WorkContour | None = None,
    ) -> PlanAssignment:
        """Put a resource on a task (at 100 % unless ``units`` says otherwise), or
        change its units, work or work contour (None: as it is).

        The task's duration, work and other assignments follow its type and
        effort-driven switch, as in Microsoft Project (``task_types.py``): an
        effort-driven task shares its work with a new resource, one that is
        not gets duration × units more work. A hand-edited contour comes only
        from a file, with its span.
        """
        where = f"assignment {project_id}/{task_id}/{resource_id}"
        if units is not None and units <= 0:
            raise refusal(where, "units must be more than zero")
        if contour is WorkContour.CONTOURED:
            raise refusal(where, "a hand-edited contour cannot be set; choose a pattern")
        if work is not None and work < 0:
            raise refusal(where, "work cannot be negative")
        with self.store.write() as conn:
            task = self.task_in(conn, project_id, task_id)
            self.resource_in(conn, resource_id)
            if self._has_children(conn, project_id, task_id):
                raise refusal(where, f"task {task_id} is a summary task; assign to its subtasks")
            staff = self.assignments_in(conn, project_id, task_id)
            if any(a.resource == resource_id for a in staff):
                edited = task_types.change_assignment(
                    task, staff, resource_id, units=units, work=work, contour=contour
                )
            else:
                new = PlanAssignment(
                    project=project_id,
                    task=task_id,
                    resource=resource_id,
                    units=100 if units is None else units,
                    contour=contour or WorkContour.FLAT,
                )
                edited = task_types.add_assignment(task, staff, new, work=work)
            mine = self._write_staff(conn, staff, edited.assignments)
            self.write_task(conn, task, edited.task)
            return mine[resource_id]

    def unassign(self, project_id: str, task_id: str, resource_id: str) -> None:
        """Take a resource off a task; an effort-driven task keeps its work."""
        with self.store.write() as conn:
            task = self.task_in(conn, project_id, task_id)
            staff = self.assignments_in(conn, project_id, task_id)
            found = conn.execute(
                assignments.delete().where(
                    assignments.c.project_id == project_id,
                    assignments.c.task_id == task_id,
                    assignments.c.resource_id == resource_id,
                )
            )
            if not found.rowcount:
                raise refusal(
                    f"assignment {project_id}/{task_id}/{resource_id}", "unknown assignment"
                )
            tombstone(
                conn, "assignment", f"{project_id}/{task_id}/{resource_id}", reserve_versions(conn)
            )
            edited = task_types.remove_assignment(task, staff, resource_id)
            self._write_staff(conn, staff, edited.assignments)
            self.write_task(conn, task, edited.task)

    def _write_staff(
        self,
        conn: Connection,
        before: Sequence[PlanAssignment],
        after: Sequence[PlanAssignment],
    ) -> dict[str, PlanAssignment]:
        """Write a task's assignments as an edit left them, costed at their
        resources' rates: new ones inserted, changed ones updated."""
        found = {a.resource: a for a in before}
        written: dict[str, PlanAssignment] = {}
        for assignment in after:
            costed = _costed(assignment, self.resource_in(conn, assignment.resource))
            current = found.get(assignment.resource)
            if current is None:
                conn.execute(
                    insert(assignments).values(
                        **_assignment_values(costed), version=reserve_versions(conn)
                    )
                )
                key = f"{costed.project}/{costed.task}/{costed.resource}"
                untombstone(conn, "assignment", key)
            else:
                self.write_assignment(conn, current, costed)
            written[assignment.resource] = costed
        return written

    def write_assignment(
        self, conn: Connection, current: PlanAssignment, updated: PlanAssignment
    ) -> None:
        if updated != current:
            conn.execute(
                update(assignments)
                .where(
                    assignments.c.project_id == current.project,
                    assignments.c.task_id == current.task,
                    assignments.c.resource_id == current.resource,
                )
                .values(**_assignment_values(updated), version=reserve_versions(conn))
            )

    def assignments(self, project_id: str) -> list[PlanAssignment]:
        with self.store.read() as conn:
            self.project_in(conn, project_id)
            return self.assignments_in(conn, project_id)

    def assignments_in(
        self, conn: Connection, project_id: str, task_id: str | None = None
    ) -> list[PlanAssignment]:
        query = select(assignments).where(assignments.c.project_id == project_id)
        if task_id is not None:
            query = query.where(assignments.c.task_id == task_id)
        rows = conn.execute(query.order_by(assignments.c.task_id, assignments.c.resource_id))
        return [records.assignment_from_row(r) for r in rows]

    def _assignments_of_resource(self, conn: Connection, resource_id: str) -> list[PlanAssignment]:
        rows = conn.execute(select(assignments).where(assignments.c.resource_id == resource_id))
        return [records.assignment_from_row(r) for r in rows]

    def _has_children(self, conn: Connection, project_id: str, task_id: str) -> bool:
        return (
            conn.execute(
                select(func.count())
                .select_from(tasks)
                .where(tasks.c.project_id == project_id, tasks.c.parent_id == task_id)
            ).scalar_one()
            > 0
        )


def _replace(record: _R, where: str, changes: dict[str, Any]) -> _R:
    try:
        return dataclasses.replace(record, **changes)
    except TypeError as exc:
        raise refusal(where, str(exc)) from exc


def _task_type(where: str, given: object) -> TaskType:
    try:
        return TaskType(str(given))
    except ValueError:
        choices = ", ".join(t.value for t in TaskType)
        raise refusal(where, f"unknown task type {given!r}; one of: {choices}") from None


def _task_problems(
    task: PlanTask, by_id: dict[str, PlanTask], calendars: list[str]
) -> list[Problem]:
    where = f"task {task.project}/{task.id}"
    found: list[str] = []
    if not task.id or task.id != task.id.strip() or "/" in task.id or len(task.id) > 60:
        found.append(f"{task.id!r} is not a valid id (1-60 characters, no '/')")
    if not task.name.strip():
        found.append("name is empty")
    if task.duration < 0 or task.work < 0:
        found.append("duration and work cannot be negative")
    if task.type is TaskType.FIXED_WORK and not task.effort_driven:
        found.append("a fixed-work task is always effort-driven")
    if not 0 <= task.percent_complete <= 100:
        found.append("percent complete must be between 0 and 100")
    if task.constraint in _DATED and task.constraint_date is None:
        found.append(f"constraint {task.constraint} needs a date")
    if task.calendar is not None and task.calendar not in calendars:
        found.append(f"unknown calendar {task.calendar}")
    if task.parent is not None:
        if task.parent not in by_id:
            found.append(f"unknown parent task {task.parent}")
        else:
            seen = {task.id}
            parent: str | None = task.parent
            while parent is not None and parent in by_id:
                if parent in seen:
                    found.append(f"cannot be under its own subtask {task.parent}")
                    break
                seen.add(parent)
                parent = by_id[parent].parent
    return [Problem(where=where, what=what) for what in found]


def _link_problems(
    new: Sequence[PlanLink], by_id: dict[str, PlanTask], existing: Sequence[PlanLink]
) -> list[Problem]:
    problems: list[Problem] = []
    pairs = {(link.predecessor, link.successor) for link in existing}
    successors: dict[str, list[str]] = {}
    for link in existing:
        successors.setdefault(link.predecessor, []).append(link.successor)
    for link in new:
        where = f"link {link.predecessor} → {link.successor}"
        if link.predecessor not in by_id:
            problems.append(Problem(where=where, what=f"unknown predecessor {link.predecessor}"))
            continue
        if link.successor not in by_id:
            problems.append(Problem(where=where, what=f"unknown successor {link.successor}"))
            continue
        if link.predecessor == link.successor:
            problems.append(Problem(where=where, what="a task cannot follow itself"))
            continue
        if (link.predecessor, link.successor) in pairs:
            problems.append(Problem(where=where, what="the link exists already"))
            continue
        cycle = _path(successors, link.successor, link.predecessor)
        if cycle:
            chain = " → ".join([link.predecessor, *cycle])
            problems.append(Problem(where=where, what=f"would close a dependency cycle: {chain}"))
            continue
        pairs.add((link.predecessor, link.successor))
        successors.setdefault(link.predecessor, []).append(link.successor)
    return problems


def _path(successors: dict[str, list[str]], start: str, goal: str) -> list[str]:
    """A chain of links from ``start`` to ``goal``, or [] when there is none."""
    came_from: dict[str, str | None] = {start: None}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            chain = [node]
            while (previous := came_from[chain[-1]]) is not None:
                chain.append(previous)
            return list(reversed(chain))
        for nxt in successors.get(node, ()):
            if nxt not in came_from:
                came_from[nxt] = node
                stack.append(nxt)
    return []


def _parents_first(items: Sequence[PlanTask]) -> list[PlanTask]:
    ids = {t.id for t in items}
    placed: set[str] = set()
    ordered: list[PlanTask] = []
    pending = list(items)
    while pending:
        rest = []
        for task in pending:
            if task.parent is None or task.parent not in ids or task.parent in placed:
                ordered.append(task)
                placed.add(task.id)
            else:
                rest.append(task)
        if len(rest) == len(pending):  # a loop: refused earlier, never reached
            ordered.extend(rest)
            break
        pending = rest
    return ordered


def _link_values(link: PlanLink, version: int) -> dict[str, object]:
    return {
        "project_id": link.project,
        "predecessor_id": link.predecessor,
        "successor_id": link.successor,
        "type": link.type.value,
        "lag": link.lag,
        "lag_kind": link.lag_kind.value,
        "version": version,
    }


def _assignment_values(assignment: PlanAssignment) -> dict[str, object]:
    return {
        "project_id": assignment.project,
        "task_id": assignment.task,
        "resource_id": assignment.resource,
        "units": assignment.units,
        "work": assignment.work,
        "actual_work": assignment.actual_work,
        "cost": assignment.cost,
        "actual_cost": assignment.actual_cost,
        "contour": assignment.contour.value,
        "span": assignment.span,
        "overtime_work": assignment.overtime_work,
    }


def _costed(assignment: PlanAssignment, resource: PlanResource) -> PlanAssignment:
    """Cost of an assignment: its work at the resource's standard rate, plus cost per use."""
    hours = Decimal(assignment.work) / 60
    cost = (hours * resource.standard_rate + resource.cost_per_use).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    return dataclasses.replace(assignment, cost=cost)
