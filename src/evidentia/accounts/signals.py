"""Ledger records for what django-axes decides on its own: a lockout."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver
from django.http import HttpRequest

from evidentia.custody import events, ledger


@receiver(user_locked_out, dispatch_uid="evidentia.accounts.lockout")
def record_lockout(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    # Sent when the limit is reached and again for every attempt while locked.
    ledger.record(
        events.LOGIN_LOCKOUT,
        request=request,
        outcome="failure",
        detail={"username": username or ""},
    )
