"""Exported media carries C2PA content credentials that `c2pa-python`'s reader validates."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import bagit
import pytest
from django.utils import timezone
from PIL import Image

from evidentia.core.errors import Rejected
from evidentia.custody.signing import public_verifier_key
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.vaultio import blob_for, vault
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from evidentia.sharing import c2pa as credentials
from evidentia.sharing.services import exports
from evidentia.sharing.verify import verify_bag

# The demo CA is in no trust list, so this is the one failure a reader reports.
UNTRUSTED = ["signingCredential.untrusted"]


def listed(bag: Path) -> list[dict]:
    return json.loads((bag / "data" / "custody" / "export.json").read_text())["items"]


def reader_for(bag: Path, entry: dict, media_key: str, mime: str):
    media = entry[media_key] if media_key == "original" else entry[media_key]["path"]
    sidecar = (bag / entry["credentials"]).read_bytes()
    with open(bag / media, "rb") as f:
        return credentials.read(io.BytesIO(f.read()), mime, sidecar)


def failures(reader) -> list[str]:
    results = reader.get_validation_results()["activeManifest"]
    return [f["code"] for f in results.get("failure", [])]


def assertion(reader, label: str) -> dict:
    manifest = reader.get_active_manifest()
    return next(a["data"] for a in manifest["assertions"] if a["label"] == label)


@pytest.fixture
def clip_bag(ivan, clips, tmp_path) -> Path:
    return exports.export(ivan, items=[clips[0].pk], out=tmp_path / "bag").path


@pytest.fixture
def photo(ivans_case, olivia, carmen, tmp_path):
    path = tmp_path / "scene.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path, "JPEG")
    sub = Submission(original_name=path.name, via="cli", officer=olivia, case=ivans_case)
    return ingest_path(path, sub, actor=carmen).item


def redacted_version(item, ivan, carmen, data: bytes) -> RedactedVersion:
    sha = "a" * 64
    plan = RedactionPlan.objects.create(
        item=item,
        number=1,
        kinds=["faces"],
        plan_sha256=sha,
        approved_sha256=sha,
        approved_by=carmen,
        approved_at=timezone.now(),
        state=RedactionPlan.State.RENDERED,
        created_by=ivan,
    )

    def stored(content: bytes, mime: str):
        return blob_for(vault().write(io.BytesIO(content), uuid.uuid4()), mime)[0]

    return RedactedVersion.objects.create(
        plan=plan,
        plan_sha256=sha,
        plan_snapshot={},
        blob=stored(data, "video/mp4"),
        review_log=stored(b"{}" + uuid.uuid4().bytes, "application/json"),
        review_pdf=stored(b"%PDF" + uuid.uuid4().bytes, "application/pdf"),
    )


def test_an_exported_clip_has_credentials_that_validate(clip_bag):
    (entry,) = listed(clip_bag)
    reader = reader_for(clip_bag, entry, "original", "video/mp4")
    assert reader.get_validation_state() == "Valid"
    assert failures(reader) == UNTRUSTED


def test_the_credentials_name_the_agency_and_the_originals_hash(settings, clip_bag, clips):
    (entry,) = listed(clip_bag)
    reader = reader_for(clip_bag, entry, "original", "video/mp4")
    original = assertion(reader, credentials.ORIGINAL_LABEL)
    assert original["sha256"] == clips[0].blob.sha256
    assert original["item_id"] == str(clips[0].pk)
    assert original["agency"] == settings.AGENCY_NAME
    work = assertion(reader, "stds.schema-org.CreativeWork")
    assert work["author"] == [{"@type": "Organization", "name": settings.AGENCY_NAME}]


def test_an_original_copy_is_recorded_as_opened(clip_bag):
    (entry,) = listed(clip_bag)
    reader = reader_for(clip_bag, entry, "original", "video/mp4")
    actions = [a["action"] for a in assertion(reader, "c2pa.actions.v2")["actions"]]
    assert actions == ["c2pa.opened"]


def test_the_original_stays_byte_identical_and_the_bag_verifies(clip_bag, clip_path):
    (entry,) = listed(clip_bag)
    assert (clip_bag / entry["original"]).read_bytes() == clip_path.read_bytes()
    bagit.Bag(str(clip_bag)).validate()
    assert verify_bag(clip_bag, public_verifier_key()).ok


def test_a_changed_original_no_longer_matches_its_credentials(clip_bag):
    (entry,) = listed(clip_bag)
    media = clip_bag / entry["original"]
    data = bytearray(media.read_bytes())
    data[-100] ^= 0xFF
    media.write_bytes(bytes(data))
    reader = reader_for(clip_bag, entry, "original", "video/mp4")
    assert reader.get_validation_state() == "Invalid"
    assert set(failures(reader)) > set(UNTRUSTED)


def test_an_exported_photo_has_credentials_that_validate(ivan, photo, tmp_path):
    bag = exports.export(ivan, items=[photo.pk], out=tmp_path / "bag").path
    (entry,) = listed(bag)
    reader = reader_for(bag, entry, "original", "image/jpeg")
    assert failures(reader) == UNTRUSTED
    assert assertion(reader, credentials.ORIGINAL_LABEL)["sha256"] == photo.blob.sha256


def test_a_redacted_exports_credentials_say_redacted(ivan, carmen, clips, clip_path, tmp_path):
    redacted_version(clips[0], ivan, carmen, clip_path.read_bytes())
    bag = exports.export(ivan, items=[clips[0].pk], redacted=True, out=tmp_path / "bag").path
    (entry,) = listed(bag)
    reader = reader_for(bag, entry, "redacted", "video/mp4")
    assert failures(reader) == UNTRUSTED
    actions = [a["action"] for a in assertion(reader, "c2pa.actions.v2")["actions"]]
    assert actions == ["c2pa.opened", "c2pa.edited", "c2pa.redacted"]
    original = assertion(reader, credentials.ORIGINAL_LABEL)
    assert (original["sha256"], original["redaction_plan"]) == (clips[0].blob.sha256, 1)


def test_media_c2pa_cannot_read_gets_no_credentials(ivan, ivans_case, olivia, carmen, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("interview notes\n")
    sub = Submission(original_name=path.name, via="cli", officer=olivia, case=ivans_case)
    item = ingest_path(path, sub, actor=carmen).item
    bag = exports.export(ivan, items=[item.pk], out=tmp_path / "bag").path
    assert listed(bag)[0]["credentials"] is None
    assert not (bag / "data" / "credentials").exists()


def test_an_unreadable_signing_key_stops_the_export_with_a_clear_message(
    settings, ivan, clips, tmp_path
):
    settings.C2PA_CERT_CHAIN_FILE = str(tmp_path / "missing-chain.pem")
    settings.C2PA_PRIVATE_KEY_FILE = str(tmp_path / "missing-key.pem")
    with pytest.raises(Rejected, match="C2PA signing certificate"):
        exports.export(ivan, items=[clips[0].pk], out=tmp_path / "bag")
    assert not (tmp_path / "bag").exists()
