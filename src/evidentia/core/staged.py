"""CSV files held between upload and import (CAD exports, analytics incidents). They can
hold addresses, so each is bound to the session that sent it, removed when its import
finishes, and removed by the hourly upload cleanup if it was abandoned.

Web imports run as Celery tasks (docs/decisions/0027). The import row (cad.Import,
analytics.ImportRun) then owns its staged file, and the helpers at the bottom keep the
row's life the same for both: queued -> running (claimed once) -> done, rejected or
failed; progress every few thousand rows; stale jobs failed by the hourly cleanup."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from evidentia.core.errors import Conflict, EvidentiaError, NotFound, Rejected

log = logging.getLogger(__name__)
KINDS = ("cad", "analytics")
# Per kind: `staged_in_use(cutoff) -> set of tokens`. It fails that kind's stale imports
# and names the files its queued and running imports still need.
IN_USE = {
    "cad": "evidentia.cad.services.background.staged_in_use",
    "analytics": "evidentia.analytics.services.background.staged_in_use",
}
QUEUED, RUNNING, DONE, REJECTED, FAILED = "queued", "running", "done", "rejected", "failed"
ACTIVE = (QUEUED, RUNNING)
FINISHED = (DONE, REJECTED, FAILED)
PROGRESS_EVERY = 5000  # rows between progress writes: one UPDATE, not one per row
CRASHED = (
    "The import stopped because of an unexpected error, and nothing was imported. "
    "Try again; if it fails again, tell your administrator (the error is in the "
    "worker's log)."
)


class TooLarge(Rejected):
    status = 413


class StagedUploads:
    def __init__(self, kind: str, max_bytes_setting: str, what: str) -> None:
        assert kind in KINDS
        self.kind, self.max_bytes_setting, self.what = kind, max_bytes_setting, what
        self.session_key = f"{kind}_uploads"

    def folder(self) -> Path:
        path = Path(settings.UPLOAD_DIR) / self.kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def check_size(self, size: int | None) -> None:
        limit = int(getattr(settings, self.max_bytes_setting))
        if size is not None and size > limit:
            raise TooLarge(
                f"The file is {size / 1024**2:,.1f} MB; {self.what} take at most "
                f"{limit / 1024**2:,.0f} MB. Export a shorter date range and "
                "import it in parts."
            )

    def save(self, request: HttpRequest, upload: UploadedFile) -> tuple[str, Path]:
        """Keep the upload for this session; returns its token and path."""
        self.check_size(upload.size)
        token = str(uuid.uuid4())
        path = self.folder() / f"{token}.csv"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        saved = request.session.get(self.session_key, {})
        saved[token] = upload.name or "upload.csv"
        request.session[self.session_key] = saved
        return token, path

    def get(self, request: HttpRequest, token: str) -> tuple[Path, str]:
        """The saved upload a token names, only for the session that uploaded it."""
        saved = request.session.get(self.session_key, {})
        if token not in saved:
            raise NotFound("That upload has expired or is not yours. Upload the file again.")
        try:
            path = self.folder() / f"{uuid.UUID(token)}.csv"
        except ValueError:
            raise NotFound("No such upload.") from None
        if not path.exists():
            raise NotFound("That upload has expired. Upload the file again.")
        return path, saved[token]

    def path_of(self, token: str) -> Path:
        """The file of a token an import row holds (no session: a task has none)."""
        try:
            path = self.folder() / f"{uuid.UUID(token)}.csv"
        except ValueError:
            raise NotFound("The uploaded file is gone. Upload the file again.") from None
        if not path.exists():
            raise NotFound(
                "The uploaded file is gone (removed after waiting too long). Upload the file again."
            )
        return path

    def hand_over(self, request: HttpRequest, token: str) -> None:
        """The session lets go of the file: a queued import owns it from now on."""
        saved = request.session.get(self.session_key, {})
        saved.pop(token, None)
        request.session[self.session_key] = saved

    def remove(self, token: str) -> None:
        if token:
            (self.folder() / f"{token}.csv").unlink(missing_ok=True)

    def forget(self, request: HttpRequest, token: str) -> None:
        """Remove the file and the session's note of it (the import is done or refused)."""
        (self.folder() / f"{token}.csv").unlink(missing_ok=True)
        saved = request.session.get(self.session_key, {})
        saved.pop(token, None)
        request.session[self.session_key] = saved


