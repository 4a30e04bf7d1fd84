"""Playback and derived media for the player: the stream (HTTP ranges), poster, sprite,
waveform, track, the pipeline's job status, and retrying a failed step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from evidentia.accounts.auth import staff_required
from evidentia.accounts.models import Role
from evidentia.core.canonical import rfc3339
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.evidence import policy
from evidentia.evidence.models import Blob, Derivative, Item
from evidentia.evidence.services import access, pipeline, playback

D = Derivative.Kind
CACHE = "private, max-age=300"
STEP_LABELS = {"probe": "examination", **{k.value: k.label.lower() for k in D}}
MEDIA_URLS = {
    "poster": (D.POSTER, "evidence:poster"),
    "sprite": (D.SPRITE, "evidence:sprite"),
    "sprite_meta": (D.SPRITE, "evidence:sprite_meta"),
    "waveform": (D.WAVEFORM, "evidence:waveform"),
    "track": (D.TRACK, "evidence:track"),
}


def _error(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(request, "evidence/error.html", {"message": exc.message}, status=exc.status)


def _json_error(exc: EvidentiaError) -> JsonResponse:
    return JsonResponse({"detail": exc.message}, status=exc.status)


def _etag(blob: Blob) -> str:
    return f'"{blob.sha256}"'


def _not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    seen = request.headers.get("If-None-Match", "")
    if etag in [t.strip() for t in seen.split(",")] or seen.strip() == "*":
        response = HttpResponse(status=304)
        response["ETag"], response["Cache-Control"] = etag, CACHE
        return response
    return None


def _gone(request: HttpRequest, blob: Blob) -> HttpResponse | None:
    """A blob destroyed by retention disposition answers 410 with the reason."""
    if blob.destroyed_at is None:
        return None
    message = (
        f"This file was destroyed on {blob.destroyed_at:%Y-%m-%d} by retention disposition "
        "(crypto-shredding). Its hash and the signed disposition certificate remain."
    )
    return _error(request, access.Disposed(message))


def _blob(request: HttpRequest, blob: Blob, mime: str) -> HttpResponse:
    if (gone := _gone(request, blob)) is not None:
        return gone
    etag = _etag(blob)
    if (cached := _not_modified(request, etag)) is not None:
        return cached
    body = playback.read(blob) if request.method == "GET" else iter(())
    response = StreamingHttpResponse(body, content_type=mime)
    response["Content-Length"] = str(blob.size)
    response["ETag"], response["Cache-Control"] = etag, CACHE
    return response


@staff_required
@require_safe
def stream(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        item = playback.playable_item(request.user, item_id)
        if request.user.role == Role.PROSECUTOR:
            return _through_share(request, item)
        source = playback.stream_source(item)
    except EvidentiaError as exc:
        return _error(request, exc)
    return ranged_response(
        request, source, lambda: playback.log_played(request.user, item, source, request)
    )


def _through_share(request: HttpRequest, item: Item) -> HttpResponse:
    """Grantees play through their share, so view-only shares get the watermarked copy
    and the PLAYED event names the share."""
    from evidentia.sharing.services import shares

    found = shares.covering(request.user, item)
    if found is None:
        raise NotFound("No such evidence item, or you do not have access to it.")
    return redirect("sharing:share_stream", share_id=found.pk, item_id=item.pk)


def ranged_response(
    request: HttpRequest, source: playback.Playable, on_play: Callable[[], object]
) -> HttpResponse:
    """`source` from the vault with single HTTP ranges (RFC 9110): 206, 416 past the end,
    the whole copy when If-Range no longer matches. `on_play` runs for GET, not HEAD."""
    if (gone := _gone(request, source.blob)) is not None:
        return gone
    size, etag = source.blob.size, _etag(source.blob)
    try:
        span = playback.parse_range(request.headers.get("Range"), size)
    except playback.Unsatisfiable:
        refused = HttpResponse(
            f"The requested range starts past the end of the {size}-byte file.",
            status=416,
            content_type="text/plain; charset=utf-8",
        )
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if_range = request.headers.get("If-Range")
    if span is not None and if_range is not None and if_range.strip() != etag:
        span = None  # the copy changed since the client's first part: send it whole
    first, last = span if span is not None else (0, size - 1)
    length = last - first + 1
    if request.method == "GET":
        on_play()
        body = playback.read(source.blob, first, length)
    else:
        body = iter(())
    response = StreamingHttpResponse(
        body, status=206 if span else 200, content_type=source.mime or "video/mp4"
    )
    if span is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"], response["Cache-Control"] = etag, CACHE
    return response


def _derived_blob(request: HttpRequest, item_id: str, kind: str, mime: str) -> HttpResponse:
    try:
        found = playback.derivative(request.user, item_id, kind)
    except EvidentiaError as exc:
        return _json_error(exc) if "json" in mime else _error(request, exc)
    return _blob(request, found.blob, mime)


@staff_required
@require_safe
def poster(request: HttpRequest, item_id: str) -> HttpResponse:
    return _derived_blob(request, item_id, D.POSTER, "image/jpeg")


@staff_required
@require_safe
def sprite(request: HttpRequest, item_id: str) -> HttpResponse:
    return _derived_blob(request, item_id, D.SPRITE, "image/jpeg")


@staff_required
@require_safe
def waveform(request: HttpRequest, item_id: str) -> HttpResponse:
    return _derived_blob(request, item_id, D.WAVEFORM, "application/json")


@staff_required
@require_safe
def track(request: HttpRequest, item_id: str) -> HttpResponse:
    return _derived_blob(request, item_id, D.TRACK, "application/geo+json")


@staff_required
@require_safe
def sprite_meta(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        found = playback.derivative(request.user, item_id, D.SPRITE)
    except EvidentiaError as exc:
        return _json_error(exc)
    etag = _etag(found.blob)
    if (cached := _not_modified(request, etag)) is not None:
        return cached
    body = {
        **found.meta,
        "url": reverse("evidence:sprite", args=[found.item_id]),
        "sha256": found.blob.sha256,
    }
    response = JsonResponse(body)
    response["ETag"], response["Cache-Control"] = etag, CACHE
    return response


@staff_required
@require_safe
def jobs(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        item = access.get_item(request.user, item_id)
    except EvidentiaError as exc:
        return _json_error(exc)
    can_retry = request.user.role in pipeline.RETRIERS
    made = set(item.derivatives.values_list("kind", flat=True))
    can_play = policy.can_play(request.user, item) and item.disposed_at is None
    body: dict[str, Any] = {
        "item": str(item.pk),
        "processing": item.processing,
        "processing_error": item.processing_error,
        "can_play": can_play,
        "jobs": [
            {
                "kind": job.kind,
                "state": job.state,
                "progress": job.progress,
                "error": job.error,
                "attempts": job.attempts,
                "updated_at": rfc3339(job.updated_at),
                "retry_url": reverse("evidence:retry_job", args=[item.pk, job.kind])
                if can_retry and pipeline.retryable(job)
                else None,
            }
            for job in item.jobs.order_by("created_at", "pk")
        ],
        "media": {
            name: reverse(url, args=[item.pk]) if can_play and kind in made else None
            for name, (kind, url) in MEDIA_URLS.items()
        },
    }
    stream_ok = can_play and (D.PROXY in made or playback.browser_playable(item))
    body["media"]["stream"] = reverse("evidence:stream", args=[item.pk]) if stream_ok else None
    response = JsonResponse(body)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def retry_job(request: HttpRequest, item_id: str, kind: str) -> HttpResponse:
    try:
        item = access.get_item(request.user, item_id)
        job, queued = pipeline.retry(item, kind, request.user)
    except EvidentiaError as exc:
        return _error(request, exc)
    label = STEP_LABELS.get(kind, kind)
    if queued:
        messages.success(request, f"The {label} step was queued again.")
    else:
        state = job.get_state_display().lower()
        messages.info(request, f"The {label} step is {state}; there is nothing to retry.")
    return redirect("evidence:detail", item_id=item.pk)
