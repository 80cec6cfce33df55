"""Entities born in the plan, placed in the ledger: part of reading a run's changes.

A plan project that names a company (its company field, ``DAX_03_Company``)
becomes the ledger project of the same id in that company, its name and
dates the plan's, its type, contract and customer its fields' or, where it
names none, the company's defaults; refused, with the reason held in the
log, when the company is not integrated or the ledger has that id already
(save when that is the sync's own creation of an earlier run).
A task created in the plan becomes an activity of the ledger project of its
plan project (or of the subproject node it sits under), numbered by the
task's id, under the activity of its parent task. Tasks born together are
placed parents first, so that a task born under a task born in the same run
lands under it. An assignment made in the plan becomes hour forecasts of the
worker of its resource, on the activity of its task.

A task at the very key the sync gives an unlinked ledger activity is the
sync's own creation from a run that ended before it could record it: it is
left to the ledger's side, which links it, rather than copied back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from projsync.connectors.base import EntityKind, SyncRecord, read_now
from projsync.sync import mapping
from projsync.sync.context import Run
from projsync.sync.links import ledger_keys_of, plan_keys_of
from projsync.sync.scope import plan_key, project_of_key
from projsync.sync.settings import CompanySettings, company_settings_of

__all__ = ["Born", "placed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Born:
    """An entity born in the plan, placed in ledger terms."""

    record: SyncRecord
    """The plan's record."""
    key: str
    """The ledger key it takes."""
    project: str
    parent: str | None
    """The ledger key of the activity it hangs under (tasks), or its activity
    (assignments)."""
    worker: str | None = None
    values: Mapping[str, object] | None = None
    """A project's values in the ledger's terms."""
    held: Mapping[str, object] | None = None
    """A project's values as the plan holds them (the company's defaults are
    the ledger's alone): its merge base once made, so that what only the
    ledger holds goes back to the plan in the same run."""
    refusal: str | None = None
    """Why the ledger cannot take it (held in the log, not sent)."""


def placed(run: Run, kind: EntityKind, born: list[SyncRecord]) -> list[Born]:
    """Entities born in the plan, placed in the ledger: a task in the ledger
    project of its plan project (or of the subproject node it sits under),
    numbered by the task's id, under the activity of its parent task, parents
    first, a parent born in the same run included; an assignment on the
    activity of its task, for the worker of its resource. Those the ledger
    cannot place are left out, and those at the very key the sync gives an
    unlinked ledger entity are the sync's own creation whose run ended
    before it could record them: the ledger's side takes them over."""
    if kind is EntityKind.ASSIGNMENT:
        return _placed_assignments(run, born)
    if kind is EntityKind.PROJECT:
        return _placed_projects(run, born)
    if kind is not EntityKind.TASK or not born:
        return []
    wanted = set()
    for record in born:
        fields = record.fields or {}
        wanted.add(str(fields.get("project")))
        if fields.get("parent"):
            wanted.add(f"{fields.get('project')}/{fields.get('parent')}")
    with run.store.read() as conn:
        projects = ledger_keys_of(conn, EntityKind.PROJECT.value, wanted)
        tasks = ledger_keys_of(conn, EntityKind.TASK.value, wanted)
    ours = _sync_made(run, born)
    found: list[Born] = []
    for record in _plan_parents_first(born):
        if record.key in ours:
            continue
        fields = record.fields or {}
        plan_project = str(fields.get("project"))
        parent_task = fields.get("parent")
        parent_key = f"{plan_project}/{parent_task}" if parent_task else None
        ledger_project = projects.get(parent_key or "") or projects.get(plan_project)
        parent_number = None
        if parent_key in tasks:
            ledger_project, _, parent_number = tasks[parent_key].partition("/")
        if ledger_project is None:
            continue
        key = f"{ledger_project}/{fields.get('id')}"
        tasks[record.key] = key  # its children, born too, go under it
        found.append(
            Born(
                record=record,
                key=key,
                project=ledger_project,
                parent=None if parent_number is None else f"{ledger_project}/{parent_number}",
            )
        )
    return found


