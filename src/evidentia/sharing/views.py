"""Export for court from the item and case pages: builds the ZIP now (synchronously:
a large case keeps the request open while it is written) and streams it back."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.cases.policy import visible_case
from evidentia.core.errors import EvidentiaError, Rejected
from evidentia.sharing.services import exports


def _refused(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(request, "evidence/error.html", {"message": exc.message}, status=exc.status)


def _variant(request: HttpRequest) -> bool:
    variant = request.POST.get("variant", "originals")
    if variant not in ("originals", "redacted"):
        raise Rejected("Choose originals or redacted copies.")
    return variant == "redacted"


def _send(request: HttpRequest, name: str, **scope: object) -> HttpResponse:
    user = signed_in_user(request)
    folder = Path(tempfile.mkdtemp(prefix="export-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    path = folder / f"{name}.zip"
    try:
        redacted = _variant(request)
        result = exports.export(
            user, redacted=redacted, out=path, as_zip=True, request=request, **scope
        )
        handle = open(result.path, "rb")  # noqa: SIM115 - FileResponse closes it
    except EvidentiaError as exc:
        return _refused(request, exc)
    finally:
        # The open handle keeps the bytes readable; the name goes now.
        if path.exists():
            os.unlink(path)
        os.rmdir(folder)
    suffix = "-redacted" if redacted else ""
    response = FileResponse(
        handle, as_attachment=True, filename=f"{name}{suffix}.zip", content_type="application/zip"
    )
    response["X-Export-Id"] = result.export_id
    response["X-Manifest-SHA256"] = result.manifest_sha256
    return response


@staff_required
@require_POST
def export_case(request: HttpRequest, case_id: str) -> HttpResponse:
    try:
        case = visible_case(signed_in_user(request), case_id)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return _send(request, f"case-{exports.contents.safe_name(case.number)}", case=case)


@staff_required
@require_POST
def export_item(request: HttpRequest, item_id: str) -> HttpResponse:
    return _send(request, f"item-{item_id}", items=[item_id])
