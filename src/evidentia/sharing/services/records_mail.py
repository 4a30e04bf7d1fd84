"""The e-mail that carries a records release link to the requester.

The link's token is in the mail body and nowhere else: not in the ledger, not in a log
line (a failure logs the request's reference only). Django's mail framework sends it, as
for community notifications (EVIDENTIA_EMAIL_BACKEND).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse

from evidentia.community.services.notify import absolute
from evidentia.sharing.models import RecordsRequest

log = logging.getLogger(__name__)


def link_url(token: str, request: HttpRequest | None = None) -> str:
    """The public download address: the portal's origin when configured."""
    return absolute(reverse("records_public:download", args=[token]), request)


def compose(rr: RecordsRequest, token: str, request: HttpRequest | None, replaces: bool):
    subject = f"{settings.AGENCY_NAME}: your records request {rr.reference} is ready"
    lines = [
        f"Dear {rr.name},",
        "",
        f"The records released under your request {rr.reference} can be downloaded at:",
        link_url(token, request),
        "",
        f"The link works until {rr.link_expires_at:%Y-%m-%d %H:%M} UTC. After that, ask the "
        "records office for a new one, quoting your tracking code.",
    ]
    if replaces:
        lines += ["", "This link replaces the one we sent before, which no longer works."]
    lines += [
        "",
        "Keep the link private: anyone who has it can download the release.",
    ]
    return subject, "\n".join(lines) + "\n"


def send_link(
    rr: RecordsRequest,
    token: str,
    request: HttpRequest | None = None,
    *,
    replaces: bool = False,
    quiet: bool = True,
) -> bool:
    """Mail the link to the requester's address. With `quiet` a failure is logged and
    False returned; otherwise it is raised, so the caller's transaction rolls back."""
    if not rr.email:
        return False
    subject, body = compose(rr, token, request, replaces)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [rr.email])
    except Exception:
        log.warning("could not e-mail the release link of records request %s", rr.reference)
        if not quiet:
            raise
        return False
    return True
