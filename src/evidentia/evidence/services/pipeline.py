"""The media pipeline: after a successful probe, make the derived files an item needs.

Each step is a `Job` (kind = the derivative kind) with a state, a percentage and an error
text (rule 9), and each result is a new blob in the vault with its own SHA-256, linked to
the item by a `Derivative` row and announced by a `evidence.derivative_created` ledger event
in the same transaction (rule 1). A step that fails leaves the original untouched and says
why (rule 7); a custodian can retry it. Running a step again once its file exists does
nothing, so every task is idempotent.
"""

from __future__ import annotations

import io
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.core.errors import NotFound, PermissionDenied
from evidentia.custody import events, ledger
from evidentia.evidence.models import Derivative, Item, Job, Kind, Processing
from evidentia.evidence.services import stills, track_geojson, transcode, waveform
from evidentia.evidence.services.avkit import Built, DerivativeError, Progress
from evidentia.evidence.vaultio import blob_for, vault

log = logging.getLogger(__name__)
ACTOR = "media-pipeline"
D = Derivative.Kind
Builder = Callable[[Item, Path, Progress], Built]
BUILDERS: dict[str, Builder] = {
    D.POSTER: stills.build_poster,
    D.SPRITE: stills.build_sprite,
    D.WAVEFORM: waveform.build_waveform,
    D.TRACK: track_geojson.build_track,
    D.PROXY: transcode.build_proxy,
}
RETRIERS = {Role.CUSTODIAN, Role.ADMIN}
STALE_AFTER = timedelta(hours=1)  # a job "running" this long lost its worker
PROGRESS_EVERY_S = 1.0


def kinds_for(item: Item) -> list[str]:
    """The derived files an item gets, quickest first, once its probe has succeeded."""
    if item.processing != Processing.DONE:
        return []
    info = item.media or {}
    kind = info.get("kind") or item.kind
    if kind == Kind.IMAGE:
        return [D.POSTER]
    if kind == Kind.AUDIO:
        return [D.WAVEFORM, D.PROXY]
    if kind != Kind.VIDEO:
        return []
    kinds = [D.POSTER, D.SPRITE]
    if info.get("audio_codec"):
        kinds.append(D.WAVEFORM)
    if item.sidecars.filter(kind=Kind.GPS).exists():
        kinds.append(D.TRACK)
    return [*kinds, D.PROXY]


def start(item: Item) -> list[Job]:
    """Queue every step the item still needs; steps already done or failed are left alone."""
    return [queue(item, kind) for kind in kinds_for(item)]


def queue(item: Item, kind: str, *, again: bool = False) -> Job:
    """Create the step's job and send it to a worker once the caller's transaction commits.

    A step that already has a job is sent again only when ``again`` (a retry).
    """
    from evidentia.evidence.tasks import make_derivative

    job, created = Job.objects.get_or_create(item=item, kind=kind)
    if Derivative.objects.filter(item=item, kind=kind).exists():
        if job.state != Job.State.DONE:
            _set(job, Job.State.DONE, 100)
        return job
    if not (created or again):
        return job
    item_id = str(item.pk)
    transaction.on_commit(lambda: make_derivative.delay(item_id, kind))
    return job


def _set(job: Job, state: str, progress: int, error: str = "") -> None:
    job.state, job.progress, job.error = state, progress, error
    job.save(update_fields=["state", "progress", "error", "attempts", "updated_at"])


def _reporter(job: Job) -> Progress:
    """Write the percentage at most once a second: the UI polls it, the database need not
    hear about every frame."""
    last = {"pct": 0, "at": 0.0}

    def report(fraction: float) -> None:
        pct = max(0, min(99, int(fraction * 100)))
        now = time.monotonic()
        if pct > last["pct"] and now - last["at"] >= PROGRESS_EVERY_S:
            last["pct"], last["at"] = pct, now
            Job.objects.filter(pk=job.pk).update(progress=pct, updated_at=timezone.now())

    return report


