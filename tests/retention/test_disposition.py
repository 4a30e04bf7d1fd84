"""The Done-when disposition test: request, approve (a second custodian), shred, certificate;
afterwards the bytes are gone and `custody verify` still passes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from evidentia.core.errors import Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.custody.signing import key_name, signing_key
from evidentia.custody.verify import verify
from evidentia.evidence.models import Blob
from evidentia.evidence.services.ingest import ingest_path
from evidentia.evidence.vaultio import DestroyedContent, open_blob, ref, store, vault
from evidentia.retention import services
from evidentia.retention.models import Disposition
from evidentia.sharing.services import exports

S = Disposition.State


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def disposed(clip, carmen, cora, settings):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    blobs = [clip.blob, *(d.blob for d in clip.derivatives.all())]
    d = services.request_disposition(clip, carmen, "Traffic retention period ended")
    services.approve(d, cora)
    d = services.shred(d)
    return d, blobs


def test_request_approve_and_shred_leave_a_certificate_and_no_bytes(disposed, clip):
    d, blobs = disposed
    assert d.state == S.DONE
    clip.refresh_from_db()
    assert clip.disposed_at is not None
    assert clip.disposal_certificate == d.certificate_sha256
    assert len(blobs) >= 4  # original, poster, sprite, proxy, …
    for blob in Blob.objects.filter(pk__in=[b.pk for b in blobs]):
        assert blob.destroyed_at is not None
        assert bytes(blob.wrapped_key) == b""
        assert not store().exists(blob.storage_key)


def test_the_certificate_lists_every_destroyed_hash_and_is_in_the_ledger(disposed, clip):
    d, blobs = disposed
    cert = Blob.objects.get(pk=d.certificate_id)
    data = vault().read_range(ref(cert), 0, cert.size)
    assert data.startswith(b"%PDF")
    text = pdf_text(data).replace("\n", "")
    for blob in blobs:
        assert blob.sha256 in text
    assert "carmen" in text and "cora" in text
    event = Event.objects.get(kind=events.DISPOSED, item_id=clip.pk)
    detail = json.loads(event.body)["detail"]
    assert detail["certificate_sha256"] == cert.sha256
    assert set(detail["destroyed"]) == {b.sha256 for b in blobs}
    assert cert.destroyed_at is None  # the certificate itself is kept for good


def test_the_certificate_downloads_as_a_pdf(disposed, clip, audrey, as_user):
    d, _ = disposed
    response = as_user(audrey).get(f"/retention/{d.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == d.certificate_sha256
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_ledger_still_verifies_after_the_bytes_are_gone(disposed):
    report = verify({key_name(): signing_key().public_key()})
    assert report.ok, report.problems
    out = io.StringIO()
    call_command("custody", "verify", stdout=out)
    assert "OK" in out.getvalue()


def test_playback_and_download_answer_410_with_the_reason(disposed, clip, ivan, carmen, as_user):
    client = as_user(carmen)
    for url in (f"/evidence/{clip.pk}/stream", f"/evidence/{clip.pk}/poster.jpg"):
        response = client.get(url)
        assert response.status_code == 410
        assert b"disposed of" in response.content or b"destroyed" in response.content
    response = client.get(f"/evidence/{clip.pk}/download")
    assert response.status_code == 410
    assert b"retention" in response.content


def test_the_item_page_shows_the_tombstone_without_a_player(disposed, clip, carmen, as_user):
    response = as_user(carmen).get(f"/evidence/{clip.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Disposed on" in page
    assert clip.blob.sha256 in page  # the hash stays
    assert "data-player" not in page
    assert "Download original" not in page


def test_the_requester_may_not_approve_their_own_request(clip, carmen, settings):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    d = services.request_disposition(clip, carmen, "period ended")
    with pytest.raises(services.Refused, match="two-person rule"):
        services.approve(d, carmen)
    d.refresh_from_db()
    assert d.state == S.REQUESTED


def test_shredding_again_changes_nothing(disposed, clip):
    d, _ = disposed
    count = Event.objects.count()
    assert services.shred(d).state == S.DONE
    assert Event.objects.count() == count


def test_approval_queues_the_shred_when_configured(
    clip, carmen, cora, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_SHRED_ON_APPROVAL = True
    d = services.request_disposition(clip, carmen, "period ended")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(d, cora)
    d.refresh_from_db()
    assert d.state == S.DONE


def test_bytes_identical_to_disposed_evidence_are_not_stored_again(disposed, clip_path, olivia):
    with pytest.raises(Rejected, match="disposed of under the retention schedule"):
        ingest_path(clip_path, actor=olivia)


def test_a_disposed_item_cannot_be_exported(disposed, clip, carmen, tmp_path):
    with pytest.raises(Rejected, match="was disposed of"):
        exports.export(carmen, items=[clip], out=tmp_path / "bag.zip")


def test_reading_a_disposed_blob_is_a_410_refusal_not_a_crash(disposed, clip):
    clip.blob.refresh_from_db()
    with pytest.raises(DestroyedContent) as gone:
        open_blob(clip.blob)
    assert gone.value.status == 410 and "retention schedule" in gone.value.message


def test_the_redaction_studio_does_not_fail_on_a_disposed_item(disposed, clip, carmen, as_user):
    answer = as_user(carmen).get(f"/redaction/items/{clip.pk}/")
    assert answer.status_code in (404, 410, 200)
