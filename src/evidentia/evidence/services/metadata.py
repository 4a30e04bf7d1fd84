"""Editing an item's descriptive metadata. The bytes never change; every edit is logged
with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import User
from evidentia.cases.models import Category
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.services.access import get_item

EDITABLE = ("title", "description", "device_id", "category", "recorded_at")


def _shown(value: Any) -> Any:
    return value.name if isinstance(value, Category) else value


def edit(
    user: User, item_id: object, changes: dict[str, Any], request: HttpRequest | None = None
) -> Item:
    """Apply `changes` (a subset of EDITABLE) and record old and new values."""
    item = get_item(user, item_id)
    if not policy.can_edit_metadata(user, item):
        raise PermissionDenied("Your role may not edit evidence details.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Rejected(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    if "title" in changes and not str(changes["title"] or "").strip():
        raise Rejected("The title cannot be empty.")
    if "category" in changes and isinstance(changes["category"], str):
        name = changes["category"]
        changes["category"] = Category.objects.filter(name=name).first()
        if changes["category"] is None:
            raise Rejected(f"No category named {name}.")
    when = changes.get("recorded_at")
    if isinstance(when, datetime) and when.tzinfo is None:
        raise Rejected("recorded_at needs a time zone, e.g. 2026-03-02T14:03:07Z.")
    diff = {}
    for field, new in changes.items():
        old = getattr(item, field)
        if old != new:
            diff[field] = {"from": _shown(old), "to": _shown(new)}
            setattr(item, field, new)
    if not diff:
        return item
    with transaction.atomic():
        item.save(update_fields=list(diff))
        ledger.record(
            events.METADATA_EDITED, actor=user, request=request, item=item, detail={"changes": diff}
        )
    return item
