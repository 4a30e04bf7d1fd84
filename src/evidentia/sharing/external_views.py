"""What an external recipient sees: the code form behind a share link, then the shared
evidence (watermarked playback, and a download in download mode). No staff account;
every request re-checks the link, the share and the code session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from evidentia.community.public_views.common import gone, not_found, portal, private
from evidentia.core.errors import EvidentiaError, NotFound, Rejected
from evidentia.evidence import media_views
from evidentia.evidence.services import access
from evidentia.sharing.models import Share
from evidentia.sharing.services import external, external_totp, shares, watermark_jobs


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return private(render(request, f"sharing/external/{template}", portal(context), status=status))


def _refused(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    if isinstance(exc, shares.ShareGone):
        return gone(request, "This share is no longer available", exc.message)
    if isinstance(exc, NotFound) and exc.message.startswith("This link"):
        return not_found(request, "share link")
    page = render(
        request,
        "sharing/external/problem.html",
        portal({"message": exc.message}),
        status=exc.status,
    )
    if isinstance(exc, watermark_jobs.NotReady):
        page["Retry-After"] = "5"
    return private(page)


def _share(request: HttpRequest, token: str, what: str) -> Share:
    found = external.find(token, what, request)
    if not external.signed_in(request, found):
        raise external.CodeRefused("Enter your one-time code first.")
    return found


def _code_page(request: HttpRequest, found: Share, token: str, **extra: object) -> HttpResponse:
    context = {
        "share": found,
        "token": token,
        "error": "",
        "app_error": "",
        "has_app": external_totp.has_app(found),
        **extra,
    }
    failed = context["error"] or context["app_error"]
    return _page(request, "code.html", context, status=403 if failed else 200)


@sensitive_post_parameters("code", "app_code")
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = external.find(token, "open", request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    if request.method == "POST":
        # Two forms post here: the e-mailed code, or a code from the authenticator app.
        via_app = "app_code" in request.POST
        try:
            if via_app:
                external_totp.verify(found, request.POST.get("app_code", ""), request)
            else:
                external.verify(found, request.POST.get("code", ""), request)
        except EvidentiaError as exc:
            field = "app_error" if via_app else "error"
            return _code_page(request, found, token, **{field: exc.message})
        return redirect("sharing:external", token=token)
    if external.signed_in(request, found):
        items, preparing = watermark_jobs.with_copies(found)
        context = {
            "share": found,
            "items": items,
            "token": token,
            "preparing": preparing,
            "has_app": external_totp.has_app(found),
            "may_enrol": external.signed_in_via(request, found) == "code",
        }
        return _page(request, "view.html", context)
    return _code_page(request, found, token)


@require_POST
def new_code(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = external.find(token, "code", request)
        external.send_code(found, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return _code_page(request, found, token, sent=True)


@sensitive_post_parameters("code")
def app_setup(request: HttpRequest, token: str) -> HttpResponse:
    """Setting up an authenticator app: POST starts (a fresh secret), GET shows the secret
    and the QR code while the set-up this browser started is pending, else goes back."""
    try:
        found = external.find(token, "enrol", request)
        if request.method == "POST":
            external_totp.start(found, request)
            return redirect("sharing:external_app", token=token)
        enrolment = external_totp.enrolment(found, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    if enrolment is None:
        return redirect("sharing:external", token=token)
    context = {"share": found, "token": token, "enrolment": enrolment, "error": ""}
    return _page(request, "app_setup.html", context)


@require_POST
@sensitive_post_parameters("code")
def app_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = external.find(token, "enrol", request)
        try:
            external_totp.confirm(found, request.POST.get("code", ""), request)
        except Rejected as exc:
            # A wrong code: the same set-up page again, with the message by the field.
            enrolment = external_totp.enrolment(found, request)
            if enrolment is None:
                raise
            context = {"share": found, "token": token, "enrolment": enrolment, "error": exc.message}
            return _page(request, "app_setup.html", context, status=422)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        "Your authenticator app is set up. Next time, enter a code from it instead of "
        "waiting for an e-mail.",
    )
    return redirect("sharing:external", token=token)


@require_POST
def app_remove(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = external.find(token, "remove authenticator", request)
        external_totp.remove(found, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(request, "You no longer use an authenticator app; we will e-mail codes.")
    return redirect("sharing:external", token=token)


def stream(request: HttpRequest, token: str, item_id: str) -> HttpResponse:
    try:
        found = _share(request, token, "play")
        item = external.item_of(found, item_id)
        access.check_not_disposed(item)
        source = external.copy_for(found, item)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return media_views.ranged_response(
        request, source, lambda: external.log_played(found, item, request)
    )


@require_safe
def copy_status(request: HttpRequest, token: str, item_id: str) -> HttpResponse:
    """The player's progress bar, as JSON, behind exactly the stream's checks: the link,
    a live share and this browser's code session for it."""
    try:
        found = _share(request, token, "status")
        item = external.item_of(found, item_id)
        access.check_not_disposed(item)
        state = watermark_jobs.progress_of(found, item, retry_failed=False)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return private(JsonResponse(state.as_json()))


@require_POST
def copy_retry(request: HttpRequest, token: str, item_id: str) -> HttpResponse:
    try:
        found = _share(request, token, "retry")
        item = external.item_of(found, item_id)
        access.check_not_disposed(item)
        watermark_jobs.retry(found, item)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return redirect(reverse("sharing:external", args=[token]) + f"#h-{item.pk}")


@require_POST
def download(request: HttpRequest, token: str) -> HttpResponse:
    folder = Path(tempfile.mkdtemp(prefix="share-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    path = folder / "share.zip"
    try:
        found = _share(request, token, "download")
        result = external.download(found, path, request)
        handle = open(result.path, "rb")  # noqa: SIM115 - FileResponse closes it
    except EvidentiaError as exc:
        return _refused(request, exc)
    finally:
        if path.exists():
            os.unlink(path)
        os.rmdir(folder)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"share-{str(found.pk)[:8]}.zip",
        content_type="application/zip",
    )
    return private(response)
