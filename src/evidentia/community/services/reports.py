"""Filing a report and the resident's side of it. The web form, Open311 POST and
staff entry all come through `file_report`: one code path, one set of checks."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cases.models import CaseStatus
from evidentia.community.models import (
    Open311Key,
    Report,
    ReportMedia,
    ReportUpdate,
    Service,
    Via,
    Visibility,
)
from evidentia.community.services import codes, geo, notify
from evidentia.community.services._common import PUBLIC_ACTOR, clean, digest
from evidentia.core.errors import EvidentiaError, Rejected
from evidentia.core.vault import WriteResult
from evidentia.custody import events, ledger
from evidentia.evidence.services.ingest import Ingested, Submission, finish

log = logging.getLogger(__name__)
MAX_DESCRIPTION = 4000  # Open311's limit, used everywhere
MAX_EMAIL = 254
CLOCK_SKEW = timedelta(minutes=10)
# Earlier than this is a typing slip, and near year 1 a local time is off the calendar.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


class Invalid(EvidentiaError):
    """Input that cannot make a report; `errors` maps each field to its message."""

    status = 400

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass
class NewReport:
    service_code: str
    description: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    address_id: str = ""
    zipcode: str = ""
    occurred_at: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    via: str = Via.WEB
    open311_client: Open311Key | None = None


@dataclass(frozen=True)
class Filed:
    report: Report
    code: str  # shown to the resident once; only its hash is kept


def _check_attributes(service: Service, given: dict[str, Any], errors: dict[str, str]) -> dict:
    kept: dict[str, Any] = {}
    for attr in service.attributes:
        if not attr.get("variable", True):
            continue
        code = attr["code"]
        value = given.get(code)
        values = value if isinstance(value, list) else [value] if value not in (None, "") else []
        values = [clean(str(v), 500) for v in values if clean(str(v))]
        if not values:
            if attr.get("required"):
                errors[f"attribute[{code}]"] = f"Answer: {attr.get('description') or code}."
            continue
        options = {v["key"] for v in attr.get("values", [])}
        kind = attr.get("datatype")
        if kind in ("singlevaluelist", "multivaluelist") and not set(values) <= options:
            errors[f"attribute[{code}]"] = f"Choose one of the listed answers for {code}."
            continue
        if kind == "number":
            try:
                float(values[0])
            except ValueError:
                errors[f"attribute[{code}]"] = f"{code} must be a number."
                continue
        kept[code] = values if kind == "multivaluelist" else values[0]
    return kept


def validate(new: NewReport) -> tuple[Service | None, dict[str, Any], dict[str, str]]:
    """Every problem at once, keyed by the field it belongs to."""
    errors: dict[str, str] = {}
    code = clean(new.service_code)
    service = Service.objects.filter(code=code, active=True).first() if code else None
    if service is None:
        errors["service_code"] = "Unknown category." if code else "Choose what you are reporting."
    description = clean(new.description)
    if not description:
        errors["description"] = "Describe what happened."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Keep the description under {MAX_DESCRIPTION} characters."
    has_point = new.lat is not None and new.lon is not None
    if (new.lat is None) != (new.lon is None):
        errors["location"] = "Send both latitude and longitude."
    elif has_point:
        assert new.lat is not None and new.lon is not None
        if not (-90 <= new.lat <= 90 and -180 <= new.lon <= 180):
            errors["location"] = "That latitude/longitude is not a place on Earth."
        elif not geo.in_service_area(new.lat, new.lon):
            errors["location"] = (
                "That place is outside the area this agency serves. Contact the agency "
                "responsible for it."
            )
    elif not (clean(new.address) or clean(new.address_id)):
        errors["location"] = (
            "Say where: drop a pin on the map, use your location, or type an address."
        )
    if new.occurred_at is not None and new.occurred_at > timezone.now() + CLOCK_SKEW:
        errors["occurred_at"] = "That time is in the future."
    elif new.occurred_at is not None and new.occurred_at < EARLIEST:
        errors["occurred_at"] = "That date is too long ago: give when it happened."
    if email := clean(new.contact_email):
        try:
            if len(email) > MAX_EMAIL:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = "That email address does not look right."
    attributes = _check_attributes(service, new.attributes, errors) if service else {}
    return service, attributes, errors


def file_report(
    new: NewReport, *, actor: User | None = None, request: HttpRequest | None = None
) -> Filed:
    """Create a report. `actor` is the staff member entering it, if any; `request`, the
    one being served, gives the e-mail's links their address when none is configured.
    It never reaches the ledger: residents are recorded without one."""
    service, attributes, errors = validate(new)
    if errors or service is None:
        raise Invalid(errors)
    code = codes.new_code()
    restricted = service.standards
    now = timezone.now()
    for _ in range(5):  # a random-id collision is possible in principle: draw again
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    public_id=codes.new_public_id(),
                    code_hash=codes.code_hash(code),
                    token=codes.new_token(),
                    service=service,
                    description=clean(new.description),
                    address=clean(new.address, 300),
                    address_id=clean(new.address_id, 64),
                    zipcode=clean(new.zipcode, 16),
                    lat=new.lat,
                    lon=new.lon,
                    occurred_at=new.occurred_at,
                    attributes=attributes,
                    contact_name=clean(new.contact_name, 120),
                    contact_email=clean(new.contact_email, MAX_EMAIL),
                    contact_phone=clean(new.contact_phone, 40),
                    via=new.via,
                    open311_client=new.open311_client,
                    restricted=restricted,
                    public=service.public and not restricted,
                    created_at=now,
                    updated_at=now,
                )
                _record(events.REPORT_FILED, report, actor, {"via": new.via})
                if restricted:  # a complaint about an officer: standards opens it
                    from evidentia.standards.services import intake

                    intake.on_report_filed(report, actor=actor, request=request)
                break
        except IntegrityError:
            code = codes.new_code()
    else:  # pragma: no cover - five collisions of 50+ random bits
        raise EvidentiaError("Could not file the report just now; please try again.")
    transaction.on_commit(lambda: notify.filed(report, code, request))
    return Filed(report, code)


def _record(kind: str, report: Report, actor: User | None, detail: dict[str, Any]) -> None:
    """A ledger event about a report. Residents are the actor "public", with no client
    address and no personal details: only ids, the category and a digest of the text."""
    ledger.record(
        kind,
        actor=actor or PUBLIC_ACTOR,
        case=report.case_id,
        client={},
        detail={
            "report": report.public_id,
            "service": report.service.code,
            "restricted": report.restricted,
            "anonymous": report.anonymous,
            "description_sha256": digest(report.description),
        }
        | detail,
    )


def lookup(code: str) -> Report | None:
    """The report a tracking code opens, by the code's hash (never the code itself)."""
    if not code or len(code) > 64:
        codes.code_hash("")  # same work either way
        return None
    return Report.objects.select_related("service").filter(code_hash=codes.code_hash(code)).first()


