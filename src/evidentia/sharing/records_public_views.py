"""The public side of records requests: the intake form, status by tracking code, and
the release download. Residents leave no address behind (rate limits count by HMAC)."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evidentia.community.public_views.common import gone, not_found, portal, private, too_many
from evidentia.community.services import ratelimit
from evidentia.core.errors import NotFound
from evidentia.sharing.services import records


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"sharing/records/{template}", portal(context), status=status)


def intake(request: HttpRequest) -> HttpResponse:
    form = {k: "" for k in records.FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in records.FIELDS}
        try:
            ratelimit.hit(
                request, "records", settings.RECORDS_REQUESTS_PER_HOUR, "records requests"
            )
            filed = records.file_request(form)
        except ratelimit.RateLimited as exc:
            return too_many(request, exc)
        except records.Invalid as exc:
            errors = exc.errors
        else:
            return private(
                _page(
                    request,
                    "public_filed.html",
                    {"rr": filed.request, "code": filed.code, "nav": "records"},
                )
            )
    context = {
        "form": form,
        "errors": errors,
        "due_days": settings.RECORDS_DUE_BUSINESS_DAYS,
        "nav": "records",
    }
    return _page(request, "public_form.html", context, status=400 if errors else 200)


@require_safe
def status(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    rr = None
    if code:
        try:
            ratelimit.hit(request, "records-lookup", settings.PORTAL_LOOKUPS_PER_HOUR, "lookups")
        except ratelimit.RateLimited as exc:
            return too_many(request, exc)
        rr = records.lookup(code)
        if rr is None:
            return not_found(request, "records request")
    return private(_page(request, "public_status.html", {"rr": rr, "nav": "records"}))


@require_safe
def download(request: HttpRequest, token: str) -> HttpResponse:
    try:
        rr = records.by_link(token)
    except records.LinkGone as exc:
        return gone(request, "This link has expired", exc.message)
    except NotFound:
        return not_found(request, "download link")
    response = FileResponse(
        records.release_zip(rr), as_attachment=True, filename=f"{rr.reference}-records.zip"
    )
    response["Content-Type"] = "application/zip"
    return private(response)
