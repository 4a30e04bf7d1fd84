"""Working a complaint: assignee and due date, status, notes, allegations, findings,
corrective action, the closing letter and closing. Each change checks that the actor is
in standards (NotFound otherwise), changes the data and appends its ledger event in one
transaction. Ledger detail holds ids, the reference, types and findings, and digests of
text: never the complainant's words or contact details."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.community.models import Report
from evidentia.community.models import Status as ReportStatus
from evidentia.core.errors import Conflict, NotFound, Rejected
from evidentia.custody import events, ledger
from evidentia.standards.models import (
    ActionKind,
    Allegation,
    AllegationType,
    Complaint,
    ComplaintStatus,
    CorrectiveAction,
    Finding,
    InvestigationNote,
)
from evidentia.standards.services.access import STANDARDS_ROLES, get_complaint, is_standards

MAX_TEXT = 20_000
REPORT_STATUS = {
    ComplaintStatus.RECEIVED: ReportStatus.RECEIVED,
    ComplaintStatus.INVESTIGATING: ReportStatus.IN_PROGRESS,
    ComplaintStatus.CLOSED: ReportStatus.CLOSED,
}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _text(value: Any, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
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


def _log(kind: str, actor: User, request, complaint: Complaint, **detail: Any) -> None:
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


def _standards_user(user_id: Any) -> User:
    try:
        user = User.objects.get(pk=user_id, is_active=True, role__in=STANDARDS_ROLES)
    except (User.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Rejected("Assign the complaint to a standards investigator.") from None
    return user


def _officer(user_id: Any) -> User | None:
    if user_id in (None, ""):
        return None
    try:
        return User.objects.get(pk=user_id)
    except (User.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Rejected("That officer is not on the staff list.") from None


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
        _log(
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
        _log(events.COMPLAINT_STATUS_CHANGED, actor, request, current, before=before, after=status)
    return current


def update_details(
    actor: User, complaint: Complaint, *, summary: str, request: HttpRequest | None = None
) -> Complaint:
    summary = _text(summary, "summary")
    with transaction.atomic():
        current = editable(actor, complaint)
        touch(current, summary=summary)
        _log(events.COMPLAINT_UPDATED, actor, request, current, summary_sha256=digest(summary))
    return current


def add_note(
    actor: User, complaint: Complaint, text: str, *, request: HttpRequest | None = None
) -> InvestigationNote:
    text = _text(text, "note")
    with transaction.atomic():
        current = editable(actor, complaint)
        note = InvestigationNote.objects.create(complaint=current, text=text, author=actor)
        touch(current)
        _log(
            events.COMPLAINT_NOTE_ADDED,
            actor,
            request,
            current,
            note=note.pk,
            text_sha256=digest(text),
        )
    return note


def add_allegation(
    actor: User,
    complaint: Complaint,
    *,
    type: str,
    officer_id: Any = None,
    officer_description: str = "",
    description: str = "",
    request: HttpRequest | None = None,
) -> Allegation:
    if type not in AllegationType.values:
        raise Rejected("Choose an allegation type.")
    description = _text(description, "description", required=False)
    with transaction.atomic():
        current = editable(actor, complaint)
        allegation = Allegation.objects.create(
            complaint=current,
            officer=_officer(officer_id),
            officer_description=_text(
                officer_description, "officer description", required=False, limit=200
            ),
            type=type,
            description=description,
        )
        touch(current)
        _log(
            events.ALLEGATION_ADDED,
            actor,
            request,
            current,
            allegation=allegation.pk,
            type=type,
            officer=allegation.officer_id,
        )
    return allegation


def _allegation(actor: User, allegation_id: Any) -> tuple[Allegation, Complaint]:
    if not is_standards(actor):
        raise NotFound("Page not found.")
    try:
        allegation = Allegation.objects.get(pk=allegation_id)
    except (Allegation.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound("No such allegation.") from None
    return allegation, editable(actor, allegation.complaint_id)


def update_allegation(
    actor: User,
    allegation_id: Any,
    *,
    type: str,
    officer_id: Any = None,
    description: str = "",
    request: HttpRequest | None = None,
) -> Allegation:
    if type not in AllegationType.values:
        raise Rejected("Choose an allegation type.")
    description = _text(description, "description", required=False)
    with transaction.atomic():
        allegation, current = _allegation(actor, allegation_id)
        before = {"type": allegation.type, "officer": allegation.officer_id}
        allegation.type = type
        allegation.officer = _officer(officer_id)
        allegation.description = description
        allegation.save(update_fields=["type", "officer", "description"])
        touch(current)
        _log(
            events.ALLEGATION_UPDATED,
            actor,
            request,
            current,
            allegation=allegation.pk,
            before=before,
            after={"type": type, "officer": allegation.officer_id},
        )
    return allegation


def record_finding(
    actor: User,
    allegation_id: Any,
    finding: str,
    *,
    note: str = "",
    request: HttpRequest | None = None,
) -> Allegation:
    if finding not in Finding.values:
        raise Rejected(
            "Choose a finding: " + ", ".join(str(label).lower() for label in Finding.labels) + "."
        )
    note = _text(note, "finding note", required=False)
    with transaction.atomic():
        allegation, current = _allegation(actor, allegation_id)
        before = allegation.finding
        allegation.finding = finding
        allegation.finding_note = note
        allegation.finding_at = timezone.now()
        allegation.finding_by = actor
        allegation.save(update_fields=["finding", "finding_note", "finding_at", "finding_by"])
        touch(current)
        _log(
            events.FINDING_RECORDED,
            actor,
            request,
            current,
            allegation=allegation.pk,
            type=allegation.type,
            finding=finding,
            before=before or None,
        )
    return allegation


def add_action(
    actor: User,
    allegation_id: Any,
    kind: str,
    *,
    description: str = "",
    request: HttpRequest | None = None,
) -> CorrectiveAction:
    """Discipline or corrective action, after a finding."""
    if kind not in ActionKind.values:
        raise Rejected("Choose a corrective action.")
    description = _text(description, "action description", required=False)
    with transaction.atomic():
        allegation, current = _allegation(actor, allegation_id)
        if not allegation.finding:
            raise Rejected("Record a finding on this allegation before any corrective action.")
        action = CorrectiveAction.objects.create(
            allegation=allegation, kind=kind, description=description, decided_by=actor
        )
        touch(current)
        _log(
            events.ALLEGATION_UPDATED,
            actor,
            request,
            current,
            allegation=allegation.pk,
            action=action.pk,
            action_kind=kind,
        )
    return action


def set_closing_letter(
    actor: User, complaint: Complaint, text: str, *, request: HttpRequest | None = None
) -> Complaint:
    text = _text(text, "closing letter")
    with transaction.atomic():
        current = editable(actor, complaint)
        touch(current, closing_letter=text)
        _log(
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
            current.closing_letter = _text(closing_letter, "closing letter")
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
        _log(
            events.COMPLAINT_CLOSED,
            actor,
            request,
            current,
            before=before,
            findings=findings,
            closing_letter_sha256=digest(current.closing_letter),
        )
    return current
