"""/transparency/: staff see when the published figures were last refreshed;
administrators can refresh them now (the same service the CLI and the beat task run)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.core.errors import EvidentiaError
from evidentia.transparency.models import Dataset
from evidentia.transparency.services import refresh as service


def _page(request: HttpRequest, error: EvidentiaError | None = None) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "nav": "transparency",
        "datasets": Dataset.objects.order_by("-year", "key").only("key", "year", "refreshed_at"),
        "last": service.last_refreshed(),
        "can_refresh": service.can_refresh(user),
        "error": error.message if error else "",
    }
    status = error.status if error else 200
    return render(request, "transparency/staff.html", context, status=status)


@staff_required
@require_safe
def status(request: HttpRequest) -> HttpResponse:
    return _page(request)


@staff_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    try:
        result = service.refresh(signed_in_user(request), request=request)
    except EvidentiaError as exc:
        return _page(request, exc)
    messages.success(
        request, f"Refreshed {result.datasets} datasets in {result.seconds:.1f} seconds."
    )
    return redirect("transparency:status")
