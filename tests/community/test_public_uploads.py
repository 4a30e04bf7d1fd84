"""Files from the public over tus (/public/uploads/) with the grant a page hands out:
the limits the report form and invite pages promise hold on this path too."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.cases.services import create_case
from evidentia.community.models import Invite, InviteFile, ReportMedia
from evidentia.community.services import codes, grants
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import store

pytestmark = pytest.mark.django_db
TUS = {"Tus-Resumable": "1.0.0"}


def tus_upload(client, grant: str, data: bytes, name: str = "wall.jpg"):
    """Create and send one file in a single PATCH; the last answer."""
    meta = f"filename {base64.b64encode(name.encode()).decode()}"
    headers = {**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    created = client.post("/public/uploads/", headers=headers | {"Upload-Grant": grant})
    if created.status_code != 201:
        return created
    return client.generic(
        "PATCH",
        created["Location"],
        data,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": "0", "Upload-Grant": grant},
    )


WITNESS_TOKEN = "witness-token-1"


def make_invite(ivan, token: str = WITNESS_TOKEN, **kw) -> Invite:
    case = create_case(number="2026-0042", title="Burglary on Oak St", actor=ivan)
    values = {
        "case": case,
        "token_hash": codes.secret_hash(token),
        "label": "Neighbour at 12 Oak",
        "message": "Please send the doorbell video from Tuesday night.",
        "max_files": 3,
        "max_bytes": 1_000_000,
        "created_by": ivan,
        "expires_at": timezone.now() + timedelta(days=7),
    }
    return Invite.objects.create(**(values | kw))


def test_a_report_file_too_large_is_refused_over_tus(client, filed, photo, settings):
    settings.PORTAL_MAX_FILE_BYTES = 500
    grant = grants.upload_token(grants.report_key(filed.report))
    answer = tus_upload(client, grant, photo)
    assert answer.status_code == 413
    assert not ReportMedia.objects.exists()


def test_an_unsupported_report_file_is_refused_over_tus(client, filed):
    grant = grants.upload_token(grants.report_key(filed.report))
    answer = tus_upload(client, grant, b"%PDF-1.7\n" + b"x" * 9000, "notes.pdf")
    assert answer.status_code == 415
    assert "application/pdf" in answer.content.decode()
    assert not Item.objects.exists()
    assert list(store().iter_keys()) == []


def test_an_invite_file_too_large_is_refused_over_tus(client, ivan, photo):
    invite = make_invite(ivan, max_bytes=500)
    answer = tus_upload(client, grants.upload_token(grants.invite_key(invite)), photo)
    assert answer.status_code == 413
    assert not InviteFile.objects.exists()


def test_an_unsupported_invite_file_is_refused_over_tus(client, ivan):
    invite = make_invite(ivan)
    grant = grants.upload_token(grants.invite_key(invite))
    answer = tus_upload(client, grant, b"%PDF-1.7\n" + b"x" * 9000, "notes.pdf")
    assert answer.status_code == 415
    assert not InviteFile.objects.exists()


def test_a_revoked_invite_takes_no_more_files_over_tus(client, ivan, photo):
    invite = make_invite(ivan)
    grant = grants.upload_token(grants.invite_key(invite))
    Invite.objects.filter(pk=invite.pk).update(revoked_at=timezone.now(), revoked_by=ivan)
    answer = tus_upload(client, grant, photo)
    assert answer.status_code == 410
    assert "withdrawn" in answer.content.decode()
