"""The disposition queue: flag what is due, request, approve (a second custodian), reject.

Nothing here destroys anything: `shred.shred` does, and only for an approved disposition.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.errors import Conflict, NotFound, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence.models import Item
from evidentia.retention.models import Disposition
from evidentia.retention.services._common import SYSTEM, Refused, check_custodian, get_item
from evidentia.retention.services.schedule import (
    blockers,
    due_positions,
    open_disposition,
    position,
)

S = Disposition.State


def flag_due(now: datetime | None = None) -> list[Disposition]:
    """Open a `due` disposition (and a RETENTION_DUE event) for each item whose period has
    ended and that has none yet. Idempotent; never destroys anything."""
    now = now or timezone.now()
    flagged = []
    for due in due_positions(Item.objects.all(), now):
        item = due.item
        if Disposition.objects.filter(item=item, state__in=[*Disposition.OPEN, S.REJECTED]).filter(
            due_at=due.due_at
        ).exists() or open_disposition(item):
            continue
        with transaction.atomic():
            d = Disposition.objects.create(
                item=item,
                state=S.DUE,
                due_at=due.due_at,  # type: ignore[misc]
                flagged_at=now,
                rule=f"{item.category}: {due.rule.describe()}" if due.rule else "",
            )
            ledger.record(
                events.RETENTION_DUE,
                actor=SYSTEM,
                item=item,
                detail={
                    "disposition": str(d.pk),
                    "due_at": due.due_at,
                    "rule": d.rule,
                    "held": bool(blockers(item, now, check_due=False)),
                },
            )
        flagged.append(d)
    return flagged


def request_disposition(
    item: Item, actor: User, reason: str, request: HttpRequest | None = None
) -> Disposition:
    check_custodian(actor, "request disposition")
    item = get_item(actor, item.pk)
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("Give the reason for disposing of this item.")
    with transaction.atomic():
        list(Item.objects.select_for_update().filter(pk=item.pk).values_list("pk"))
        item.refresh_from_db()
        reasons = blockers(item)
        if reasons:
            raise Refused(reasons)
        d = open_disposition(item)
        if d is not None and d.state != S.DUE:
            raise Refused([f"a disposition is already {d.get_state_display().lower()}"])
        due = position(item)
        if d is None:
            d = Disposition(item=item, due_at=due.due_at)
        d.state, d.reason = S.REQUESTED, reason
        d.requested_by, d.requested_at = actor, timezone.now()
        d.rule = f"{item.category}: {due.rule.describe()}" if due.rule else ""
        d.save()
        ledger.record(
            events.DISPOSITION_REQUESTED,
            actor=actor,
            request=request,
            item=item,
            detail={"disposition": str(d.pk), "reason": reason, "rule": d.rule},
        )
    return d


def _locked(disposition: Disposition) -> Disposition:
    return Disposition.objects.select_for_update().select_related("item").get(pk=disposition.pk)


def approve(
    disposition: Disposition, actor: User, request: HttpRequest | None = None
) -> Disposition:
    """A second custodian approves (two-person rule). With RETENTION_SHRED_ON_APPROVAL the
    shred is queued as a task after commit; otherwise run `evidentia retention shred`."""
    check_custodian(actor, "approve disposition")
    get_item(actor, disposition.item_id)
    with transaction.atomic():
        d = _locked(disposition)
        if d.state == S.APPROVED:
            return d
        if d.state != S.REQUESTED:
            raise Refused([f"it is {d.get_state_display().lower()}, not awaiting approval"])
        if d.requested_by_id == actor.pk:
            raise Refused(
                ["the custodian who requested it may not approve it (two-person rule)"],
                "Approval refused",
            )
        reasons = blockers(d.item)
        if reasons:
            raise Refused(reasons, "Approval refused")
        d.state, d.approved_by, d.approved_at = S.APPROVED, actor, timezone.now()
        d.save(update_fields=["state", "approved_by", "approved_at"])
        ledger.record(
            events.DISPOSITION_APPROVED,
            actor=actor,
            request=request,
            item=d.item,
            detail={
                "disposition": str(d.pk),
                "requested_by": d.requested_by.get_username() if d.requested_by else "",
            },
        )
        if settings.RETENTION_SHRED_ON_APPROVAL:
            from evidentia.retention.tasks import shred_disposition

            pk = str(d.pk)
            transaction.on_commit(lambda: shred_disposition.delay(pk))
    return d


def reject(
    disposition: Disposition, actor: User, reason: str, request: HttpRequest | None = None
) -> Disposition:
    """Refuse a requested (or approved, not yet started) disposition; the item stays."""
    check_custodian(actor, "reject disposition")
    get_item(actor, disposition.item_id)
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("Give the reason for refusing this disposition.")
    with transaction.atomic():
        d = _locked(disposition)
        if d.state == S.REJECTED:
            return d
        if d.state not in (S.DUE, S.REQUESTED, S.APPROVED):
            raise Conflict(
                f"This disposition is {d.get_state_display().lower()}; too late to refuse."
            )
        d.state, d.rejected_by, d.rejected_at = S.REJECTED, actor, timezone.now()
        d.rejection_reason = reason
        d.save(update_fields=["state", "rejected_by", "rejected_at", "rejection_reason"])
        ledger.record(
            events.DISPOSITION_REJECTED,
            actor=actor,
            request=request,
            item=d.item,
            detail={"disposition": str(d.pk), "reason": reason},
        )
    return d


def get_disposition(disposition_id: object) -> Disposition:
    try:
        return Disposition.objects.select_related(
            "item", "item__blob", "item__category", "requested_by", "approved_by", "certificate"
        ).get(pk=disposition_id)
    except (Disposition.DoesNotExist, ValueError) as exc:
        raise NotFound("No such disposition.") from exc