def add_info(report: Report, text: str) -> ReportUpdate:
    """The resident adds information with their code."""
    text = clean(text)
    if not text:
        raise Invalid({"text": "Write what you want to add."})
    if len(text) > MAX_DESCRIPTION:
        raise Invalid({"text": f"Keep it under {MAX_DESCRIPTION} characters."})
    with transaction.atomic():
        update = ReportUpdate.objects.create(
            report=report,
            kind=ReportUpdate.Kind.RESIDENT,
            visibility=Visibility.REPORTER,
            text=text,
        )
        Report.objects.filter(pk=report.pk).update(updated_at=update.created_at)
        _record(
            events.REPORT_INFO_ADDED,
            report,
            None,
            {"text_sha256": digest(text)},
        )
    return update


# --------------------------------------------------------------------------- media


def closed_reason(report: Report) -> str:
    """Why this report takes no more files, or "" while it does."""
    if report.is_open:
        return ""
    return "This report is closed, so it takes no more files. File a new report instead."


def submission(report: Report, name: str) -> Submission:
    """What a resident's file becomes: evidence whose source is this report, and of its
    case while that takes evidence. An archived case takes none, and its number is not
    the resident's to see: the file stays with the report for staff to link later."""
    case = report.case
    if case is not None and case.status == CaseStatus.ARCHIVED:
        case = None
    return Submission(
        original_name=name or "upload",
        via="public",
        case=case,
        description=f"Sent by a resident with community report {report.public_id}.",
        source={"report": report.public_id, "service": report.service.code},
    )


def attach(report: Report, ingested: Ingested) -> ReportMedia:
    """Link a stored file to its report (inside the ingest transaction)."""
    media, _ = ReportMedia.objects.get_or_create(report=report, item=ingested.item)
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return media


def store_file(report: Report, written: WriteResult, head: bytes, name: str) -> ReportMedia:
    """A file that came with the form itself (no JavaScript): already in the vault,
    now evidence linked to the report. Type and size were checked by the caller. The
    report is read again, locked, so one closed while the file streamed takes nothing;
    a refused blob is the caller's to delete."""
    if written.size == 0:
        raise Rejected("That file is empty (0 bytes).")
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",))
        current = locked.select_related("service", "case").get(pk=report.pk)
        if reason := closed_reason(current):
            raise Rejected(reason)
        result = finish(written, head, submission(current, name), actor=PUBLIC_ACTOR)
        return attach(current, result)
