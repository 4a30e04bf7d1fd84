"""The second factor: TOTP enrolment and confirmation."""

from __future__ import annotations

import base64
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidentia.accounts.models import User
from evidentia.accounts.services._common import _ref, _require_admin
from evidentia.core.errors import Conflict
from evidentia.custody import events, ledger


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def enroll_totp(user: User) -> tuple[TOTPDevice, str, str]:
    """An unconfirmed TOTP device for `user`, its base32 secret and otpauth:// URL.

    Reuses a pending device, so reloading the set-up page keeps the same QR code.
    A user who has a confirmed device needs an administrator to reset it first.
    """
    if confirmed_device(user) is not None:
        raise Conflict("This account already has an authenticator; ask an admin to reset it.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return device, secret, device.config_url


def confirm_totp(device: TOTPDevice, code: str, *, request: HttpRequest | None = None) -> bool:
    """Confirm a pending device with a code from the authenticator app."""
    code = "".join((code or "").split())
    if not code.isdigit():
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # A second pending device would be a dormant factor nobody confirmed; drop it.
        TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
        ledger.record(
            events.MFA_ENROLLED,
            actor=device.user,
            request=request,
            detail={"device": device.persistent_id, "type": "totp"},
        )
    return True


def reset_totp(device: TOTPDevice, *, actor: Any, request: HttpRequest | None = None) -> None:
    """Remove an authenticator (a lost phone). Only administrators; the owner re-enrols
    at their next sign-in, so reset the password too and hand it over in person."""
    owner = device.user
    _require_admin(
        actor, "reset an authenticator", events.MFA_REMOVED, request=request, subject=owner
    )
    with transaction.atomic():
        detail = {"user": _ref(owner), "device": device.persistent_id, "name": device.name}
        detail["confirmed"] = device.confirmed
        device.delete()
        ledger.record(events.MFA_REMOVED, actor=actor, request=request, detail=detail)
