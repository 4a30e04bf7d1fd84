"""/force/types/: administrators manage the force-type list (each change in the ledger)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.core.errors import EvidentiaError, NotFound
from evidentia.useofforce.models import ForceType
from evidentia.useofforce.services import types
from evidentia.useofforce.views import error_page


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def force_types(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not types.can_manage(user):
        return error_page(request, NotFound("Page not found."))
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") in ("retire", "restore"):
                types.set_active(user, post.get("code", ""), post["action"] == "restore", request)
            else:
                types.save_type(
                    user,
                    name=post.get("name", ""),
                    code=post.get("code", ""),
                    order=post.get("order", ""),
                    active=post.get("active", "1") in ("1", "on"),
                    request=request,
                )
        except EvidentiaError as exc:
            error = exc
        else:
            messages.success(request, "Force-type list saved.")
            return redirect("force:types")
    ctx = {
        "nav": "force",
        "types": ForceType.objects.all(),
        "error": error.message if error else "",
        "form": request.POST if error else {},
    }
    return render(request, "useofforce/types.html", ctx, status=error.status if error else 200)
