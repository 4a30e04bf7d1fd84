"""Editing an item's details: who may, and the ledger keeps before and after."""

from __future__ import annotations

import json

import pytest

from evidentia.cases.models import Category
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.evidence.helpers import ingest_bytes


@pytest.fixture
def clip(olivia):
    return ingest_bytes(b"clip for editing", "clip.mp4", officer=olivia)


def test_a_custodian_renames_an_item_and_the_change_is_logged(clip, carmen, as_user):
    response = as_user(carmen).patch(
        f"/api/v1/evidence/{clip.pk}", {"title": "Stop on 5th Ave"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Stop on 5th Ave"
    detail = json.loads(Event.objects.get(kind=events.METADATA_EDITED).body)["detail"]
    assert detail["changes"]["title"] == {"from": "clip.mp4", "to": "Stop on 5th Ave"}


def test_a_category_is_set_by_name(clip, carmen, as_user):
    Category.objects.create(name="Traffic stop")
    response = as_user(carmen).patch(
        f"/api/v1/evidence/{clip.pk}", {"category": "Traffic stop"}, content_type="application/json"
    )
    assert response.status_code == 200
    clip.refresh_from_db()
    assert clip.category.name == "Traffic stop"


def test_an_unknown_category_is_a_clear_422(clip, carmen, as_user):
    response = as_user(carmen).patch(
        f"/api/v1/evidence/{clip.pk}", {"category": "Nope"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "Nope" in response.json()["detail"]


def test_an_officer_cannot_edit_details(clip, olivia, as_user):
    response = as_user(olivia).patch(
        f"/api/v1/evidence/{clip.pk}", {"title": "mine"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Event.objects.filter(kind=events.METADATA_EDITED).exists()


def test_an_empty_title_is_refused(clip, carmen, as_user):
    response = as_user(carmen).patch(
        f"/api/v1/evidence/{clip.pk}", {"title": "  "}, content_type="application/json"
    )
    assert response.status_code == 422


def test_an_edit_that_changes_nothing_records_nothing(clip, carmen, as_user):
    as_user(carmen).patch(
        f"/api/v1/evidence/{clip.pk}", {"title": "clip.mp4"}, content_type="application/json"
    )
    assert not Event.objects.filter(kind=events.METADATA_EDITED).exists()
