"""The area layers page: upload a GeoJSON polygon layer (census tracts, beats) for a
dataset's bias reports, and see the layers already imported. Same roles as incident
imports; every change goes through `analytics.services.areas`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.analytics.models import AreaLayer, Dataset
from evidentia.analytics.services import access, areas
from evidentia.analytics.views import error_page
from evidentia.core.errors import EvidentiaError, NotFound, Rejected

RECENT = 30
FIELDS = ("dataset", "name", "name_field", "kind", "epsg")


def _page(
    request: HttpRequest, form: dict[str, str], error: str = "", status: int = 200
) -> HttpResponse:
    imported = None
    if request.method == "GET" and request.GET.get("imported", "").isdigit():
        imported = AreaLayer.objects.filter(pk=int(request.GET["imported"])).first()
    context: dict[str, Any] = {
        "nav": "analytics",
        "tab": "import",
        "datasets": Dataset.objects.all(),
        "layers": AreaLayer.objects.select_related("dataset", "uploaded_by")[:RECENT],
        "form": form,
        "error": error,
        "imported": imported,
        "max_mb": areas.max_bytes() / 1024 / 1024,
    }
    return render(request, "analytics/areas.html", context, status=status)


def _epsg(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise Rejected("The EPSG code must be a whole number such as 2913.") from None


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def areas_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        access.check_import(user)
    except EvidentiaError as exc:
        return error_page(request, exc)
    if request.method != "POST":
        return _page(request, {"dataset": request.GET.get("dataset", "")})
    form = {k: request.POST.get(k, "") for k in FIELDS}
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise Rejected("Choose a GeoJSON file to import.")
        dataset = Dataset.objects.filter(slug=form["dataset"]).first()
        if dataset is None:
            raise NotFound("Choose the dataset the layer describes.")
        if upload.size is not None and upload.size > areas.max_bytes():
            areas.read_limited(upload.open("rb"))  # the same message as the CLI's
        layer = areas.import_layer(
            upload.open("rb"),
            dataset=dataset,
            name=form["name"] or (upload.name or "areas").rsplit(".", 1)[0],
            name_field=form["name_field"],
            actor=user,
            file_name=upload.name or "areas.geojson",
            epsg=_epsg(form["epsg"]),
            kind=form["kind"],
            request=request,
        )
    except EvidentiaError as exc:
        return _page(request, form, exc.message, exc.status)
    return redirect(f"{reverse('analytics:areas')}?imported={layer.pk}")
