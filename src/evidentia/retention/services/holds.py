"""Legal holds: placed on an item or a case by a custodian, released the same way.
A hold never expires by itself; releasing it keeps the row (who, when, why). A hold
placed after a request stops approval and shredding (both re-check); it cannot recall a
shred whose certificate is already written: the item is a tombstone by then."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cases.models import Case
from evidentia.cases.policy import visible_case
from evidentia.core.errors import Conflict, NotFound, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence.models import Item
from evidentia.retention.models import LegalHold
from evidentia.retention.services._common import check_custodian, get_item


def place_hold(
    *,
    actor: User,
    reason: str,
    item: Item | None = None,
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> LegalHold:
    check_custodian(actor, "place legal holds")
    reason = (reason or "").strip()
    if not reason:
        raise Rejected("Give the reason for the hold (e.g. the litigation or request).")
    if (item is None) == (case is None):
        raise Rejected("A hold is on one item or on one case.")
    if item is not None:
        item = get_item(actor, item.pk)
        if item.disposed_at is not None:
            raise Conflict("This item was already disposed of; there is nothing left to hold.")
    else:
        case = visible_case(actor, case.pk)  # type: ignore[union-attr]
    with transaction.atomic():
        hold = LegalHold.objects.create(item=item, case=case, reason=reason, placed_by=actor)
        ledger.record(
            events.LEGAL_HOLD_PLACED,
            actor=actor,
            request=request,
            item=item,
            case=case,
            detail={"hold": str(hold.pk), "reason": reason},
        )
    return hold


def release_hold(
    hold: LegalHold, *, actor: User, reason: str = "", request: HttpRequest | None = None
) -> LegalHold:
    check_custodian(actor, "release legal holds")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.item_id:
            get_item(actor, hold.item_id)
        else:
            visible_case(actor, hold.case_id)  # type: ignore[arg-type]
        if hold.released_at is not None:
            return hold
        hold.released_at, hold.released_by = timezone.now(), actor
        hold.release_reason = (reason or "").strip()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        ledger.record(
            events.LEGAL_HOLD_RELEASED,
            actor=actor,
            request=request,
            item=hold.item_id,
            case=hold.case_id,
            detail={"hold": str(hold.pk), "reason": hold.release_reason},
        )
    return hold


def get_hold(actor: User, hold_id: object) -> LegalHold:
    try:
        return LegalHold.objects.select_related("item", "case").get(pk=hold_id)
    except (LegalHold.DoesNotExist, ValueError) as exc:
        raise NotFound("No such legal hold.") from exc
