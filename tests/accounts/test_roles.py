"""Roles and privileges: only admins change them, and every change is in the ledger."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from evidentia.accounts import services
from evidentia.accounts.models import Role, User
from evidentia.core.errors import Conflict, PermissionDenied
from tests.accounts.conftest import IP, ledger
from tests.conftest import sign_in


def _change_form(user: User, **changes) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "role": user.role,
        "unit": user.unit_id or "",
        "badge_number": user.badge_number,
        "last_login_0": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_only_admins_change_roles(olivia, sam):
    with pytest.raises(PermissionDenied):
        services.change_role(olivia, Role.SUPERVISOR, actor=sam)
    olivia.refresh_from_db()
    assert olivia.role == Role.OFFICER


def test_a_refused_role_change_is_recorded_as_a_failure(olivia, sam):
    with pytest.raises(PermissionDenied):
        services.change_role(olivia, Role.ADMIN, actor=sam)
    [event] = ledger("account.role_changed")
    assert event["outcome"] == "failure"
    assert event["actor"]["username"] == "sam"
    assert event["detail"]["user"]["username"] == "olivia"
    assert "Only an administrator" in event["detail"]["refused"]


def test_a_role_change_records_old_and_new(olivia, adam):
    services.change_role(olivia, Role.SUPERVISOR, actor=adam)
    olivia.refresh_from_db()
    assert olivia.role == Role.SUPERVISOR
    [event] = ledger("account.role_changed")
    assert event["actor"]["username"] == "adam"
    assert event["detail"]["old"] == "officer" and event["detail"]["new"] == "supervisor"


def test_an_admin_cannot_remove_their_own_admin_role(adam):
    with pytest.raises(Conflict):
        services.change_role(adam, Role.OFFICER, actor=adam)


def test_disabling_an_account_is_recorded(olivia, adam):
    services.set_active(olivia, False, actor=adam)
    assert not User.objects.get(pk=olivia.pk).is_active
    [event] = ledger("account.disabled")
    assert event["detail"]["user"]["username"] == "olivia"


def test_only_admins_disable_accounts(olivia, sam):
    with pytest.raises(PermissionDenied):
        services.set_active(olivia, False, actor=sam)


def test_a_prosecutor_cannot_open_the_admin(client, petra):
    sign_in(client, petra)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/accounts/user/").status_code != 200


def test_an_admin_opens_the_admin(client, adam):
    sign_in(client, adam)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/?role__exact=officer").status_code == 200


def test_the_admin_login_page_sends_staff_to_the_two_factor_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_a_role_change_in_the_admin_is_in_the_ledger(client, adam, olivia):
    sign_in(client, adam)
    response = client.post(
        f"/admin/accounts/user/{olivia.pk}/change/",
        _change_form(olivia, role=Role.INVESTIGATOR),
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=olivia.pk).role == Role.INVESTIGATOR
    [event] = ledger("account.role_changed")
    assert event["detail"]["old"] == "officer" and event["detail"]["new"] == "investigator"
    assert event["client"]["ip"] == IP


def test_granting_superuser_in_the_admin_is_in_the_ledger(client, adam, olivia):
    sign_in(client, adam)
    client.post(
        f"/admin/accounts/user/{olivia.pk}/change/",
        _change_form(olivia, is_staff="on", is_superuser="on"),
    )
    [event] = ledger("account.permission_changed")
    assert event["detail"]["changes"] == {"is_staff": [False, True], "is_superuser": [False, True]}


def test_a_group_change_in_the_admin_is_in_the_ledger(client, adam, olivia):
    group = Group.objects.create(name="Property room")
    sign_in(client, adam)
    client.post(
        f"/admin/accounts/user/{olivia.pk}/change/", _change_form(olivia, groups=[group.pk])
    )
    [event] = ledger("account.permission_changed")
    assert event["detail"]["changes"] == {"groups": {"added": ["Property room"], "removed": []}}


def test_disabling_in_the_admin_is_in_the_ledger(client, adam, olivia):
    sign_in(client, adam)
    client.post(f"/admin/accounts/user/{olivia.pk}/change/", _change_form(olivia, is_active=""))
    assert not User.objects.get(pk=olivia.pk).is_active
    assert len(ledger("account.disabled")) == 1


def test_an_admin_cannot_disable_themself_in_the_admin(client, adam):
    sign_in(client, adam)
    response = client.post(
        f"/admin/accounts/user/{adam.pk}/change/", _change_form(adam, is_active="")
    )
    assert response.status_code == 200
    assert "cannot disable your own account" in response.content.decode()
    assert User.objects.get(pk=adam.pk).is_active


def test_an_unchanged_save_in_the_admin_records_nothing(client, adam, olivia):
    sign_in(client, adam)
    client.post(f"/admin/accounts/user/{olivia.pk}/change/", _change_form(olivia))
    assert ledger("account.permission_changed") == []
    assert ledger("account.role_changed") == []


def test_creating_a_user_in_the_admin_is_in_the_ledger(client, adam):
    sign_in(client, adam)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "usable_password": "true",
            "password1": "plinth marigold ferry 42",
            "password2": "plinth marigold ferry 42",
            "role": Role.CUSTODIAN,
            "badge_number": "C-7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = ledger("account.created")
    assert event["detail"]["role"] == "custodian"


def test_a_password_change_in_the_admin_is_in_the_ledger(client, adam, olivia):
    sign_in(client, adam)
    response = client.post(
        f"/admin/accounts/user/{olivia.pk}/password/",
        {"password1": "plinth marigold ferry 42", "password2": "plinth marigold ferry 42"},
    )
    assert response.status_code == 302
    assert len(ledger("account.password_changed")) == 1


def test_tokens_cannot_be_added_in_the_admin(client, adam):
    sign_in(client, adam)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
