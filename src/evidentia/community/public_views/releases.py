"""/public/releases/: redacted footage the agency has released, with its statement.
The video is only ever the released RedactedVersion's file, never the original
evidence (`item.blob`); a withdrawn release answers 410 Gone."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from evidentia.community.models import Release
from evidentia.community.public_views.common import not_found, page, private
from evidentia.community.services import releases
from evidentia.evidence.media_views import ranged_response
from evidentia.evidence.services.playback import Playable


def _gone(request: HttpRequest, release: Release) -> HttpResponse:
    return private(page(request, "releases_gone.html", {"release": release}, status=410))


@require_safe
def release_list(request: HttpRequest) -> HttpResponse:
    live = Release.objects.live().order_by("-incident_date", "-published_at")
    return page(request, "releases.html", {"nav": "releases", "releases": live})


@require_safe
def release_detail(request: HttpRequest, key: str) -> HttpResponse:
    release = releases.find_public(key)
    if release is None:
        return not_found(request, "release")
    if not release.live:
        return _gone(request, release)
    return page(request, "releases_detail.html", {"nav": "releases", "release": release})


@require_safe
def release_video(request: HttpRequest, release_id: uuid.UUID) -> HttpResponse:
    release = Release.objects.select_related("version__blob", "item").filter(pk=release_id).first()
    if release is None:
        return not_found(request, "video")
    if not release.live:
        return _gone(request, release)
    blob = release.version.blob
    if blob.pk == release.item.blob_id or blob.sha256 != release.sha256:
        return not_found(request, "video")
    source = Playable(blob=blob, mime=blob.mime or "video/mp4", copy="redacted")
    response = ranged_response(request, source, lambda: None)
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Disposition"] = "inline"
    return response
