from __future__ import annotations

import json
from datetime import UTC, datetime, time

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.http import content_disposition_header

from evidentia.accounts.auth import staff_required
from evidentia.accounts.models import Role, User
from evidentia.core.errors import EvidentiaError, Rejected
from evidentia.custody import events
from evidentia.evidence import policy
from evidentia.evidence.models import Kind, TrackPoint
from evidentia.evidence.services import access, pipeline, reports, review
from evidentia.redaction import services as redaction

PAGE_SIZE = 25
SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4]
MAP_CONTEXT_POINTS = 2000


def _day(value: str, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _error(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    return render(request, "evidence/error.html", {"message": exc.message}, status=exc.status)


@staff_required
def evidence_list(request: HttpRequest) -> HttpResponse:
    items = policy.visible_items(request.user).select_related("officer", "blob", "category")
    officer = request.GET.get("officer", "")
    kind = request.GET.get("kind", "")
    date_from = request.GET.get("from", "")
    date_to = request.GET.get("to", "")
    if officer:
        items = items.filter(officer__username=officer)
    if kind in Kind.values:
        items = items.filter(kind=kind)
    if start := _day(date_from):
        items = items.filter(recorded_at__gte=start)
    if end := _day(date_to, end=True):
        items = items.filter(recorded_at__lte=end)
    page = Paginator(items.order_by("-recorded_at", "-ingested_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evidence/list.html",
        {
            "nav": "evidence",
            "page": page,
            "officers": User.objects.filter(role__in=[Role.OFFICER, Role.SUPERVISOR]).order_by(
                "username"
            ),
            "kinds": Kind.choices,
            "filters": {"officer": officer, "kind": kind, "from": date_from, "to": date_to},
            "filtered": any([officer, kind, date_from, date_to]),
            "query": query.urlencode(),
        },
    )


@staff_required
def evidence_detail(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        item = access.view_metadata(request.user, item_id, request)
    except EvidentiaError as exc:
        return _error(request, exc)
    timeline = [
        {"event": e, "label": events.label(e.kind), "data": json.loads(e.body)}
        for e in access.custody_events(request.user, item)
    ]
    playable = item.kind == Kind.VIDEO and policy.can_play(request.user, item)
    if playable:
        get_token(request)  # the player's bookmark form posts with the CSRF cookie
    return render(
        request,
        "evidence/detail.html",
        {
            "nav": "evidence",
            "item": item,
            "playable": playable,
            "has_proxy": playable and item.derivatives.filter(kind="proxy").exists(),
            "speeds": SPEEDS,
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "timeline": timeline,
            "jobs": item.jobs.all(),
            "cases": item.cases.all(),
            "sidecars": item.sidecars.all(),
            "media_json": json.dumps(item.media, indent=2, sort_keys=True),
            "can_download": policy.can_download(request.user, item),
            "can_retry": request.user.role in pipeline.RETRIERS,
            "can_supervise": playable and review.supervises(request.user, item.officer),
            "can_redact": item.kind in (Kind.VIDEO, Kind.IMAGE)
            and request.user.role in redaction.REDACTORS
            and policy.can_play(request.user, item),
        },
    )


@staff_required
def evidence_download(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        item, chunks = access.download(request.user, item_id, request)
    except EvidentiaError as exc:
        return _error(request, exc)
    response = StreamingHttpResponse(chunks, content_type=item.mime or "application/octet-stream")
    response["Content-Length"] = str(item.blob.size)
    response["Content-Disposition"] = content_disposition_header(True, item.title)
    response["X-Content-SHA256"] = item.blob.sha256
    return response


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@staff_required
def item_custody_report(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        item, data = reports.item_report(request.user, item_id, request)
    except EvidentiaError as exc:
        return _error(request, exc)
    return _pdf(data, f"custody-{item.pk}.pdf")


@staff_required
def case_custody_report(request: HttpRequest, case_id: str) -> HttpResponse:
    try:
        case, data = reports.case_report(request.user, case_id, request)
    except EvidentiaError as exc:
        return _error(request, exc)
    return _pdf(data, f"custody-case-{case.number}.pdf")


@staff_required
def multicam(request: HttpRequest) -> HttpResponse:
    """Two to four recordings of one incident, aligned by their recorded start times."""
    ids = request.GET.getlist("items")
    if not 2 <= len(ids) <= 4:
        return _error(request, Rejected("Choose two to four recordings to play side by side."))
    try:
        items = [access.get_item(request.user, i) for i in ids]
    except EvidentiaError as exc:
        return _error(request, exc)
    refused = [
        i.title for i in items if i.kind != Kind.VIDEO or not policy.can_play(request.user, i)
    ]
    if refused:
        return _error(request, Rejected(f"These cannot be played here: {', '.join(refused)}."))
    known = [i.recorded_at for i in items if i.recorded_at]
    start = min(known) if known else None
    views = [
        {
            "item": i,
            "offset": (i.recorded_at - start).total_seconds() if start and i.recorded_at else 0.0,
        }
        for i in sorted(items, key=lambda i: (i.recorded_at is None, i.recorded_at))
    ]
    total = max(v["offset"] + (v["item"].duration_seconds or 0) for v in views)
    return render(
        request,
        "evidence/multicam.html",
        {"nav": "evidence", "views": views, "start": start, "total": total, "speeds": SPEEDS},
    )


@staff_required
def map_search(request: HttpRequest) -> HttpResponse:
    """Find evidence recorded inside a drawn box and a time range (the API does the search)."""
    visible = policy.visible_items(request.user)
    starts = list(
        TrackPoint.objects.filter(item__in=visible, seq=0)
        .order_by("-time")
        .values_list("item_id", "lat", "lon")[:MAP_CONTEXT_POINTS]
    )
    return render(
        request,
        "evidence/map_search.html",
        {
            "nav": "map",
            "starts": [{"item": str(i), "lat": lat, "lon": lon} for i, lat, lon in starts],
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
