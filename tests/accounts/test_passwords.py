"""Password policy (CJIS 5.6.2.1.1, with MFA): 12+ characters, not common, not like the name."""

from __future__ import annotations

import pytest

from evidentia.accounts import services
from evidentia.accounts.models import Role, User
from evidentia.core.errors import PermissionDenied, Rejected
from tests.accounts.conftest import ledger


def _create(adam, password: str, username: str = "newofficer") -> User:
    return services.create_user(
        username=username, role=Role.OFFICER, password=password, actor=adam, first_name="Nora"
    )


def test_passwords_shorter_than_twelve_characters_are_refused(adam):
    with pytest.raises(Rejected, match="at least 12 characters"):
        _create(adam, "Tr0ub4dor&3")
    assert not User.objects.filter(username="newofficer").exists()


def test_a_common_password_is_refused(adam):
    with pytest.raises(Rejected, match="too common"):
        _create(adam, "password1234")


def test_a_password_like_the_username_is_refused(adam):
    with pytest.raises(Rejected, match="too similar"):
        _create(adam, "sergeant.bramwell", username="sergeant.bramwell1")


def test_an_all_numeric_password_is_refused(adam):
    with pytest.raises(Rejected, match="entirely numeric"):
        _create(adam, "582093174650")


def test_a_good_password_creates_the_account_and_records_it(adam):
    user = _create(adam, "plinth marigold ferry 42")
    assert user.check_password("plinth marigold ferry 42")
    [created] = ledger("account.created")
    assert created["actor"]["username"] == "adam"
    assert created["detail"]["user"]["username"] == "newofficer"
    assert created["detail"]["role"] == "officer"
    assert "plinth" not in str(created)


def test_only_admins_create_accounts(carmen):
    with pytest.raises(PermissionDenied):
        _create(carmen, "plinth marigold ferry 42")


def test_a_taken_username_is_refused(adam, olivia):
    with pytest.raises(Exception, match="already taken"):
        _create(adam, "plinth marigold ferry 42", username="OLIVIA")


def test_an_admin_account_opens_the_admin_site(adam):
    user = services.create_user(
        username="alex", role=Role.ADMIN, password="plinth marigold ferry 42", actor=adam
    )
    assert user.is_staff and user.is_superuser


def test_changing_a_password_checks_policy_and_records_it(olivia):
    with pytest.raises(Rejected):
        services.set_password(olivia, "short", actor=olivia)
    services.set_password(olivia, "plinth marigold ferry 42", actor=olivia)
    [changed] = ledger("account.password_changed")
    assert changed["detail"]["user"]["username"] == "olivia"
