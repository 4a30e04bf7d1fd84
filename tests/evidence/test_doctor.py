"""`evidentia doctor` removes what never became evidence, and reports the rest."""

from __future__ import annotations

import io
import uuid

from evidentia.evidence.services import doctor
from evidentia.evidence.vaultio import store, vault
from tests.evidence.helpers import ingest_bytes


def test_an_orphan_blob_is_removed(db, olivia):
    kept = ingest_bytes(b"real evidence", officer=olivia)
    orphan = vault().write(io.BytesIO(b"never recorded"), uuid.uuid4())
    report = doctor.run(grace_seconds=0)
    assert report.orphans_removed == [orphan.storage_key]
    assert set(store().iter_keys()) == {kept.blob.storage_key}


def test_a_young_orphan_is_left_alone_in_case_its_ingest_is_still_running(db):
    vault().write(io.BytesIO(b"in flight"), uuid.uuid4())
    assert doctor.run(grace_seconds=3600).orphans_removed == []


def test_a_half_written_blob_is_removed(db):
    writer = store().open_writer("ab/cd/abcd-half")
    writer.write(b"partial")
    report = doctor.run(grace_seconds=0)
    assert report.incomplete_removed == 1
    assert list(store().iter_incomplete()) == []


def test_a_missing_blob_is_reported_not_repaired(db, olivia, settings):
    item = ingest_bytes(b"will vanish", officer=olivia)
    (settings.BLOB_DIR / item.blob.storage_key).unlink()
    report = doctor.run(grace_seconds=0)
    assert report.missing_blobs == [item.blob.storage_key]
    assert not report.healthy
