"""POST /api/v1/evidence: a streamed multipart upload into the vault."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client

from evidentia.accounts import services as accounts
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import store


@pytest.fixture
def olivia_token(olivia) -> str:
    _, secret = accounts.create_token(
        olivia, name="dock", scopes=["evidence:write", "evidence:read"], actor=olivia
    )
    return secret


def upload(client: Client, data: bytes, name: str = "clip.mp4", token: str | None = None, **fields):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    f = io.BytesIO(data)
    f.name = name
    return client.post("/api/v1/evidence", {"file": f, **fields}, **headers)


def test_a_token_holder_uploads_a_clip_and_gets_its_hash(db, olivia_token, clip_path):
    data = clip_path.read_bytes()
    response = upload(Client(), data, clip_path.name, olivia_token, device_id="BWC-7")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["officer"] == "N-1042"
    assert body["kind"] == "video"


def test_a_signed_in_officer_uploads_with_the_csrf_token(db, olivia, as_user):
    client = as_user(olivia)
    client.get("/evidence/")
    client.handler.enforce_csrf_checks = True
    token = client.cookies["csrftoken"].value
    f = io.BytesIO(b"session upload")
    f.name = "note.txt"
    response = client.post("/api/v1/evidence", {"file": f}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_uploading_the_same_bytes_again_answers_200_with_the_existing_item(db, olivia_token):
    first = upload(Client(), b"dup bytes", token=olivia_token).json()
    again = upload(Client(), b"dup bytes", "other.mp4", olivia_token)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["duplicate"] is True
    assert len(list(store().iter_keys())) == 1


def test_an_empty_upload_is_refused_and_nothing_is_stored(db, olivia_token):
    response = upload(Client(), b"", token=olivia_token)
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]
    assert not Item.objects.exists()
    assert list(store().iter_keys()) == []


def test_an_upload_without_a_file_part_is_a_clear_422(db, olivia_token):
    response = Client().post(
        "/api/v1/evidence", {"note": "no file"}, HTTP_AUTHORIZATION=f"Bearer {olivia_token}"
    )
    assert response.status_code == 422
    assert "'file'" in response.json()["detail"]


def test_an_unknown_badge_is_refused_and_the_bytes_are_removed(db, olivia_token):
    response = upload(Client(), b"bytes", token=olivia_token, officer="NOPE-1")
    assert response.status_code == 422
    assert "NOPE-1" in response.json()["detail"]
    assert list(store().iter_keys()) == []


def test_uploading_for_another_officer_is_forbidden(db, olivia_token, oscar):
    response = upload(Client(), b"bytes", token=olivia_token, officer=oscar.badge_number)
    assert response.status_code == 403
    assert list(store().iter_keys()) == []


def test_an_upload_without_credentials_is_401(db):
    assert upload(Client(), b"bytes").status_code == 401


def test_a_read_only_token_cannot_upload(db, olivia):
    _, secret = accounts.create_token(olivia, name="ro", scopes=["evidence:read"], actor=olivia)
    assert upload(Client(), b"bytes", token=secret).status_code == 403


def test_an_upload_over_the_size_limit_is_refused(db, olivia_token, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = upload(Client(), b"x" * 5000, token=olivia_token)
    assert response.status_code in (413, 422)
    assert not Item.objects.exists()


def test_the_openapi_document_describes_the_upload(db):
    spec = Client().get("/api/v1/openapi.json").json()
    body = spec["paths"]["/api/v1/evidence"]["post"]["requestBody"]
    assert "multipart/form-data" in body["content"]
