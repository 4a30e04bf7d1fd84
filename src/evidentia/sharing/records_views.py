"""Staff pages for public-records requests: the dashboard, staff intake, and one request
with assign, candidate search (also near a place), attach, remove, fulfil, close, and
the release link sent again or reissued."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.models import Item
from evidentia.sharing.services import records, records_clerk, records_mail, records_place


def _refused(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(request, "evidence/error.html", {"message": exc.message}, status=exc.status)


@staff_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        stats = records.dashboard(user)
        listing = records.listing(user)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return render(
        request,
        "sharing/records/index.html",
        {
            "nav": "records",
            "stats": stats,
            "open": listing.filter(status__in=records.RecordsRequest.OPEN)[:200],
            "closed": listing.exclude(status__in=records.RecordsRequest.OPEN).order_by(
                "-closed_at"
            )[:50],
        },
    )


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not records.may_manage(user):
        return _refused(request, records.PermissionDenied("Only records clerks file requests."))
    form = {k: "" for k in records.FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in records.FIELDS}
        try:
            filed = records.file_request(form, staff=user, request=request)
        except records.Invalid as exc:
            errors = exc.errors
        except EvidentiaError as exc:
            return _refused(request, exc)
        else:
            messages.success(
                request,
                f"Request {filed.request.reference} filed. Give the requester this tracking "
                f"code: {filed.code}",
            )
            return redirect("sharing:records_detail", filed.request.pk)
    return render(
        request, "sharing/records/new.html", {"nav": "records", "form": form, "errors": errors}
    )


def _place_search(user, rr, request: HttpRequest) -> tuple[dict, dict, records_place.Nearby | None]:
    """The "near a place" form as typed, its errors, and what it found (or None)."""
    form = {k: request.GET.get(k, "").strip() for k in ("lat", "lon", "radius")}
    form["radius"] = form["radius"] or "250"
    if request.GET.get("search") != "place":
        return form, {}, None
    try:
        place = records_place.Place.parse(form["lat"], form["lon"], form["radius"])
    except records.Invalid as exc:
        return form, exc.errors, None
    return form, {}, records_place.near(user, rr, place, request)


@staff_required
@require_safe
def detail(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        place_form, place_errors, nearby = _place_search(user, rr, request)
        if nearby is not None:
            found = nearby.items
        elif request.GET.get("search") == "1":
            found = records.candidates(user, rr, request)
        else:
            found = None
    except EvidentiaError as exc:
        return _refused(request, exc)
    rows = [(item, list(records.approved_versions(item))) for item in (found or [])]
    return render(
        request,
        "sharing/records/detail.html",
        {
            "nav": "records",
            "rr": rr,
            "clerks": records.clerks(),
            "searched": found is not None,
            "nearby": nearby,
            "candidates": rows,
            "attached": rr.attached.select_related("item", "version__plan", "added_by"),
            "place": place_form,
            "place_errors": place_errors,
            "radius_bounds": (records_place.MIN_RADIUS_M, records_place.MAX_RADIUS_M),
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "link_days": settings.RECORDS_LINK_DAYS,
            "link_expired": bool(rr.link_expires_at and rr.link_expires_at <= timezone.now()),
        },
        status=400 if place_errors else 200,
    )


def _back(rr_id, anchor: str = "") -> HttpResponse:
    return redirect(reverse("sharing:records_detail", args=[rr_id]) + anchor)


@staff_required
@require_POST
def assign(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        assignee = records.clerks().filter(pk=request.POST.get("assignee") or None).first()
        records.assign(user, rr, assignee, request)
    except records.Invalid as exc:
        messages.error(request, next(iter(exc.errors.values())))
        return _back(request_id)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(request, f"Assigned to {assignee}.")
    return _back(request_id)


@staff_required
@require_POST
def attach(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        item = Item.objects.filter(pk=request.POST.get("item") or None).first()
        if item is None:
            raise records.NotFound("No such evidence item.")
        records.attach(user, rr, item, request.POST.get("version") or None, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(request, f"Attached the redacted copy of “{item.title}”.")
    return _back(request_id)


@staff_required
@require_POST
def fulfil(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        token = records.fulfil(user, rr, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    _show_link(request, rr, token, "Fulfilled.", mailed=bool(rr.email))
    return _back(request_id)


def _show_link(request: HttpRequest, rr, token: str, lead: str, mailed: bool) -> None:
    link = records_mail.link_url(token, request)
    sent = f" It is being e-mailed to {rr.email}." if mailed else ""
    messages.success(
        request,
        f"{lead}{sent} The download link (shown once; it works until "
        f"{rr.link_expires_at:%Y-%m-%d}): {link}",
    )


@staff_required
@require_POST
def close(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        records.close(
            user, rr, request.POST.get("status", ""), request.POST.get("note", ""), request
        )
    except records.Invalid as exc:
        messages.error(request, next(iter(exc.errors.values())))
        return _back(request_id)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(request, f"Request {rr.reference} closed.")
    return _back(request_id)


@staff_required
@require_POST
def remove(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        records_clerk.remove(
            user, rr, request.POST.get("item") or None, request.POST.get("reason", ""), request
        )
    except records.Invalid as exc:
        messages.error(request, next(iter(exc.errors.values())))
        return _back(request_id, "#attached")
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(request, "Removed from the request; the reason is recorded.")
    return _back(request_id, "#attached")


@staff_required
@require_POST
def send_link(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        records_clerk.send_again(user, rr, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(
        request, f"A new link was e-mailed to {rr.email}; earlier links no longer work."
    )
    return _back(request_id, "#attached")


@staff_required
@require_POST
def reissue(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        email = request.POST.get("email") == "1"
        token = records_clerk.reissue(user, rr, email, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    lead = "A new link was issued; the old one no longer works."
    _show_link(request, rr, token, lead, mailed=email)
    return _back(request_id, "#attached")
