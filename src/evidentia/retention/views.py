"""The disposition queue for staff: what is due, what awaits a second custodian, holds,
and certificates. Every change goes through `retention.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.cases.policy import visible_cases
from evidentia.core.errors import EvidentiaError, NotFound, Rejected
from evidentia.evidence.vaultio import ref, vault
from evidentia.retention import services
from evidentia.retention.models import Disposition, LegalHold, RetentionRule
from evidentia.retention.services._common import check_read, get_item, visible

S = Disposition.State
RECENT = 50


def _page(request: HttpRequest, error: EvidentiaError | None = None) -> HttpResponse:
    user = signed_in_user(request)
    try:
        check_read(user)
    except EvidentiaError as exc:
        return render(request, "retention/error.html", {"message": exc.message}, status=exc.status)
    items = visible(user)
    open_items = Disposition.objects.filter(
        state__in=[S.REQUESTED, S.APPROVED, S.SHREDDING, S.DONE]
    ).values("item_id")
    due = [
        {"due": d, "blockers": services.blockers(d.item, check_due=False)}
        for d in services.due_positions(items.exclude(pk__in=open_items))
    ]
    dispositions = Disposition.objects.filter(item__in=items.values("pk")).select_related(
        "item", "requested_by", "approved_by", "rejected_by"
    )
    context: dict[str, Any] = {
        "nav": "retention",
        "due": due,
        "awaiting": dispositions.filter(state=S.REQUESTED).order_by("requested_at"),
        "running": dispositions.filter(state__in=[S.APPROVED, S.SHREDDING]),
        "done": dispositions.filter(state=S.DONE).order_by("-done_at")[:RECENT],
        "refused": dispositions.filter(state=S.REJECTED).order_by("-rejected_at")[:RECENT],
        "holds": LegalHold.objects.filter(released_at__isnull=True)
        .filter(Q(item__in=items.values("pk")) | Q(case__in=visible_cases(user).values("pk")))
        .select_related("item", "case", "placed_by"),
        "rules": RetentionRule.objects.select_related("category"),
        "custodian": services.is_custodian(user),
        "error": error.message if error else "",
        "form": request.POST if error else {},
    }
    return render(request, "retention/queue.html", context, status=error.status if error else 200)


@staff_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _act(request: HttpRequest, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except EvidentiaError as exc:
        return _page(request, exc)
    messages.success(request, done)
    return redirect("retention:queue")


@staff_required
@require_POST
def request_view(request: HttpRequest, item_id: str) -> HttpResponse:
    user = signed_in_user(request)

    def act() -> None:
        item = get_item(user, item_id)
        services.request_disposition(item, user, request.POST.get("reason", ""), request)

    return _act(request, act, "Disposition requested. A different custodian must approve it.")


@staff_required
@require_POST
def approve_view(request: HttpRequest, disposition_id: str) -> HttpResponse:
    user = signed_in_user(request)

    def act() -> None:
        services.approve(services.get_disposition(disposition_id), user, request)

    return _act(request, act, "Disposition approved; the item is being crypto-shredded.")


@staff_required
@require_POST
def reject_view(request: HttpRequest, disposition_id: str) -> HttpResponse:
    user = signed_in_user(request)

    def act() -> None:
        d = services.get_disposition(disposition_id)
        services.reject(d, user, request.POST.get("reason", ""), request)

    return _act(request, act, "Disposition refused; the item is kept.")


@staff_required
@require_POST
def hold_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)

    def act() -> None:
        reason = request.POST.get("reason", "")
        target = request.POST.get("target", "").strip()
        if not target:
            raise Rejected("Name the item (its ID) or the case (its number) to hold.")
        case = visible_cases(user).filter(number=target).first()
        if case is not None:
            services.place_hold(actor=user, reason=reason, case=case, request=request)
            return
        try:
            item = get_item(user, target)
        except NotFound:
            raise NotFound(f"No item or case {target!r} that you can see.") from None
        services.place_hold(actor=user, reason=reason, item=item, request=request)

    return _act(request, act, "Legal hold placed. Nothing it covers can be disposed of.")


@staff_required
@require_POST
def release_view(request: HttpRequest, hold_id: str) -> HttpResponse:
    user = signed_in_user(request)

    def act() -> None:
        hold = services.get_hold(user, hold_id)
        services.release_hold(
            hold, actor=user, reason=request.POST.get("reason", ""), request=request
        )

    return _act(request, act, "Legal hold released.")


def _pdf(request: HttpRequest, d: Disposition) -> HttpResponse:
    if d.certificate is None:
        return render(
            request,
            "retention/error.html",
            {"message": "This disposition has no certificate yet."},
            status=404,
        )
    blob = d.certificate
    response = StreamingHttpResponse(
        vault().iter_plaintext(ref(blob)), content_type="application/pdf"
    )
    response["Content-Length"] = str(blob.size)
    response["X-Content-SHA256"] = blob.sha256
    response["Content-Disposition"] = content_disposition_header(
        True, f"disposition-{d.item_id}.pdf"
    )
    return response


def _visible_disposition(request: HttpRequest, **where: Any) -> Disposition:
    user = signed_in_user(request)
    d = (
        Disposition.objects.filter(state__in=[S.SHREDDING, S.DONE], **where)
        .select_related("certificate")
        .first()
    )
    if d is None:
        raise NotFound("No disposition certificate here.")
    get_item(user, d.item_id)  # anyone who may see the item's details may read it
    return d


@staff_required
@require_safe
def certificate(request: HttpRequest, disposition_id: str) -> HttpResponse:
    try:
        return _pdf(request, _visible_disposition(request, pk=disposition_id))
    except EvidentiaError as exc:
        return render(request, "retention/error.html", {"message": exc.message}, status=exc.status)


@staff_required
@require_safe
def item_certificate(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        return _pdf(request, _visible_disposition(request, item_id=item_id))
    except EvidentiaError as exc:
        return render(request, "retention/error.html", {"message": exc.message}, status=exc.status)
