"""An authenticator app for repeat external share recipients
(docs/decisions/0032-external-authenticator.md).

After a good e-mailed code a recipient may set up a TOTP secret bound to their e-mail
address; later visits to any share for that address accept a code from the app (the
current 30-second step or one either side, each step once) and start the same session
as an e-mailed code. Wrong app codes cost the same five tries as wrong e-mailed codes.
The e-mailed code always works too (a lost phone). The secret is shown only while
setting up; neither it nor a code ever reaches the ledger or a log.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.util import random_hex

from evidentia.accounts.models import Role, User
from evidentia.accounts.qr import qr_svg
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.sharing.models import ExternalAuthenticator, Share
from evidentia.sharing.services import external
from evidentia.sharing.services.external import MAX_ATTEMPTS, CodeRefused

DIGITS = 6
STEP = 30
TOLERANCE = 1
ENROL_SECONDS = 15 * 60
ENROL_KEY = "evidentia.external_enrol"

APP_REFUSALS = {
    "replayed app code": "This code from your app was already used. Wait for the next one.",
    "app locked": (
        "Too many wrong tries. Sign in with a code we e-mail you; that unlocks your "
        "authenticator app again."
    ),
    "no authenticator": "No authenticator app is set up for this address. Use an e-mailed code.",
}


@dataclass(frozen=True)
class Enrolment:
    """What the set-up page shows, and only it: the secret as text and as a QR code."""

    secret: str
    url: str
    qr_svg: str


def _totp(key: str) -> TOTP:
    totp = TOTP(unhexlify(key.encode()), step=STEP, digits=DIGITS)
    totp.time = time.time()
    return totp


def _match(key: str, code: str, last_t: int) -> tuple[int | None, bool]:
    """The step a code belongs to (None if none, or only a used one) and whether it
    matched a used step. django-otp computes the codes; the comparison is constant-time
    and every step in the window is tried, so timing says nothing about which matched."""
    given = "".join(ch for ch in code if ch.isdigit())
    totp = _totp(key)
    found, replayed = None, False
    for offset in range(-TOLERANCE, TOLERANCE + 1):
        totp.drift = offset
        same = hmac.compare_digest(f"{totp.token():0{DIGITS}d}", given)
        if same and totp.t() > last_t and found is None:
            found = totp.t()
        elif same:
            replayed = True
    return found, replayed and found is None


def _event(kind: str, share: Share, request: HttpRequest | None, **detail: Any) -> None:
    external._event(kind, share, request, **detail)


def has_app(share: Share) -> bool:
    """Whether the share's address has a confirmed authenticator app."""
    return external.live_authenticator(share).filter(confirmed_at__isnull=False).exists()


def verify(share: Share, code: str, request: HttpRequest) -> None:
    """Check a code from the authenticator app; if right, open a session for this share
    exactly as an e-mailed code does. The refusal is recorded after the tries are saved."""
    now = timezone.now()
    left = 0
    with transaction.atomic():
        app = external.live_authenticator(share).filter(confirmed_at__isnull=False)
        app = app.select_for_update().first()
        if app is None:
            why = "no authenticator"
        elif app.failures >= MAX_ATTEMPTS:
            why = "app locked"
        else:
            step, replayed = _match(app.key, code, app.last_t)
            if step is not None:
                app.last_t, app.failures, app.last_used_at = step, 0, now
                app.save(update_fields=["last_t", "failures", "last_used_at"])
                _event(events.SHARE_ACCESSED, share, request, action="open", via="authenticator")
                external.remember(request, share, "authenticator")
                return
            external.count_wrong(share, now, external.current_code(share, now))
            left = MAX_ATTEMPTS - (app.failures + 1)
            why = "replayed app code" if replayed else "wrong app code"
            if left <= 0:
                why += ", app locked"
    _event(
        events.SHARE_CODE_REFUSED, share, request, why=why, via="authenticator", outcome="denied"
    )
    if why.endswith("app locked"):
        raise CodeRefused(APP_REFUSALS["app locked"])
    wrong = "That code is not right. Codes change every 30 seconds; use the newest one."
    raise CodeRefused(APP_REFUSALS.get(why, f"{wrong} {left} tries left."))


def _require_code_session(share: Share, request: HttpRequest) -> None:
    """Setting up needs a session opened with a good e-mailed code for this live share:
    the e-mail is what the app stands in for."""
    if not external.signed_in(request, share):
        raise CodeRefused("Enter your one-time code first.")
    if external.signed_in_via(request, share) != "code":
        raise CodeRefused(
            "To set up an authenticator app, sign in with a code we e-mail you first."
        )


def _fingerprint(key: str) -> str:
    return hashlib.sha256(f"enrol:{key}".encode()).hexdigest()


