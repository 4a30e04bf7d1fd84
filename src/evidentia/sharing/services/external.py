"""Shares with an external e-mail address: a secret link, plus a one-time code sent in a
separate e-mail (docs/decisions/0015-shares.md).

Only the SHA-256 of the link token and a keyed hash of each code are stored. A code lasts
15 minutes, works once, and is burnt after 5 wrong tries. The right code opens a session
bound to that share that lapses after an hour idle; every request re-checks the share, so
a revocation stops an open session at once. Every open, refusal, play and download is a
ledger event naming the share, never the token or the code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from evidentia.community.services.notify import absolute
from evidentia.core.errors import EvidentiaError, NotFound, PermissionDenied
from evidentia.custody import events, ledger
from evidentia.evidence.models import Item
from evidentia.evidence.services import playback
from evidentia.sharing.models import ExternalAuthenticator, Share, ShareCode
from evidentia.sharing.services import exports, watermark_jobs
from evidentia.sharing.services.shares import ShareGone, items_of

CODE_DIGITS = 8
CODE_MINUTES = 15
MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
IDLE_SECONDS = 3600
SESSION_KEY = "evidentia.external_shares"
PLAYED_KEY = "evidentia.external_played"
# How each share's session was started: "code" (e-mailed) or "authenticator".
VIA_KEY = "evidentia.external_via"


class CodeRefused(EvidentiaError):
    """A wrong, used, expired or burnt code: 403, with a message for the form."""

    status = 403


class TooManyCodes(EvidentiaError):
    status = 429


def actor(share: Share) -> str:
    return f"external:{share.recipient_email}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(share: Share, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"share-code:{share.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def _event(kind: str, share: Share | None, request: HttpRequest | None, **detail: Any) -> None:
    ledger.record(
        kind,
        actor=actor(share) if share is not None else "external",
        request=request,
        case=share.case if share is not None else None,
        item=detail.pop("item", None),
        outcome=detail.pop("outcome", "success"),
        detail=({"share": str(share.pk)} if share is not None else {}) | detail,
    )


def link_path(token: str) -> str:
    return reverse("sharing:external", args=[token])


def send_link(share: Share, request: HttpRequest | None) -> None:
    """Give the share a fresh link (old ones stop working), mail it, then mail a code."""
    token = secrets.token_urlsafe(32)
    share.link_hash = token_hash(token)
    share.save(update_fields=["link_hash"])
    by = share.created_by.get_full_name() or share.created_by.get_username()
    send_mail(
        "Evidence has been shared with you",
        f"{by} has shared evidence with you until {share.expires_at:%Y-%m-%d %H:%M} UTC.\n\n"
        f"Open it here: {absolute(link_path(token), request)}\n\n"
        "You will be asked for a one-time code, which we send in a separate e-mail.\n"
        "Everything you open is recorded in the custody ledger.\n",
        None,
        [share.recipient_email],
    )
    send_code(share, request, first=True)


def send_code(share: Share, request: HttpRequest | None, first: bool = False) -> None:
    """Mail a new one-time code; any earlier unused code stops working."""
    if not share.live:
        raise refuse(share, "code", request)
    now = timezone.now()
    recent = share.codes.filter(created_at__gt=now - timedelta(hours=1)).count()
    if not first and recent >= CODES_PER_HOUR:
        raise TooManyCodes("Too many codes were sent in the last hour. Try again later.")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        share.codes.filter(used_at__isnull=True, burnt_at__isnull=True).update(burnt_at=now)
        ShareCode.objects.create(
            share=share,
            code_hash=_code_hash(share, code),
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
        _event(events.SHARE_CODE_SENT, share, request)
    send_mail(
        "Your one-time code for shared evidence",
        f"Your one-time code is {code}\n\nIt works once, for {CODE_MINUTES} minutes.\n",
        None,
        [share.recipient_email],
    )


def refuse(share: Share, what: str, request: HttpRequest | None) -> ShareGone:
    why = "revoked" if share.revoked_at is not None else "expired"
    when = share.revoked_at or share.expires_at
    _event(events.SHARE_REFUSED, share, request, action=what, why=why, outcome="denied")
    return ShareGone(
        f"This share was {why} on {when:%Y-%m-%d %H:%M} UTC, so its evidence is no longer "
        "available. Ask the person who shared it to share it again if you still need it."
    )


def find(token: str, what: str, request: HttpRequest | None) -> Share:
    """The live external share for a link token; 404 (recorded) for an unknown token and
    410 (recorded) for a dead share."""
    share = (
        Share.objects.select_related("created_by", "case")
        .filter(link_hash=token_hash(token), grantee__isnull=True)
        .exclude(link_hash="")
        .first()
    )
    if share is None:
        _event(
            events.SHARE_REFUSED, None, request, action=what, why="unknown link", outcome="denied"
        )
        raise NotFound("This link is not valid. Check that you copied the whole address.")
    if not share.live:
        raise refuse(share, what, request)
    return share


REFUSALS = {
    "replayed": "This code was already used. Ask for a new one.",
    "expired": "This code has expired. Ask for a new one.",
    "no live code": "There is no live code. Ask for a new one.",
    "wrong, code burnt": "Too many wrong tries. Ask for a new code.",
}


def verify(share: Share, code: str, request: HttpRequest) -> None:
    """Check a one-time code and, if right, open a session for this share. A refusal is
    recorded after the attempt count is saved, so neither is rolled back by the other."""
    given = "".join(ch for ch in code if ch.isdigit())
    now = timezone.now()
    left = 0
    with transaction.atomic():
        codes = ShareCode.objects.select_for_update().filter(share=share)
        match = codes.filter(code_hash=_code_hash(share, given)).first() if given else None
        current = codes.filter(used_at__isnull=True, burnt_at__isnull=True, expires_at__gt=now)
        current = current.first()
        if match is not None and match.used_at is not None:
            why = "replayed"
        elif match is not None and match.burnt_at is None and match.expires_at <= now:
            why = "expired"
        elif match is not None and match.usable:
            match.used_at = now
            match.save(update_fields=["used_at"])
            # A good e-mailed code proves the address again: it unlocks the app too.
            live_authenticator(share).update(failures=0)
            _event(events.SHARE_ACCESSED, share, request, action="open", via="code")
            remember(request, share, "code")
            return
        elif current is None:
            why = "no live code"
        else:
            left = count_wrong(share, now, current)
            why = "wrong" if left > 0 else "wrong, code burnt"
    _event(events.SHARE_CODE_REFUSED, share, request, why=why, outcome="denied")
    raise CodeRefused(REFUSALS.get(why, f"That code is not right. {left} tries left."))


def live_authenticator(share: Share) -> Any:
    """The address's authenticator app that is not revoked (pending or confirmed)."""
    return ExternalAuthenticator.objects.filter(
        email=share.recipient_email, revoked_at__isnull=True
    )


