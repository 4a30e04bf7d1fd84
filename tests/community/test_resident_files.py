"""A resident's file is always an item of its own, whatever bytes it holds."""

from __future__ import annotations

import io
import uuid

import pytest

from evidentia.community.models import ReportMedia
from evidentia.community.services import grants
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.services.ingest import Submission, ingest
from evidentia.evidence.vaultio import blob_for, vault
from tests.community.test_grant_uploads import upload

pytestmark = pytest.mark.django_db


def test_a_copy_of_existing_evidence_does_not_link_that_evidence_to_the_report(
    client, olivia, ivan, filed, photo
):
    theirs = ingest(io.BytesIO(photo), Submission("scene.jpg", via="cli"), actor=olivia).item
    answer = upload(client, grants.upload_token(grants.report_key(filed.report)), photo)
    assert answer.status_code == 204
    mine = ReportMedia.objects.get(report=filed.report).item
    assert mine.pk != theirs.pk and mine.blob_id == theirs.blob_id
    assert not policy.can_view(ivan, theirs)  # the report does not open the officer's item
    assert Item.objects.get(pk=theirs.pk).title == "scene.jpg"


def test_a_file_matching_a_blob_without_an_item_is_stored(client, filed, photo):
    written = vault().write(io.BytesIO(photo), uuid.uuid4())
    orphan, _ = blob_for(written, "image/jpeg")  # as a published public copy is
    answer = upload(client, grants.upload_token(grants.report_key(filed.report)), photo)
    assert answer.status_code == 204
    assert ReportMedia.objects.get(report=filed.report).item.blob_id == orphan.pk
