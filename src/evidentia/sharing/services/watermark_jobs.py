"""Watermarked copies are made by a Celery task, never while a browser waits
(docs/decisions/0030-watermark-jobs.md).

A share queues one WatermarkJob per video item when it is made; a player that finds no
copy and no job (an older share, an item added to a shared case later) queues one then.
The task claims a queued job once, burns the copy with `watermark.make` and writes its
progress every few percent. A failure leaves the job failed with a plain message; a
later play re-queues it after a minute, or at once with "Try again". A revoked or
expired share is never burnt. Access checks stay with the callers (the players' views).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from evidentia.core.errors import EvidentiaError
from evidentia.evidence.models import Item, Kind
from evidentia.evidence.services import playback
from evidentia.sharing.models import Share, WatermarkedCopy, WatermarkJob
from evidentia.sharing.services import watermark

log = logging.getLogger(__name__)
State = WatermarkJob.State
RETRY_AFTER = timedelta(minutes=1)
FAILED_MESSAGE = "The recording could not be re-encoded with the watermark."


def _stale_after() -> timedelta:
    """A queued or running job not heard from for this long lost its worker (progress is
    written every few percent, so a live one is heard from far more often)."""
    return timedelta(minutes=float(getattr(settings, "WATERMARK_STALE_MINUTES", 15)))


class NotReady(EvidentiaError):
    """The copy is still being made: 503, try again shortly."""

    status = 503


@dataclass(frozen=True)
class Progress:
    state: str  # "ready", or a WatermarkJob state
    percent: int = 0
    message: str = ""

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    @property
    def failed(self) -> bool:
        return self.state == State.FAILED

    @property
    def finished(self) -> bool:
        return self.ready or self.failed

    @property
    def text(self) -> str:
        if self.ready:
            return "The watermarked copy is ready. Press play to watch it."
        if self.failed:
            return f"The watermarked copy could not be made. {self.message}".strip()
        if self.state == State.RUNNING:
            return f"Preparing a watermarked copy of this recording — {self.percent}%"
        return "Preparing a watermarked copy of this recording — waiting to start"

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "percent": self.percent,
            "text": self.text,
            "ready": self.ready,
            "failed": self.failed,
            "finished": self.finished,
        }


def wants_copy(item: Item) -> bool:
    return item.kind == Kind.VIDEO and item.disposed_at is None


def _send(share_id: object, item_id: object) -> None:
    from evidentia.sharing.tasks import make_watermarked_copy

    ids = (str(share_id), str(item_id))
    transaction.on_commit(lambda: make_watermarked_copy.delay(*ids))


def queue_for_share(share: Share, items: list[Item]) -> None:
    """Inside the transaction that makes the share: a job per video item, sent once it
    commits."""
    for item in items:
        if wants_copy(item):
            WatermarkJob.objects.create(share=share, item=item)
            _send(share.pk, item.pk)


def _requeue(job: WatermarkJob) -> None:
    """Back to queued, unless someone else moved it first (two polls at once send one)."""
    moved = WatermarkJob.objects.filter(
        pk=job.pk, state=job.state, updated_at=job.updated_at
    ).update(state=State.QUEUED, progress=0, message="", updated_at=timezone.now())
    if moved:
        _send(job.share_id, job.item_id)


def _read(share: Share, item: Item) -> Progress:
    if WatermarkedCopy.objects.filter(share=share, item=item).exists():
        return Progress("ready", 100)
    job = WatermarkJob.objects.filter(share=share, item=item).first()
    if job is None or job.state == State.DONE:  # done without a copy: it was made again
        return Progress(State.QUEUED)
    return Progress(job.state, job.progress, job.message)


def progress_of(share: Share, item: Item, *, retry_failed: bool = True) -> Progress:
    """Where the copy stands, queueing it when nothing is under way: no job yet, a job
    that lost its worker, or (with `retry_failed`) one that failed over a minute ago."""
    if WatermarkedCopy.objects.filter(share=share, item=item).exists():
        return Progress("ready", 100)
    now = timezone.now()
    job, created = WatermarkJob.objects.get_or_create(share=share, item=item)
    if created:
        _send(share.pk, item.pk)
    elif job.state == State.DONE:
        _requeue(job)
    elif job.state == State.FAILED:
        if retry_failed and job.updated_at < now - RETRY_AFTER:
            _requeue(job)
    elif job.updated_at < now - _stale_after():
        _requeue(job)
    return _read(share, item)  # the eager test mode has already run it


def retry(share: Share, item: Item) -> Progress:
    """ "Try again": a failed job is queued again at once."""
    job = WatermarkJob.objects.filter(share=share, item=item, state=State.FAILED).first()
    if job is not None:
        _requeue(job)
    return progress_of(share, item, retry_failed=False)


def with_copies(share: Share) -> tuple[list[Item], bool]:
    """For a player: the share's items, each with `.copy_state` (a video's Progress,
    queued now if nothing is under way; else None), and whether any is still being made."""
    from evidentia.sharing.services.shares import items_of  # shares queues through us

    items = list(items_of(share).select_related("blob"))
    preparing = False
    for item in items:
        state = progress_of(share, item) if wants_copy(item) else None
        item.copy_state = state  # type: ignore[attr-defined]
        preparing = preparing or (state is not None and not state.finished)
    return items, preparing


def playable(share: Share, item: Item) -> playback.Playable:
    """The copy to stream; NotReady (503) while it is being made, queueing it if needed."""
    found = watermark.ready_copy(share, item)
    if found is None:
        state = progress_of(share, item)
        found = watermark.ready_copy(share, item)
        if found is None:
            raise NotReady(state.text)
    return found


# The task's side.


def _set(job_id: int, **fields: Any) -> None:
    WatermarkJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def _reporter(job_id: int, share_id: object):
    def report(percent: int) -> None:
        # Checked every few percent, so a revocation stops a long burn early.
        live = Share.objects.filter(
            pk=share_id, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).exists()
        if not live:
            raise watermark.ShareEnded("The share ended while its copy was being made.")
        _set(job_id, progress=percent)

    return report


def run(share_id: str, item_id: str) -> str:
    """The task's body: make the copy if the job is queued (or lost its worker) and the
    share is live. Safe to run twice: the second finds the copy, or a running job."""
    share = Share.objects.select_related("grantee").filter(pk=share_id).first()
    item = Item.objects.select_related("blob").filter(pk=item_id).first()
    if share is None or item is None:
        return "gone"
    job, _ = WatermarkJob.objects.get_or_create(share=share, item=item)
    if WatermarkedCopy.objects.filter(share=share, item=item).exists():
        _set(job.pk, state=State.DONE, progress=100, message="")
        return "exists"
    if not share.live:
        why = "revoked" if share.revoked_at is not None else "expired"
        _set(job.pk, state=State.FAILED, message=f"The share was {why}; no copy was made.")
        return f"share {why}"
    if not wants_copy(item):
        _set(job.pk, state=State.FAILED, message="Only video that is still kept is copied.")
        return "not a video"
    lost = Q(state=State.RUNNING, updated_at__lt=timezone.now() - _stale_after())
    claimed = (
        WatermarkJob.objects.filter(pk=job.pk)
        .filter(Q(state=State.QUEUED) | lost)
        .update(
            state=State.RUNNING,
            progress=0,
            message="",
            attempts=F("attempts") + 1,
            updated_at=timezone.now(),
        )
    )
    if not claimed:
        return "not queued"
    try:
        watermark.make(share, item, progress=_reporter(job.pk, share.pk))
    except watermark.ShareEnded as exc:
        _set(job.pk, state=State.FAILED, message=exc.message)
        return "share ended"
    except EvidentiaError as exc:  # e.g. no playable proxy yet: the message says why
        log.warning("watermark job %s failed: %s", job.pk, exc.message)
        _set(job.pk, state=State.FAILED, message=exc.message[:300])
        return "failed"
    except Exception:
        log.exception("watermark job %s failed", job.pk)
        _set(job.pk, state=State.FAILED, message=FAILED_MESSAGE)
        return "failed"
    _set(job.pk, state=State.DONE, progress=100, message="")
    return "done"
