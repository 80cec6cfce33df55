"""``projsync redmine setup``: the custom fields projsync needs on a Redmine server.

Redmine's REST API cannot create custom fields (it answers 403), so they are
created through the server's own ``bin/rails runner`` when Redmine runs on
this machine (Debian's package, as ``scripts/redmine.sh`` installs it), and
otherwise listed for an administrator to create by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from projsync.errors import ConfigurationError
from projsync.redmine.client import RedmineClient
from projsync.redmine.fields import REDMINE_FIELDS, RedmineField
from projsync.sync.mapping import CUSTOM_FIELDS

__all__ = ["RAILS_ROOT", "SetupReport", "ruby_script", "set_up", "wanted_fields"]

RAILS_ROOT = Path("/usr/share/redmine")
"""Debian's Redmine: where ``bin/rails runner`` runs."""

_CLASSES = {
    "project": "ProjectCustomField",
    "task": "IssueCustomField",
    "resource": "UserCustomField",
}
_SETTINGS = """\
Setting.rest_api_enabled = '1'
Setting.parent_issue_dates = 'independent'
Setting.parent_issue_done_ratio = 'independent'
Setting.default_issue_start_date_to_creation_date = '0'
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupReport:
    created: tuple[str, ...]
    """Fields created now."""
    present: tuple[str, ...]
    """Fields that were there already."""
    missing: tuple[str, ...]
    """Fields an administrator must still create (Redmine not on this machine)."""
    instructions: str = ""


def wanted_fields(prefix: str) -> list[RedmineField]:
    """Every custom field projsync writes on Redmine, named with ``prefix``."""
    found = [
        RedmineField(
            number=f.number,
            name=f"{prefix}{f.number:02d}_{f.name}",
            customized=_CLASSES[f.entity],
            format="float" if f.type == "cost" else "string",
        )
        for f in CUSTOM_FIELDS
    ]
    found += [
        RedmineField(
            number=f.number,
            name=f"{prefix}{f.number:02d}_{f.name}",
            customized=f.customized,
            format=f.format,
        )
        for f in REDMINE_FIELDS
    ]
    return found


def ruby_script(fields: list[RedmineField]) -> str:
    """A ``bin/rails runner`` script creating the fields that are missing, and
    the settings projsync relies on (parent issues keep their own dates; an
    issue gets no start date it was not given)."""
    rows = ",\n".join(f"  [{f.customized!r}, {f.name!r}, {f.format!r}]" for f in fields)
    return (
        _SETTINGS
        + f"[\n{rows}\n].each do |klass, name, format|\n"
        + """  next if CustomField.find_by(name: name, type: klass)
  field = klass.constantize.new(name: name, field_format: format, visible: true)
  field.is_filter = true unless format == 'text'
  if field.is_a?(IssueCustomField)
    field.is_for_all = true
    field.tracker_ids = Tracker.pluck(:id)
  end
  field.editable = true if field.is_a?(UserCustomField)
  field.save!
  puts "created #{name}"
end
"""
    )


def set_up(client: RedmineClient, prefix: str) -> SetupReport:
    wanted = wanted_fields(prefix)
    present = _present(client)
    missing = [f for f in wanted if f.name not in present]
    there = tuple(f.name for f in wanted if f.name in present)
    if not missing:
        return SetupReport(created=(), present=there, missing=())
    if not _local(client.url):
        return SetupReport(
            created=(),
            present=there,
            missing=tuple(f.name for f in missing),
            instructions=_instructions(missing),
        )
    _run_rails(ruby_script(missing))
    now = _present(client)
    return SetupReport(
        created=tuple(f.name for f in missing if f.name in now),
        present=there,
        missing=tuple(f.name for f in missing if f.name not in now),
    )


def _present(client: RedmineClient) -> set[str]:
    return {str(f["name"]) for f in client.get("/custom_fields.json").get("custom_fields", [])}


def _local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1") and (RAILS_ROOT / "bin" / "rails").exists()


def _run_rails(script: str) -> None:
    as_root = os.geteuid() == 0
    runner = ["runuser", "-u", "www-data", "--"] if as_root else ["sudo", "-u", "www-data"]
    if shutil.which(runner[0]) is None:
        raise ConfigurationError(f"cannot run Redmine's rails runner: no {runner[0]}")
    with tempfile.NamedTemporaryFile("w", suffix=".rb", delete=False) as handle:
        handle.write(script)
    path = Path(handle.name)
    path.chmod(0o644)
    try:
        done = subprocess.run(
            [*runner, "env", "REDMINE_INSTANCE=default", "RAILS_ENV=production",
             "bin/rails", "runner", str(path)],
            cwd=RAILS_ROOT, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
    finally:
        path.unlink(missing_ok=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise ConfigurationError("Redmine's rails runner failed: " + " | ".join(tail))


def _instructions(missing: list[RedmineField]) -> str:
    kinds = {
        "ProjectCustomField": "Projects",
        "IssueCustomField": "Issues (for all projects, every tracker)",
        "UserCustomField": "Users",
    }
    formats = {"string": "Text", "float": "Float", "text": "Long text"}
    lines = [
        "Redmine's REST API cannot create custom fields. As an administrator, in",
        "Administration > Custom fields, create these (New custom field):",
    ]
    lines += [f"  {kinds[f.customized]}: {f.name} ({formats[f.format]})" for f in missing]
    lines += [
        "and in Administration > Settings > Issue tracking: parent tasks' start/due dates",
        "'independent of subtasks', and no default start date for new issues.",
    ]
    return "\n".join(lines)