def _placed_projects(run: Run, born: list[SyncRecord]) -> list[Born]:
    """Plan projects that name a company, as ledger projects of the same id;
    those that name none stay the plan's own."""
    named = []
    for record in born:
        neutral = mapping.ledger_fields_of_plan(
            EntityKind.PROJECT, record.fields or {}, prefix=run.settings.custom_field_prefix
        )
        if neutral.get("company"):
            named.append((record, neutral))
    if not named:
        return []
    keys = [record.key for record, _ in named]
    held = read_now(run.ledger, EntityKind.PROJECT, keys)
    with run.store.read() as conn:
        linked = plan_keys_of(conn, EntityKind.PROJECT.value, keys)
    found = []
    defaults = {c: company_settings_of(run.store, c) for c in {str(n["company"]) for _, n in named}}
    for record, neutral in named:
        company = str(neutral["company"])
        values = _project_values(record, neutral, defaults[company])
        ledger = held[record.key]
        refusal = None
        if company not in run.scope.companies:
            refusal = f"company {company} is not integrated"
        elif not ledger.deleted and (
            record.key in linked
            or {k: (ledger.fields or {}).get(k) for k in ("company", "name")}
            != {"company": company, "name": values["name"]}
        ):  # the same company and name, unlinked: the sync's own, from a run cut short
            refusal = f"the ledger has a project {record.key} already"
        found.append(
            Born(
                record=record,
                key=record.key,
                project=record.key,
                parent=None,
                values=values,
                held={**values, **{k: neutral.get(k) for k in ("type", "contract", "customer")}},
                refusal=refusal,
            )
        )
        if refusal is None:
            run.born_projects.add(record.key)
    return found


def _project_values(
    record: SyncRecord, neutral: Mapping[str, object], defaults: CompanySettings
) -> dict[str, object]:
    """A plan project's values in the ledger: its own, else its company's defaults."""
    fields = record.fields or {}
    company = defaults.company
    start, finish = mapping.as_day(fields.get("start")), mapping.as_day(fields.get("finish"))
    return {
        "name": fields.get("name"),
        "company": company,
        "type": neutral.get("type") or defaults.project_type,
        "contract": neutral.get("contract") or defaults.contract,
        "customer": neutral.get("customer") or defaults.customer,
        "group": neutral.get("group"),
        "start": start,
        "end": finish,
        "projected_start": start,
        "projected_end": finish,
    }


def _sync_made(run: Run, born: list[SyncRecord]) -> set[str]:
    """Plan keys among ``born`` that the sync itself gives an unlinked ledger
    activity: it created them in a run that ended before it could record
    them. The activity is read again so that its link is made."""
    candidates: dict[str, str] = {}
    scope = run.scope
    landing: dict[str, list[str]] = {}
    for project, plan_project in scope.root_of.items():
        landing.setdefault(plan_project, []).append(project)
    for record in born:
        root, _, task = record.key.partition("/")
        for project in landing.get(root, ()):
            number = task
            if project != root and scope.parents.get(project) in scope.root_of:
                if not task.startswith(f"{project}."):
                    continue
                number = task[len(project) + 1 :]
            probe = SyncRecord(
                kind=EntityKind.TASK,
                key=f"{project}/{number}",
                version=0,
                fields={"project": project, "number": number},
            )
            if plan_key(EntityKind.TASK, probe, scope) == record.key:
                candidates[probe.key] = record.key
    if not candidates:
        return set()
    with run.store.read() as conn:
        linked = plan_keys_of(conn, EntityKind.TASK.value, candidates)
    held = read_now(run.ledger, EntityKind.TASK, [k for k in candidates if k not in linked])
    ours = {key for key, record in held.items() if not record.deleted}
    if ours:  # read again with the ledger's batches
        run.pending.due.setdefault(EntityKind.TASK, set()).update(ours)
    return {candidates[key] for key in ours}


def _placed_assignments(run: Run, born: list[SyncRecord]) -> list[Born]:
    fields_of = [r.fields or {} for r in born]
    with run.store.read() as conn:
        tasks = ledger_keys_of(
            conn, "task", {f"{f.get('project')}/{f.get('task')}" for f in fields_of}
        )
        workers = ledger_keys_of(conn, "resource", {str(f.get("resource")) for f in fields_of})
    found = []
    for record in born:
        fields = record.fields or {}
        task = tasks.get(f"{fields.get('project')}/{fields.get('task')}")
        worker = workers.get(str(fields.get("resource")))
        if task is None or worker is None:
            continue
        found.append(
            Born(
                record=record,
                key=f"{task}/{worker}",
                project=project_of_key(task),
                parent=task,
                worker=worker,
            )
        )
    return found


def _plan_parents_first(born: list[SyncRecord]) -> list[SyncRecord]:
    """Tasks born in the plan, each after the one it sits under if that was
    born too."""
    keys = {r.key for r in born}
    placed_keys: set[str] = set()
    ordered: list[SyncRecord] = []
    pending = list(born)
    while pending:
        ready = []
        for record in pending:
            fields = record.fields or {}
            parent = fields.get("parent")
            parent_key = f"{fields.get('project')}/{parent}" if parent else None
            if parent_key is None or parent_key not in keys or parent_key in placed_keys:
                ready.append(record)
        if not ready:  # a cycle: the plan would not hold one; take them as they come
            ready = pending
        ordered.extend(ready)
        placed_keys |= {r.key for r in ready}
        pending = [r for r in pending if r.key not in placed_keys]
    return ordered