def remove_abandoned(hours: float | None = None) -> int:
    """Delete staged uploads of every kind older than `hours` (default
    STAGED_UPLOAD_MAX_AGE_HOURS). Idempotent; returns how many files went."""
    if hours is None:
        hours = float(settings.STAGED_UPLOAD_MAX_AGE_HOURS)
    cutoff = time.time() - hours * 3600
    removed = 0
    for kind in KINDS:
        # First, so a stale import's file goes with it and a live one's file stays.
        keep = import_string(IN_USE[kind])(timezone.now() - timedelta(hours=hours))
        folder = Path(settings.UPLOAD_DIR) / kind
        if not folder.is_dir():
            continue
        for path in folder.glob("*.csv"):
            if path.stem in keep:
                continue
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # removed by the import that finished meanwhile
                continue
    return removed


def estimate_rows(path: Path) -> int:
    """About how many data rows: the line count less the header (a quoted newline
    inside a cell counts twice, so the bar may finish early; never late)."""
    lines, last = 0, b"\n"
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def claim(model: type[models.Model], pk: Any) -> bool:
    """queued -> running, at most once: a second delivery of the task, or a task for a
    finished import, finds nothing to claim and does nothing."""
    changed = model.objects.filter(pk=pk, state=QUEUED).update(  # type: ignore[attr-defined]
        state=RUNNING, updated_at=timezone.now()
    )
    return changed == 1


def still_running(model: type[models.Model], pk: Any) -> None:
    """Inside the import's transaction, before its result is saved: lock the row and
    refuse if the hourly cleanup failed it meanwhile (its worker seemed dead)."""
    manager = model.objects  # type: ignore[attr-defined]
    if not manager.select_for_update().filter(pk=pk, state=RUNNING).exists():
        raise Conflict("This import was stopped before it could be saved; nothing was saved.")


def progress_writer(model: type[models.Model], pk: Any) -> Callable[[int, bool], None]:
    """`note(rows_read, reading_done=False)`, called per row; writes every
    PROGRESS_EVERY rows (autocommit, so a poll sees it before the import commits)."""
    every = max(int(getattr(settings, "IMPORT_PROGRESS_EVERY", PROGRESS_EVERY)), 1)

    def note(rows_read: int, reading_done: bool = False) -> None:
        if reading_done or rows_read % every == 0:
            # rows_total is set once reading is over: the page then says "saving".
            extra = {"rows_total": rows_read} if reading_done else {}
            model.objects.filter(pk=pk, state=RUNNING).update(  # type: ignore[attr-defined]
                rows_read=rows_read, updated_at=timezone.now(), **extra
            )

    return note


def run_job(
    model: type[models.Model],
    pk: Any,
    uploads: StagedUploads,
    work: Callable[[Any, Any, Callable[..., None]], Any],
    event: str,
    detail: Callable[..., dict[str, Any]],
) -> Any:
    """Claim a queued import and run `work(job, stream, progress)` on its staged file.
    A refusal or crash leaves it failed with a plain message (the import's own
    transaction rolled back: nothing half-saved); the file goes however it ends.
    None when the import was not queued (already run, or running elsewhere)."""
    if not claim(model, pk):
        return None
    job = model.objects.select_related("imported_by").get(pk=pk)  # type: ignore[attr-defined]
    try:
        with uploads.path_of(job.staged).open("rb") as stream:
            return work(job, stream, progress_writer(model, pk))
    except EvidentiaError as exc:  # refused for a reason a person can act on
        return fail(job, exc.message, event, detail)
    except Exception:
        log.exception("%s import %s failed", uploads.kind, pk)
        return fail(job, CRASHED, event, detail)
    finally:
        uploads.remove(job.staged)


