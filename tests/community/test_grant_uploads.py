"""/public/uploads/: residents and witnesses upload over tus with a signed grant."""

from __future__ import annotations

import base64

import pytest

from evidentia.community.models import ReportMedia
from evidentia.community.services import grants
from evidentia.custody import events
from evidentia.custody.models import Event

URL = "/public/uploads/"
TUS = {"Tus-Resumable": "1.0.0"}


def upload(client, grant: str, data: bytes, name: str = "wall.jpg"):
    meta = f"filename {base64.b64encode(name.encode()).decode()}"
    headers = {**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    if grant:
        headers["Upload-Grant"] = grant
    created = client.post(URL, headers=headers)
    if created.status_code != 201:
        return created
    kind = "application/offset+octet-stream"
    return client.generic(
        "PATCH",
        created["Location"],
        data,
        content_type=kind,
        headers={**TUS, "Upload-Offset": "0", "Upload-Grant": grant},
    )


@pytest.mark.django_db
def test_a_resident_photo_becomes_evidence_linked_to_the_report(client, filed, photo):
    grant = grants.upload_token(grants.report_key(filed.report))
    answer = upload(client, grant, photo)
    assert answer.status_code == 204, answer.content
    media = ReportMedia.objects.get(report=filed.report)
    assert media.item.blob.size == len(photo)
    assert media.item.source == "public"
    ingested = Event.objects.get(kind=events.INGESTED, item_id=media.item_id)
    assert '"report":"' + filed.report.public_id + '"' in ingested.body
    assert '"ip"' not in ingested.body and ingested.actor == "system:public"


@pytest.mark.django_db
def test_an_upload_without_a_grant_is_refused(client, photo):
    answer = upload(client, "", photo)
    assert answer.status_code == 401
    assert "not valid" in answer.content.decode()


@pytest.mark.django_db
def test_a_forged_grant_is_refused(client, filed, photo):
    grant = grants.upload_token(grants.report_key(filed.report))
    answer = upload(client, grant[:-2] + "xx", photo)
    assert answer.status_code == 401
