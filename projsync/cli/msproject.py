"""``projsync plan import | export | template | check``: Microsoft Project files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projsync.cli.output import emit, fail_cleanly, progress_bar, stderr, stdout
from projsync.cli.stores import plan_store
from projsync.config import load_settings
from projsync.errors import InputError, Problem, refusal
from projsync.msproject.check import FileCheck, check_paths, project_files
from projsync.msproject.exporter import document_from_store
from projsync.msproject.importer import import_document
from projsync.msproject.reader import read_document
from projsync.msproject.writer import write_mspdi

__all__ = ["register"]

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PROGRESS_EVERY = 25
"""Files between two progress lines of `plan check` when standard error is no terminal."""


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
    app.command("export")(export_file)
    app.command("template")(template)
    app.command("check")(check)


def import_file(
    path: Annotated[
        Path | None, typer.Argument(metavar="FILE", help=".mpp, MSPDI .xml or .mpx")
    ] = None,
    as_project: Annotated[
        str | None, typer.Option(help="Publish as a new project with this id.")
    ] = None,
    replace: Annotated[
        str | None, typer.Option(help="Replace this project's WBS, keeping matched tasks.")
    ] = None,
    template_name: Annotated[
        str | None, typer.Option("--template", help="Start from a saved template instead of FILE.")
    ] = None,
    company: Annotated[
        str | None,
        typer.Option(help="With --as-project: the ledger company it becomes a project of."),
    ] = None,
    contract: Annotated[str | None, typer.Option(help="With --company: its contract.")] = None,
    customer: Annotated[str | None, typer.Option(help="With --company: its customer.")] = None,
    project_type: Annotated[
        str | None, typer.Option("--type", help="With --company: its project type.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Publish a Microsoft Project file as a new project, or replace a project's
    WBS. With --company, the new project becomes a ledger project of that
    company at the next sync run, its tasks the project's activities."""
    with fail_cleanly():
        if as_project and replace:
            raise InputError(
                [Problem(where="--replace", what="give --as-project or --replace, not both")]
            )
        ledger_facts = _ledger_facts(
            as_project, company=company, contract=contract, customer=customer, kind=project_type
        )
        if template_name:
            source = _template_path(template_name)
        elif path is not None:
            source = path
        else:
            raise refusal("FILE", "name a file, or --template NAME")
        with progress_bar("reading", None) as advance:
            document = read_document(source, progress=lambda done, _total: advance(done))
        result = import_document(
            plan_store(), document, as_project=as_project, replace=replace, fields=ledger_facts
        )
        emit(
            {
                "project": result.project,
                "tasks": result.tasks,
                "resources": result.resources,
                "assignments": result.assignments,
                "calendars": result.calendars,
                "replaced": result.replaced,
                "kept": result.kept,
                "deleted": result.deleted,
            },
            as_json=as_json,
            title="imported",
        )


def _ledger_facts(
    as_project: str | None,
    *,
    company: str | None,
    contract: str | None,
    customer: str | None,
    kind: str | None,
) -> dict[str, str]:
    """The plan project's fields that make it a ledger project at the next
    sync run (the integration's custom fields, by their names)."""
    from projsync.cli.stores import sync_store
    from projsync.ledger.model import ProjectType
    from projsync.sync.mapping import CUSTOM_FIELDS, field_name
    from projsync.sync.settings import load_global

    given = {"company": company, "contract": contract, "customer": customer, "type": kind}
    named = {k: v for k, v in given.items() if v is not None}
    if not named:
        return {}
    problems = []
    if company is None:
        problems.append(
            Problem(where="--company", what="--contract, --customer and --type need it")
        )
    if as_project is None:
        problems.append(Problem(where="--company", what="a new project (--as-project) takes it"))
    if kind is not None and kind not in {t.value for t in ProjectType}:
        known = ", ".join(t.value for t in ProjectType)
        problems.append(Problem(where="--type", what=f"must be one of {known}"))
    for source, value in named.items():
        if not value or len(value) > 100 or not value.isprintable() or value != value.strip():
            problems.append(Problem(where=f"--{source}", what="1 to 100 printable characters"))
    if problems:
        raise InputError(problems)
    prefix = load_global(sync_store()).custom_field_prefix
    fields = {f.source: field_name(prefix, f) for f in CUSTOM_FIELDS if f.entity == "project"}
    return {fields[source]: value for source, value in named.items()}


