"""Analytics pages: the hotspot map (with its bias and validity report), its exports,
and the performance metrics for command staff. Read-only: nothing here changes data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.analytics import polygons
from evidentia.analytics.models import Dataset
from evidentia.analytics.services import access, areas, metrics
from evidentia.analytics.services import hotspots as maps
from evidentia.analytics.services.dates import parse_day
from evidentia.analytics.services.legend import colour
from evidentia.core.errors import EvidentiaError, NotFound, Rejected

MODEL_CARD = (
    "These counts are calls for service and reports, which "
    "follow where people call and where officers patrol as much as where harm happens. "
    "Use them to ask questions and to plan services, never to judge a neighbourhood or "
    "a person, or as grounds to stop anyone."
)


def error_page(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    context = {"nav": "analytics", "message": exc.message}
    return render(request, "analytics/error.html", context, status=exc.status)


def chosen_dataset(request: HttpRequest) -> Dataset | None:
    slug = request.GET.get("dataset", "")
    if slug:
        found = Dataset.objects.filter(slug=slug).first()
        if found is None:
            raise NotFound(f"No dataset {slug!r}.")
        return found
    return Dataset.objects.order_by("name").first()


def bias_for(result: maps.HotspotMap) -> Any:
    """The other half of every map: the bias and validity report (None without data)."""
    if result.grid is None:
        return None
    try:
        from evidentia.analytics import bias
    except ImportError:  # the report is built alongside; the map still says so
        return None
    f = result.filters
    layer = areas.layer_for(f.dataset)
    if layer is None:  # the incidents' own area-unit column
        cells, units = result.incident_cells, {"incident_units": result.incident_units}
    else:  # the dataset's polygon layer: the same incidents, placed by their x/y
        x, y, _ = maps.points(f)
        cells = result.grid.index(x, y)
        units = polygons.for_grid(layer, result.grid, result.flagged, x, y)
    return bias.report(
        result.flagged,
        n_cells=result.grid.n,
        incident_cells=cells,
        **units,
        previous_flagged=maps.previous_flagged(f, result.grid),
    )


def _build(request: HttpRequest) -> tuple[Dataset | None, maps.HotspotMap | None]:
    check_read_request(request)
    dataset = chosen_dataset(request)
    if dataset is None:
        return None, None
    return dataset, maps.build(maps.parse_filters(request.GET, dataset))


def check_read_request(request: HttpRequest) -> None:
    access.check_read(signed_in_user(request))


@staff_required
@require_safe
def map_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        dataset, result = _build(request)
    except EvidentiaError as exc:
        return error_page(request, exc)
    context: dict[str, Any] = {
        "nav": "analytics",
        "tab": "map",
        "datasets": Dataset.objects.all(),
        "dataset": dataset,
        "result": result,
        "importer": access.can_import(user),
        "model_card": MODEL_CARD,
        "methods": maps.METHODS,
        "neighbourhoods": maps.NEIGHBOURHOODS,
    }
    if result is not None:
        shown = maps.shown(result)
        context["legend"] = colour(result.cells, result.filters.method, result.value_label)
        context["filters"] = result.filters.query()
        context["categories"] = maps.categories(dataset)
        context["bias"] = bias_for(result)
        # A dict: the template writes it with json_script, which escapes "<", so no
        # category or setting can end the script element early.
        context["map_config"] = {
            "cells": [
                {k: c[k] for k in ("south", "west", "north", "east", "colour", "count", "value")}
                for c in shown
            ],
            "label": result.value_label,
            "tiles": getattr(settings, "MAP_TILE_URL", ""),
            "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
            "area": area_latlon(dataset),
            "areas": areas.outlines(dataset, areas.layer_for(dataset)),
        }
        context["shown"] = len(shown)
    return render(request, "analytics/map.html", context)


def area_latlon(dataset: Dataset) -> list[float] | None:
    if dataset.area is None:
        return None
    from evidentia.analytics.services.places import to_lonlat

    x0, y0, x1, y1 = dataset.area
    lon, lat = to_lonlat(dataset.epsg, [x0, x1, x0, x1], [y0, y0, y1, y1])
    return [float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())]


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        dataset, result = _build(request)
        if dataset is None or result is None:
            raise NotFound("There is no dataset to export yet.")
    except EvidentiaError as exc:
        return error_page(request, exc)
    f = result.filters
    name = f"hotspots-{dataset.slug}-{f.method}-{f.start or 'all'}-{f.end or 'all'}"
    report = bias_for(result)  # every export carries the map's bias report
    if kind == "geojson":
        body = maps.to_geojson(result, report)
        response = HttpResponse(body, content_type="application/geo+json")
    else:
        response = HttpResponse(maps.to_csv(result, report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@staff_required
@require_safe
def export_geojson(request: HttpRequest) -> HttpResponse:
    return _export(request, "geojson")


@staff_required
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


def _range(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    first = parse_day(request.GET.get("start"), "start") or today - timedelta(days=89)
    last = parse_day(request.GET.get("end"), "end") or today
    if last < first:
        raise Rejected("The end date is before the start date.")
    return first, last


@staff_required
@require_safe
def performance_view(request: HttpRequest) -> HttpResponse:
    try:
        access.check_performance(signed_in_user(request))
        first, last = _range(request)
    except EvidentiaError as exc:
        return error_page(request, exc)
    context = {
        "nav": "analytics",
        "tab": "performance",
        "start": first.isoformat(),
        "end": last.isoformat(),
        "any_data": metrics.any_data(),
        "by_priority": metrics.response_times(first, last, "priority"),
        "by_district": metrics.response_times(first, last, "district"),
        "resolution": metrics.resolution_times(first, last),
        "trends": metrics.trends(),
    }
    return render(request, "analytics/performance.html", context)
