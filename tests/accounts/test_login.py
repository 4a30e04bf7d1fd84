"""Signing in: the banner, the password step, the TOTP step, lockout and the ledger."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import (
    AGENT,
    IP,
    code_for,
    ledger,
    post_code,
    post_password,
    sign_in_for_real,
    wrong_code,
)
from tests.conftest import make_user


def test_the_login_page_shows_the_system_use_banner(client, db):
    response = client.get("/accounts/login/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "criminal-justice information system" in text
    assert "monitored and recorded" in text
    assert "Unauthorised use is prohibited" in text


def test_the_right_password_leads_to_the_code_step(client, olivia):
    response = post_password(client, "olivia")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/verify/"


def test_a_wrong_password_is_refused_and_logged_without_the_password(client, olivia):
    response = post_password(client, "olivia", "not the password at all")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    [failure] = ledger("auth.login.failure")
    assert failure["outcome"] == "failure"
    assert failure["detail"] == {"username": "olivia", "factor": "password"}
    assert failure["client"] == {"ip": IP, "user_agent": AGENT}
    assert "not the password" not in str(failure)


def test_a_signed_in_user_without_a_second_factor_is_sent_to_verify(client, olivia):
    client.force_login(olivia)
    response = client.get("/evidence/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/")


def test_a_new_user_is_sent_to_enrol_totp(client, db):
    newbie = make_user("nina", "officer")
    TOTPDevice.objects.filter(user=newbie).delete()
    response = post_password(client, "nina")
    assert response["Location"] == "/accounts/mfa/setup/"
    assert client.get("/evidence/")["Location"].startswith("/accounts/mfa/setup/")


def test_the_setup_page_shows_an_inline_qr_code_and_the_typed_secret(client, db):
    newbie = make_user("nina", "officer")
    TOTPDevice.objects.filter(user=newbie).delete()
    post_password(client, "nina")
    text = client.get("/accounts/mfa/setup/").content.decode()
    device = TOTPDevice.objects.get(user=newbie, confirmed=False)
    assert "<svg" in text and "<path" in text
    assert "<img" not in text
    secret = text.split('aria-label="Set-up key">')[1].split("<")[0].replace(" ", "")
    assert secret and device.config_url.find(f"secret={secret}") > 0


def test_enrolling_with_a_real_code_confirms_the_device_and_signs_in(client, db):
    newbie = make_user("nina", "officer")
    TOTPDevice.objects.filter(user=newbie).delete()
    post_password(client, "nina")
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=newbie, confirmed=False)
    response = post_code(client, code_for(device), url="/accounts/mfa/setup/")
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/evidence/").status_code == 200
    [enrolled] = ledger("auth.mfa.enrolled")
    assert enrolled["actor"]["username"] == "nina"
    assert len(ledger("auth.login.success")) == 1


def test_a_user_with_a_device_cannot_enrol_another_before_verifying(client, olivia):
    post_password(client, "olivia")
    response = client.get("/accounts/mfa/setup/")
    assert response["Location"] == "/accounts/verify/"


def test_a_wrong_totp_code_is_refused_and_logged(client, olivia):
    device = TOTPDevice.objects.get(user=olivia)
    post_password(client, "olivia")
    response = post_code(client, wrong_code(device))
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert client.get("/evidence/").status_code == 302
    [failure] = ledger("auth.login.failure")
    assert failure["detail"] == {"username": "olivia", "factor": "totp"}
    assert failure["actor"]["username"] == "olivia"
    assert ledger("auth.login.success") == []


def test_login_records_success_in_the_ledger_with_ip(client, olivia):
    sign_in_for_real(client, olivia)
    [success] = ledger("auth.login.success")
    assert success["actor"]["username"] == "olivia"
    assert success["client"] == {"ip": IP, "user_agent": AGENT}
    assert success["detail"]["factors"] == ["password", "totp"]


def test_after_both_factors_the_user_lands_where_they_were_going(client, olivia):
    client.get("/accounts/login/?next=/evidence/%3Fq%3Dx")
    post_password(client, "olivia")
    device = TOTPDevice.objects.get(user=olivia)
    response = post_code(client, code_for(device))
    assert response["Location"] == "/evidence/?q=x"


def test_it_does_not_redirect_to_another_site_after_login(client, olivia):
    client.get("/accounts/login/?next=https://evil.example/")
    post_password(client, "olivia")
    response = post_code(client, code_for(TOTPDevice.objects.get(user=olivia)))
    assert response["Location"] == "/evidence/"


def test_it_locks_an_account_after_five_failed_passwords(client, olivia):
    for _ in range(4):
        assert post_password(client, "olivia", "wrong password 1234").status_code == 200
    response = post_password(client, "olivia", "wrong password 1234")
    assert response.status_code == 429
    assert "locked for 10 minutes" in response.content.decode()
    assert len(ledger("auth.login.failure")) == 5
    [lockout] = ledger("auth.login.lockout")
    assert lockout["detail"] == {"username": "olivia"}
    assert lockout["client"]["ip"] == IP


def test_a_locked_account_cannot_sign_in_even_with_the_right_password(client, olivia):
    for _ in range(5):
        post_password(client, "olivia", "wrong password 1234")
    response = post_password(client, "olivia")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert len(ledger("auth.login.lockout")) == 2  # reached, then refused while locked


def test_the_lockout_page_says_whom_to_call(client, olivia):
    for _ in range(5):
        response = post_password(client, "olivia", "wrong password 1234")
    text = response.content.decode()
    assert "administrator" in text
    assert response["Retry-After"] == "600"


def test_a_lockout_affects_only_that_username(client, olivia, oscar):
    for _ in range(5):
        post_password(client, "olivia", "wrong password 1234")
    assert post_password(client, "oscar").status_code == 302


def test_wrong_totp_codes_count_towards_the_lockout(client, olivia, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # isolate axes from django-otp's own backoff
    device = TOTPDevice.objects.get(user=olivia)
    post_password(client, "olivia")
    for _ in range(4):
        assert post_code(client, wrong_code(device)).status_code == 200
    response = post_code(client, wrong_code(device))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert post_password(client, "olivia").status_code == 429


def test_logout_is_recorded_and_ends_the_session(client, olivia):
    sign_in_for_real(client, olivia)
    response = client.post("/accounts/logout/", REMOTE_ADDR=IP)
    assert response["Location"] == "/accounts/login/"
    assert client.get("/evidence/").status_code == 302
    [logout] = ledger("auth.logout")
    assert logout["actor"]["username"] == "olivia"


def test_logout_needs_a_post(client, olivia):
    sign_in_for_real(client, olivia)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/evidence/").status_code == 200


def test_a_disabled_account_cannot_sign_in(client, olivia):
    olivia.is_active = False
    olivia.save()
    response = post_password(client, "olivia")
    assert response.status_code == 200
    assert len(ledger("auth.login.failure")) == 1
