"""/public/invite/<token>/: a witness sends files for a case through an invite link."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evidentia.cases.models import CaseItem
from evidentia.community.models import Invite, InviteFile
from evidentia.community.services import grants
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.services.ingest import Submission, ingest
from evidentia.evidence.vaultio import store
from tests.community.conftest import exif_photo
from tests.community.test_public_uploads import make_invite

pytestmark = pytest.mark.django_db
TOKEN = "witness-token-1"
URL = f"/public/invite/{TOKEN}/"


def jpeg(name: str = "doorbell.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, exif_photo(), content_type="image/jpeg")


def test_an_unknown_invite_is_not_found(client):
    answer = client.get("/public/invite/no-such-token/")
    assert answer.status_code == 404
    assert "invitation link is not valid" in answer.content.decode()


def test_an_expired_invite_says_so_with_410(client, ivan):
    make_invite(ivan, expires_at=timezone.now() - timedelta(hours=1))
    answer = client.get(URL)
    assert answer.status_code == 410
    assert "expired on" in answer.content.decode()


def test_a_revoked_invite_says_so_with_410(client, ivan):
    make_invite(ivan, revoked_at=timezone.now(), revoked_by=ivan)
    answer = client.get(URL)
    assert answer.status_code == 410
    assert "withdrawn by the agency" in answer.content.decode()


def test_a_closed_invite_takes_no_files_without_javascript(client, ivan):
    make_invite(ivan, revoked_at=timezone.now(), revoked_by=ivan)
    assert client.post(URL, {"files": [jpeg()]}).status_code == 410
    assert not InviteFile.objects.exists()
    assert list(store().iter_keys()) == []


def test_the_invite_page_shows_the_message_and_limits_but_never_the_case(client, ivan, settings):
    invite = make_invite(ivan)
    answer = client.get(URL)
    page = answer.content.decode()
    assert answer.status_code == 200
    assert settings.AGENCY_NAME in page
    assert "Please send the doorbell video from Tuesday night." in page
    assert "<strong>3</strong> more files" in page and "976.6 KiB" in page
    assert "where and when they were taken" in page
    assert invite.case.number not in page and invite.case.title not in page
    assert invite.label not in page
    assert answer["Referrer-Policy"] == "strict-origin" and answer["Cache-Control"] == "no-store"


def test_a_witness_sends_a_file_without_javascript(client, ivan):
    invite = make_invite(ivan)
    answer = client.post(URL, {"files": [jpeg()]}, follow=True)
    page = answer.content.decode()
    assert "1 file received. Thank you." in page
    link = InviteFile.objects.get(invite=invite)
    assert CaseItem.objects.filter(case=invite.case, item=link.item).exists()
    ingested = Event.objects.get(kind=events.INGESTED, item_id=link.item_id)
    assert json.loads(ingested.body)["detail"]["source"]["invite"] == str(invite.pk)
    assert '"client"' not in ingested.body
    assert "doorbell.jpg" in page.split("Received from this browser")[1]


def test_another_browser_does_not_see_what_the_witness_sent(client, ivan):
    make_invite(ivan)
    client.post(URL, {"files": [jpeg()]})
    from django.test import Client

    page = Client().get(URL).content.decode()
    assert "doorbell.jpg" not in page and "Nothing yet." in page


def test_a_witness_file_too_large_is_refused(client, ivan):
    make_invite(ivan, max_bytes=500)
    answer = client.post(URL, {"files": [jpeg()]}, follow=True)
    assert (
        "doorbell.jpg: It is larger than the 500 bytes allowed per file." in answer.content.decode()
    )
    assert not InviteFile.objects.exists()
    assert list(store().iter_keys()) == []


def test_an_unsupported_witness_file_is_refused(client, ivan):
    make_invite(ivan)
    pdf = SimpleUploadedFile("statement.pdf", b"%PDF-1.7\n" + b"x" * 9000)
    answer = client.post(URL, {"files": [pdf]}, follow=True)
    assert "statement.pdf: This kind of file (application/pdf)" in answer.content.decode()
    assert not InviteFile.objects.exists()
    assert list(store().iter_keys()) == []


def test_files_past_the_invite_limit_are_refused(client, ivan):
    make_invite(ivan, max_files=1)
    answer = client.post(URL, {"files": [jpeg("a.jpg"), jpeg("b.jpg")]}, follow=True)
    page = answer.content.decode()
    assert "b.jpg: Only 1 files can be sent here" in page
    assert InviteFile.objects.count() == 1


def test_sending_no_file_is_explained(client, ivan):
    make_invite(ivan)
    answer = client.post(URL, {}, follow=True)
    assert "Choose at least one file to send." in answer.content.decode()


def test_the_invite_page_offers_a_tus_grant(client, ivan):
    invite = make_invite(ivan)
    page = client.get(URL).content.decode()
    assert 'data-endpoint="/public/uploads/"' in page and 'data-grant="' in page
    assert Invite.objects.get(pk=invite.pk).state == "active"


def test_a_file_is_refused_when_another_request_took_the_last_place_meanwhile(
    client, ivan, monkeypatch
):
    make_invite(ivan, max_files=1)
    real = grants.invite_closed_reason
    calls = []

    def meanwhile(current):  # the second look is the one made just before storing
        calls.append(1)
        if len(calls) == 2:
            other = Submission("other.jpg", via="invite")
            item = ingest(io.BytesIO(exif_photo(serial="OTHER")), other, actor="public").item
            InviteFile.objects.create(invite=current, item=item)
        return real(current)

    monkeypatch.setattr(grants, "invite_closed_reason", meanwhile)
    answer = client.post(URL, {"files": [jpeg()]}, follow=True)
    assert "takes at most 1 files" in answer.content.decode()
    assert InviteFile.objects.count() == 1
