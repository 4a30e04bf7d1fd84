"""Who may see professional-standards matters: standards investigators and administrators,
nobody else, not even as a count (architecture rule 6). Everyone else is told "not found",
never "forbidden", so a complaint's existence does not leak."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from evidentia.accounts.models import Role, User
from evidentia.core.errors import NotFound
from evidentia.standards.models import Complaint

STANDARDS_ROLES = frozenset({Role.STANDARDS_INVESTIGATOR, Role.ADMIN})
# Internal referrals are the one write staff outside standards may make; afterwards the
# referral is as invisible to them as any other complaint.
REFERRAL_ROLES = STANDARDS_ROLES | {Role.SUPERVISOR}
NOT_FOUND = "Page not found."


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_standards(user: User | None) -> bool:
    return _active(user) and user.role in STANDARDS_ROLES  # type: ignore[union-attr]


def can_refer(user: User | None) -> bool:
    return _active(user) and user.role in REFERRAL_ROLES  # type: ignore[union-attr]


def require_standards(user: User | None) -> None:
    if not is_standards(user):
        raise NotFound(NOT_FOUND)


def visible_complaints(user: User | None) -> QuerySet[Complaint]:
    return Complaint.objects.all() if is_standards(user) else Complaint.objects.none()


def get_complaint(user: User | None, complaint_id, *, lock: bool = False) -> Complaint:
    """The complaint if this user may see it; NotFound otherwise, exactly as for one that
    does not exist."""
    require_standards(user)
    complaints = Complaint.objects.select_for_update() if lock else Complaint.objects
    try:
        return complaints.get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValidationError, ValueError, TypeError):
        raise NotFound("No such complaint.") from None
