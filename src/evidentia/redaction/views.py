"""The redaction studio's pages: an item's plans, the studio for one plan, and the
redacted version's stream and review-log PDF (permission-checked, ledger-logged).

The pages are thin: everything they change goes through the JSON API
(/api/v1/redaction/), which calls the services that check permission and write the ledger.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from evidentia.accounts.auth import staff_required
from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.custody import events, ledger
from evidentia.custody.models import Event
from evidentia.evidence.models import Item
from evidentia.evidence.services import playback
from evidentia.evidence.services.access import get_item
from evidentia.redaction import services
from evidentia.redaction.models import RedactedVersion, RedactionPlan

PLAYED_KEY = "evidentia.redacted_played"
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


def _version(user: User, plan_id: str, version_id: int) -> tuple[RedactionPlan, RedactedVersion]:
    rp = services.get_plan(user, plan_id)  # 404 for outsiders, 403 for roles that cannot
    version = (
        rp.versions.select_related("blob", "review_log", "review_pdf").filter(pk=version_id).first()
    )
    if version is None:
        raise NotFound("No such redacted version of this plan.")
    return rp, version


def log_played(user: User, item: Item, version: RedactedVersion, request: HttpRequest) -> bool:
    """One `evidence.played` event per user, redacted version and browser session."""
    session = request.session
    mark = f"{user.pk}:{version.pk}"
    played: list[str] = session.get(PLAYED_KEY, [])
    if mark in played:
        return False
    tag = playback.session_tag(request)
    with transaction.atomic():
        list(Item.objects.select_for_update().filter(pk=item.pk).values_list("pk"))
        logged = tag is not None and (
            Event.objects.filter(kind=events.PLAYED, item_id=item.pk, actor=user.get_username())
            .filter(body__contains=f'"session":"{tag}"')
            .filter(body__contains=f'"sha256":"{version.blob.sha256}"')
            .exists()
        )
        if not logged:
            detail = {
                "copy": "redacted",
                "plan": str(version.plan_id),
                "version": version.pk,
                "sha256": version.blob.sha256,
                "session": tag,
            }
            ledger.record(events.PLAYED, actor=user, request=request, item=item, detail=detail)
    session[PLAYED_KEY] = [*played[-200:], mark]
    return not logged


@staff_required
@require_safe
def version_stream(request: HttpRequest, plan_id: str, version_id: int) -> HttpResponse:
    """The redacted video, with HTTP ranges, as the player's stream serves the original."""
    try:
        rp, version = _version(request.user, plan_id, version_id)
    except EvidentiaError as exc:
        return _error(request, exc)
    blob = version.blob
    size, etag = blob.size, f'"{blob.sha256}"'
    try:
        span = playback.parse_range(request.headers.get("Range"), size)
    except playback.Unsatisfiable:
        refused = HttpResponse(
            f"The requested range starts past the end of the {size}-byte video.",
            status=416,
            content_type="text/plain; charset=utf-8",
        )
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if_range = request.headers.get("If-Range")
    if span is not None and if_range is not None and if_range.strip() != etag:
        span = None
    first, last = span if span is not None else (0, size - 1)
    length = last - first + 1
    if request.method == "GET":
        log_played(request.user, rp.item, version, request)
        body = playback.read(blob, first, length)
    else:
        body = iter(())
    mime = "video/mp4"
    if rp.item.kind == "image":
        mime = "image/png" if rp.item.original_name.lower().endswith(".png") else "image/jpeg"
    response = StreamingHttpResponse(body, status=206 if span else 200, content_type=mime)
    if span is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"], response["Cache-Control"] = etag, CACHE
    return response


@staff_required
@require_safe
def version_review_pdf(request: HttpRequest, plan_id: str, version_id: int) -> HttpResponse:
    """The review log's PDF summary, as a download; logged as `evidence.downloaded`."""
    try:
        rp, version = _version(request.user, plan_id, version_id)
    except EvidentiaError as exc:
        return _error(request, exc)
    data = b"".join(playback.read(version.review_pdf))
    if hashlib.sha256(data).hexdigest() != version.review_pdf.sha256:
        return _error(request, NotFound("The review log PDF failed its integrity check."))
    if request.method == "GET":
        ledger.record(
            events.DOWNLOADED,
            actor=request.user,
            request=request,
            item=rp.item,
            detail={
                "copy": "redaction review log PDF",
                "plan": str(rp.pk),
                "version": version.pk,
                "sha256": version.review_pdf.sha256,
            },
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"redaction-log-{rp.item_id}-plan{rp.number}.pdf"
    )
    response["X-Content-SHA256"] = version.review_pdf.sha256
    return response