def run(item: Item, kind: str) -> Job:
    """Make one derived file unless it exists. Never raises for a bad recording."""
    if kind not in BUILDERS:
        raise ValueError(f"unknown derivative kind {kind!r}")
    job, _ = Job.objects.get_or_create(item=item, kind=kind)
    if Derivative.objects.filter(item=item, kind=kind).exists():
        if job.state != Job.State.DONE:
            _set(job, Job.State.DONE, 100)
        return job
    label = D(kind).label.lower()
    if item.processing != Processing.DONE:
        return _fail(item, job, f"the original could not be read, so no {label} was made")
    job.attempts += 1
    _set(job, Job.State.RUNNING, 0)
    workroot = Path(settings.FILE_UPLOAD_TEMP_DIR)
    workroot.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=workroot, prefix="derive-") as workdir:
            built = BUILDERS[kind](item, Path(workdir), _reporter(job))
            save(item, kind, built)
    except DerivativeError as exc:
        return _fail(item, job, str(exc))
    except Exception as exc:  # a decoder crash is a failed step, not lost evidence
        log.exception("making the %s of %s failed", kind, item.pk)
        return _fail(item, job, f"unexpected error while making the {label}: {exc}")
    _set(job, Job.State.DONE, 100)
    return job


def _fail(item: Item, job: Job, reason: str) -> Job:
    with transaction.atomic():
        _set(job, Job.State.FAILED, 100, reason)
        ledger.record(
            events.PROCESSING_FAILED,
            actor=ACTOR,
            item=item,
            outcome="failure",
            detail={"step": job.kind, "reason": reason, "attempt": job.attempts},
        )
    return job


def save(item: Item, kind: str, built: Built) -> Derivative:
    """Write a derived file to the vault as a new blob and link it, with its ledger event."""
    v = vault()
    if built.data is not None:
        written = v.write(io.BytesIO(built.data), uuid.uuid4())
    elif built.path is not None:
        with open(built.path, "rb") as source:
            written = v.write(source, uuid.uuid4())
    else:
        raise DerivativeError(f"the {kind} step produced nothing")
    try:
        with transaction.atomic():
            # Identical bytes already in the vault (two silent clips' waveforms) share a blob.
            blob, reused = blob_for(written, built.mime)
            derivative = Derivative.objects.create(item=item, kind=kind, blob=blob, meta=built.meta)
            ledger.record(
                events.DERIVATIVE_CREATED,
                actor=ACTOR,
                item=item,
                detail={
                    "kind": kind,
                    "source_sha256": item.blob.sha256,
                    "sha256": blob.sha256,
                    "size": blob.size,
                    "mime": built.mime,
                    "parameters": built.params,
                },
            )
    except IntegrityError:
        v.store.delete(written.storage_key)
        existing = Derivative.objects.filter(item=item, kind=kind).first()
        if existing is None:
            raise
        return existing  # another worker made it first
    except BaseException:
        v.store.delete(written.storage_key)
        raise
    if reused:
        v.store.delete(written.storage_key)
    return derivative


def retryable(job: Job) -> bool:
    if job.state == Job.State.FAILED:
        return True
    stale = job.updated_at < timezone.now() - STALE_AFTER
    return job.state in (Job.State.QUEUED, Job.State.RUNNING) and stale


def retry(item: Item, kind: str, actor: User) -> tuple[Job, bool]:
    """Queue a failed (or stalled) step again. Returns the job and whether it was queued;
    retrying a step that is done or under way changes nothing."""
    if actor.role not in RETRIERS:
        raise PermissionDenied("Only an evidence custodian or an administrator can retry a step.")
    if kind not in BUILDERS and kind != "probe":
        raise NotFound(f"There is no processing step called {kind!r}.")
    job = Job.objects.filter(item=item, kind=kind).first()
    if job is None:
        raise NotFound(f"This item has no {kind} step to retry.")
    if not retryable(job):
        return job, False
    log.info("%s retried the %s step of %s (attempt %d)", actor, kind, item.pk, job.attempts + 1)
    with transaction.atomic():
        _set(job, Job.State.QUEUED, 0)
        if kind == "probe":
            from evidentia.evidence.tasks import process_item

            item.processing, item.processing_error = Processing.PENDING, ""
            item.save(update_fields=["processing", "processing_error"])
            item_id = str(item.pk)
            transaction.on_commit(lambda: process_item.delay(item_id))
        else:
            queue(item, kind, again=True)
    return job, True
