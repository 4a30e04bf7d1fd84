"""The forecast page and its downloads. Every forecast shown or downloaded carries its
bias and validity report (the page includes it; the GeoJSON carries it). Read-only:
no ledger event, like the maps. The work is in `analytics.services.forecasting`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.analytics.models import Dataset
from evidentia.analytics.services import access
from evidentia.analytics.services import forecast_output as output
from evidentia.analytics.services import forecasting as fc
from evidentia.analytics.views import MODEL_CARD, area_latlon, chosen_dataset, error_page
from evidentia.core.errors import EvidentiaError, NotFound


def _form(request: HttpRequest, dataset: Dataset | None) -> dict[str, Any]:
    """What the form shows: the asked-for values, even when they were bad."""
    g = request.GET
    return {
        "category": g.get("category") or fc.ALL,
        "start": g.get("start") or "",
        "horizon": g.get("horizon") or "7",
        "cell": g.get("cell")
        or ("" if dataset is None else ("600" if dataset.units == "ft" else "180")),
        "method": g.get("method") or "auto",
        "budget": g.get("budget") or "0.75",
    }


@staff_required
@require_safe
def forecast_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        access.check_read(user)
        dataset = chosen_dataset(request)
    except EvidentiaError as exc:
        return error_page(request, exc)
    context: dict[str, Any] = {
        "nav": "analytics",
        "tab": "forecast",
        "datasets": Dataset.objects.all(),
        "dataset": dataset,
        "importer": access.can_import(user),
        "model_card": MODEL_CARD,
        "methods": [(m, fc.METHOD_LABELS[m]) for m in fc.METHODS],
        "horizons": fc.HORIZONS,
        "budgets": fc.BUDGETS,
        "all": fc.ALL,
    }
    if dataset is None:
        return render(request, "analytics/forecast.html", context)
    context["categories"] = fc.categories(dataset)
    context["form"] = _form(request, dataset)
    try:
        query = fc.parse(request.GET, dataset)
        context["form"]["start"] = query.start.isoformat()
        result = fc.cached_run(query)
    except EvidentiaError as exc:
        # The form stays, with the message, so the person can correct it.
        context["error"] = exc.message
        return render(request, "analytics/forecast.html", context, status=exc.status)
    context["result"] = result
    context["legend"] = output.colour(result.cells)
    context["bias"] = result.bias
    context["table"] = result.cells[: fc.MAX_TABLE]
    context["export_query"] = urlencode(result.query.params())
    context["map_config"] = output.map_config(
        result,
        getattr(settings, "MAP_TILE_URL", ""),
        getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        area_latlon(dataset),
    )
    return render(request, "analytics/forecast.html", context)


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        access.check_read(signed_in_user(request))
        dataset = chosen_dataset(request)
        if dataset is None:
            raise NotFound("There is no dataset to forecast yet.")
        result = fc.cached_run(fc.parse(request.GET, dataset))
    except EvidentiaError as exc:
        return error_page(request, exc)
    q = result.query
    cat = (
        "all" if q.category == fc.ALL else "".join(ch if ch.isalnum() else "-" for ch in q.category)
    )
    name = f"forecast-{dataset.slug}-{cat.lower()}-{q.start}-{q.horizon}d-{result.method}"
    if kind == "geojson":
        response = HttpResponse(output.to_geojson(result), content_type="application/geo+json")
    else:
        response = HttpResponse(output.to_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@staff_required
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


@staff_required
@require_safe
def export_geojson(request: HttpRequest) -> HttpResponse:
    return _download(request, "geojson")
