"""Administrators manage the force-type list; every change is in the ledger."""

from __future__ import annotations

import pytest

from evidentia.core.errors import PermissionDenied
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.useofforce.models import ForceType
from evidentia.useofforce.services import types


def test_an_administrator_adds_a_type_from_the_page(adam, as_user):
    response = as_user(adam).post("/force/types/", {"name": "Less-lethal launcher"})
    assert response.status_code == 302
    added = ForceType.objects.get(code="less-lethal-launcher")
    assert added.active
    assert Event.objects.filter(kind=events.FORCE_TYPES_CHANGED).count() == 1


def test_an_administrator_retires_a_type(adam, as_user):
    as_user(adam).post("/force/types/", {"action": "retire", "code": "k9"})
    assert ForceType.objects.get(code="k9").active is False
    event = Event.objects.get(kind=events.FORCE_TYPES_CHANGED)
    assert '"active":false' in event.body.replace(" ", "")


def test_saving_without_a_change_records_nothing(adam):
    k9 = ForceType.objects.get(code="k9")
    types.save_type(adam, name=k9.name, code="k9", order=k9.order)
    assert not Event.objects.filter(kind=events.FORCE_TYPES_CHANGED).exists()


def test_a_duplicate_name_is_refused(adam, as_user):
    response = as_user(adam).post("/force/types/", {"name": "Takedown", "code": "takedown-2"})
    assert response.status_code == 409
    assert "already a force type" in response.content.decode()


@pytest.mark.parametrize("who", ["olivia", "sam", "stella", "audrey"])
def test_only_administrators_change_the_list(who, request, as_user):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        types.save_type(user, name="Chokehold")
    assert as_user(user).get("/force/types/").status_code == 404


def test_the_admin_site_saves_through_the_service(adam, as_user):
    k9 = ForceType.objects.get(code="k9")
    response = as_user(adam).post(
        f"/admin/useofforce/forcetype/{k9.pk}/change/",
        {"name": "K9 bite or deployment", "active": "on", "order": k9.order},
    )
    assert response.status_code == 302
    assert ForceType.objects.get(code="k9").name == "K9 bite or deployment"
    assert Event.objects.filter(kind=events.FORCE_TYPES_CHANGED).count() == 1
