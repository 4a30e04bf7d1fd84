"""Email to residents who left an address (Django's mail framework; the console
backend by default). Sent after commit; a mail failure is logged, never fatal."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from evidentia.community.models import Report

log = logging.getLogger(__name__)


def absolute(path: str) -> str:
    base = (settings.PORTAL_BASE_URL or "").rstrip("/")
    return f"{base}{path}" if base else path


def track_url(code: str) -> str:
    return absolute(reverse("public:track", args=[code]))


def _send(report: Report, subject: str, body: str) -> None:
    if not report.contact_email:
        return
    try:
        send_mail(
            f"{settings.AGENCY_NAME}: {subject}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [report.contact_email],
        )
    except Exception:
        log.warning("could not email the resident about report %s", report.public_id)


def filed(report: Report, code: str) -> None:
    _send(
        report,
        f"we received your report ({report.service.name})",
        f"Thank you. Your tracking code is {code}.\n\n"
        f"Follow your report, read our replies and add information at:\n{track_url(code)}\n\n"
        "Keep this code private: anyone with it can read the replies to your report.\n"
        f"This service is not monitored around the clock. In an emergency call "
        f"{settings.PORTAL_EMERGENCY_NUMBER}.",
    )


def updated(report: Report, summary: str) -> None:
    """A reply or status change the resident can see. The code is not in our records,
    so the mail points to the tracking page, where they enter it."""
    _send(
        report,
        f"an update on your report {report.public_id}",
        f"{summary}\n\nRead it with your tracking code at:\n"
        f"{absolute(reverse('public:track_form'))}",
    )
