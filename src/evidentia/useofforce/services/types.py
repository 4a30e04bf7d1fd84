"""The configurable force-type list. Administrators add, rename, reorder and retire
types; a retired type stays on the reports that used it but is no longer offered."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from evidentia.accounts.models import Role, User
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import ledger
from evidentia.custody.events import FORCE_TYPES_CHANGED
from evidentia.useofforce.models import ForceType


def can_manage(user: User) -> bool:
    return user.is_active and user.role == Role.ADMIN


def save_type(
    actor: User,
    *,
    name: str,
    code: str = "",
    order: int | str | None = None,
    active: bool = True,
    request: HttpRequest | None = None,
) -> ForceType:
    """Add a type, or change the one with this code."""
    if not can_manage(actor):
        raise PermissionDenied("Only administrators change the force-type list.")
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise Rejected("Give the force type a name of at most 120 characters.")
    code = slugify(code or name)[:40]
    if not code:
        raise Rejected("Give the force type a code of letters, digits and hyphens.")
    try:
        position = int(order) if order not in (None, "") else None
    except (TypeError, ValueError):
        raise Rejected("The order must be a whole number.") from None
    if position is not None and not 0 <= position <= 32767:
        raise Rejected("The order must be between 0 and 32767.")
    with transaction.atomic():
        found = ForceType.objects.select_for_update().filter(code=code).first()
        before = _state(found) if found else None
        if found is None:
            if ForceType.objects.filter(name__iexact=name).exists():
                raise Conflict(f"There is already a force type called {name!r}.")
            found = ForceType(code=code)
            if position is None:
                last = ForceType.objects.order_by("-order").values_list("order", flat=True)
                position = (last.first() or 0) + 10
        found.name, found.active = name, bool(active)
        if position is not None:
            found.order = position
        found.save()
        after = _state(found)
        if before != after:
            ledger.record(
                FORCE_TYPES_CHANGED,
                actor=actor,
                request=request,
                detail={"code": code, "before": before, "after": after},
            )
    return found


def set_active(
    actor: User, code: str, active: bool, request: HttpRequest | None = None
) -> ForceType:
    found = ForceType.objects.filter(code=code).first()
    if found is None:
        raise NotFound(f"No force type {code!r}.")
    return save_type(
        actor, name=found.name, code=code, order=found.order, active=active, request=request
    )


def _state(t: ForceType) -> dict[str, object]:
    return {"name": t.name, "active": t.active, "order": t.order}
