"""The allegations of a complaint: each names an officer and a type; then a finding and
any corrective action. Same rules as investigation.py: standards only (NotFound
otherwise), change and ledger event in one transaction, digests instead of text."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.core.errors import NotFound, Rejected
from evidentia.custody import events
from evidentia.standards.models import (
    ActionKind,
    Allegation,
    AllegationType,
    Complaint,
    CorrectiveAction,
    Finding,
)
from evidentia.standards.services.access import is_standards
from evidentia.standards.services.investigation import (
    clean_text,
    editable,
    log_event,
    touch,
    user_id,
)

# Who an allegation may name: the people complaints are about (as on the intake form).
OFFICER_ROLES = (Role.OFFICER, Role.SUPERVISOR)


def _officer(value: Any) -> User | None:
    """The officer an allegation names: an active officer or supervisor, or nobody."""
    if value in (None, ""):
        return None
    officer = User.objects.filter(pk=user_id(value), is_active=True, role__in=OFFICER_ROLES).first()
    if officer is None:
        raise Rejected("Choose an active officer or supervisor from the list.")
    return officer


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
    description = clean_text(description, "description", required=False)
    with transaction.atomic():
        current = editable(actor, complaint)
        allegation = Allegation.objects.create(
            complaint=current,
            officer=_officer(officer_id),
            officer_description=clean_text(
                officer_description, "officer description", required=False, limit=200
            ),
            type=type,
            description=description,
        )
        touch(current)
        log_event(
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
    description = clean_text(description, "description", required=False)
    with transaction.atomic():
        allegation, current = _allegation(actor, allegation_id)
        before = {"type": allegation.type, "officer": allegation.officer_id}
        allegation.type = type
        if user_id(officer_id) != allegation.officer_id or allegation.officer_id is None:
            # Keeping the officer already named is fine even if they have since left.
            allegation.officer = _officer(officer_id)
        allegation.description = description
        allegation.save(update_fields=["type", "officer", "description"])
        touch(current)
        log_event(
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
    note = clean_text(note, "finding note", required=False)
    with transaction.atomic():
        allegation, current = _allegation(actor, allegation_id)
        before = allegation.finding
        allegation.finding = finding
        allegation.finding_note = note
        allegation.finding_at = timezone.now()
        allegation.finding_by = actor
        allegation.save(update_fields=["finding", "finding_note", "finding_at", "finding_by"])
        touch(current)
        log_event(
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
    description = clean_text(description, "action description", required=False)
    with transaction.atomic():
        allegation, current = _allegation(actor, allegation_id)
        if not allegation.finding:
            raise Rejected("Record a finding on this allegation before any corrective action.")
        action = CorrectiveAction.objects.create(
            allegation=allegation, kind=kind, description=description, decided_by=actor
        )
        touch(current)
        log_event(
            events.CORRECTIVE_ACTION_RECORDED,
            actor,
            request,
            current,
            allegation=allegation.pk,
            action=action.pk,
            action_kind=kind,
        )
    return action
