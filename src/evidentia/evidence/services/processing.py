"""After ingest: read what the file is. A file that cannot be read is still evidence.

Processing never changes the original: it fills the item's metadata, or records
why it failed. Running it twice gives the same result (tasks are idempotent).
"""

from __future__ import annotations

import logging
import mimetypes
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from evidentia.core.canonical import rfc3339
from evidentia.custody import events, ledger
from evidentia.evidence import gps, media
from evidentia.evidence.models import Item, Job, Kind, Processing
from evidentia.evidence.services import geo, pipeline
from evidentia.evidence.vaultio import open_blob

log = logging.getLogger(__name__)
PROBED_KINDS = {Kind.VIDEO, Kind.AUDIO, Kind.IMAGE}
MAX_TRACK_BYTES = 64 << 20
LINK_SLACK = timedelta(minutes=2)


def _job(item: Item, kind: str) -> Job:
    job, _ = Job.objects.get_or_create(item=item, kind=kind)
    return job


def _set(job: Job, state: str, progress: int, error: str = "") -> None:
    job.state, job.progress, job.error = state, progress, error
    job.save(update_fields=["state", "progress", "error", "attempts", "updated_at"])


def process(item: Item) -> Item:
    """Probe media or parse a GPS track, once. Safe to call again."""
    if item.processing in (Processing.DONE, Processing.NOT_NEEDED):
        return item
    if item.kind not in PROBED_KINDS and item.kind != Kind.GPS and not _named_like_media(item):
        item.processing = Processing.NOT_NEEDED
        item.save(update_fields=["processing"])
        return item
    job = _job(item, "probe")
    job.attempts += 1
    _set(job, Job.State.RUNNING, 10)
    try:
        if item.kind == Kind.GPS:
            _process_track(item)
        else:
            _process_media(item)
    except (media.ProbeError, gps.TrackError) as exc:
        return _failed(item, job, str(exc))
    except Exception as exc:  # a crash in a decoder is a processing failure, not lost evidence
        log.exception("processing %s failed", item.pk)
        return _failed(item, job, f"unexpected error while reading the file: {exc}")
    _set(job, Job.State.DONE, 100)
    if item.kind != Kind.GPS:
        pipeline.start(item)
    return item


def _named_like_media(item: Item) -> bool:
    """Unrecognised content under a media name: probing tells the custodian why it failed."""
    guessed, _ = mimetypes.guess_type(item.original_name)
    return item.kind == Kind.OTHER and (guessed or "").split("/")[0] in ("video", "audio", "image")


def _failed(item: Item, job: Job, reason: str) -> Item:
    with transaction.atomic():
        item.processing = Processing.FAILED
        item.processing_error = reason
        item.save(update_fields=["processing", "processing_error"])
        ledger.record(
            events.PROCESSING_FAILED,
            actor="media-pipeline",
            item=item,
            outcome="failure",
            detail={"step": "probe", "reason": reason},
        )
    _set(job, Job.State.FAILED, 100, reason)
    return item


def _process_media(item: Item) -> None:
    with open_blob(item.blob) as source:
        info = media.probe(source)
    with transaction.atomic():
        item.media = info.to_dict()
        item.duration_seconds = info.duration
        if item.recorded_at is None and info.creation_time is not None:
            item.recorded_at = info.creation_time
        item.processing, item.processing_error = Processing.DONE, ""
        item.save(
            update_fields=[
                "media",
                "duration_seconds",
                "recorded_at",
                "processing",
                "processing_error",
            ]
        )
        geo.index_location(item, info.location, item.recorded_at)
    link_sidecars(item)


def _process_track(item: Item) -> None:
    if item.blob.size > MAX_TRACK_BYTES:
        raise gps.TrackError("the track file is larger than 64 MiB; it is stored but not parsed")
    with open_blob(item.blob) as source:
        track = gps.parse_track(source.read(), hint=item.original_name)
    lats = [p.lat for p in track.points]
    lons = [p.lon for p in track.points]
    with transaction.atomic():
        item.media = {
            "format": track.source_format,
            "points": len(track.points),
            "skipped_lines": track.skipped_lines,
            "device": track.device,
            "start": rfc3339(track.start) if track.start else None,
            "end": rfc3339(track.end) if track.end else None,
            "bbox": [min(lons), min(lats), max(lons), max(lats)] if lats else None,
        }
        if item.recorded_at is None:
            item.recorded_at = track.start
        if track.start and track.end:
            item.duration_seconds = (track.end - track.start).total_seconds()
        item.processing, item.processing_error = Processing.DONE, ""
        item.save(
            update_fields=[
                "media",
                "recorded_at",
                "duration_seconds",
                "processing",
                "processing_error",
            ]
        )
        geo.index_track(item, track)
    if item.recording_id is None:
        recording = find_recording_for(item)
        if recording is not None:
            link_track(item, recording, actor="media-pipeline", how="device and time")


def _span(item: Item) -> tuple | None:  # type: ignore[type-arg]
    if item.recorded_at is None:
        return None
    return item.recorded_at, item.recorded_at + timedelta(seconds=item.duration_seconds or 0)


def find_recording_for(track: Item) -> Item | None:
    """The recording from the same device whose time span overlaps the track's."""
    span = _span(track)
    if span is None or not track.device_id:
        return None
    start, end = span
    candidates = Item.objects.filter(
        kind=Kind.VIDEO,
        device_id=track.device_id,
        recorded_at__isnull=False,
        recorded_at__lte=end + LINK_SLACK,
        recorded_at__gte=start - timedelta(hours=12),
    ).order_by("recorded_at")
    for recording in candidates:
        r_start, r_end = _span(recording)  # type: ignore[misc]
        if r_start <= end + LINK_SLACK and r_end >= start - LINK_SLACK:
            return recording
    return None


def link_sidecars(recording: Item) -> None:
    if recording.kind != Kind.VIDEO or not recording.device_id:
        return
    for track in Item.objects.filter(
        kind=Kind.GPS, device_id=recording.device_id, recording__isnull=True
    ):
        if find_recording_for(track) == recording:
            link_track(track, recording, actor="media-pipeline", how="device and time")


def link_track(track: Item, recording: Item, *, actor, how: str, request=None) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        track.recording = recording
        track.save(update_fields=["recording"])
        ledger.record(
            events.TRACK_LINKED,
            actor=actor,
            request=request,
            item=recording,
            detail={"track": str(track.pk), "how": how},
        )
        if "track" in pipeline.kinds_for(recording):
            pipeline.queue(recording, "track")


def requeue_stale(older_than: timedelta = timedelta(hours=1)) -> int:
    """Jobs stuck in 'running' after a crash go back to the queue."""
    cutoff = timezone.now() - older_than
    return Job.objects.filter(state=Job.State.RUNNING, updated_at__lt=cutoff).update(
        state=Job.State.QUEUED
    )
