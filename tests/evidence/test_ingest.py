"""Ingest: every file becomes evidence once, with its hash, or gets a clear refusal."""

from __future__ import annotations

import io
import json

import pytest

from evidentia.cases import services as cases
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Blob, Item, Processing
from evidentia.evidence.services.ingest import Submission, ingest, ingest_path
from evidentia.evidence.services.processing import process
from evidentia.evidence.vaultio import ref, store, vault
from tests.evidence.helpers import ingest_bytes


def test_a_clip_is_stored_with_its_sha256_and_an_ingest_event(db, olivia, clip_path):
    import hashlib

    item = ingest_path(
        clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia
    ).item
    assert item.blob.sha256 == hashlib.sha256(clip_path.read_bytes()).hexdigest()
    event = Event.objects.get(item_id=item.pk)
    assert event.kind == events.INGESTED
    assert json.loads(event.body)["detail"]["sha256"] == item.blob.sha256


def test_the_vault_copy_reads_back_identical(db, olivia, clip_path):
    item = ingest_path(
        clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia
    ).item
    assert b"".join(vault().iter_plaintext(ref(item.blob))) == clip_path.read_bytes()


def test_processing_fills_media_metadata_from_pyav(db, olivia, clip_path):
    item = ingest_path(
        clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia
    ).item
    process(item)
    item.refresh_from_db()
    assert item.processing == Processing.DONE
    assert item.kind == "video"
    assert (item.media["width"], item.media["height"]) == (320, 180)
    assert item.media["video_codec"] == "h264"
    assert item.duration_seconds == pytest.approx(3.0, abs=0.1)
    assert item.recorded_at.isoformat() == "2026-03-02T14:03:05+00:00"


def test_recorded_at_and_ingested_at_are_kept_apart(db, olivia, clip_path):
    item = ingest_path(
        clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia
    ).item
    process(item)
    item.refresh_from_db()
    assert item.ingested_at > item.recorded_at


def test_a_zero_byte_file_is_refused_with_a_clear_message(db, olivia):
    with pytest.raises(Rejected, match=r"empty \(0 bytes\)"):
        ingest(io.BytesIO(b""), Submission("empty.mp4", "api", officer=olivia), actor=olivia)
    assert not Item.objects.exists()
    assert list(store().iter_keys()) == []


def test_a_truncated_mp4_is_stored_and_its_processing_failure_recorded(db, olivia, clip_path):
    half = clip_path.read_bytes()[: clip_path.stat().st_size // 2]
    item = ingest_bytes(half, "truncated.mp4", officer=olivia)
    process(item)
    item.refresh_from_db()
    assert item.processing == Processing.FAILED
    assert "truncated" in item.processing_error
    assert Event.objects.filter(item_id=item.pk, kind=events.PROCESSING_FAILED).exists()
    assert item.blob.size == len(half)


def test_a_png_renamed_mp4_is_stored_as_an_image(db, olivia):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
        b"5\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    item = ingest_bytes(png, "not-a-video.mp4", officer=olivia)
    assert item.mime == "image/png"
    assert item.kind == "image"
    process(item)
    item.refresh_from_db()
    assert item.processing in (Processing.DONE, Processing.FAILED)
    assert item.blob.sha256


@pytest.mark.slow
def test_a_two_gigabyte_sparse_file_is_stored_and_fails_processing_fast(db, olivia, tmp_path):
    sparse = tmp_path / "camera-dump.mp4"
    with sparse.open("wb") as f:
        f.truncate(2 * 1024**3)
    item = ingest_path(sparse, Submission(sparse.name, "cli", officer=olivia), actor=olivia).item
    assert item.blob.size == 2 * 1024**3
    process(item)
    item.refresh_from_db()
    assert item.processing == Processing.FAILED
    assert "zero" in item.processing_error


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "clip\x00.mp4",
        "Überwachung 🚓 – 現場.mp4",  # noqa: RUF001
        "..\\..\\boot.ini",
        "/abs/path.mp4",
    ],
)
def test_a_strange_file_name_is_stored_safely_and_kept_as_metadata(db, olivia, name):
    item = ingest_bytes(b"evidence bytes " + name.encode(), name, officer=olivia)
    assert item.original_name == name.replace("\x00", "\\x00")
    assert "/" not in item.title and "\\" not in item.title and "\x00" not in item.title
    assert all(".." not in part for part in item.blob.storage_key.split("/"))


def test_identical_content_links_to_the_existing_item_and_records_it(db, olivia):
    first = ingest_bytes(b"same bytes", "a.mp4", officer=olivia)
    second = ingest(
        io.BytesIO(b"same bytes"), Submission("b.mp4", "api", officer=olivia), actor=olivia
    )
    assert not second.created
    assert second.item.pk == first.pk
    assert Blob.objects.count() == 1
    assert len(list(store().iter_keys())) == 1
    dedupe = Event.objects.get(kind=events.DEDUPLICATED)
    assert json.loads(dedupe.body)["detail"]["original_name"] == "b.mp4"


def test_an_officer_may_not_ingest_for_another_officer(db, olivia, oscar):
    with pytest.raises(PermissionDenied):
        ingest(io.BytesIO(b"x"), Submission("x.mp4", "api", officer=oscar), actor=olivia)
    assert list(store().iter_keys()) == []


def test_a_prosecutor_may_not_ingest(db, petra):
    with pytest.raises(PermissionDenied):
        ingest(io.BytesIO(b"x"), Submission("x.mp4", "api"), actor=petra)


def test_ingest_into_a_case_links_it_in_the_same_step(db, olivia, ivan):
    case = cases.create_case(number="2026-7", title="Robbery", actor=ivan, members=[olivia])
    item = ingest_bytes(b"robbery clip", officer=olivia, actor=olivia, case=case)
    assert list(item.cases.all()) == [case]
    assert Event.objects.filter(kind=events.CASE_ITEM_LINKED, item_id=item.pk).exists()


def test_a_wrong_kek_gives_a_clear_error_not_garbage(db, olivia, settings, tmp_path):
    from evidentia.core.keys import KeyRing, WrongKeyError

    item = ingest_bytes(b"secret footage", officer=olivia)
    settings.KEK_INLINE = KeyRing.generate().to_text()
    with pytest.raises(WrongKeyError, match="KEK"):
        vault().read_range(ref(item.blob), 0, 5)
    assert not vault().verify(ref(item.blob), item.blob.sha256).ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_ingests_of_the_same_bytes_make_one_blob_and_one_item(olivia):
    import threading

    from django.db import connection

    results, errors = [], []
    start = threading.Barrier(3)

    def worker(n: int) -> None:
        try:
            start.wait()
            sub = Submission(f"copy-{n}.mp4", "api", officer=olivia)
            results.append(ingest(io.BytesIO(b"the same footage" * 5000), sub, actor=olivia))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Blob.objects.count() == 1 and Item.objects.count() == 1
    assert sorted(r.created for r in results) == [False, False, True]
    assert len(list(store().iter_keys())) == 1
    assert Event.objects.filter(kind=events.DEDUPLICATED).count() == 2