def start(share: Share, request: HttpRequest) -> None:
    """Begin setting up: a fresh secret, pending until one current code confirms it. Any
    earlier pending set-up for the address is dropped (its secret wiped)."""
    _require_code_session(share, request)
    now = timezone.now()
    with transaction.atomic():
        live = external.live_authenticator(share).select_for_update()
        if live.filter(confirmed_at__isnull=False).exists():
            raise Conflict("You already use an authenticator app for this address.")
        live.update(revoked_at=now, key="")
        try:
            with transaction.atomic():
                app = ExternalAuthenticator.objects.create(
                    email=share.recipient_email, key=random_hex(20)
                )
        except IntegrityError as exc:  # a second set-up started at the same moment
            raise Conflict("Setting up is already under way. Reload the page.") from exc
        _event(events.SHARE_AUTHENTICATOR_ENROLLED, share, request)
    request.session[ENROL_KEY] = {"share": str(share.pk), "fp": _fingerprint(app.key)}


def _pending(share: Share, request: HttpRequest) -> ExternalAuthenticator | None:
    """The set-up this browser started for this share, while it is pending and fresh."""
    marker = request.session.get(ENROL_KEY) or {}
    if marker.get("share") != str(share.pk):
        return None
    app = external.live_authenticator(share).filter(confirmed_at__isnull=True).first()
    if app is None or not app.key or not hmac.compare_digest(_fingerprint(app.key), marker["fp"]):
        return None
    if (timezone.now() - app.created_at).total_seconds() > ENROL_SECONDS:
        return None
    return app


def enrolment(share: Share, request: HttpRequest) -> Enrolment | None:
    """The secret to show on the set-up page, or None when there is nothing to show (no
    set-up started in this browser, already confirmed, lapsed)."""
    _require_code_session(share, request)
    app = _pending(share, request)
    if app is None:
        return None
    secret = b32encode(unhexlify(app.key)).decode().rstrip("=")
    issuer = f"{settings.OTP_TOTP_ISSUER} shared evidence".replace(":", "")
    params = urlencode({"secret": secret, "algorithm": "SHA1", "digits": DIGITS, "period": STEP})
    url = f"otpauth://totp/{quote(f'{issuer}:{share.recipient_email}')}?{params}"
    url += f"&issuer={quote(issuer)}"
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrolment(secret=grouped, url=url, qr_svg=qr_svg(url))


def confirm(share: Share, code: str, request: HttpRequest) -> None:
    """Finish setting up with one current code from the app."""
    _require_code_session(share, request)
    with transaction.atomic():
        app = _pending(share, request)
        if app is None:
            raise Rejected("This set-up has lapsed or was replaced. Start again.")
        app = ExternalAuthenticator.objects.select_for_update().get(pk=app.pk)
        step, _ = _match(app.key, code, app.last_t)
        if step is None:
            raise Rejected(
                "That code is not right. Check the app shows the newest code for "
                f"{share.recipient_email} and try again."
            )
        app.confirmed_at, app.last_t = timezone.now(), step
        app.save(update_fields=["confirmed_at", "last_t"])
        _event(events.SHARE_AUTHENTICATOR_CONFIRMED, share, request)
    request.session.pop(ENROL_KEY, None)


def remove(share: Share, request: HttpRequest) -> None:
    """The recipient stops using the app (signed in either way); e-mailed codes remain."""
    if not external.signed_in(request, share):
        raise CodeRefused("Enter your one-time code first.")
    with transaction.atomic():
        live = external.live_authenticator(share).select_for_update()
        if not live.exists():
            raise NotFound("No authenticator app is set up for this address.")
        live.update(revoked_at=timezone.now(), key="")
        _event(events.SHARE_AUTHENTICATOR_REMOVED, share, request)
    request.session.pop(ENROL_KEY, None)


def may_reset(actor: User, share: Share) -> bool:
    return share.external and (share.created_by_id == actor.pk or actor.role == Role.ADMIN)


def reset(actor: User, share: Share, request: HttpRequest | None = None) -> None:
    """Staff reset a recipient's app (a lost phone): the person who made this share, or
    an administrator. The recipient signs in with e-mailed codes and may set up again."""
    if not may_reset(actor, share):
        raise PermissionDenied(
            "Only the person who made the share, or an administrator, may reset the "
            "recipient's authenticator app."
        )
    with transaction.atomic():
        live = external.live_authenticator(share).select_for_update()
        found = live.first()
        if found is None:
            raise NotFound("The recipient has no authenticator app to reset.")
        live.update(revoked_at=timezone.now(), key="")
        ledger.record(
            events.SHARE_AUTHENTICATOR_RESET,
            actor=actor,
            request=request,
            case=share.case,
            detail={
                "share": str(share.pk),
                "recipient": share.recipient_email,
                "confirmed": found.confirmed_at is not None,
            },
        )


def state(share: Share) -> ExternalAuthenticator | None:
    """The address's app as staff see it (never its secret): confirmed or pending."""
    return external.live_authenticator(share).only("email", "created_at", "confirmed_at").first()
