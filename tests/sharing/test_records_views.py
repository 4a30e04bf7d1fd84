"""Records pages: who may manage requests, the public form and status page, and the
release link (redacted copies only; 410 once expired)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.sharing.models import RecordsRequest
from evidentia.sharing.services import records
from tests.sharing.test_c2pa import redacted_version
from tests.sharing.test_records import REQUEST


@pytest.fixture
def filed(db):
    return records.file_request(dict(REQUEST))


@pytest.fixture
def released(carmen, clips, ivan, filed):
    version = redacted_version(clips[0], ivan, carmen, b"blurred video bytes")
    records.attach(carmen, filed.request, clips[0], version.pk)
    return filed.request, records.fulfil(carmen, filed.request)


def test_a_custodian_sees_the_dashboard(as_user, carmen, filed):
    page = as_user(carmen).get("/exports/records/")
    assert page.status_code == 200 and filed.request.reference in page.content.decode()


def test_an_officer_may_not_see_records_requests(as_user, olivia, filed):
    assert as_user(olivia).get("/exports/records/").status_code == 403


def test_an_investigator_may_not_open_a_request(as_user, ivan, filed):
    assert as_user(ivan).get(f"/exports/records/{filed.request.pk}").status_code == 403


def test_an_administrator_may_open_a_request(as_user, adam, filed):
    assert as_user(adam).get(f"/exports/records/{filed.request.pk}").status_code == 200


def test_an_officer_may_not_fulfil(as_user, olivia, filed):
    reply = as_user(olivia).post(f"/exports/records/{filed.request.pk}/fulfil")
    assert reply.status_code == 403


def test_a_resident_files_a_request_and_sees_a_tracking_code(client, db):
    page = client.post("/public/records/", dict(REQUEST))
    rr = RecordsRequest.objects.get()
    assert page.status_code == 200 and rr.reference in page.content.decode()
    assert page["Cache-Control"] == "no-store"


def test_a_bad_request_gets_messages_next_to_the_fields(client, db):
    page = client.post("/public/records/", {"name": "", "description": "x"})
    assert page.status_code == 400 and 'id="e-name"' in page.content.decode()


def test_too_many_requests_are_refused(client, settings, db):
    settings.RECORDS_REQUESTS_PER_HOUR = 1
    client.post("/public/records/", dict(REQUEST))
    assert client.post("/public/records/", dict(REQUEST)).status_code == 429


def test_the_status_page_shows_the_status_by_code(client, filed):
    page = client.get("/public/records/status/", {"code": filed.code})
    assert "Received" in page.content.decode()


def test_a_wrong_code_is_not_found(client, filed):
    assert client.get("/public/records/status/", {"code": "AAAA-BBBB-CCCC"}).status_code == 404


def test_the_link_serves_only_the_redacted_copy(client, released, clip_path):
    _, token = released
    reply = client.get(f"/public/records/download/{token}")
    body = b"".join(reply.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        names = z.namelist()
        media = [z.read(n) for n in names if n != "MANIFEST.txt"]
    assert media == [b"blurred video bytes"] and clip_path.read_bytes() not in body
    assert Event.objects.filter(kind=events.RECORDS_DOWNLOADED).exists()


def test_an_expired_link_is_gone_and_the_refusal_recorded(client, released):
    rr, token = released
    RecordsRequest.objects.filter(pk=rr.pk).update(
        link_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(f"/public/records/download/{token}").status_code == 410
    assert Event.objects.filter(kind=events.RECORDS_LINK_REFUSED).exists()


def test_a_made_up_link_is_not_found(client, released):
    assert client.get("/public/records/download/not-a-real-token").status_code == 404


def test_an_overdue_request_is_counted_on_the_dashboard(as_user, carmen, filed):
    RecordsRequest.objects.update(due_at=datetime(2020, 1, 1, tzinfo=UTC))
    page = as_user(carmen).get("/exports/records/").content.decode()
    assert "overdue" in page
