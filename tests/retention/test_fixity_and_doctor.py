"""Fixity and doctor leave tombstones alone: no failures, no 'missing' reports."""

from __future__ import annotations

import pytest

from evidentia.evidence.models import Blob, FixityAlert
from evidentia.evidence.services import doctor, fixity
from evidentia.retention import services
from tests.evidence.helpers import ingest_bytes


@pytest.fixture
def disposed(old_note, carmen, cora, settings):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    d = services.request_disposition(old_note, carmen, "period ended")
    return services.shred(services.approve(d, cora))


def test_fixity_skips_disposed_blobs(disposed, olivia, old_note):
    live = ingest_bytes(b"still evidence", officer=olivia)
    report = fixity.run(trigger="test")
    assert report.failed == 0
    # the live item and the kept certificate are checked; the tombstone is not
    assert report.checked == 2
    assert not FixityAlert.objects.exists()
    assert Blob.objects.get(pk=old_note.blob_id).last_fixity_at is None
    assert Blob.objects.get(pk=live.blob_id).last_fixity_ok is True


def test_doctor_does_not_report_a_disposed_blob_as_missing(disposed):
    report = doctor.run(grace_seconds=0)
    assert report.missing_blobs == []
    assert report.orphans_removed == []
    assert report.healthy
