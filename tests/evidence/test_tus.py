"""/api/v1/uploads/: the tus 1.0.0 protocol, driven with Django's test client."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.test import Client
from django.utils import timezone

from evidentia.accounts import services as accounts
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Blob, Item, Upload
from evidentia.evidence.services import uploads
from evidentia.evidence.vaultio import store

URL = "/api/v1/uploads/"
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture(autouse=True)
def _own_upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


def token_for(user, scopes=("evidence:write", "evidence:read")) -> str:
    return accounts.create_token(user, name="dock", scopes=list(scopes), actor=user)[1]


@pytest.fixture
def olivia_token(olivia) -> str:
    return token_for(olivia)


def meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client: Client, token: str | None, size: int, **values: str):
    headers = {**TUS, "Upload-Length": str(size)}
    if values:
        headers["Upload-Metadata"] = meta(**values)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(URL, headers=headers)


def patch(client: Client, url: str, token: str | None, offset: int, data: bytes, **headers):
    headers = {**TUS, "Upload-Offset": str(offset), **headers}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    kind = "application/offset+octet-stream"
    empty = {} if data else {"CONTENT_TYPE": kind, "CONTENT_LENGTH": "0"}  # as real clients
    return client.generic("PATCH", url, data, content_type=kind, headers=headers, **empty)


def head(client: Client, url: str, token: str | None):
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return client.head(url, headers={**TUS, **auth})


def sha256_header(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()


def started(token: str, data: bytes, name: str = "clip.mp4", **values: str) -> str:
    response = create(Client(), token, len(data), filename=name, **values)
    assert response.status_code == 201, response.content
    return response["Location"]


def upload_all(token: str, data: bytes, name: str = "clip.mp4"):
    url = started(token, data, name)
    return url, patch(Client(), url, token, 0, data)


def upload_of(url: str) -> Upload:
    return Upload.objects.get(pk=url.rstrip("/").rsplit("/", 1)[1])


def test_options_advertises_the_version_extensions_and_size_limit(db, settings):
    settings.MAX_UPLOAD_BYTES = 5000
    response = Client().options(URL)
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Resumable"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) >= {"creation", "termination", "checksum"}
    assert response["Tus-Checksum-Algorithm"] == "sha256"
    assert response["Tus-Max-Size"] == "5000"


def test_creating_an_upload_answers_201_with_its_location_and_expiry(db, olivia_token):
    before = timezone.now()
    response = create(Client(), olivia_token, 1234, filename="clip.mp4", device_id="BWC-7")
    assert response.status_code == 201, response.content
    assert response["Tus-Resumable"] == "1.0.0"
    up = upload_of(response["Location"])
    assert response["Location"] == f"{URL}{up.pk}"
    assert up.length == 1234 and up.offset == 0 and up.state == "receiving"
    assert up.metadata == {"filename": "clip.mp4", "device_id": "BWC-7"}
    expires = parsedate_to_datetime(response["Upload-Expires"])
    assert timedelta(hours=23, minutes=59) < expires - before <= timedelta(hours=24, seconds=1)
    assert uploads.part_path(up.pk).stat().st_size == 0


def test_a_whole_file_in_one_patch_becomes_evidence(db, olivia, olivia_token, clip_path):
    data = clip_path.read_bytes()
    url, response = upload_all(olivia_token, data, clip_path.name)
    assert response.status_code == 204, response.content
    assert response["Upload-Offset"] == str(len(data))
    item = Item.objects.get(pk=response["Evidentia-Item"])
    assert item.blob.sha256 == hashlib.sha256(data).hexdigest()
    assert (item.source, item.officer, item.kind) == ("upload", olivia, "video")
    assert response["Evidentia-Duplicate"] == "false"
    assert not uploads.part_path(upload_of(url).pk).exists()


def test_head_shows_the_offset_and_after_completion_the_item(db, olivia_token):
    data = os.urandom(3000)
    url = started(olivia_token, data)
    patch(Client(), url, olivia_token, 0, data[:1000])
    response = head(Client(), url, olivia_token)
    assert response.status_code == 200
    assert (response["Upload-Offset"], response["Upload-Length"]) == ("1000", "3000")
    assert response["Cache-Control"] == "no-store"
    assert "Evidentia-Item" not in response
    final = patch(Client(), url, olivia_token, 1000, data[1000:])
    response = head(Client(), url, olivia_token)
    assert response["Upload-Offset"] == "3000"
    assert response["Evidentia-Item"] == final["Evidentia-Item"]


def test_a_wrong_checksum_is_460_and_the_offset_does_not_move(db, olivia_token):
    data = os.urandom(4000)
    url = started(olivia_token, data)
    assert patch(Client(), url, olivia_token, 0, data[:1000]).status_code == 204
    wrong = patch(
        Client(), url, olivia_token, 1000, data[1000:2000], upload_checksum=sha256_header(b"x")
    )
    assert wrong.status_code == 460
    assert wrong.reason_phrase == "Checksum Mismatch"
    assert "send it again" in wrong.content.decode()
    assert head(Client(), url, olivia_token)["Upload-Offset"] == "1000"
    assert uploads.part_path(upload_of(url).pk).stat().st_size == 1000
    right = patch(
        Client(), url, olivia_token, 1000, data[1000:], upload_checksum=sha256_header(data[1000:])
    )
    assert right.status_code == 204
    assert Item.objects.get(pk=right["Evidentia-Item"]).sha256 == hashlib.sha256(data).hexdigest()


def test_an_unknown_checksum_algorithm_is_a_clear_400(db, olivia_token):
    url = started(olivia_token, b"abc")
    response = patch(Client(), url, olivia_token, 0, b"abc", upload_checksum="md5 AAAA")
    assert response.status_code == 400
    assert "sha256" in response.content.decode()


def test_a_patch_at_the_wrong_offset_is_409(db, olivia_token):
    url = started(olivia_token, b"0123456789")
    patch(Client(), url, olivia_token, 0, b"01234")
    response = patch(Client(), url, olivia_token, 3, b"3456789")
    assert response.status_code == 409
    assert "5 bytes received" in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")


def test_a_file_over_the_size_limit_is_413_before_any_byte_is_sent(db, olivia_token, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = create(Client(), olivia_token, 1001, filename="big.mp4")
    assert response.status_code == 413
    assert "1000 bytes" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_patch_past_the_declared_length_is_413(db, olivia_token):
    url = started(olivia_token, b"12345")
    response = patch(Client(), url, olivia_token, 0, b"123456")
    assert response.status_code == 413
    assert head(Client(), url, olivia_token)["Upload-Offset"] == "0"


def test_delete_terminates_the_upload_and_removes_its_bytes(db, olivia_token):
    url = started(olivia_token, b"partial footage")
    patch(Client(), url, olivia_token, 0, b"partial")
    path = uploads.part_path(upload_of(url).pk)
    assert path.exists()
    response = Client().delete(url, headers={**TUS, "Authorization": f"Bearer {olivia_token}"})
    assert response.status_code == 204
    assert not path.exists()
    assert upload_of(url).state == "terminated"
    assert head(Client(), url, olivia_token).status_code == 404
    assert patch(Client(), url, olivia_token, 7, b" footage").status_code == 404


def test_a_completed_upload_cannot_be_deleted(db, olivia_token):
    url, _ = upload_all(olivia_token, b"evidence stays")
    response = Client().delete(url, headers={**TUS, "Authorization": f"Bearer {olivia_token}"})
    assert response.status_code == 409
    assert Item.objects.count() == 1


def test_an_expired_upload_is_410_and_cleanup_removes_its_bytes(db, olivia_token):
    url = started(olivia_token, b"too slow footage")
    patch(Client(), url, olivia_token, 0, b"too slow")
    other = started(olivia_token, b"abandoned")
    patch(Client(), other, olivia_token, 0, b"aban")
    Upload.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = patch(Client(), url, olivia_token, 8, b" footage")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert uploads.cleanup_expired() == 1  # the other one; the first expired on access
    assert not any(uploads.part_path(upload_of(u).pk).exists() for u in (url, other))
    assert set(Upload.objects.values_list("state", flat=True)) == {"expired"}
    assert head(Client(), other, olivia_token).status_code == 410


def test_the_cleanup_task_expires_uploads(db, olivia_token):
    from evidentia.evidence.upload_tasks import cleanup_expired_uploads

    started(olivia_token, b"abandoned")
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert cleanup_expired_uploads.delay().get() == 1
    assert cleanup_expired_uploads.delay().get() == 0


def test_the_expiry_is_a_setting(db, olivia_token, settings):
    settings.UPLOAD_EXPIRY_HOURS = 2
    url = started(olivia_token, b"abc")
    assert upload_of(url).expires_at - upload_of(url).created_at == timedelta(hours=2)


def test_another_users_upload_is_404(db, olivia_token, oscar):
    url = started(olivia_token, b"olivia's footage")
    oscar_token = token_for(oscar)
    assert head(Client(), url, oscar_token).status_code == 404
    assert patch(Client(), url, oscar_token, 0, b"olivia's footage").status_code == 404
    auth = {"Authorization": f"Bearer {oscar_token}"}
    assert Client().delete(url, headers={**TUS, **auth}).status_code == 404
    assert upload_of(url).state == "receiving"


def test_without_credentials_it_is_401_with_a_readable_message(db, olivia_token):
    response = create(Client(), None, 10)
    assert response.status_code == 401
    assert "Sign in" in response.content.decode()
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["WWW-Authenticate"].startswith("Bearer")
    url = started(olivia_token, b"abc")
    assert patch(Client(), url, None, 0, b"abc").status_code == 401
    assert patch(Client(), url, "evd_nonsense", 0, b"abc").status_code == 401


def test_a_read_only_token_cannot_upload(db, olivia):
    response = create(Client(), token_for(olivia, ["evidence:read"]), 10)
    assert response.status_code == 403
    assert "evidence:write" in response.content.decode()


def test_a_signed_in_officer_uploads_with_the_csrf_header(db, olivia, as_user):
    client = as_user(olivia)
    client.get("/evidence/upload/")
    client.handler.enforce_csrf_checks = True
    refused = client.post(URL, headers={**TUS, "Upload-Length": "3"})
    assert refused.status_code == 403
    assert "X-CSRFToken" in refused.content.decode()
    csrf = {"X-CSRFToken": client.cookies["csrftoken"].value}
    response = client.post(URL, headers={**TUS, **csrf, "Upload-Length": "3"})
    assert response.status_code == 201
    done = patch(client, response["Location"], None, 0, b"abc", **csrf)
    assert done.status_code == 204 and done["Evidentia-Item"]


def test_an_unsupported_tus_version_is_412(db, olivia_token):
    response = Client().post(
        URL,
        headers={
            "Tus-Resumable": "0.2.2",
            "Upload-Length": "3",
            "Authorization": f"Bearer {olivia_token}",
        },
    )
    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"


def test_an_officer_cannot_start_an_upload_for_another_officer(db, olivia_token, oscar):
    response = create(Client(), olivia_token, 10, officer=oscar.badge_number)
    assert response.status_code == 403
    assert not Upload.objects.exists()


def test_a_custodian_uploads_for_an_officer_into_a_case(db, carmen, olivia):
    from evidentia.cases import services as cases

    case = cases.create_case(number="2026-0042", title="Burglary", actor=carmen)
    url = started(token_for(carmen), b"cctv", officer=olivia.badge_number, case=case.number)
    item = Item.objects.get(
        pk=patch(Client(), url, token_for(carmen), 0, b"cctv")["Evidentia-Item"]
    )
    assert item.officer == olivia and item.ingested_by == carmen
    assert list(item.cases.all()) == [case]


def test_an_unknown_badge_is_refused_before_any_byte(db, carmen):
    response = create(Client(), token_for(carmen), 10, officer="NOPE-1")
    assert response.status_code == 422
    assert "NOPE-1" in response.content.decode()


def test_bad_metadata_and_lengths_are_clear_400s(db, olivia_token):
    auth = {**TUS, "Authorization": f"Bearer {olivia_token}"}
    bad = Client().post(URL, headers={**auth, "Upload-Length": "5", "Upload-Metadata": "a !!"})
    assert bad.status_code == 400 and "base64" in bad.content.decode()
    assert Client().post(URL, headers={**auth, "Upload-Length": "-5"}).status_code == 400
    assert Client().post(URL, headers=auth).status_code == 400
    assert create(Client(), olivia_token, 0).status_code == 400


def test_too_many_unfinished_uploads_is_429(db, olivia_token, settings):
    settings.UPLOAD_MAX_UNFINISHED = 2
    started(olivia_token, b"one")
    started(olivia_token, b"two")
    response = create(Client(), olivia_token, 5)
    assert response.status_code == 429
    assert "unfinished" in response.content.decode()


def test_a_forbidden_type_is_refused_at_the_first_bytes(db, olivia_token, settings, clip_path):
    settings.UPLOAD_ALLOWED_TYPES = ["video/*", "image/*"]
    text = b"just some notes\n" * 2000
    url = started(olivia_token, text, "notes.txt")
    response = patch(Client(), url, olivia_token, 0, text[:9000])
    assert response.status_code == 415
    assert "text/plain" in response.content.decode() and "video/*" in response.content.decode()
    assert not uploads.part_path(upload_of(url).pk).exists()
    assert head(Client(), url, olivia_token).status_code == 410
    assert Event.objects.filter(kind=events.INGEST_REJECTED).count() == 1
    video = clip_path.read_bytes()
    assert upload_all(olivia_token, video, clip_path.name)[1].status_code == 204


def test_a_retried_final_patch_does_not_ingest_twice(db, olivia_token):
    data = os.urandom(5000)
    url = started(olivia_token, data)
    patch(Client(), url, olivia_token, 0, data[:2000])
    first = patch(Client(), url, olivia_token, 2000, data[2000:])
    again = patch(Client(), url, olivia_token, 2000, data[2000:])
    assert again.status_code == 409
    empty = patch(Client(), url, olivia_token, 5000, b"")
    assert empty.status_code == 204
    assert empty["Evidentia-Item"] == first["Evidentia-Item"]
    assert Item.objects.count() == 1 and Blob.objects.count() == 1
    assert Event.objects.filter(kind=events.INGESTED).count() == 1
    assert not Event.objects.filter(kind=events.DEDUPLICATED).exists()


def test_bytes_already_in_the_vault_link_to_the_existing_item(db, olivia, olivia_token):
    from tests.evidence.helpers import ingest_bytes

    existing = ingest_bytes(b"docked twice", officer=olivia)
    _, response = upload_all(olivia_token, b"docked twice")
    assert response["Evidentia-Item"] == str(existing.pk)
    assert response["Evidentia-Duplicate"] == "true"
    assert len(list(store().iter_keys())) == 1


def test_creation_with_upload_stores_the_first_bytes(db, olivia_token):
    response = Client().generic(
        "POST",
        URL,
        b"first",
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Length": "10", "Authorization": f"Bearer {olivia_token}"},
    )
    assert response.status_code == 201
    assert response["Upload-Offset"] == "5"
    done = patch(Client(), response["Location"], olivia_token, 5, b"-last")
    assert Item.objects.get(pk=done["Evidentia-Item"]).blob.size == 10


def test_other_methods_are_405_with_what_is_allowed(db, olivia_token):
    response = Client().get(URL, headers={**TUS, "Authorization": f"Bearer {olivia_token}"})
    assert response.status_code == 405
    assert response["Allow"] == "OPTIONS, POST"


def test_x_http_method_override_stands_in_for_patch(db, olivia_token):
    url = started(olivia_token, b"abc")
    response = Client().generic(
        "POST",
        url,
        b"abc",
        content_type="application/offset+octet-stream",
        headers={
            **TUS,
            "X-HTTP-Method-Override": "PATCH",
            "Upload-Offset": "0",
            "Authorization": f"Bearer {olivia_token}",
        },
    )
    assert response.status_code == 204 and response["Evidentia-Item"]
