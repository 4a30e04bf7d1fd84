"""API tokens for non-interactive integrations: `evd_<lookup16>_<secret>`, hashed at rest."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import ApiToken, User
from evidentia.accounts.services._common import (
    _ALL_SCOPES,
    _ref,
    _refuse,
    _require_admin,
    allowed_scopes,
)
from evidentia.core.errors import Conflict, Rejected
from evidentia.custody import events, ledger

log = logging.getLogger(__name__)

TOKEN_LOOKUP_CHARS = 16
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Compared against when a token's lookup matches nothing, so misses cost the same time.
_DUMMY_HASH = ApiToken.hash_secret("evidentia-no-such-token")


def create_token(
    user: User,
    *,
    name: str,
    scopes: Iterable[str],
    actor: Any,
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token. Returns it and its plaintext, which is never stored or shown again."""
    if getattr(actor, "pk", None) != user.pk:
        _require_admin(
            actor,
            "create tokens for someone else",
            events.TOKEN_CREATED,
            request=request,
            subject=user,
        )
    if not user.is_active:
        raise Conflict(f"{user.username}'s account is disabled.")
    name = (name or "").strip()
    if not name:
        raise Rejected("Give the token a name, so you know later what uses it.")
    wanted = sorted(set(scopes))
    if not wanted:
        raise Rejected("Choose at least one scope.")
    unknown = [s for s in wanted if s not in _ALL_SCOPES]
    if unknown:
        raise Rejected(f"Unknown scope: {', '.join(unknown)}.")
    refused = [s for s in wanted if s not in allowed_scopes(user)]
    if refused:
        message = f"The {user.get_role_display()} role may not hold: {', '.join(refused)}."
        raise _refuse(events.TOKEN_CREATED, message, actor=actor, request=request, user=_ref(user))
    if expires_at is not None and expires_at <= timezone.now():
        raise Rejected("The expiry date must be in the future.")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        lookup = secrets.token_hex(TOKEN_LOOKUP_CHARS // 2)
        while ApiToken.objects.filter(lookup=lookup).exists():
            lookup = secrets.token_hex(TOKEN_LOOKUP_CHARS // 2)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            lookup=lookup,
            secret_hash=ApiToken.hash_secret(secret),
            scopes=wanted,
            expires_at=expires_at,
        )
        ledger.record(
            events.TOKEN_CREATED,
            actor=actor,
            request=request,
            detail=_token_detail(token),
        )
    return token, f"{ApiToken.PREFIX}{lookup}_{secret}"


def _token_detail(token: ApiToken) -> dict[str, Any]:
    return {
        "token": str(token.pk),
        "lookup": token.lookup,
        "name": token.name,
        "user": {"id": token.user_id, "username": token.user.username},
        "scopes": list(token.scopes),
        "expires_at": token.expires_at,
    }


def revoke_token(token: ApiToken, *, actor: Any, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token: its owner or an administrator may."""
    if getattr(actor, "pk", None) != token.user_id:
        _require_admin(
            actor,
            "revoke someone else's token",
            events.TOKEN_REVOKED,
            request=request,
            subject=token.user,
        )
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        ledger.record(
            events.TOKEN_REVOKED, actor=actor, request=request, detail=_token_detail(locked)
        )
    token.revoked_at = locked.revoked_at
    return token


def parse_token(raw: str) -> tuple[str, str] | None:
    """Split `evd_<lookup16>_<secret>` into (lookup, secret), or None if malformed."""
    raw = (raw or "").strip()
    prefix = ApiToken.PREFIX
    body = raw[len(prefix) :]
    if not raw.startswith(prefix) or len(body) <= TOKEN_LOOKUP_CHARS + 1:
        return None
    lookup, sep, secret = body[:TOKEN_LOOKUP_CHARS], body[TOKEN_LOOKUP_CHARS], body[17:]
    if sep != "_" or not secret:
        return None
    return lookup, secret


def find_token(raw: str) -> ApiToken | None:
    """The usable token `raw` names, with its user loaded; None for anything else."""
    parsed = parse_token(raw)
    if parsed is None:
        return None
    lookup, secret = parsed
    token = ApiToken.objects.select_related("user").filter(lookup=lookup).first()
    expected = token.secret_hash if token else _DUMMY_HASH
    matches = hmac.compare_digest(expected, ApiToken.hash_secret(secret))
    if token is None or not matches:
        return None
    if not token.is_usable():
        log.info("refused API token %s: revoked, expired or owner disabled", token.lookup)
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def authenticate_token(raw: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token; None otherwise."""
    token = find_token(raw)
    return token.user if token else None