def fail(job: Any, message: str, event: str, detail: Callable[..., dict[str, Any]]) -> Any:
    """Mark an unfinished import failed, with a ledger event; a finished one is kept."""
    from django.db import transaction

    from evidentia.custody import ledger

    with transaction.atomic():
        if mark_failed(type(job), job.pk, message):
            job.refresh_from_db()
            ledger.record(
                event,
                actor=job.imported_by,
                client=job.client,
                outcome="failure",
                detail=detail(job, failed=message),
            )
    job.refresh_from_db()
    return job


def sweep(
    model: type[models.Model],
    cutoff: datetime,
    uploads: StagedUploads,
    event: str,
    detail: Callable[..., dict[str, Any]],
) -> set[str]:
    """For the hourly cleanup: fail the imports stale since `cutoff` (their files go),
    and name the staged files the queued and running ones still need."""
    hours = round((timezone.now() - cutoff).total_seconds() / 3600, 1)
    for job in stale(model, cutoff).select_related("imported_by"):
        fail(job, stale_reason(job.state, hours), event, detail)
        uploads.remove(job.staged)
    return in_use(model)


def mark_failed(model: type[models.Model], pk: Any, message: str) -> bool:
    """An unfinished import becomes failed with `message`; False if it had finished."""
    now = timezone.now()
    changed = model.objects.filter(pk=pk, state__in=ACTIVE).update(  # type: ignore[attr-defined]
        state=FAILED, message=message, updated_at=now, finished_at=now
    )
    return changed == 1


def stale(model: type[models.Model], cutoff: datetime) -> models.QuerySet:
    """Queued since before `cutoff` (no worker took it), or running with no progress
    since then (its worker died)."""
    manager = model.objects  # type: ignore[attr-defined]
    return manager.filter(
        models.Q(state=QUEUED, created_at__lt=cutoff)
        | models.Q(state=RUNNING, updated_at__lt=cutoff)
    )


def stale_reason(state: str, hours: float) -> str:
    if state == QUEUED:
        return (
            f"No background worker started this import within {hours:g} hours, so it was "
            "stopped and nothing was imported. Check that the Celery worker is running, "
            "then upload the file again."
        )
    return (
        f"The background worker stopped reporting progress for {hours:g} hours, so the "
        "import was stopped and nothing was imported. Upload the file again."
    )


def in_use(model: type[models.Model]) -> set[str]:
    manager = model.objects  # type: ignore[attr-defined]
    return set(manager.filter(state__in=ACTIVE).exclude(staged="").values_list("staged", flat=True))


def status_response(job: Any) -> JsonResponse:
    response = JsonResponse(status(job))
    response["Cache-Control"] = "no-store"  # a poll must never see an old answer
    return response


def status(job: Any) -> dict[str, Any]:
    """What the result page and its JSON poll show about an import's progress."""
    expected = job.rows_expected or 0
    finished = job.state in FINISHED
    saving = job.state == RUNNING and job.rows_total > 0
    if job.state == QUEUED:
        text = "Waiting for a background worker to start the import."
    elif saving:
        text = f"All {job.rows_total:,} rows read; saving them."
    elif job.state == RUNNING:
        text = f"{job.rows_read:,} rows read" + (f" of about {expected:,}." if expected else ".")
    else:
        text = f"Finished: {job.get_state_display().lower()}."
    if finished or saving:
        percent = 100
    elif expected:
        percent = min(99, 100 * job.rows_read // expected)
    else:
        percent = 0
    return {
        "state": job.state,
        "finished": finished,
        "rows_read": job.rows_read,
        "rows_expected": job.rows_expected,
        "percent": percent,
        "text": text,
        "message": job.message if job.state == FAILED else "",
    }
