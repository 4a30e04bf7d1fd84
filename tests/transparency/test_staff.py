"""The staff page: every staff role sees when figures were refreshed; only an
administrator can refresh them."""

from __future__ import annotations

import pytest

from evidentia.transparency.models import Dataset

pytestmark = pytest.mark.django_db


def test_an_administrator_refreshes_the_figures(as_user, adam):
    client = as_user(adam)
    assert b"Refresh the published figures now" in client.get("/transparency/").content
    response = client.post("/transparency/refresh")
    assert response.status_code == 302
    assert Dataset.objects.exists()


@pytest.mark.parametrize(
    "persona", ["olivia", "sam", "carmen", "ivan", "stella", "petra", "audrey"]
)
def test_other_roles_cannot_refresh(as_user, request, persona):
    client = as_user(request.getfixturevalue(persona))
    assert b"Refresh the published figures now" not in client.get("/transparency/").content
    response = client.post("/transparency/refresh")
    assert response.status_code == 403
    assert not Dataset.objects.exists()


def test_the_staff_page_needs_a_sign_in(client):
    assert client.get("/transparency/").status_code == 302
    assert client.post("/transparency/refresh").status_code in (302, 403)
    assert not Dataset.objects.exists()
