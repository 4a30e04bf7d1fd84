"""Resumable uploads after things go wrong: crashes between the byte append and the row
update, lost part files, a vault outage at completion, and concurrent requests."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from evidentia.evidence.models import Item, Upload
from evidentia.evidence.services import uploads
from tests.evidence.test_tus import head, patch, started, token_for, upload_of


@pytest.fixture(autouse=True)
def _own_upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def token(olivia) -> str:
    return token_for(olivia)


def test_the_part_file_size_wins_over_a_stale_row(db, token):
    data = os.urandom(3000)
    url = started(token, data)
    patch(Client(), url, token, 0, data[:1000])
    Upload.objects.update(offset=0)  # as if the server died between fsync and the row update
    assert head(Client(), url, token)["Upload-Offset"] == "1000"
    assert patch(Client(), url, token, 0, data).status_code == 409
    done = patch(Client(), url, token, 1000, data[1000:])
    assert Item.objects.get(pk=done["Evidentia-Item"]).sha256 == hashlib.sha256(data).hexdigest()


def test_a_lost_part_file_restarts_from_zero_under_a_new_key(db, token):
    data = os.urandom(2000)
    url = started(token, data)
    patch(Client(), url, token, 0, data[:500])
    before = bytes(upload_of(url).wrapped_key)
    uploads.part_path(upload_of(url).pk).unlink()
    assert head(Client(), url, token)["Upload-Offset"] == "0"
    assert patch(Client(), url, token, 500, data[500:]).status_code == 409
    done = patch(Client(), url, token, 0, data)
    assert Item.objects.get(pk=done["Evidentia-Item"]).sha256 == hashlib.sha256(data).hexdigest()
    assert bytes(upload_of(url).wrapped_key) != before


def test_the_part_file_holds_no_plaintext(db, token):
    data = b"SUSPECT-PLATE-ABC123 " * 200
    url = started(token, data + b"!")
    patch(Client(), url, token, 0, data)
    on_disk = uploads.part_path(upload_of(url).pk).read_bytes()
    assert len(on_disk) == len(data)
    assert b"SUSPECT" not in on_disk


def test_a_vault_outage_at_completion_keeps_the_bytes_and_a_retry_stores_them(
    db, token, monkeypatch
):
    from evidentia.core.vault import Vault

    data = os.urandom(4000)
    url = started(token, data)
    real_write = Vault.write

    def broken(*args, **kwargs):
        raise OSError("disk unavailable")

    monkeypatch.setattr(Vault, "write", broken)
    response = patch(Client(), url, token, 0, data)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Nothing is lost" in response.content.decode()
    assert upload_of(url).state == "receiving"
    assert uploads.part_path(upload_of(url).pk).stat().st_size == 4000
    monkeypatch.setattr(Vault, "write", real_write)
    done = patch(Client(), url, token, 4000, b"")
    assert done.status_code == 204
    assert Item.objects.get(pk=done["Evidentia-Item"]).sha256 == hashlib.sha256(data).hexdigest()


def test_a_completion_cut_short_by_a_crash_is_finished_by_head(db, token, monkeypatch):
    data = os.urandom(1500)
    url = started(token, data)
    monkeypatch.setattr(uploads, "_complete", lambda *args: None)  # the process "dies" here
    patch(Client(), url, token, 0, data)
    Upload.objects.update(state="completing")
    monkeypatch.undo()
    response = head(Client(), url, token)
    assert response.status_code == 200
    assert response["Upload-Offset"] == "1500"
    item = Item.objects.get(pk=response["Evidentia-Item"])
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert not uploads.part_path(upload_of(url).pk).exists()


def test_a_request_on_an_upload_in_use_is_423(db, token):
    url = started(token, b"0123456789")
    with open(uploads.part_path(upload_of(url).pk), "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another request is writing
        response = patch(Client(), url, token, 0, b"0123456789")
        assert response.status_code == 423
        assert response["Retry-After"] == "2"
        assert "Try again" in response.content.decode()
        assert (
            Client()
            .delete(url, headers={"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token}"})
            .status_code
            == 423
        )
    assert patch(Client(), url, token, 0, b"0123456789").status_code == 204


def test_cleanup_removes_leftover_part_files_but_not_live_ones(db, token, settings):
    live = started(token, b"still coming")
    done = started(token, b"done")
    patch(Client(), done, token, 0, b"done")
    leftover = uploads.part_path(upload_of(done).pk)
    leftover.write_bytes(b"left by a crash after the commit")
    orphan = uploads.part_path("00000000-0000-4000-8000-000000000001")
    orphan.write_bytes(b"no row at all")
    old = time.time() - 25 * 3600
    os.utime(orphan, (old, old))
    young_orphan = uploads.part_path("00000000-0000-4000-8000-000000000002")
    young_orphan.write_bytes(b"maybe another server's")
    assert uploads.cleanup_expired() == 0
    assert not leftover.exists() and not orphan.exists()
    assert young_orphan.exists()
    assert uploads.part_path(upload_of(live).pk).exists()


def test_an_upload_expiring_while_a_request_holds_it_is_left_for_the_next_sweep(db, token):
    url = started(token, b"slow")
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with open(uploads.part_path(upload_of(url).pk), "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert uploads.cleanup_expired() == 0
    assert uploads.cleanup_expired() == 1
    assert upload_of(url).state == "expired"


def test_a_full_disk_is_a_507_and_keeps_what_was_written(db, token, monkeypatch):
    from evidentia.evidence.models import uploads as part_files

    url = started(token, b"0123456789")
    patch(Client(), url, token, 0, b"01234")

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(part_files, "_write_all", full)
    response = patch(Client(), url, token, 5, b"56789")
    assert response.status_code == 507
    assert "space is full" in response.content.decode()
    monkeypatch.undo()
    assert head(Client(), url, token)["Upload-Offset"] == "5"
    assert patch(Client(), url, token, 5, b"56789").status_code == 204


def test_an_upload_refused_at_completion_says_why_and_keeps_nothing(db, carmen, olivia):
    from evidentia.custody import events
    from evidentia.custody.models import Event

    carmen_token = token_for(carmen)
    url = started(carmen_token, b"cctv export", officer=olivia.badge_number)
    olivia.badge_number = "N-2000"  # re-badged while the upload was under way
    olivia.save()
    response = patch(Client(), url, carmen_token, 0, b"cctv export")
    assert response.status_code == 422
    assert "N-1042" in response.content.decode()
    assert upload_of(url).state == "failed"
    assert not uploads.part_path(upload_of(url).pk).exists()
    assert not Item.objects.exists()
    assert Event.objects.filter(kind=events.INGEST_REJECTED, outcome="failure").count() == 1
    assert head(Client(), url, carmen_token).status_code == 410
