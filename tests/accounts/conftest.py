"""Helpers for the accounts tests: real TOTP codes, the real login, the ledger's events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidentia.accounts.models import User
from evidentia.custody.models import Event
from tests.conftest import PASSWORD

IP = "203.0.113.7"
AGENT = "pytest-browser/1.0"


@pytest.fixture(autouse=True)
def _accounts_routes(settings) -> None:
    """Every accounts test uses its own routes (see urls.py), none of other apps'."""
    settings.ROOT_URLCONF = "tests.accounts.urls"


def code_for(device: TOTPDevice, ahead: int = 0) -> str:
    """The code the authenticator app shows now (or `ahead` steps later)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + ahead,
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def post_password(client: Client, username: str, password: str = PASSWORD, **extra: Any):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=AGENT,
        **extra,
    )


def post_code(client: Client, code: str, url: str = "/accounts/verify/"):
    return client.post(url, {"code": code}, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)


def sign_in_for_real(client: Client, user: User) -> Client:
    """Password, then a real TOTP code, through the login pages."""
    assert post_password(client, user.username).status_code == 302
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = post_code(client, code_for(device))
    assert response.status_code == 302, response.content
    return client


def ledger(kind: str) -> list[dict[str, Any]]:
    """The bodies of the ledger events of one kind, oldest first."""
    return [json.loads(e.body) for e in Event.objects.filter(kind=kind).order_by("seq")]
