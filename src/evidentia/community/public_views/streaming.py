"""Forms that carry files without JavaScript: each file streams straight into the
vault as it arrives (no plaintext temp file), then becomes evidence or is deleted.

The vault handler must be in place before anything reads the body, and Django's CSRF
check reads it, so these views are csrf_exempt and run the same check themselves
right after installing the handler (Django's documented pattern for custom upload
handlers). A blob nobody claims is deleted when the request ends."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from evidentia.community.models import Report
from evidentia.community.public_views.common import problem
from evidentia.community.services import reports
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.services.ingest import safe_title
from evidentia.evidence.uploads import VaultUpload, VaultUploadHandler, install_many

log = logging.getLogger(__name__)
FIELD = "files"
_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def is_multipart(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type == "multipart/form-data"


@contextmanager
def incoming(
    request: HttpRequest, *, max_bytes: int, max_files: int
) -> Iterator[VaultUploadHandler | None]:
    """The files of a multipart POST, streamed into the vault; unclaimed ones removed."""
    handler = None
    if is_multipart(request):
        handler = install_many(
            request,
            field=FIELD,
            max_bytes=max_bytes,
            max_files=max(0, max_files),
            allowed_types=tuple(settings.PORTAL_ALLOWED_TYPES),
        )
    try:
        yield handler
    finally:
        if handler is not None:
            handler.discard()


def read_form(request: HttpRequest) -> HttpResponse | None:
    """Read the body (files go to the vault) and check CSRF: None when all is well,
    else the page to answer with."""
    try:
        refused = _csrf.process_view(request, None, (), {})
        request.POST  # noqa: B018 - read it now, inside this try
    except Exception:
        log.warning("a public form's body could not be read", exc_info=True)
        return problem(
            request,
            400,
            "The form did not arrive whole",
            "The connection broke or the server could not store your files just now. "
            "Nothing was filed. Please go back and send it again.",
        )
    if refused is not None:
        return problem(
            request,
            403,
            "This page had expired",
            "For your security the form only works from a freshly loaded page (and with "
            "cookies allowed). Go back, reload the page and send it again.",
        )
    return None


def store_report_files(report: Report, handler: VaultUploadHandler | None) -> tuple[int, list[str]]:
    """Make each streamed file evidence of the report: how many were stored, and the
    problems, one per file refused. Only a stored file is claimed: a refused one is
    deleted with the rest when the request ends."""
    if handler is None:
        return 0, []
    problems = [r.message for r in handler.refused]
    kept = 0
    for upload in handler.stored:
        try:
            reports.store_file(report, upload.written, upload.head, upload.name or "upload")
        except EvidentiaError as exc:
            problems.append(f"{safe_title(upload.name or 'upload')}: {exc.message}")
            continue
        handler.claim(upload)
        kept += 1
    return kept, problems


def stored(handler: VaultUploadHandler | None) -> list[VaultUpload]:
    return list(handler.stored) if handler is not None else []
