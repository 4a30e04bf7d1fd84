"""API tokens: shown once, stored hashed, scoped by role, revocable, expiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.accounts import services
from evidentia.accounts.models import ApiToken, Scope
from evidentia.core.errors import PermissionDenied, Rejected
from tests.accounts.conftest import ledger
from tests.conftest import sign_in


def _token(user, *scopes: str, **kwargs) -> tuple[ApiToken, str]:
    return services.create_token(
        user, name="dock 3", scopes=scopes or [Scope.EVIDENCE_READ], actor=user, **kwargs
    )


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_is_shown_once_and_stored_hashed(olivia):
    token, raw = _token(olivia)
    prefix, lookup, secret = raw[:4], raw[4:20], raw[21:]
    assert prefix == "evd_" and lookup == token.lookup and raw[20] == "_"
    assert len(secret) >= 43
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_hash == ApiToken.hash_secret(secret)
    assert secret not in str(stored.__dict__)
    [created] = ledger("account.token_created")
    assert secret not in str(created)
    assert created["detail"]["scopes"] == ["evidence:read"]


def test_a_valid_token_authenticates_its_user(olivia):
    _, raw = _token(olivia)
    assert services.authenticate_token(raw) == olivia


def test_a_token_with_a_wrong_secret_is_refused(olivia):
    _, raw = _token(olivia)
    assert services.authenticate_token(raw[:-2] + ("AA" if raw[-2:] != "AA" else "BB")) is None


@pytest.mark.parametrize("raw", ["", "evd_", "evd_short", "Bearer x", "evd_" + "a" * 16 + "x"])
def test_a_malformed_token_is_refused(olivia, raw):
    assert services.authenticate_token(raw) is None


def test_a_revoked_token_is_refused(client, olivia):
    token, raw = _token(olivia)
    services.revoke_token(token, actor=olivia)
    assert services.authenticate_token(raw) is None
    assert client.get("/api/test/evidence", **_bearer(raw)).status_code == 401
    [revoked] = ledger("account.token_revoked")
    assert revoked["detail"]["lookup"] == token.lookup


def test_an_expired_token_is_refused(olivia):
    token, raw = _token(olivia, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.authenticate_token(raw) is None


def test_a_disabled_users_token_is_refused(olivia):
    _, raw = _token(olivia)
    olivia.is_active = False
    olivia.save()
    assert services.authenticate_token(raw) is None


def test_a_token_without_the_scope_is_refused(client, olivia):
    _, raw = _token(olivia, Scope.EVIDENCE_READ)
    response = client.post("/api/test/evidence", **_bearer(raw))
    assert response.status_code == 403
    assert "evidence:write" in response.json()["detail"]


def test_a_token_with_the_scope_is_accepted(client, olivia):
    _, raw = _token(olivia, Scope.EVIDENCE_READ, Scope.EVIDENCE_WRITE)
    response = client.post("/api/test/evidence", **_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"user": "olivia", "via": "token"}


def test_an_auditor_may_only_hold_custody_read(audrey):
    with pytest.raises(PermissionDenied, match="evidence:read"):
        _token(audrey, Scope.EVIDENCE_READ)
    token, _ = _token(audrey, Scope.CUSTODY_READ)
    assert token.scopes == ["custody:read"]


def test_a_token_loses_scopes_its_owners_new_role_does_not_allow(client, olivia, adam):
    _, raw = _token(olivia, Scope.EVIDENCE_READ)
    services.change_role(olivia, "auditor", actor=adam)
    assert client.get("/api/test/evidence", **_bearer(raw)).status_code == 403


def test_only_admins_create_tokens_for_someone_else(olivia, oscar, adam):
    with pytest.raises(PermissionDenied):
        services.create_token(oscar, name="x", scopes=["evidence:read"], actor=olivia)
    token, _ = services.create_token(oscar, name="x", scopes=["evidence:read"], actor=adam)
    assert token.user == oscar


def test_a_token_needs_a_name_and_a_scope(olivia):
    with pytest.raises(Rejected):
        services.create_token(olivia, name=" ", scopes=["evidence:read"], actor=olivia)
    with pytest.raises(Rejected):
        services.create_token(olivia, name="x", scopes=[], actor=olivia)


def test_someone_else_cannot_revoke_a_token(olivia, oscar):
    token, _ = _token(olivia)
    with pytest.raises(PermissionDenied):
        services.revoke_token(token, actor=oscar)


def test_last_used_is_updated_at_most_once_a_minute(olivia):
    token, raw = _token(olivia)
    services.authenticate_token(raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    services.authenticate_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    services.authenticate_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_the_tokens_page_shows_a_new_token_once(client, olivia):
    sign_in(client, olivia)
    response = client.post(
        "/accounts/tokens/", {"name": "dock 3", "scopes": ["evidence:write"], "expires": "90"}
    )
    text = response.content.decode()
    token = ApiToken.objects.get(user=olivia)
    assert "it will not be shown again" in text
    assert f"evd_{token.lookup}_" in text
    assert response["Cache-Control"].startswith("max-age=0")
    again = client.get("/accounts/tokens/").content.decode()
    assert f"evd_{token.lookup}…" in again
    assert f"evd_{token.lookup}_" not in again
    assert token.expires_at > timezone.now() + timedelta(days=89)


def test_the_tokens_page_offers_only_the_scopes_the_role_allows(client, audrey):
    sign_in(client, audrey)
    text = client.get("/accounts/tokens/").content.decode()
    assert 'value="custody:read"' in text
    assert 'value="evidence:read"' not in text
    response = client.post(
        "/accounts/tokens/", {"name": "x", "scopes": ["evidence:read"], "expires": "30"}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_a_token_can_be_revoked_from_the_tokens_page(client, olivia):
    token, _ = _token(olivia)
    sign_in(client, olivia)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_the_tokens_page_cannot_revoke_someone_elses_token(client, olivia, oscar):
    token, _ = _token(oscar)
    sign_in(client, olivia)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
