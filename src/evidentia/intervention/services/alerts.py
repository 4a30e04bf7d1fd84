"""What people do with an alert: open it, forward it (standards), record the
intervention and close it (the supervisor, standards or an administrator)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.errors import Conflict, PermissionDenied, Rejected
from evidentia.custody import events as ev
from evidentia.custody.ledger import record
from evidentia.intervention.models import Alert, AlertStatus, Intervention
from evidentia.intervention.services import notify
from evidentia.intervention.services.access import get_alert, reads_all

NOTE_LIMIT = 4000


def viewed(alert: Alert, user: User, request: HttpRequest | None = None) -> None:
    """Opening an alert is an event (CJIS 5.4): once per user, alert and session."""
    session = getattr(request, "session", None)
    key = f"ei-viewed-{alert.pk}"
    if session is not None and session.get(key):
        return
    record(ev.EI_ALERT_VIEWED, actor=user, request=request, detail={"alert": alert.pk})
    if session is not None:
        session[key] = True


def forward(
    alert_id: Any, user: User, request: HttpRequest | None = None, *, note: str = ""
) -> Alert:
    """Standards hands a restricted alert to the officer's supervisor, who then sees its
    summary (references, dates and allegation types; never complaint text)."""
    if not reads_all(user):
        raise PermissionDenied("Only professional standards forwards restricted alerts.")
    with transaction.atomic():
        alert = get_alert(user, alert_id)
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if not alert.restricted:
            raise Conflict("This alert has no complaints in it; its supervisor already sees it.")
        if alert.forwarded_at is not None:
            raise Conflict("This alert was already forwarded to the supervisor.")
        alert.forwarded_at = timezone.now()
        alert.forwarded_by = user
        alert.save(update_fields=["forwarded_at", "forwarded_by"])
        record(
            ev.EI_ALERT_FORWARDED,
            actor=user,
            request=request,
            detail={
                "alert": alert.pk,
                "officer": alert.officer_id,
                "supervisor": alert.supervisor_id,
                "note_sha256": _digest(note),
            },
        )
        notify.forwarded(alert)
    return alert


def record_intervention(
    alert_id: Any,
    user: User,
    *,
    intervention: str,
    note: str = "",
    outcome: str = "",
    close: bool = True,
    request: HttpRequest | None = None,
) -> Alert:
    """Record what was done and, usually, close the alert. Anyone who may see the alert
    may record it, except the officer it is about (get_alert hides it from them)."""
    if intervention not in Intervention.values:
        raise Rejected("Choose what was done: " + ", ".join(Intervention.labels) + ".")
    note, outcome = (note or "").strip(), (outcome or "").strip()
    if len(note) > NOTE_LIMIT or len(outcome) > NOTE_LIMIT:
        raise Rejected(f"Keep the note and the outcome under {NOTE_LIMIT} characters each.")
    if close and not outcome:
        raise Rejected("Describe the outcome before closing the alert.")
    with transaction.atomic():
        alert = get_alert(user, alert_id)
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == AlertStatus.CLOSED:
            raise Conflict("This alert is already closed.")
        alert.intervention = intervention
        alert.intervention_note = note
        alert.outcome = outcome
        fields = ["intervention", "intervention_note", "outcome"]
        if close:
            alert.status = AlertStatus.CLOSED
            alert.closed_at = timezone.now()
            alert.closed_by = user
            fields += ["status", "closed_at", "closed_by"]
        alert.save(update_fields=fields)
        record(
            ev.EI_INTERVENTION_RECORDED,
            actor=user,
            request=request,
            detail={
                "alert": alert.pk,
                "officer": alert.officer_id,
                "intervention": intervention,
                "closed": close,
                # The texts stay in the record; the permanent ledger carries digests.
                "note_sha256": _digest(note),
                "outcome_sha256": _digest(outcome),
            },
        )
    return alert


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest() if text else ""
