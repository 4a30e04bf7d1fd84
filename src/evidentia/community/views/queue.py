"""The triage queue at /community/: reports the user may work, newest first.

Everything on it, the counts included, comes from `_common.visible_reports`, so a
complaint about an officer never shows up, even as a number, outside standards.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import Role, User
from evidentia.community.forms import QueueFilter
from evidentia.community.models import Report, Service, Status
from evidentia.community.services import triage
from evidentia.community.services._common import check_queue, visible_reports
from evidentia.community.services.alerts import can_publish
from evidentia.community.views._base import error_page
from evidentia.core.errors import EvidentiaError

PAGE_SIZE = 25


def services_for(user: User) -> QuerySet[Service]:
    """Categories worth filtering by: complaints for standards, the rest for triage."""
    if user.role == Role.ADMIN:
        return Service.objects.all()
    return Service.objects.filter(standards=user.role == Role.STANDARDS_INVESTIGATOR)


def _day(value: Any, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.max if end else time.min))


def _filtered(rows: QuerySet[Report], data: dict[str, Any]) -> QuerySet[Report]:
    """Every filter except status (the counts are per status)."""
    if data.get("category"):
        rows = rows.filter(service=data["category"])
    if data.get("unit"):
        rows = rows.filter(unit=data["unit"])
    if data.get("since"):
        rows = rows.filter(created_at__gte=_day(data["since"]))
    if data.get("until"):
        rows = rows.filter(created_at__lte=_day(data["until"], end=True))
    return rows


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    try:
        check_queue(user)
    except EvidentiaError as exc:
        return error_page(request, exc)
    form = QueueFilter(request.GET or None, services=services_for(user))
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # bad values are ignored and explained next to their field
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    rows = _filtered(visible_reports(user), data)
    counted = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    status = Status.RECEIVED if data.get("attention") else data.get("status") or ""
    if status:
        rows = rows.filter(status=status)
    rows = rows.select_related("service", "unit", "duplicate_of").order_by("-created_at", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    reports = [
        {"report": r, "possible_duplicate": bool(triage.duplicates(r, limit=1))}
        for r in page.object_list
    ]
    kept = {k: v for k, v in request.GET.items() if k not in ("page", "status", "attention")}
    standards = user.role == Role.STANDARDS_INVESTIGATOR
    return render(
        request,
        "community/staff/queue.html",
        {
            "nav": "community",
            "title": "Standards queue" if standards else "Community reports",
            "standards": standards,
            "form": form,
            "page": page,
            "reports": reports,
            "status": status,
            "counts": [
                {
                    "value": value,
                    "label": label,
                    "n": counted.get(value, 0),
                    "query": urlencode({**kept, "status": value}),
                }
                for value, label in Status.choices
            ],
            "total": sum(counted.values()),
            "all_query": urlencode(kept),
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "filtered": any(data.get(k) for k in ("category", "unit", "since", "until")),
            "status_label": Status(status).label if status else "",
            "can_publish_alerts": can_publish(user),
        },
    )
