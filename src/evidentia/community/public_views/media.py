"""/public/media/<id>: the published, redacted copy of a public report's file, with
HTTP ranges. Never the original evidence (`item.blob`), whatever the request."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from evidentia.community.models import ReportMedia
from evidentia.community.public_views.common import not_found
from evidentia.community.services import public
from evidentia.evidence.media_views import ranged_response
from evidentia.evidence.services.playback import Playable


@require_safe
def media(request: HttpRequest, media_id: uuid.UUID) -> HttpResponse:
    found = (
        ReportMedia.objects.select_related("public_blob")
        .filter(
            pk=media_id,
            public_blob__isnull=False,
            published_at__isnull=False,
            report__in=public.public_reports(),
        )
        .first()
    )
    if found is None or found.public_blob is None:
        return not_found(request, "file")
    blob = found.public_blob
    source = Playable(blob=blob, mime=blob.mime or "application/octet-stream", copy="redacted")
    response = ranged_response(request, source, lambda: None)
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Disposition"] = "inline"
    return response
