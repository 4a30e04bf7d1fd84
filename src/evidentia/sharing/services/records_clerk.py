"""A records clerk's later steps: taking an attachment off an open request, e-mailing
the release link again and reissuing it (docs/decisions/0031-records-clerk-tools.md).

Only the link's SHA-256 is stored, so a link cannot be sent twice: "send again" makes a
new token with the same expiry and "reissue" one with a fresh expiry. Either way the old
token stops working at once. Tokens never reach the ledger or a log.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.community.services import ratelimit
from evidentia.community.services._common import digest
from evidentia.core.errors import Conflict, EvidentiaError, NotFound, Rejected
from evidentia.custody import events
from evidentia.evidence.models import Item
from evidentia.sharing.models import RecordsItem, RecordsRequest
from evidentia.sharing.services import records, records_mail

REASON_MAX = 500


class TooSoon(EvidentiaError):
    status = 429


def mails_per_hour() -> int:
    return int(getattr(settings, "RECORDS_LINK_MAILS_PER_HOUR", 3))


def remove(user: User, rr: RecordsRequest, item: Item | Any, reason: str, request=None) -> None:
    """Take an item off an open request: the row is marked removed, with who and why,
    never deleted. Its disposition block goes with it: the retention check reads live
    shares and open requests' current items, so another holder still blocks."""
    records._check(user)
    if rr.status == RecordsRequest.Status.FULFILLED:
        raise Conflict(
            f"Request {rr.reference} is fulfilled: what was released stays on record and "
            "cannot be removed."
        )
    records._open(rr)
    reason = (reason or "").strip()
    if not reason:
        raise records.Invalid({"reason": "Give the reason for removing it; it is recorded."})
    if len(reason) > REASON_MAX:
        raise records.Invalid({"reason": f"At most {REASON_MAX} characters."})
    with transaction.atomic():
        attached = (
            RecordsItem.objects.select_for_update()
            .select_related("item", "version__plan")
            .filter(request=rr, item_id=getattr(item, "pk", item), removed_at__isnull=True)
            .first()
        )
        if attached is None:
            raise NotFound("That recording is not attached to this request.")
        plan = attached.version.plan.number
        attached.removed_at, attached.removed_by = timezone.now(), user
        attached.removed_reason = reason
        attached.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        records._event(
            rr,
            events.RECORDS_ITEM_REMOVED,
            user,
            request,
            {"plan": plan, "reason": reason},
            item=attached.item,
        )


def _fulfilled(rr: RecordsRequest) -> None:
    if rr.status != RecordsRequest.Status.FULFILLED:
        raise Conflict(
            f"Request {rr.reference} is {rr.get_status_display().lower()}: only a fulfilled "
            "request has a download link."
        )


def _count_mail(rr: RecordsRequest, request) -> None:
    """One more link e-mail for this request this hour, or TooSoon."""
    try:
        ratelimit.hit(
            request, "records-link-mail", mails_per_hour(), "link e-mails", identity=str(rr.pk)
        )
    except ratelimit.RateLimited as exc:
        minutes = max(1, round(exc.retry_after / 60))
        raise TooSoon(
            f"The link of {rr.reference} was e-mailed {mails_per_hour()} times in the last "
            f"hour. Try again in about {minutes} minute{'s' if minutes != 1 else ''}."
        ) from exc


def _rotate(rr: RecordsRequest, expires: datetime) -> str:
    token = secrets.token_urlsafe(32)
    rr.link_hash, rr.link_expires_at = digest(token), expires
    rr.save(update_fields=["link_hash", "link_expires_at"])
    return token


def send_again(user: User, rr: RecordsRequest, request=None) -> None:
    """E-mail a fresh link with the same expiry. The mail goes out inside the transaction:
    if it cannot be sent, nothing changes and the old link still works."""
    records._check(user)
    _fulfilled(rr)
    if not rr.email:
        raise Rejected("The requester gave no e-mail address; reissue the link and pass it on.")
    if rr.link_expires_at is None or rr.link_expires_at <= timezone.now():
        raise Conflict("The link has expired; reissue it to give it a new expiry date.")
    try:
        with transaction.atomic():
            _count_mail(rr, request)
            token = _rotate(rr, rr.link_expires_at)
            records._event(
                rr, events.RECORDS_LINK_SENT, user, request, {"link_expires_at": rr.link_expires_at}
            )
            records_mail.send_link(rr, token, request, replaces=True, quiet=False)
    except TooSoon:
        raise
    except Exception as exc:
        rr.refresh_from_db(fields=["link_hash", "link_expires_at"])
        raise Conflict("The e-mail could not be sent; the link was not changed.") from exc


def reissue(user: User, rr: RecordsRequest, email: bool = False, request=None) -> str:
    """A new link for a fulfilled request, working for RECORDS_LINK_DAYS from now; the
    old one stops working at once. Returns the token (shown once to the clerk)."""
    records._check(user)
    _fulfilled(rr)
    if email and not rr.email:
        raise Rejected("The requester gave no e-mail address; untick “e-mail it”.")
    with transaction.atomic():
        if email:
            _count_mail(rr, request)
        token = _rotate(rr, timezone.now() + timedelta(days=settings.RECORDS_LINK_DAYS))
        records._event(
            rr,
            events.RECORDS_LINK_REISSUED,
            user,
            request,
            {"link_expires_at": rr.link_expires_at, "emailed": bool(email)},
        )
        if email:
            transaction.on_commit(lambda: records_mail.send_link(rr, token, request, replaces=True))
    return token
