"""/public/reports/: the public list and map, and one report's public page. Everything
here comes through services.public: fuzzed places, moderated or masked text, public
replies only, media only as a published redacted copy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from evidentia.community.models import ReportMedia, Status
from evidentia.community.public_forms import ListFilters
from evidentia.community.public_views.common import not_found, page
from evidentia.community.services import geo, public

PER_PAGE = 25


def _map_config(points: list[dict]) -> dict:
    return {
        "center": geo.map_center(),
        "bounds": geo.bounds(),
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "cell_m": settings.PORTAL_FUZZ_METRES,
        "points": points,
    }


def _point(item: public.PublicReport) -> dict | None:
    if item.lat is None or item.lon is None:
        return None
    return {
        "lat": item.lat,
        "lon": item.lon,
        "title": f"{item.service_name} · {item.status_label}",
        "url": item.url,
    }


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    filters = ListFilters(request.GET or None)
    rows = public.public_reports().select_related("service").order_by("-created_at")
    if filters.is_bound:
        filters.is_valid()  # a value in error is ignored, with its message beside it
        if category := filters.value("category"):
            rows = rows.filter(service__code=category)
        if status := filters.value("status"):
            rows = rows.filter(status=status)
        if start := filters.value("date_from"):
            rows = rows.filter(created_at__gte=datetime.combine(start, time.min, UTC))
        # The calendar's last day has no next one; every report is before its end.
        if (end := filters.value("date_to")) and end < date.max:
            rows = rows.filter(created_at__lt=datetime.combine(end + timedelta(1), time.min, UTC))
    pages = Paginator(rows, PER_PAGE)
    current = pages.get_page(request.GET.get("page"))
    items = public.project_many(current.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "reports",
        "filters": filters,
        "page_obj": current,
        "items": items,
        "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "map_config": _map_config([p for p in map(_point, items) if p]),
    }
    return page(request, "report_list.html", context)


@require_safe
def report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    if not public.valid_public_id(public_id):
        return not_found(request, "public report")
    report = public.public_reports().select_related("service").filter(public_id=public_id).first()
    if report is None:
        return not_found(request, "public report")
    item = public.project(report)
    media = [
        {"url": url, "kind": (m.public_blob.mime or "").split("/")[0]}
        for m in ReportMedia.objects.filter(
            report=report, public_blob__isnull=False, published_at__isnull=False
        ).select_related("public_blob")
        if (url := public.media_url(m))
    ]
    replies = [
        {
            "at": u.created_at,
            "text": u.text,
            "status": Status(u.status).label if u.status else "",
        }
        for u in public.public_updates(report)
    ]
    point = _point(item)
    context = {
        "nav": "reports",
        "item": item,
        "replies": replies,
        "media": media,
        "map_config": _map_config([point] if point else []),
    }
    return page(request, "report_detail.html", context)
