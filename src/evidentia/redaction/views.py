"""The redaction studio's pages: an item's plans, the studio for one plan, and the
redacted version's stream and review-log PDF (permission-checked, ledger-logged).

The pages are thin: everything they change goes through the JSON API
(/api/v1/redaction/), which calls the services that check permission and write the ledger.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from evidentia.accounts.auth import staff_required
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.media_views import ranged_response
from evidentia.evidence.services import playback
from evidentia.evidence.services.access import get_item
from evidentia.redaction import services

CACHE = "private, max-age=300"


def _error(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(request, "evidence/error.html", {"message": exc.message}, status=exc.status)


@staff_required
@require_safe
def item_plans(request: HttpRequest, item_id: str) -> HttpResponse:
    """The item's redaction plans, with a button to start automatic detection."""
    try:
        plans = services.plans_for(request.user, item_id)
        item = get_item(request.user, item_id)
    except EvidentiaError as exc:
        return _error(request, exc)
    get_token(request)  # the page's fetch calls need the CSRF cookie
    return render(
        request, "redaction/item_plans.html", {"item": item, "plans": plans, "nav": "evidence"}
    )


@staff_required
@require_safe
def studio(request: HttpRequest, plan_id: str) -> HttpResponse:
    try:
        rp = services.get_plan(request.user, plan_id)
    except EvidentiaError as exc:
        return _error(request, exc)
    get_token(request)
    source = (rp.plan or {}).get("source") or {}
    return render(
        request,
        "redaction/studio.html",
        {
            "rp": rp,
            "item": rp.item,
            "fps": source.get("fps") or rp.item.media.get("fps") or 30,
            "can_approve": request.user.role in services.APPROVERS,
            "nav": "evidence",
        },
    )


@staff_required
@require_safe
def version_stream(request: HttpRequest, plan_id: str, version_id: int) -> HttpResponse:
    """The redacted video, with HTTP ranges, as the player's stream serves the original."""
    try:
        version = services.get_version(request.user, plan_id, version_id)
    except EvidentiaError as exc:
        return _error(request, exc)
    rp = version.plan
    mime = "video/mp4"
    if rp.item.kind == "image":
        mime = "image/png" if rp.item.original_name.lower().endswith(".png") else "image/jpeg"
    source = playback.Playable(blob=version.blob, mime=mime, copy="redacted")
    extra = {"plan": str(version.plan_id), "version": version.pk}
    return ranged_response(
        request,
        source,
        lambda: playback.log_played(request.user, rp.item, source, request, extra),
    )


@staff_required
@require_safe
def version_review_pdf(request: HttpRequest, plan_id: str, version_id: int) -> HttpResponse:
    """The review log's PDF summary, as a download; logged as `evidence.downloaded`."""
    try:
        version = services.get_version(request.user, plan_id, version_id)
        data = services.read_review_pdf(
            request.user, version, request, download=request.method == "GET"
        )
    except EvidentiaError as exc:
        return _error(request, exc)
    rp = version.plan
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"redaction-log-{rp.item_id}-plan{rp.number}.pdf"
    )
    response["X-Content-SHA256"] = version.review_pdf.sha256
    return response
