"""tus uploads for people without an account, at /public/uploads/: the staff
endpoint's protocol code, authenticated by an `Upload-Grant` header (a signed grant
from the page that uploads: a report just filed, or a witness invite)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from evidentia.community.services import grants, ratelimit
from evidentia.evidence import tus
from evidentia.evidence.services.upload_grants import Grant
from evidentia.evidence.services.uploads import UploadError

HEADER = "Upload-Grant"


def authenticate(request: HttpRequest) -> Grant:
    grant = grants.from_header(request.headers.get(HEADER, ""))
    if grant is None:
        raise UploadError(
            401,
            "This upload link is not valid or has expired. Open your report with its "
            "tracking code (or your invitation link) and add the files from there.",
        )
    if tus.method_of(request) == "POST":  # new files count; resuming one does not
        try:
            ratelimit.hit(request, "upload", settings.PORTAL_UPLOADS_PER_HOUR, "uploads")
        except ratelimit.RateLimited as exc:
            raise UploadError(429, exc.message, retry_after=exc.retry_after) from None
    return grant


collection = tus.tus_endpoint(tus.collection_view, auth=authenticate)
resource = tus.tus_endpoint(tus.resource_view, auth=authenticate)
