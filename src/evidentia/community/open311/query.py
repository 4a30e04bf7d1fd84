"""GET requests: which public reports a query selects, and how each one reads.

Only `public.public_reports()` rows are ever selected, and each is shown through
`public.project_many()`: fuzzed places, moderated text, public replies, redacted media.
Typed addresses, address ids and postcodes are never public, so they are always null.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict

from evidentia.community.models import Report, Service
from evidentia.community.models.reports import OPEN_STATUSES
from evidentia.community.open311.params import (
    BadParameter,
    comma_list,
    is_service_code,
    w3_datetime,
)
from evidentia.community.open311.render import w3
from evidentia.community.services import public
from evidentia.community.services.reports import MAX_DESCRIPTION

MAX_REQUESTS = 1000
MAX_SPAN = timedelta(days=90)
FIRST, LAST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
OPEN, CLOSED = "open", "closed"
# What `public.project` reads of a report, and nothing more: contact details and typed
# addresses are not even loaded (the unmoderated description is masked there).
COLUMNS = (
    "pk",
    "public_id",
    "service_id",
    "status",
    "moderated",
    "public_description",
    "description",
    "lat",
    "lon",
    "created_at",
    "updated_at",
    "closed_at",
)


@dataclass(slots=True)
class _Row:
    """A report as `public.project` reads it, built from one tuple instead of a model
    instance per row (a third of the time of a 1,000-row page)."""

    pk: Any
    public_id: str
    service: Service
    status: str
    moderated: bool
    public_description: str
    description: str
    lat: float | None
    lon: float | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class Filters:
    ids: list[str]
    codes: list[str]
    start: datetime | None
    end: datetime | None
    statuses: list[str]


def filters(params: QueryDict, now: datetime) -> Filters:
    """The spec's filters. service_request_id overrides all the others; without dates
    the window is the last 90 days, and a window may not span more than 90 days."""
    ids = comma_list(params, "service_request_id")
    if ids:
        return Filters([i.upper() for i in ids], [], None, None, [])
    codes = comma_list(params, "service_code")
    statuses = [s.lower() for s in comma_list(params, "status")]
    wrong = [s for s in statuses if s not in (OPEN, CLOSED)]
    if wrong:
        raise BadParameter(
            "status", f"status must be open or closed (or open,closed), not '{wrong[0][:40]}'."
        )
    start_text = (params.get("start_date") or "").strip()
    end_text = (params.get("end_date") or "").strip()
    start = w3_datetime("start_date", start_text) if start_text else None
    end = w3_datetime("end_date", end_text) if end_text else None
    if start and end:
        if start > end:
            raise BadParameter("start_date", "start_date must be before end_date.")
        if end - start > MAX_SPAN:
            raise BadParameter("end_date", "start_date to end_date may not span more than 90 days.")
    elif start:
        end = start + MAX_SPAN if start < LAST - MAX_SPAN else LAST
    elif end:
        start = end - MAX_SPAN if end > FIRST + MAX_SPAN else FIRST
    else:
        start = now - MAX_SPAN  # the most recent 90 days
    return Filters([], codes, start, end, statuses)


def _project(reports: QuerySet[Report]) -> list[public.PublicReport]:
    services = {s.pk: s for s in Service.objects.all()}
    rows = [
        _Row(pk, public_id, services[service_id], *rest)
        for pk, public_id, service_id, *rest in reports.values_list(*COLUMNS)
    ]
    return public.project_many(cast(list[Report], rows))


def find(chosen: Filters) -> list[public.PublicReport]:
    """At most 1,000 public reports, newest first. Ids and codes that cannot name a
    report or a service (a NUL byte among them) select nothing, without a query."""
    if chosen.ids:  # by the unique index on public_id (the IN form would pull the planner off it)
        ids = [i for i in chosen.ids if public.valid_public_id(i)]
        if not ids:
            return []
        reports = public.public_reports().filter(public_id__in=ids)
    else:
        reports = public.public_reports()
        if chosen.codes:
            codes = [c for c in chosen.codes if is_service_code(c)]
            if not codes:
                return []
            reports = reports.filter(service__code__in=codes)
        if chosen.start is not None:
            reports = reports.filter(created_at__gte=chosen.start)
        if chosen.end is not None:
            reports = reports.filter(created_at__lte=chosen.end)
        if len(set(chosen.statuses)) == 1:
            if chosen.statuses[0] == OPEN:
                reports = reports.filter(status__in=OPEN_STATUSES)
            else:
                reports = reports.exclude(status__in=OPEN_STATUSES)
    return _project(reports.order_by("-created_at")[:MAX_REQUESTS])


def one(public_id: str) -> public.PublicReport | None:
    found = _project(public.public_reports().filter(public_id=public_id.upper())[:1])
    return found[0] if found else None


def row(report: public.PublicReport, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One <request>, in the spec's order."""
    closed = report.open311_status == CLOSED
    updated = report.closed if closed and report.closed else report.updated
    return {
        "service_request_id": report.public_id,
        "status": report.open311_status,
        "status_notes": report.status_notes or None,
        "service_name": report.service_name,
        "service_code": report.service_code,
        "description": report.description[:MAX_DESCRIPTION],
        "agency_responsible": settings.AGENCY_NAME,
        "service_notice": None,
        "requested_datetime": w3(report.requested),
        "updated_datetime": w3(updated),
        "expected_datetime": w3(report.expected),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": absolute(report.media_url) if report.media_url else None,
    }
