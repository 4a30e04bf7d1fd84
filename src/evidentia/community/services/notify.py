"""Email to residents who left an address (Django's mail framework; the console
backend by default). Sent after commit; a mail failure is logged, never fatal."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse

from evidentia.community.models import Report

log = logging.getLogger(__name__)


def absolute(path: str, request: HttpRequest | None = None) -> str:
    """A full URL for links that leave the page (e-mails, QR codes, feeds): the
    configured public origin, else the origin of the request being served."""
    base = (settings.PORTAL_BASE_URL or "").rstrip("/")
    if base:
        return f"{base}{path}"
    return request.build_absolute_uri(path) if request is not None else path


def track_url(code: str, request: HttpRequest | None = None) -> str:
    return absolute(reverse("public:track", args=[code]), request)


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


def filed(report: Report, code: str, request: HttpRequest | None = None) -> None:
    _send(
        report,
        f"we received your report ({report.service.name})",
        f"Thank you. Your tracking code is {code}.\n\n"
        f"Follow your report, read our replies and add information at:\n"
        f"{track_url(code, request)}\n\n"
        "Keep this code private: anyone with it can read the replies to your report.\n"
        f"This service is not monitored around the clock. In an emergency call "
        f"{settings.PORTAL_EMERGENCY_NUMBER}.",
    )


def updated(report: Report, summary: str, request: HttpRequest | None = None) -> None:
    """A reply or status change the resident can see. The code is not in our records,
    so the mail points to the tracking page, where they enter it."""
    _send(
        report,
        f"an update on your report {report.public_id}",
        f"{summary}\n\nRead it with your tracking code at:\n"
        f"{absolute(reverse('public:track_form'), request)}",
    )
