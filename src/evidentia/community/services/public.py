"""What the public may see of a report: the one projection used by the public pages,
the Atom feed and Open311. Exact places become block-sized cells, typed addresses and
contact details never leave, and text shows only as moderated (with e-mail addresses
and phone numbers masked until a moderator has looked)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse

from evidentia.community.models import Report, ReportMedia, ReportUpdate, Status, Visibility
from evidentia.community.models.reports import OPEN_STATUSES
from evidentia.community.services import geo
from evidentia.community.services.notify import absolute

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# What codes.new_public_id makes, loosely (Open311 clients may change the case).
PUBLIC_ID = re.compile(r"[0-9A-Za-z]{1,16}")
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{6,}\d)(?!\w)")


def mask(text: str) -> str:
    text = EMAIL.sub("[email removed]", text)
    return PHONE.sub("[number removed]", text)


def valid_public_id(value: str) -> bool:
    """Whether `value` could be a report's public id. Anything else (a NUL byte, which
    PostgreSQL text cannot hold, punctuation, a long string) is not looked up at all."""
    return PUBLIC_ID.fullmatch(value) is not None


def public_reports() -> QuerySet[Report]:
    """Reports anyone may see: public categories, not restricted, not hidden."""
    return Report.objects.filter(public=True, restricted=False)


def public_text(report: Report) -> str:
    if report.moderated:
        return report.public_description
    return mask(report.description)


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def public_updates(report: Report) -> QuerySet[ReportUpdate]:
    return report.updates.filter(visibility=Visibility.PUBLIC)


def resident_updates(report: Report) -> QuerySet[ReportUpdate]:
    """What the resident sees with their code: public and private replies, their own
    additions, status changes; never internal notes."""
    return report.updates.exclude(visibility=Visibility.INTERNAL)


def media_url(media: ReportMedia) -> str | None:
    """A public, redacted-only address: only a published redacted copy has one."""
    if media.public_blob_id is None:
        return None
    return absolute(reverse("public:media", args=[media.pk]))


@dataclass(frozen=True)
class PublicReport:
    public_id: str
    service_code: str
    service_name: str
    status: str
    status_label: str
    open311_status: str
    status_notes: str
    description: str
    lat: float | None
    lon: float | None
    requested: datetime
    updated: datetime
    closed: datetime | None
    expected: datetime | None
    media_url: str | None

    @property
    def url(self) -> str:
        return reverse("public:report", args=[self.public_id])


def project(report: Report, notes: str = "", media: str | None = None) -> PublicReport:
    lat = lon = None
    if report.lat is not None and report.lon is not None:
        lat, lon = geo.fuzz(report.lat, report.lon)
    expected = None
    if report.service.expected_days and report.status in OPEN_STATUSES:
        expected = report.created_at + timedelta(days=report.service.expected_days)
    return PublicReport(
        public_id=report.public_id,
        service_code=report.service.code,
        service_name=report.service.name,
        status=report.status,
        status_label=Status(report.status).label,
        open311_status=open311_status(report.status),
        status_notes=notes,
        description=public_text(report),
        lat=lat,
        lon=lon,
        requested=report.created_at,
        updated=report.updated_at,
        closed=report.closed_at,
        expected=expected,
        media_url=media,
    )


def project_many(reports: QuerySet[Report] | list[Report]) -> list[PublicReport]:
    """Project a page of reports with two extra queries, whatever its length."""
    rows = list(reports)
    ids = [r.pk for r in rows]
    notes: dict[object, str] = {}
    for upd in (
        ReportUpdate.objects.filter(report_id__in=ids, visibility=Visibility.PUBLIC)
        .exclude(text="")
        .order_by("report_id", "created_at", "id")
        .values("report_id", "text")
    ):
        notes[upd["report_id"]] = upd["text"]  # the latest public reply wins
    media: dict[object, str] = {}
    for m in ReportMedia.objects.filter(report_id__in=ids, public_blob__isnull=False).order_by(
        "added_at"
    ):
        media.setdefault(m.report_id, media_url(m) or "")
    return [project(r, notes.get(r.pk, ""), media.get(r.pk) or None) for r in rows]
