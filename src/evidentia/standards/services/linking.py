"""Evidence for a complaint: the recordings worth looking at, and linking them. A linked
item becomes visible (and playable) to standards investigators through evidence/policy.py.
Candidates are the named officers' recordings within WINDOW of the incident, or those
carrying the complaint's incident number; items in a restricted case the investigator is
not a member of, and disposed items, are never offered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from evidentia.accounts.models import User
from evidentia.cases.models import CaseItem
from evidentia.core.errors import Conflict, NotFound, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence.models import Item
from evidentia.evidence.policy import visible_items
from evidentia.standards.models import Complaint, ComplaintEvidence
from evidentia.standards.services.access import require_standards
from evidentia.standards.services.investigation import editable, touch

MAX_CANDIDATES = 50


def window() -> timedelta:
    return timedelta(hours=getattr(settings, "STANDARDS_EVIDENCE_WINDOW_HOURS", 12))


def _hidden(user: User) -> QuerySet[Any]:
    return (
        CaseItem.objects.filter(case__restricted=True).exclude(case__members=user).values("item_id")
    )


def candidates(actor: User, complaint: Complaint) -> QuerySet[Item]:
    """The first MAX_CANDIDATES of `candidate_items`, for the page."""
    return candidate_items(actor, complaint)[:MAX_CANDIDATES]


def candidate_items(actor: User, complaint: Complaint) -> QuerySet[Item]:
    """Recordings the investigator may want, in recording order, not yet linked."""
    require_standards(actor)
    officers = [a.officer_id for a in complaint.allegations.all() if a.officer_id]
    rule = Q(pk__in=[])
    if officers and complaint.incident_at:
        start, end = complaint.incident_at - window(), complaint.incident_at + window()
        rule |= Q(officer_id__in=officers, recorded_at__gte=start, recorded_at__lte=end)
    if complaint.incident_number:
        rule |= Q(incident_number__iexact=complaint.incident_number)
    linked = ComplaintEvidence.objects.filter(complaint=complaint).values("item_id")
    return (
        Item.objects.filter(rule, disposed_at__isnull=True)
        .exclude(pk__in=linked)
        .exclude(pk__in=_hidden(actor))
        .select_related("officer")
        .order_by("recorded_at")
    )


def linkable(actor: User, complaint: Complaint, item_id: Any) -> Item:
    """An item the investigator may link: a candidate, or one they can already see."""
    try:
        item = Item.objects.get(pk=item_id)
    except (Item.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound("No such recording.") from None
    offered = candidate_items(actor, complaint).filter(pk=item.pk).exists()
    if not (offered or visible_items(actor).filter(pk=item.pk).exists()):
        raise NotFound("No such recording.")
    if item.disposed_at is not None:
        raise Rejected("That recording was disposed of; it cannot be linked.")
    return item


def link(
    actor: User,
    complaint: Complaint,
    item_id: Any,
    *,
    note: str = "",
    request: HttpRequest | None = None,
) -> ComplaintEvidence:
    note = " ".join(str(note or "").split())
    if len(note) > 300:
        raise Rejected("Keep the note under 300 characters.")
    with transaction.atomic():
        current = editable(actor, complaint)
        item = linkable(actor, current, item_id)
        try:
            with transaction.atomic():
                linked = ComplaintEvidence.objects.create(
                    complaint=current, item=item, note=note, added_by=actor
                )
        except IntegrityError:
            raise Conflict("That recording is already linked to this complaint.") from None
        touch(current)
        ledger.record(
            events.COMPLAINT_EVIDENCE_LINKED,
            actor=actor,
            request=request,
            item=item,
            detail={
                "complaint": str(current.pk),
                "reference": current.reference,
                "link": linked.pk,
            },
        )
    return linked
