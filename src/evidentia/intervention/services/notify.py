"""E-mail to the people an alert is routed to (Django's mail framework). Sent after the
commit; a mail failure is logged, never fatal. No complaint text ever goes in a mail:
the alert's page, behind sign-in and its access rules, carries the details."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from evidentia.accounts.models import Role, User
from evidentia.intervention.models import Alert
from evidentia.intervention.services.access import unit_supervisors

log = logging.getLogger(__name__)


def alert_url(alert: Alert) -> str:
    path = reverse("intervention:detail", args=[alert.pk])
    base = (getattr(settings, "STAFF_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}"


def _send(alert: Alert, to: Iterable[User], intro: str) -> None:
    addresses = sorted({u.email for u in to if u.email})
    if not addresses:
        return
    officer = alert.officer
    body = (
        f"{intro}\n\n"
        f"Officer: {officer} (badge {officer.badge_number or 'none'})\n"
        f"Rule: {alert.rule.name}\n"
        f"Window: {alert.window_start:%Y-%m-%d} to {alert.window_end:%Y-%m-%d}\n\n"
        f"Open it (sign-in required): {alert_url(alert)}\n\n"
        "An alert is a prompt to look and talk, not a finding of misconduct.\n"
    )
    try:
        send_mail(
            f"{settings.AGENCY_NAME}: early-intervention alert",
            body,
            settings.DEFAULT_FROM_EMAIL,
            addresses,
        )
    except Exception:
        log.warning("could not e-mail about early-intervention alert %s", alert.pk)


def raised(alert: Alert) -> None:
    """A new alert: to the unit's supervisors, or, when restricted, to standards first."""
    if alert.restricted:
        to = User.objects.filter(role=Role.STANDARDS_INVESTIGATOR, is_active=True)
        intro = (
            "An early-intervention alert that includes complaints awaits professional standards."
        )
    else:
        to = unit_supervisors(alert.unit_id).exclude(pk=alert.officer_id)
        intro = "An early-intervention alert was raised for an officer in your unit."
    transaction.on_commit(lambda: _send(alert, list(to), intro))


def forwarded(alert: Alert) -> None:
    to = unit_supervisors(alert.unit_id).exclude(pk=alert.officer_id)
    intro = "Professional standards forwarded an early-intervention alert to you."
    transaction.on_commit(lambda: _send(alert, list(to), intro))
