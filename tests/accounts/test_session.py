"""The 30-minute idle timeout and the paths the second-factor gate leaves alone."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.conftest import sign_in


def _idle(client, minutes: int) -> None:
    """Pretend `minutes` passed since the last request, by moving the stored expiry."""
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=Session.objects.get(session_key=key).expire_date - timedelta(minutes=minutes)
    )


def test_a_session_expires_after_thirty_idle_minutes(client, olivia):
    sign_in(client, olivia)
    assert client.get("/evidence/").status_code == 200
    _idle(client, 31)
    response = client.get("/evidence/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_each_request_restarts_the_idle_clock(client, olivia, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sign_in(client, olivia)
    client.get("/evidence/")
    _idle(client, 29)
    assert client.get("/evidence/").status_code == 200
    expiry = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/evidence/")
    assert response["Location"] == "/accounts/login/?next=/evidence/"


def test_the_second_factor_gate_leaves_public_pages_alone(client, olivia):
    client.force_login(olivia)
    assert client.get("/public/hello/").status_code == 200


def test_the_second_factor_gate_leaves_the_api_to_its_own_auth(client, olivia):
    client.force_login(olivia)
    assert client.get("/api/test/evidence").status_code == 401


def test_the_real_site_serves_the_login_page_and_gates_the_rest(client, olivia, settings):
    settings.ROOT_URLCONF = "evidentia.urls"
    assert "monitored and recorded" in client.get("/accounts/login/").content.decode()
    client.force_login(olivia)
    response = client.get("/evidence/")
    assert response["Location"].startswith("/accounts/verify/")
