"""How complaints arrive: the public portal (through the community report the resident
filed), staff taking one by phone, in person or by mail (which files a restricted community
report too, so the complainant gets a tracking code), and internal referral (for example
from a use-of-force review). Each creates the Complaint and its first allegation and puts
COMPLAINT_RECEIVED in the ledger, in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError, NotFound, Rejected
from evidentia.custody import events, ledger
from evidentia.standards.models import (
    Allegation,
    AllegationType,
    Complaint,
    ComplaintStatus,
    Source,
)
from evidentia.standards.services.access import NOT_FOUND, can_refer

MAX_SUMMARY = 10_000
MAX_ORIGIN = 40


def _line(value: Any, limit: int) -> str:
    """One line of plain text, whitespace collapsed, cut to `limit`."""
    return " ".join(str(value or "").split())[:limit]


def next_reference(year: int) -> str:
    """The next C-YYYY-NNNN for this year: one past the highest issued. Callers create the
    complaint in a savepoint and draw again if a concurrent writer took the same number
    (the reference is unique); SQLite's IMMEDIATE transactions serialise writers anyway."""
    prefix = f"C-{year}-"
    last = (
        Complaint.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    # Four digits sort correctly; past 9999 the width grows and ordering by length first
    # keeps "max" right.
    if last and number > 9999:
        longest = max(
            Complaint.objects.filter(reference__startswith=prefix).values_list(
                "reference", flat=True
            ),
            key=lambda r: (len(r), r),
        )
        number = int(longest[len(prefix) :]) + 1
    return f"{prefix}{number:04d}"


def _create(**fields: Any) -> Complaint:
    """Create with a freshly allocated reference, drawing again on a collision."""
    now = timezone.now()
    fields.setdefault("due_on", (now + timedelta(days=settings.STANDARDS_DUE_DAYS)).date())
    for _ in range(20):
        try:
            with transaction.atomic():
                return Complaint.objects.create(
                    reference=next_reference(now.year), created_at=now, updated_at=now, **fields
                )
        except IntegrityError:
            continue
    raise EvidentiaError("Could not number the complaint just now; please try again.")


def _received(
    complaint: Complaint, allegation: Allegation, actor: Any, request, extra: dict | None = None
) -> None:
    detail = {
        "complaint": str(complaint.pk),
        "reference": complaint.reference,
        "source": complaint.source,
        "allegations": [{"id": allegation.pk, "type": allegation.type}],
        "officer": allegation.officer_id,
    }
    if complaint.report_id:
        detail["report"] = complaint.report.public_id
    ledger.record(
        events.COMPLAINT_RECEIVED,
        actor=actor,
        request=request,
        client={} if actor == "public" else None,
        detail=detail | (extra or {}),
    )


def _allegation_type(value: str) -> str:
    value = (value or "").strip()
    if value not in AllegationType.values:
        raise Rejected(
            "Choose an allegation type: " + ", ".join(str(lbl) for lbl in AllegationType.labels)
        )
    return value


def open_internal_referral(
    *,
    actor: User,
    summary: str,
    officer: User | None,
    allegation_type: str,
    origin: str,
    request: HttpRequest | None = None,
    incident_at: datetime | None = None,
    incident_number: str = "",
) -> Complaint:
    """An internal referral (e.g. a supervisor referring a use-of-force report to standards).
    Supervisors may make one but cannot see it afterwards. The incident's time and number
    come along, so the investigator is offered the recordings at once."""
    if not can_refer(actor):
        raise NotFound(NOT_FOUND)
    summary = (summary or "").strip()
    if not summary:
        raise Rejected("Say why this is referred to professional standards.")
    if len(summary) > MAX_SUMMARY:
        raise Rejected(f"Keep the summary under {MAX_SUMMARY} characters.")
    kind = _allegation_type(allegation_type)
    origin = _line(origin, MAX_ORIGIN)
    number = _line(incident_number, 41)
    if len(number) > 40:
        raise Rejected("The incident number is at most 40 characters.")
    if officer is not None and not isinstance(officer, User):
        raise Rejected("Name the officer the referral is about.")
    with transaction.atomic():
        complaint = _create(
            source=Source.INTERNAL,
            summary=summary,
            incident_at=incident_at,
            incident_number=number,
            created_by=actor,
            status=ComplaintStatus.RECEIVED,
        )
        allegation = Allegation.objects.create(
            complaint=complaint, officer=officer, type=kind, description=""
        )
        _received(complaint, allegation, actor, request, {"origin": origin})
    return complaint


# --------------------------------------------------------------------------- from a report

SOURCE_OF_VIA = {"web": Source.PORTAL, "open311": Source.PORTAL}
STAFF_SOURCES = (Source.PHONE, Source.IN_PERSON, Source.MAIL)
OFFICER_ROLES = ("officer", "supervisor")


def identify_officer(described: str) -> User | None:
    """The officer a complainant named, only when the text is exactly a badge number or a
    username we know: anything looser would pin a complaint on the wrong person."""
    text = _line(described, 200)
    if not text or len(text) > 40:
        return None
    people = User.objects.filter(is_active=True, role__in=OFFICER_ROLES)
    matches = list(people.filter(badge_number__iexact=text)[:2]) or list(
        people.filter(username__iexact=text)[:2]
    )
    return matches[0] if len(matches) == 1 else None


def from_report(
    report,
    *,
    actor: Any = None,
    request: HttpRequest | None = None,
    source: str | None = None,
    officer: User | None = None,
    summary: str = "",
    allegation_type: str = "",
) -> Complaint:
    """The complaint behind a restricted community report, in the caller's transaction.
    The service's attributes give the allegation type and how the officer was described."""
    attributes = report.attributes or {}
    kind = allegation_type or attributes.get("allegation")
    kind = kind if kind in AllegationType.values else AllegationType.OTHER
    described = _line(attributes.get("officer", ""), 200)
    if officer is None and described:
        officer = identify_officer(described)
    source = source or SOURCE_OF_VIA.get(report.via, Source.PORTAL)
    staff = actor if isinstance(actor, User) else None
    with transaction.atomic():
        complaint = _create(
            source=source,
            report=report,
            summary=(summary or report.description or "").strip(),
            received_at=report.created_at,
            incident_at=report.occurred_at,
            location=report.address,
            created_by=staff,
        )
        allegation = Allegation.objects.create(
            complaint=complaint, officer=officer, officer_description=described, type=kind
        )
        _received(complaint, allegation, actor or "public", request)
    return complaint


def on_report_filed(report, *, actor: Any = None, request: HttpRequest | None = None) -> None:
    """Hook for community `file_report`: a report in a standards category becomes a
    complaint in the same transaction. Staff intake (via "staff") makes its own, with the
    source and officer it was told."""
    if report.restricted and report.via != "staff":
        from_report(report, actor=actor, request=request)


# --------------------------------------------------------------------------- staff intake


def take_complaint(
    *,
    actor: User,
    source: str,
    description: str,
    allegation_type: str,
    where: str,
    officer: User | None = None,
    officer_description: str = "",
    occurred_at: datetime | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    request: HttpRequest | None = None,
):
    """A complaint taken by phone, in person or by mail. It files a restricted community
    report through the same `file_report` as the portal, so the complainant gets a tracking
    code (returned once, for the staff member to read out or hand over), and the complaint
    with it, in one transaction. Returns (complaint, Filed)."""
    from evidentia.community.models import Service, Via
    from evidentia.community.services.reports import NewReport, file_report
    from evidentia.standards.services.access import require_standards

    require_standards(actor)
    if source not in STAFF_SOURCES:
        raise Rejected("Say how the complaint came in: telephone, in person, or letter/e-mail.")
    kind = _allegation_type(allegation_type)
    service = Service.objects.filter(standards=True, active=True).order_by("order", "pk").first()
    if service is None:
        raise Rejected(
            "No complaint category is active in the community catalogue; an administrator "
            "must make one (a category marked for professional standards)."
        )
    attributes: dict[str, Any] = {"allegation": kind}
    codes = {a.get("code") for a in service.attributes}
    if "allegation" not in codes:
        attributes = {}
    described = _line(officer_description, 200)
    if described and "officer" in codes:
        attributes["officer"] = described
    new = NewReport(
        service_code=service.code,
        description=description,
        address=where,
        occurred_at=occurred_at,
        attributes=attributes,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        via=Via.STAFF,
    )
    with transaction.atomic():
        filed = file_report(new, actor=actor, request=request)
        complaint = from_report(
            filed.report,
            actor=actor,
            request=request,
            source=source,
            officer=officer,
            allegation_type=kind,
        )
    return complaint, filed