def count_wrong(share: Share, now: Any, current: ShareCode | None) -> int:
    """A wrong code of either kind costs one of the same five tries: off the share's live
    e-mailed code (burnt at the fifth) and off the address's authenticator app (locked at
    the fifth until a good e-mailed code). Call inside the caller's transaction, with
    `current` locked. Returns the tries left on the e-mailed code (or 0 without one)."""
    live_authenticator(share).filter(confirmed_at__isnull=False).update(
        failures=models.F("failures") + 1
    )
    if current is None:
        return 0
    current.attempts += 1
    if current.attempts >= MAX_ATTEMPTS:
        current.burnt_at = now
    current.save(update_fields=["attempts", "burnt_at"])
    return MAX_ATTEMPTS - current.attempts


def current_code(share: Share, now: Any) -> ShareCode | None:
    """The share's live e-mailed code, locked for update."""
    codes = ShareCode.objects.select_for_update().filter(share=share)
    return codes.filter(used_at__isnull=True, burnt_at__isnull=True, expires_at__gt=now).first()


def remember(request: HttpRequest, share: Share, via: str) -> None:
    opened = dict(request.session.get(SESSION_KEY, {}))
    opened[str(share.pk)] = time.time()
    request.session[SESSION_KEY] = opened
    request.session[VIA_KEY] = dict(request.session.get(VIA_KEY, {})) | {str(share.pk): via}
    request.session.cycle_key()


def signed_in_via(request: HttpRequest, share: Share) -> str:
    """How this browser's session for the share was started ("" when it was not)."""
    return str(dict(request.session.get(VIA_KEY, {})).get(str(share.pk), ""))


def signed_in(request: HttpRequest, share: Share) -> bool:
    """Whether this browser entered a code for this share and has not been idle an hour."""
    opened = dict(request.session.get(SESSION_KEY, {}))
    seen = opened.get(str(share.pk))
    if seen is None or time.time() - seen > IDLE_SECONDS:
        return False
    opened[str(share.pk)] = time.time()
    request.session[SESSION_KEY] = opened
    return True


def item_of(share: Share, item_id: object) -> Item:
    try:
        return items_of(share).select_related("blob").get(pk=item_id)
    except (Item.DoesNotExist, ValueError) as exc:
        raise NotFound("This share does not include that item.") from exc


def copy_for(share: Share, item: Item) -> playback.Playable:
    """The watermarked copy for the external recipient, with their address burnt in;
    NotReady (503) while the task is still making it (decision 0030)."""
    return watermark_jobs.playable(share, item)


def log_played(share: Share, item: Item, request: HttpRequest) -> None:
    mark = f"{share.pk}:{item.pk}"
    played: list[str] = request.session.get(PLAYED_KEY, [])
    if mark in played:
        return
    _event(events.SHARE_ACCESSED, share, request, item=item, action="play", copy="watermarked")
    request.session[PLAYED_KEY] = [*played[-200:], mark]


def download(share: Share, out: Path, request: HttpRequest | None) -> Any:
    if not share.downloadable:
        raise PermissionDenied("This share is view only; it does not allow downloads.")
    items = [i for i in items_of(share) if i.disposed_at is None]
    result = exports.export(actor(share), items=items, out=out, as_zip=True, request=request)
    with transaction.atomic():
        for item in items:
            _event(
                events.SHARE_ACCESSED,
                share,
                request,
                item=item,
                action="download",
                export_id=result.export_id,
                sha256=item.blob.sha256,
            )
    return result
