"""Rate limits for public endpoints, without keeping anyone's address.

A client is counted under HMAC(day's salt, scope + address); the salt is derived from
the secret key and the date, so buckets cannot be reversed, nor linked across days,
and rows older than two hours are purged.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from evidentia.community.models import RateHit
from evidentia.core.errors import EvidentiaError

WINDOW = timedelta(hours=1)


class RateLimited(EvidentiaError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _salt(day: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"rate:{day}".encode(), hashlib.sha256).digest()


def client_network(request: HttpRequest) -> str:
    """Who is asking, for counting: the connecting address, or the one the trusted
    proxies in front of us saw (EVIDENTIA_TRUSTED_PROXIES), with an IPv6 address cut to
    its /64, which one subscriber holds whole."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [a.strip() for a in forwarded.split(",") if a.strip()]
        if chain:
            address = chain[-hops] if len(chain) >= hops else chain[0]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def bucket(
    request: HttpRequest, scope: str, now: datetime | None = None, identity: str = ""
) -> str:
    """The client's counter: by `identity` when given (an Open311 key), else by address."""
    now = now or timezone.now()
    who = identity or client_network(request)
    message = f"{scope}|{who}".encode()
    return hmac.new(_salt(now.strftime("%Y-%m-%d")), message, hashlib.sha256).hexdigest()


def hit(request: HttpRequest, scope: str, limit: int, what: str, identity: str = "") -> None:
    """Count one request; refuse with 429 past `limit` in the current hour."""
    now = timezone.now()
    window = now.replace(minute=0, second=0, microsecond=0)
    key = bucket(request, scope, now, identity)
    with transaction.atomic():
        updated = RateHit.objects.filter(bucket=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateHit.objects.create(bucket=key, window=window, count=1)
            except IntegrityError:
                RateHit.objects.filter(bucket=key, window=window).update(count=F("count") + 1)
        count = RateHit.objects.filter(bucket=key, window=window).values_list("count", flat=True)
        used = count.first() or 0
    if used > limit:
        wait = int((window + WINDOW - now).total_seconds()) + 1
        minutes = max(1, round(wait / 60))
        raise RateLimited(
            f"Too many {what} from your connection in the last hour. Please try again in "
            f"about {minutes} minute{'s' if minutes != 1 else ''}. If this is an emergency, "
            f"call {settings.PORTAL_EMERGENCY_NUMBER}.",
            retry_after=wait,
        )


def purge(now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = RateHit.objects.filter(window__lt=now - 2 * WINDOW).delete()
    return deleted
