"""Who may do what in retention, and the refusal that carries its reasons."""

from __future__ import annotations

from django.db.models import QuerySet

from evidentia.accounts.models import Role, User
from evidentia.core.errors import Conflict, NotFound, PermissionDenied
from evidentia.evidence import policy
from evidentia.evidence.models import Item

# Custodians request, approve, hold and release; administrators and auditors read.
CUSTODIANS = {Role.CUSTODIAN}
READERS = {Role.CUSTODIAN, Role.ADMIN, Role.AUDITOR}
RULE_EDITORS = {Role.ADMIN}
SYSTEM = "retention"


class Refused(Conflict):
    """A disposition step that may not happen now; `reasons` says every why."""

    def __init__(self, reasons: list[str], lead: str = "Disposition refused") -> None:
        self.reasons = list(reasons)
        super().__init__(f"{lead}: " + "; ".join(self.reasons) + ".")


def can_read(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in READERS


def is_custodian(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in CUSTODIANS


def check_read(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied("Retention is open to custodians, administrators and auditors.")


def check_custodian(user: User, what: str) -> None:
    if not is_custodian(user):
        raise PermissionDenied(f"Only evidence custodians may {what}.")


def visible(user: User) -> QuerySet[Item]:
    return policy.visible_items(user)


def get_item(user: User, item_id: object) -> Item:
    try:
        return visible(user).select_related("blob", "category").get(pk=item_id)
    except (Item.DoesNotExist, ValueError) as exc:
        raise NotFound("No such evidence item, or you do not have access to it.") from exc
