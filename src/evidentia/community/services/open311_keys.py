"""Open311 api_keys: issued by an administrator, shown once, kept only as SHA-256.

A key is `o311_` and 43 random URL-safe characters; its first 12 characters are kept
as a prefix so people can tell keys apart and revoke one without the whole key.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.accounts.services._common import is_admin
from evidentia.community.models import Open311Key
from evidentia.community.services._common import clean, digest
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger

KEY_PREFIX = "o311_"
PREFIX_CHARS = 12
MAX_KEY_CHARS = 200


def _detail(key: Open311Key) -> dict[str, Any]:
    return {"key": key.pk, "name": key.name, "prefix": key.prefix}


def _require_admin(actor: Any, what: str, kind: str) -> None:
    if is_admin(actor):
        return
    message = f"Only an administrator can {what}."
    ledger.record(
        kind,
        actor=actor if getattr(actor, "pk", None) else None,
        outcome="failure",
        detail={"refused": message},
    )
    raise PermissionDenied(message)


def create_key(actor: User, name: str) -> tuple[Open311Key, str]:
    """A new key for an Open311 client. Returns it and the secret, never shown again."""
    _require_admin(actor, "create Open311 keys", events.OPEN311_KEY_CREATED)
    name = clean(name)
    if not name:
        raise Rejected("Name the key after the client that will use it.")
    if len(name) > 120:
        raise Rejected("Keep the name under 120 characters.")
    with transaction.atomic():
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        while Open311Key.objects.filter(prefix=secret[:PREFIX_CHARS]).exists():
            secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key = Open311Key.objects.create(
            name=name,
            key_hash=digest(secret),
            prefix=secret[:PREFIX_CHARS],
            created_by=actor,
        )
        ledger.record(events.OPEN311_KEY_CREATED, actor=actor, detail=_detail(key))
    return key, secret


def revoke_key(actor: User, prefix: str) -> Open311Key:
    """Revoke the key whose prefix (or whole secret) is given; revoking twice is a no-op."""
    _require_admin(actor, "revoke Open311 keys", events.OPEN311_KEY_REVOKED)
    prefix = clean(prefix, PREFIX_CHARS)
    if len(prefix) < len(KEY_PREFIX) + 3:
        raise Rejected(f"Give the key's prefix, e.g. {KEY_PREFIX}AbCdEfG.")
    with transaction.atomic():
        found = list(Open311Key.objects.select_for_update().filter(prefix__startswith=prefix)[:2])
        if not found:
            raise NotFound(f"No Open311 key starts with {prefix}.")
        if len(found) > 1:
            raise Conflict(f"More than one key starts with {prefix}: give more characters.")
        return revoke(actor, found[0])


def revoke(actor: User, key: Open311Key, request: HttpRequest | None = None) -> Open311Key:
    """Revoke one key (a no-op when it already is), with its ledger event."""
    _require_admin(actor, "revoke Open311 keys", events.OPEN311_KEY_REVOKED)
    with transaction.atomic():
        key = Open311Key.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            ledger.record(
                events.OPEN311_KEY_REVOKED, actor=actor, request=request, detail=_detail(key)
            )
    return key


def list_keys() -> QuerySet[Open311Key]:
    return Open311Key.objects.select_related("created_by").order_by("-created_at")


def authenticate(secret: str) -> Open311Key | None:
    """The live key this secret is, or None. Looked up by its hash through a unique
    index, so a wrong guess learns nothing from timing about real keys."""
    if not secret or len(secret) > MAX_KEY_CHARS:
        return None
    return Open311Key.objects.filter(key_hash=digest(secret), revoked_at__isnull=True).first()
