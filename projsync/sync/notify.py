"""Telling people about entities that keep failing.

After the hours the settings allow, a failing entity gets a notification: an
entry in the integration log for the people who watch it, and a POST to the
webhook when one is set. A webhook that does not answer is noted in the log;
it never stops a run.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

from sqlalchemy import select, update

from projsync.db import Store
from projsync.sync.log import LogStatus, add_entry
from projsync.sync.settings import GlobalSettings
from projsync.sync.tables import log

__all__ = ["notify_failures"]

WEBHOOK_TIMEOUT_SECONDS = 5


def notify_failures(store: Store, settings: GlobalSettings, *, run: int, user: str) -> int:
    """Notify about entries failing for longer than ``notify_hours``; returns how many."""
    now = dt.datetime.now(dt.UTC)
    limit = now - dt.timedelta(hours=settings.notify_hours)
    with store.write() as conn:
        rows = conn.execute(
            select(log).where(
                log.c.status == LogStatus.FAILED.value,
                log.c.notified_at.is_(None),
                log.c.created_at <= limit,
            )
        ).all()
        for row in rows:
            message = (
                f"{row.entity_type} {row.entity_key} has failed for more than "
                f"{settings.notify_hours} hours ({row.attempts} attempts): {row.error}"
            )
            delivered = _post(settings.webhook_url, {"entry": row.id, "message": message})
            add_entry(
                conn,
                run=run,
                origin="sync",
                destination="people",
                entity_type=row.entity_type,
                entity_key=row.entity_key,
                action="refresh",
                entity_version=row.entity_version,
                status=LogStatus.COMPLETED if delivered is None else LogStatus.FAILED,
                user=user,
                payload={"notification": message, "about": row.id, "webhook": settings.webhook_url},
                error=delivered,
            )
            conn.execute(update(log).where(log.c.id == row.id).values(notified_at=now))
    return len(rows)


def _post(url: str | None, body: dict[str, object]) -> str | None:
    """POST to the webhook; the reason it failed, or None."""
    if not url:
        return None
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS):
            return None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return f"webhook {url} did not take the notification: {exc}"
