"""/public/track/: the resident follows their report with its tracking code, reads the
agency's replies and adds information or files. A wrong code gets the same 404 page,
byte for byte, whatever it is; lookups go by the code's hash and are rate limited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from evidentia.community.models import Report, ReportMedia, ReportUpdate, Status, Visibility
from evidentia.community.public_views import streaming
from evidentia.community.public_views.common import not_found, page, private, too_many
from evidentia.community.services import codes, grants, public, ratelimit, reports
from evidentia.community.services.reports import MAX_DESCRIPTION
from evidentia.standards.services.public import complaint_view

K = ReportUpdate.Kind


@require_safe
def track_form(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("code")
    if typed is None:
        return private(page(request, "track_form.html", {"nav": "track"}))
    code = codes.normalise(typed)
    if not code:
        context = {"nav": "track", "error": "Enter the tracking code from your confirmation."}
        return private(page(request, "track_form.html", context, status=400))
    if len(code) == codes.CODE_CHARS:
        code = "-".join(code[i : i + 4] for i in range(0, codes.CODE_CHARS, 4))
    return redirect("public:track", code=code)


def _conversation(report: Report) -> list[dict[str, Any]]:
    """What the resident may read: staff appear as the agency, never by name."""
    entries = []
    for update in public.resident_updates(report):
        mine = update.kind == K.RESIDENT
        entries.append(
            {
                "who": "You" if mine else settings.AGENCY_NAME,
                "mine": mine,
                "at": update.created_at,
                "kind": update.get_kind_display(),
                "text": update.text,
                "status": Status(update.status).label if update.status else "",
                "private": update.visibility == Visibility.REPORTER and not mine,
            }
        )
    return entries


def _room(report: Report) -> int:
    if not report.is_open:
        return 0
    return max(0, settings.PORTAL_MAX_FILES - ReportMedia.objects.filter(report=report).count())


def _render(
    request: HttpRequest,
    report: Report,
    code: str,
    errors: dict[str, str] | None = None,
    text: str = "",
    status: int = 200,
) -> HttpResponse:
    room = _room(report)
    path = reverse("public:track", args=[code])
    # A complaint about an officer: the resident sees only its status and, once closed,
    # the closing letter (standards/services/public.py): no replies, findings or names.
    complaint = complaint_view(report)
    context = {
        "nav": "track",
        "report": report,
        "code": code,
        "status_label": Status(report.status).label,
        "new": request.GET.get("new") == "1",
        "link": request.build_absolute_uri(path),
        "files": ReportMedia.objects.filter(report=report).select_related("item"),
        "conversation": [] if complaint else _conversation(report),
        "complaint": complaint,
        "room": room,
        "upload_grant": grants.upload_token(grants.report_key(report)) if room else "",
        "upload_scope": grants.upload_scope(grants.report_key(report)),
        "errors": errors or {},
        "text": text,
        "max_description": MAX_DESCRIPTION,
    }
    return private(page(request, "track.html", context, status=status))


@csrf_exempt  # checked in streaming.read_form, once the vault handler is in place
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    try:
        ratelimit.hit(request, "lookup", settings.PORTAL_LOOKUPS_PER_HOUR, "tracking-code lookups")
    except ratelimit.RateLimited as exc:
        return private(too_many(request, exc))
    report = reports.lookup(code)
    if report is None:
        return not_found(request, "report")
    if request.method != "POST":
        return _render(request, report, code)
    if streaming.is_multipart(request):
        try:
            ratelimit.hit(request, "upload", settings.PORTAL_UPLOADS_PER_HOUR, "uploads")
        except ratelimit.RateLimited as exc:
            return private(too_many(request, exc))
    with streaming.incoming(
        request, max_bytes=settings.PORTAL_MAX_FILE_BYTES, max_files=_room(report)
    ) as handler:
        if (refused := streaming.read_form(request)) is not None:
            return private(refused)
        text = request.POST.get("text", "")
        sent_files = bool(streaming.stored(handler) or (handler and handler.refused))
        if text.strip() or not sent_files:
            try:
                reports.add_info(report, text)
            except reports.Invalid as exc:
                return _render(request, report, code, exc.errors, text, status=400)
            messages.success(request, "Thank you: your information was added to the report.")
        kept, problems = streaming.store_report_files(report, handler)
    if kept:
        messages.success(request, f"{kept} file{'s' if kept != 1 else ''} received.")
    for text in problems:
        messages.error(request, text)
    return redirect("public:track", code=code)
