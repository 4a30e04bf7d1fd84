"""What every public page shares: the portal's context, private-page headers, and the
readable error pages (404, 410, 429) in the portal's own layout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from evidentia.community.services import ratelimit
from evidentia.evidence.services.upload_owner import human


def portal(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "emergency_number": settings.PORTAL_EMERGENCY_NUMBER,
        "non_emergency_number": settings.PORTAL_NON_EMERGENCY_NUMBER,
        "monitored": settings.PORTAL_MONITORED,
        "max_file_size": human(settings.PORTAL_MAX_FILE_BYTES),
        "max_file_size_bytes": settings.PORTAL_MAX_FILE_BYTES,
        "max_files": settings.PORTAL_MAX_FILES,
        "accept": ",".join(settings.PORTAL_ALLOWED_TYPES),
    } | (extra or {})


def page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(request, f"community/public/{template}", portal(context), status=status)


def private(response: HttpResponse) -> HttpResponse:
    """A page whose address is a secret (a tracking code, an invite token): never
    cached, never indexed, and its path never sent on as a referrer. "strict-origin"
    rather than "no-referrer": under "no-referrer" a browser posts the page's forms
    with `Origin: null`, which the CSRF check refuses; "strict-origin" sends only our
    origin, never the path that holds the secret."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def not_found(request: HttpRequest, what: str = "page") -> HttpResponse:
    """The same bytes for any address of the same kind: nothing from the request."""
    return private(page(request, "not_found.html", {"what": what}, status=404))


def gone(request: HttpRequest, title: str, message: str) -> HttpResponse:
    return private(page(request, "gone.html", {"title": title, "message": message}, status=410))


def problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return page(request, "problem.html", {"title": title, "message": message}, status=status)


def too_many(
    request: HttpRequest, exc: ratelimit.RateLimited, as_json: bool = False
) -> HttpResponse:
    if as_json:
        response: HttpResponse = JsonResponse(
            {"detail": exc.message, "retry_after": exc.retry_after}, status=429
        )
    else:
        response = problem(request, 429, "Please wait a little", exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")
