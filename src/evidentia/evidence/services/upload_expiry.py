"""Expiry of unfinished uploads: their bytes are deleted, never made evidence."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.utils import timezone

from evidentia.evidence.models import Upload
from evidentia.evidence.models.uploads import PART, TRASH, PartBusy, PartFile, limits, part_path
from evidentia.evidence.services import uploads_live

State = Upload.State
LIVE = (State.RECEIVING, State.COMPLETING)


def expire(up: Upload) -> bool:
    """Mark an upload expired and delete its bytes, unless a request holds it right now."""
    try:
        with PartFile.locked(part_path(up.pk), None, create=False) as part:
            changed = _mark_expired(up)
            uploads_live.drop(up.pk)
            part.discard()
    except FileNotFoundError:
        changed = _mark_expired(up)
    except PartBusy:
        return False
    return changed


def _mark_expired(up: Upload) -> bool:
    return bool(Upload.objects.filter(pk=up.pk, state__in=LIVE).update(state=State.EXPIRED))


def cleanup_expired(now: datetime | None = None) -> int:
    """Expire overdue uploads and delete their bytes; remove part files no live upload
    owns (left by a crash after completion). Returns how many uploads expired."""
    now = now or timezone.now()
    lim = limits()
    due = Upload.objects.filter(state__in=LIVE, expires_at__lte=now)
    expired = sum(expire(up) for up in due)
    if not lim.directory.is_dir():
        return expired
    for path in lim.directory.glob(f"*{TRASH}"):  # a discard cut short by a restart
        path.unlink(missing_ok=True)
    stale_before = (now - lim.expiry).timestamp()
    for path in lim.directory.glob(f"*{PART}"):
        try:
            upload_id = uuid.UUID(path.stem)
        except ValueError:
            continue
        row = Upload.objects.filter(pk=upload_id).only("state").first()
        if row is None and path.stat().st_mtime < stale_before:
            path.unlink(missing_ok=True)
        elif row is not None and row.state not in LIVE:
            expire(row)
    return expired
