"""Linking evidence to cases and unlinking it. Unlinking removes the link, never the
evidence, and the ledger keeps both events."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import User
from evidentia.cases.models import Case, CaseItem
from evidentia.cases.searchindex import reindex_item
from evidentia.cases.services._common import check_can_link, check_can_manage, check_not_archived
from evidentia.core.errors import NotFound
from evidentia.custody import events, ledger
from evidentia.evidence.models import Item


def link_item(
    case: Case, item: Item, *, actor: User | str, request: HttpRequest | None = None
) -> bool:
    """Link evidence to a case; False if it was already linked. Callers that take an
    item id from a person use `link_visible_item`, which checks they can see it."""
    check_can_link(actor, case)
    with transaction.atomic():
        _, created = CaseItem.objects.get_or_create(
            case=case,
            item=item,
            defaults={"added_by": actor if isinstance(actor, User) else case.created_by},
        )
        if created:
            ledger.record(
                events.CASE_ITEM_LINKED,
                actor=actor,
                request=request,
                item=item,
                case=case,
                detail={"case_number": case.number, "sha256": item.blob.sha256},
            )
            reindex_item(item)
    return created


def link_visible_item(
    case: Case, item_id: object, *, actor: User, request: HttpRequest | None = None
) -> tuple[Item, bool]:
    """Link an item the actor can see. Linking must never be a way to reach evidence
    the actor could not see before."""
    from evidentia.evidence.services.access import get_item

    check_can_link(actor, case)
    item = get_item(actor, item_id)
    return item, link_item(case, item, actor=actor, request=request)


def unlink_item(
    case: Case, item_id: object, *, actor: User, request: HttpRequest | None = None
) -> Item:
    check_can_manage(actor, case)
    check_not_archived(case)
    with transaction.atomic():
        try:
            link = (
                CaseItem.objects.select_related("item__blob")
                .filter(case=case, item_id=item_id)
                .first()
            )
        except (ValueError, ValidationError):
            link = None
        if link is None:
            raise NotFound("That evidence is not linked to this case.")
        item = link.item
        link.delete()
        ledger.record(
            events.CASE_ITEM_UNLINKED,
            actor=actor,
            request=request,
            item=item,
            case=case,
            detail={"case_number": case.number, "sha256": item.blob.sha256},
        )
        reindex_item(item)
    return item
