"""Authenticator management: admins reset a lost phone, never read or set a secret."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidentia.accounts import services
from evidentia.core.errors import Conflict, PermissionDenied
from tests.accounts.conftest import ledger, post_password
from tests.conftest import sign_in


def test_an_admin_reset_sends_the_owner_back_to_enrolment(client, adam, olivia):
    services.reset_totp(TOTPDevice.objects.get(user=olivia), actor=adam)
    [event] = ledger("auth.mfa.removed")
    assert event["actor"]["username"] == "adam"
    assert event["detail"]["user"]["username"] == "olivia"
    assert post_password(client, "olivia")["Location"] == "/accounts/mfa/setup/"


def test_only_admins_reset_an_authenticator(olivia, sam):
    with pytest.raises(PermissionDenied):
        services.reset_totp(TOTPDevice.objects.get(user=olivia), actor=sam)
    assert TOTPDevice.objects.filter(user=olivia).exists()
    assert ledger("auth.mfa.removed")[0]["outcome"] == "failure"


def test_a_user_with_an_authenticator_cannot_enrol_a_second(olivia):
    with pytest.raises(Conflict):
        services.enroll_totp(olivia)


def test_deleting_a_device_in_the_admin_is_in_the_ledger(client, adam, olivia):
    device = TOTPDevice.objects.get(user=olivia)
    sign_in(client, adam)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert len(ledger("auth.mfa.removed")) == 1


def test_the_admin_never_shows_an_authenticator_secret(client, adam, olivia):
    device = TOTPDevice.objects.get(user=olivia)
    sign_in(client, adam)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
