"""Working a complaint: assignee and due date, status, details, notes, the closing
letter and closing (allegations, findings and corrective action are in allegations.py).
Each change checks that the actor is in standards (NotFound otherwise), changes the data
and appends its ledger event in one transaction. Ledger detail holds ids, the reference,
types and findings, and digests of text: never the complainant's words or contact
details."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.community.models import Report
from evidentia.community.models import Status as ReportStatus
from evidentia.core.errors import Conflict, Rejected
from evidentia.custody import events, ledger
from evidentia.standards.models import (
    Complaint,
    ComplaintStatus,
    InvestigationNote,
)
from evidentia.standards.services.access import STANDARDS_ROLES, get_complaint

MAX_TEXT = 20_000
MAX_ID_DIGITS = 18  # fits a database integer; longer input is refused, not an OverflowError
REPORT_STATUS = {
    ComplaintStatus.RECEIVED: ReportStatus.RECEIVED,
    ComplaintStatus.INVESTIGATING: ReportStatus.IN_PROGRESS,
    ComplaintStatus.CLOSED: ReportStatus.CLOSED,
}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def clean_text(value: Any, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Rejected(f"Write the {what}.")
    if len(text) > limit:
        raise Rejected(f"Keep the {what} under {limit} characters.")
    return text


def editable(actor: User, complaint: Complaint | Any) -> Complaint:
    """The complaint, locked and re-read, refusing changes once it is closed."""
    current = get_complaint(actor, getattr(complaint, "pk", complaint), lock=True)
    if not current.is_open:
        raise Conflict(f"Complaint {current.reference} is closed; it cannot be changed.")
    return current


def log_event(kind: str, actor: User, request, complaint: Complaint, **detail: Any) -> None:
    ledger.record(
        kind,
        actor=actor,
        request=request,
        item=detail.pop("item", None),
        detail={"complaint": str(complaint.pk), "reference": complaint.reference} | detail,
    )


def touch(complaint: Complaint, **fields: Any) -> None:
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(complaint, name, value)
    complaint.save(update_fields=list(fields))


def _sync_report(complaint: Complaint) -> None:
    """The resident's report follows the complaint's status (their tracking page)."""
    if not complaint.report_id:
        return
    now = timezone.now()
    closed = complaint.status == ComplaintStatus.CLOSED
    Report.objects.filter(pk=complaint.report_id).update(
        status=REPORT_STATUS[complaint.status],
        closed_at=complaint.closed_at if closed else None,
        updated_at=now,
    )


def user_id(value: Any) -> int | None:
    """A user id from a form: ASCII digits of a sane length, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value < 10**MAX_ID_DIGITS else None
    text = str(value or "").strip()
    ok = text.isascii() and text.isdecimal() and len(text) <= MAX_ID_DIGITS
    return int(text) if ok else None


def _standards_user(value: Any) -> User:
    user = User.objects.filter(pk=user_id(value), is_active=True, role__in=STANDARDS_ROLES).first()
    if user is None:
        raise Rejected("Assign the complaint to a standards investigator.")
    return user


def assign(
    actor: User,
    complaint: Complaint,
    *,
    assignee_id: Any,
    due_on: date | None,
    request: HttpRequest | None = None,
) -> Complaint:
    with transaction.atomic():
        current = editable(actor, complaint)
        assignee = _standards_user(assignee_id)
        if due_on is not None and due_on < current.received_at.date():
            raise Rejected("The due date is before the complaint was received.")
        touch(current, assignee=assignee, due_on=due_on)
        log_event(
            events.COMPLAINT_ASSIGNED,
            actor,
            request,
            current,
            assignee=assignee.pk,
            due_on=due_on.isoformat() if due_on else None,
        )
    return current


def set_status(
    actor: User, complaint: Complaint, status: str, *, request: HttpRequest | None = None
) -> Complaint:
    """Received <-> under investigation. Closing has its own rules: `close`."""
    if status == ComplaintStatus.CLOSED:
        raise Rejected("Use Close to close a complaint: it needs findings and a closing letter.")
    if status not in ComplaintStatus.values:
        raise Rejected("Choose a status: received or under investigation.")
    with transaction.atomic():
        current = editable(actor, complaint)
        if current.status == status:
            return current
        before = current.status
        touch(current, status=status)
        _sync_report(current)
        log_event(
            events.COMPLAINT_STATUS_CHANGED, actor, request, current, before=before, after=status
        )
    return current


