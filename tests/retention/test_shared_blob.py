"""Identical bytes are stored once: a blob another live item uses is kept."""

from __future__ import annotations

import io

import pytest

from evidentia.evidence.models import Blob, Item
from evidentia.evidence.services.ingest import Submission, ingest
from evidentia.evidence.vaultio import store
from evidentia.retention import services
from tests.retention.conftest import age, category

DATA = b"a resident's photo, sent twice"


@pytest.fixture
def twins(olivia, rules):
    """Two items on one blob: two residents sent the same file."""
    made = []
    for report in ("R1", "R2"):
        sub = Submission(
            "photo.jpg",
            "api",
            officer=olivia,
            category=category("Non-evidentiary"),
            source={"report": report},
        )
        made.append(age(ingest(io.BytesIO(DATA), sub, actor="public").item, 365))
    assert made[0].blob_id == made[1].blob_id
    return made


def dispose(item, carmen, cora):
    d = services.request_disposition(item, carmen, "period ended")
    return services.shred(services.approve(d, cora))


def test_a_blob_another_live_item_uses_is_kept(twins, carmen, cora, settings):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    first, _second = twins
    d = dispose(first, carmen, cora)
    blob = Blob.objects.get(pk=first.blob_id)
    assert d.plan == [] and [k["sha256"] for k in d.kept] == [blob.sha256]
    assert blob.destroyed_at is None and store().exists(blob.storage_key)
    assert Item.objects.get(pk=first.pk).disposed_at is not None


def test_the_last_user_of_a_shared_blob_destroys_it(twins, carmen, cora, settings):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    first, second = twins
    dispose(first, carmen, cora)
    d = dispose(second, carmen, cora)
    blob = Blob.objects.get(pk=first.blob_id)
    assert [k["sha256"] for k in d.plan] == [blob.sha256]
    assert blob.destroyed_at is not None and not store().exists(blob.storage_key)
