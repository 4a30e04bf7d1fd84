from __future__ import annotations

import json
from datetime import UTC, datetime, time

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from evidentia.accounts.auth import staff_required
from evidentia.accounts.models import Role, User
from evidentia.core.errors import EvidentiaError
from evidentia.custody import events
from evidentia.evidence import policy
from evidentia.evidence.models import Kind
from evidentia.evidence.services import access

PAGE_SIZE = 25


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
    return render(
        request,
        "evidence/detail.html",
        {
            "nav": "evidence",
            "item": item,
            "timeline": timeline,
            "jobs": item.jobs.all(),
            "cases": item.cases.all(),
            "sidecars": item.sidecars.all(),
            "media_json": json.dumps(item.media, indent=2, sort_keys=True),
            "can_download": policy.can_download(request.user, item),
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
