"""Resumable uploads pick up where they stopped after a reload: each page names its
upload scope, the same on every load, unlike its signed grant. The scope is not a
secret and gives away neither the tracking code nor the invite token."""

from __future__ import annotations

import re

import pytest

from evidentia.community.services import grants
from tests.community.conftest import file
from tests.community.test_public_report_form import fields
from tests.community.test_public_uploads import WITNESS_TOKEN, make_invite

pytestmark = pytest.mark.django_db


def scope_on(page: bytes) -> str:
    found = re.search(r'data-scope="([0-9a-f]+)"', page.decode())
    assert found, "the page names no upload scope"
    return found.group(1)


def test_the_tracking_page_names_the_same_upload_scope_on_every_load(client, filed):
    first = scope_on(client.get(f"/public/track/{filed.code}/").content)
    again = scope_on(client.get(f"/public/track/{filed.code}/").content)
    assert first == again == grants.upload_scope(grants.report_key(filed.report))


def test_the_invite_page_names_the_same_upload_scope_on_every_load(client, ivan):
    invite = make_invite(ivan)
    first = scope_on(client.get(f"/public/invite/{WITNESS_TOKEN}/").content)
    again = scope_on(client.get(f"/public/invite/{WITNESS_TOKEN}/").content)
    assert first == again == grants.upload_scope(grants.invite_key(invite))


def test_two_reports_have_different_upload_scopes(filed):
    other = file()
    assert grants.upload_scope(grants.report_key(filed.report)) != grants.upload_scope(
        grants.report_key(other.report)
    )


def test_an_upload_scope_is_sixteen_hex_digits_that_hide_the_key(filed, settings):
    key = grants.report_key(filed.report)
    scope = grants.upload_scope(key)
    assert re.fullmatch(r"[0-9a-f]{16}", scope)
    assert str(filed.report.pk) not in scope
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert grants.upload_scope(key) != scope


def test_the_report_form_answers_scripts_with_the_reports_upload_scope(client):
    answer = client.post("/public/", fields(), headers={"Accept": "application/json"})
    assert answer.status_code == 201
    scope = answer.json()["upload_scope"]
    track = client.get(answer.json()["track_url"]).content
    assert scope == scope_on(track)
    assert answer.json()["code"] not in scope
