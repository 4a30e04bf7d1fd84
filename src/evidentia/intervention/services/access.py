"""Who may see which alert (rule 6, deny by default).

Standards investigators and administrators see every alert. A supervisor sees the
alerts for officers of their own unit (never one about themselves), but an alert built
on complaints is restricted: it stays invisible to them, even in counts, until
standards forwards it. Everyone else gets a 404, never a 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from evidentia.accounts.models import Role, User
from evidentia.core.errors import NotFound, PermissionDenied
from evidentia.intervention.models import Alert

READERS = (Role.STANDARDS_INVESTIGATOR, Role.ADMIN)


def reads_all(user: User) -> bool:
    return bool(user.is_active and user.role in READERS)


def is_supervisor(user: User) -> bool:
    return bool(user.is_active and user.role == Role.SUPERVISOR and user.unit_id)


def may_use(user: User) -> bool:
    """May open the intervention pages at all."""
    return reads_all(user) or is_supervisor(user)


def visible_alerts(user: User) -> QuerySet[Alert]:
    alerts = Alert.objects.select_related("rule", "officer", "supervisor", "unit")
    if reads_all(user):
        return alerts
    if is_supervisor(user):
        return alerts.filter(
            Q(restricted=False) | Q(forwarded_at__isnull=False),
            officer__unit_id=user.unit_id or 0,
        ).exclude(officer=user)
    return alerts.none()


def get_alert(user: User, alert_id: Any) -> Alert:
    try:
        alert = visible_alerts(user).filter(pk=alert_id).first()
    except (ValueError, ValidationError):
        alert = None
    if alert is None:
        raise NotFound("There is no such alert, or it is not yours to see.")
    return alert


def check_rules_admin(user: User) -> None:
    if not (user.is_active and user.role == Role.ADMIN):
        raise PermissionDenied("Only administrators change early-intervention rules.")


def unit_supervisors(unit_id: int | None) -> QuerySet[User]:
    """ "An officer's supervisor": the active supervisors of the officer's unit."""
    if unit_id is None:
        return User.objects.none()
    return User.objects.filter(role=Role.SUPERVISOR, unit_id=unit_id, is_active=True).order_by("pk")
