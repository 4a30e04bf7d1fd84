"""Publishing a redacted copy of a report's photo or video: prepare, look, then confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.community.forms import PublishForm
from evidentia.community.models import ReportMedia
from evidentia.community.services import media as media_svc
from evidentia.community.services._common import get_report
from evidentia.community.views._base import error_page
from evidentia.community.views.report import detail_url
from evidentia.core.errors import EvidentiaError


def _find(request: HttpRequest, report_id: object, media_id: object) -> ReportMedia:
    user = signed_in_user(request)
    report = get_report(user, report_id)
    return media_svc.get_media(user, report, media_id)


def _back(media: ReportMedia) -> HttpResponseRedirect:
    return HttpResponseRedirect(detail_url(media.report, f"media-{media.pk}"))


@staff_required
@require_POST
def prepare(request: HttpRequest, report_id: object, media_id: object) -> HttpResponse:
    user = signed_in_user(request)
    try:
        media = _find(request, report_id, media_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    try:
        made = media_svc.prepare_image(media, actor=user, request=request)
    except EvidentiaError as exc:
        messages.error(request, exc.message)
        return _back(media)
    found = f"{made.faces} face{'s' if made.faces != 1 else ''} blurred"
    messages.info(request, f"Copy made ({found}, metadata removed). Check it before publishing.")
    return HttpResponseRedirect(
        reverse("community:media_copy", args=[media.report_id, media.pk, made.blob.pk])
    )


@staff_required
@never_cache
def copy_page(
    request: HttpRequest, report_id: object, media_id: object, blob_id: object
) -> HttpResponse:
    user = signed_in_user(request)
    try:
        media = _find(request, report_id, media_id)
        blob = media_svc.get_copy(user, media, blob_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    return render(
        request,
        "community/staff/media_copy.html",
        {
            "nav": "community",
            "report": media.report,
            "media": media,
            "blob": blob,
            "published": media.public_blob_id == blob.pk,
            "form": PublishForm(initial={"blob": blob.pk}),
        },
    )


@staff_required
@never_cache
def copy_image(
    request: HttpRequest, report_id: object, media_id: object, blob_id: object
) -> HttpResponse:
    user = signed_in_user(request)
    try:
        media = _find(request, report_id, media_id)
        blob = media_svc.get_copy(user, media, blob_id)
    except EvidentiaError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    if not blob.mime.startswith("image/"):
        return HttpResponse("Only pictures are shown here.", status=404, content_type="text/plain")
    response = HttpResponse(media_svc.read_copy(blob), content_type=blob.mime)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_POST
def publish(request: HttpRequest, report_id: object, media_id: object) -> HttpResponse:
    user = signed_in_user(request)
    try:
        media = _find(request, report_id, media_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the copy to publish.")
        return _back(media)
    try:
        blob = media_svc.get_copy(user, media, form.cleaned_data["blob"])
        media_svc.publish(media, blob, actor=user, request=request)
    except EvidentiaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The redacted copy is published with the public report.")
    return _back(media)


@staff_required
@require_POST
def unpublish(request: HttpRequest, report_id: object, media_id: object) -> HttpResponse:
    user = signed_in_user(request)
    try:
        media = _find(request, report_id, media_id)
    except EvidentiaError as exc:
        return error_page(request, exc)
    try:
        media_svc.unpublish(media, actor=user, request=request)
    except EvidentiaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The copy is no longer public. It stays in the vault.")
    return _back(media)
