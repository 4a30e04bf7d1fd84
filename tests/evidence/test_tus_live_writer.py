"""The live vault writer: an upload whose bytes all reach one process is written to the
vault while it arrives; anything else falls back to re-reading the part file."""

from __future__ import annotations

import hashlib
import os
import time

import pytest
from django.test import Client

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Blob, Item
from evidentia.evidence.models.uploads import PartFile
from evidentia.evidence.services import uploads, uploads_live
from evidentia.evidence.vaultio import ref, store, vault
from tests.evidence.test_tus import patch, sha256_header, started, token_for, upload_of


@pytest.fixture(autouse=True)
def _own_upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def _no_writers_left_over():
    uploads_live.stop_all()
    yield
    uploads_live.stop_all()


@pytest.fixture
def token(olivia) -> str:
    return token_for(olivia)


@pytest.fixture
def rereads(monkeypatch) -> list[int]:
    """How many times completion re-read a part file (the fallback)."""
    calls: list[int] = []
    real = PartFile.reader

    def counted(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(PartFile, "reader", counted)
    return calls


def item_for(response, data: bytes) -> Item:
    assert response.status_code == 204, response.content
    item = Item.objects.get(pk=response["Evidentia-Item"])
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    return item


def nothing_half_written() -> bool:
    return not list(store().iter_incomplete())


def test_every_byte_in_one_process_is_stored_without_rereading_the_part_file(db, token, rereads):
    data = os.urandom(3_000_000)
    url = started(token, data)
    assert patch(Client(), url, token, 0, data[:1_000_000]).status_code == 204
    assert uploads_live.count() == 1
    assert patch(Client(), url, token, 1_000_000, data[1_000_000:2_000_000]).status_code == 204
    done = patch(Client(), url, token, 2_000_000, data[2_000_000:])
    item = item_for(done, data)
    assert rereads == []
    assert vault().verify(ref(item.blob), item.sha256).ok
    assert uploads_live.count() == 0
    assert not uploads.part_path(upload_of(url).pk).exists()
    assert len(list(store().iter_keys())) == 1 and nothing_half_written()


def test_checksummed_chunks_feed_the_live_writer_once_verified(db, token, rereads):
    data = os.urandom(200_000)
    url = started(token, data)

    def checked(offset: int, chunk: bytes, digest_of: bytes | None = None):
        digest = sha256_header(chunk if digest_of is None else digest_of)
        return patch(Client(), url, token, offset, chunk, **{"Upload-Checksum": digest})

    assert checked(0, data[:100_000], b"x").status_code == 460
    assert checked(0, data[:100_000]).status_code == 204
    done = checked(100_000, data[100_000:])
    item_for(done, data)
    # the 460 dropped the first writer (a refused chunk never reaches a writer, but the
    # writer is not trusted after an error); the retry at 0 started a fresh one
    assert rereads == []
    assert nothing_half_written()


def test_a_patch_served_by_another_process_makes_completion_reread_the_part_file(
    db, token, rereads
):
    data = os.urandom(300_000)
    url = started(token, data)
    upload_id = upload_of(url).pk
    patch(Client(), url, token, 0, data[:100_000])
    ours = uploads_live.take(upload_id)  # another gunicorn worker gets the next PATCH:
    assert ours is not None  # it has no writer here, and this one misses its bytes
    patch(Client(), url, token, 100_000, data[100_000:200_000])
    uploads_live._parked[upload_id] = ours  # ...then gets the last one: its writer is stale
    done = patch(Client(), url, token, 200_000, data[200_000:])
    item_for(done, data)
    assert rereads == [1]
    assert uploads_live.count() == 0
    assert len(list(store().iter_keys())) == 1 and nothing_half_written()


def test_a_patch_after_the_writer_was_dropped_falls_back(db, token, rereads):
    data = os.urandom(250_000)
    url = started(token, data)
    patch(Client(), url, token, 0, data[:50_000])
    uploads_live.drop(upload_of(url).pk)  # a restart, or the idle timeout
    done = patch(Client(), url, token, 50_000, data[50_000:])
    item_for(done, data)
    assert rereads == [1]
    assert nothing_half_written()


def test_an_idle_writer_gives_up_and_the_upload_still_completes(db, token, rereads, monkeypatch):
    monkeypatch.setattr(uploads_live, "IDLE_SECONDS", 0.05)
    data = os.urandom(150_000)
    url = started(token, data)
    patch(Client(), url, token, 0, data[:70_000])
    time.sleep(0.3)
    assert uploads_live.count() == 0  # stopped, and nothing of it left in the vault
    assert nothing_half_written() and not list(store().iter_keys())
    item_for(patch(Client(), url, token, 70_000, data[70_000:]), data)
    assert rereads == [1]


def test_an_aborted_writer_leaves_no_blob(db, token):
    data = os.urandom(20 << 20)  # more than one vault chunk, so it has written some
    url = started(token, data)
    patch(Client(), url, token, 0, data[: 18 << 20])
    assert uploads_live.count() == 1
    response = Client().delete(
        url, headers={"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 204
    assert uploads_live.count() == 0
    assert not list(store().iter_keys()) and nothing_half_written()
    assert not Blob.objects.exists()


def test_a_writer_aborted_directly_commits_nothing(db, token, tmp_path):
    data = os.urandom(9 << 20)
    url = started(token, data)
    up = upload_of(url)
    key = os.urandom(32)
    with PartFile.locked(uploads.part_path(up.pk), key) as part:
        live = uploads_live.claim(up.pk, b"wrapped", part, 0, vault())
        assert live is not None
        live.feed(data)
        live.abort()
        assert live.finish(len(data), data[:65536]) is None
    assert not list(store().iter_keys()) and nothing_half_written()


def test_a_retried_final_patch_still_completes_once(db, token, rereads):
    data = os.urandom(5000)
    url = started(token, data)
    patch(Client(), url, token, 0, data[:2000])
    first = patch(Client(), url, token, 2000, data[2000:])
    item = item_for(first, data)
    assert patch(Client(), url, token, 2000, data[2000:]).status_code == 409
    empty = patch(Client(), url, token, 5000, b"")
    assert empty.status_code == 204 and empty["Evidentia-Item"] == str(item.pk)
    assert Item.objects.count() == 1 and Blob.objects.count() == 1
    assert Event.objects.filter(kind=events.INGESTED).count() == 1
    assert len(list(store().iter_keys())) == 1 and nothing_half_written()
    assert rereads == [] and uploads_live.count() == 0


def test_a_refused_upload_stops_its_writer(db, token, settings, clip_path):
    settings.UPLOAD_ALLOWED_TYPES = ["video/*"]
    data = b"just some text, not a video\n" * 5000
    url = started(token, data, "notes.txt")
    response = patch(Client(), url, token, 0, data)
    assert response.status_code == 415
    assert uploads_live.count() == 0
    assert not list(store().iter_keys()) and nothing_half_written()
