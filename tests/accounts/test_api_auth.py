"""ApiAuth: a scoped bearer token, or a signed-in OTP-verified session with CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from evidentia.accounts.auth import ApiAuth
from tests.conftest import sign_in


def test_no_credentials_get_a_401(client, db):
    assert client.get("/api/test/evidence").status_code == 401


def test_an_unknown_bearer_token_gets_a_401(client, db):
    response = client.get("/api/test/evidence", HTTP_AUTHORIZATION="Bearer evd_nope")
    assert response.status_code == 401


def test_a_verified_session_may_read(client, olivia):
    sign_in(client, olivia)
    response = client.get("/api/test/evidence")
    assert response.status_code == 200
    assert response.json() == {"user": "olivia", "via": "session"}


def test_a_session_without_the_second_factor_is_refused(client, olivia):
    client.force_login(olivia)
    assert client.get("/api/test/evidence").status_code == 401


def test_a_session_post_without_a_csrf_token_is_refused(olivia):
    client = sign_in(Client(enforce_csrf_checks=True), olivia)
    assert client.post("/api/test/evidence").status_code == 403


def test_a_session_post_with_the_csrf_token_is_accepted(olivia):
    client = sign_in(Client(enforce_csrf_checks=True), olivia)
    client.get("/accounts/tokens/")  # sets the CSRF cookie, as any page would
    token = client.cookies["csrftoken"].value
    response = client.post("/api/test/evidence", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_a_session_is_held_to_the_roles_scopes(client, audrey):
    sign_in(client, audrey)
    assert client.get("/api/test/evidence").status_code == 403
    assert client.get("/api/test/custody").status_code == 200


def test_an_unknown_scope_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown API scope"):
        ApiAuth("evidence:delete")
