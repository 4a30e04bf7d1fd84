"""Staff pages for public-records requests: the dashboard, staff intake, and one request
with assign, candidate search, attach, fulfil and close."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.models import Item
from evidentia.sharing.services import records


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


@staff_required
@require_safe
def detail(request: HttpRequest, request_id) -> HttpResponse:
    user = signed_in_user(request)
    try:
        rr = records.get(user, request_id)
        found = records.candidates(user, rr, request) if request.GET.get("search") else None
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
            "candidates": rows,
            "attached": rr.attached.select_related("item", "version__plan", "added_by"),
        },
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
    link = request.build_absolute_uri(reverse("records_public:download", args=[token]))
    messages.success(
        request,
        f"Fulfilled. Send the requester this download link (shown once; it works until "
        f"{rr.link_expires_at:%Y-%m-%d}): {link}",
    )
    return _back(request_id)


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