def export_file(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    path: Annotated[Path, typer.Argument(metavar="FILE.xml")],
    as_json: Json = False,
) -> None:
    """Write a project as MSPDI XML, which Microsoft Project opens."""
    with fail_cleanly():
        if path.suffix.lower() != ".xml":
            raise refusal(str(path), "MSPDI files end in .xml")
        if not path.parent.is_dir():
            raise refusal(str(path), "no such folder")
        report = write_mspdi(document_from_store(plan_store(), project), path)
        if report.skipped_fields:
            stderr.print(
                f"warning: no free Microsoft Project field for: {', '.join(report.skipped_fields)}"
            )
        emit(report, as_json=as_json, title="exported")


def template(
    project: Annotated[str, typer.Argument(metavar="PROJECT")],
    name: Annotated[str, typer.Option(help="Template name.")],
) -> None:
    """Save a project as a template: its WBS, links and assignments, without progress."""
    import dataclasses

    with fail_cleanly():
        document = document_from_store(plan_store(), project)
        clean = dataclasses.replace(
            document,
            tasks=tuple(
                dataclasses.replace(
                    t,
                    percent_complete=0,
                    actual_start=None,
                    actual_finish=None,
                    baseline_start=None,
                    baseline_finish=None,
                    baseline_duration=None,
                    baseline_work=None,
                    baseline_cost=None,
                )
                for t in document.tasks
            ),
            assignments=tuple(
                dataclasses.replace(a, actual_work=0, actual_cost=a.cost * 0)
                for a in document.assignments
            ),
            actuals=(),
        )
        path = _template_path(name, creating=True)
        write_mspdi(clean, path)
        stdout.print(
            f"saved template {name!r} ({path}); start a project from it with "
            f"`projsync plan import --template {name!r} --as-project ID`"
        )


def check(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="A project file or a folder of them.")
    ],
    as_json: Json = False,
    mpxj: Annotated[
        bool,
        typer.Option(
            "--mpxj", help="Also reschedule each file with MPXJ's MicrosoftScheduler and compare."
        ),
    ] = False,
    per_file: Annotated[
        bool,
        typer.Option(
            "--per-file", help="A JSON line per file: its counts and the classes of its misses."
        ),
    ] = False,
) -> None:
    """Reschedule each file with projsync's scheduler (and with --mpxj with MPXJ's)
    and compare with the dates Microsoft Project stored in it; with --per-file a
    JSON line per file comes first; the last line is JSON."""
    with fail_cleanly():
        if not path.exists():
            raise refusal(str(path), "no such file or folder")
        files = project_files(path)
        root = path if path.is_dir() else path.parent
        with progress_bar("checking", len(files)) as advance:
            done = [0]

            def seen(_name: str) -> None:
                done[0] += 1
                advance(done[0])
                if not stderr.is_terminal and done[0] % PROGRESS_EVERY == 0:
                    stderr.print(f"checked {done[0]} of {len(files)} files")

            def each(checked: FileCheck) -> None:
                if per_file:
                    sys.stdout.write(checked.as_json() + "\n")
                    sys.stdout.flush()

            report = check_paths(
                files, root=root, progress=seen, each=each, mpxj=mpxj, classify=per_file
            )
        if not as_json:
            stdout.print(
                f"{report.files} files ({report.files_failed} failed), {report.tasks} tasks, "
                f"{report.identical} identical ({_share(report.identical, report.tasks)})"
                + (
                    f"; MPXJ's scheduler: {report.mpxj_identical} identical "
                    f"({_share(report.mpxj_identical, report.tasks)})"
                    if mpxj
                    else ""
                )
            )
        sys.stdout.write(report.as_json() + "\n")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.2%}" if whole else "-"


def _template_path(name: str, *, creating: bool = False) -> Path:
    if not name.strip() or "/" in name or name.startswith("."):
        raise refusal("--name", f"{name!r} is not a usable template name")
    folder = load_settings().home / "templates"
    if creating:
        folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.xml"
    if not creating and not path.exists():
        raise refusal("--template", f"no template named {name!r}")
    return path
