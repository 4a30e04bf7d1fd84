"""The whole evidence path on the S3 backend, against a real S3 API server (moto) on loopback."""

from __future__ import annotations

import uuid

import pytest

from evidentia.evidence.services import doctor, fixity
from evidentia.evidence.vaultio import ref, store, vault
from tests.core.conftest import BUCKET, CREDS
from tests.evidence.helpers import ingest_bytes


@pytest.fixture
def on_s3(settings, moto_endpoint):
    settings.BLOB_BACKEND = "s3"
    settings.S3_BUCKET = BUCKET
    settings.S3_ENDPOINT_URL = moto_endpoint
    settings.S3_ACCESS_KEY = CREDS["access_key"]
    settings.S3_SECRET_KEY = CREDS["secret_key"]
    settings.S3_REGION = CREDS["region"]
    settings.S3_PREFIX = f"ingest-{uuid.uuid4().hex[:8]}/"


def test_evidence_ingested_to_s3_reads_back_and_passes_fixity(db, olivia, on_s3):
    data = bytes(range(256)) * 9000
    item = ingest_bytes(data, "s3-clip.mp4", officer=olivia)
    assert vault().read_range(ref(item.blob), 1000, 500) == data[1000:1500]
    assert fixity.run().failed == 0
    assert list(store().iter_keys()) == [item.blob.storage_key]


def test_doctor_finds_nothing_to_clean_on_a_healthy_bucket(db, olivia, on_s3):
    ingest_bytes(b"healthy", officer=olivia)
    report = doctor.run(grace_seconds=0)
    assert report.healthy and not report.orphans_removed