MAX_PLACE = 300
MAX_INCIDENT_NUMBER = 40


def update_details(
    actor: User,
    complaint: Complaint,
    *,
    summary: str,
    incident_at: datetime | None = None,
    incident_number: str = "",
    location: str = "",
    request: HttpRequest | None = None,
) -> Complaint:
    """The investigator's summary and what is known of the incident: its time, its
    CAD/incident number and the place. The time and number find candidate recordings."""
    summary = clean_text(summary, "summary")
    number = " ".join(str(incident_number or "").split())
    if len(number) > MAX_INCIDENT_NUMBER:
        raise Rejected(f"Keep the incident number under {MAX_INCIDENT_NUMBER} characters.")
    place = clean_text(location, "place", required=False, limit=MAX_PLACE)
    if incident_at is not None and (incident_at.tzinfo is None or incident_at > timezone.now()):
        raise Rejected("The incident time must be a time in the past, in UTC.")
    with transaction.atomic():
        current = editable(actor, complaint)
        fields = {
            "summary": summary,
            "incident_at": incident_at,
            "incident_number": number,
            "location": place,
        }
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if not changed:
            return current
        touch(current, **{name: fields[name] for name in changed})
        log_event(
            events.COMPLAINT_UPDATED,
            actor,
            request,
            current,
            changed=changed,
            incident_at=incident_at,
            incident_number=number,
            summary_sha256=digest(summary),
            location_sha256=digest(place),
        )
    return current


def add_note(
    actor: User, complaint: Complaint, text: str, *, request: HttpRequest | None = None
) -> InvestigationNote:
    text = clean_text(text, "note")
    with transaction.atomic():
        current = editable(actor, complaint)
        note = InvestigationNote.objects.create(complaint=current, text=text, author=actor)
        touch(current)
        log_event(
            events.COMPLAINT_NOTE_ADDED,
            actor,
            request,
            current,
            note=note.pk,
            text_sha256=digest(text),
        )
    return note


def set_closing_letter(
    actor: User, complaint: Complaint, text: str, *, request: HttpRequest | None = None
) -> Complaint:
    text = clean_text(text, "closing letter")
    with transaction.atomic():
        current = editable(actor, complaint)
        touch(current, closing_letter=text)
        log_event(
            events.COMPLAINT_UPDATED,
            actor,
            request,
            current,
            closing_letter_sha256=digest(text),
        )
    return current


def close_problems(complaint: Complaint) -> list[str]:
    """Why this complaint cannot be closed yet; empty when it can."""
    problems = []
    allegations = list(complaint.allegations.all())
    if not allegations:
        problems.append("Add at least one allegation.")
    missing = [a for a in allegations if not a.finding]
    if missing:
        problems.append(f"Record a finding on every allegation ({len(missing)} without one).")
    if not complaint.closing_letter.strip():
        problems.append("Write the closing letter the complainant will read.")
    return problems


def close(
    actor: User,
    complaint: Complaint,
    *,
    closing_letter: str | None = None,
    request: HttpRequest | None = None,
) -> Complaint:
    """Close: every allegation needs a finding and the complainant a closing letter."""
    with transaction.atomic():
        current = editable(actor, complaint)
        if closing_letter is not None and closing_letter.strip():
            current.closing_letter = clean_text(closing_letter, "closing letter")
        if problems := close_problems(current):
            raise Rejected("Cannot close yet: " + " ".join(problems))
        before = current.status
        now = timezone.now()
        touch(
            current,
            status=ComplaintStatus.CLOSED,
            closed_at=now,
            closing_letter=current.closing_letter,
        )
        _sync_report(current)
        findings = {str(a.pk): a.finding for a in current.allegations.all()}
        log_event(
            events.COMPLAINT_CLOSED,
            actor,
            request,
            current,
            before=before,
            findings=findings,
            closing_letter_sha256=digest(current.closing_letter),
        )
    return current
