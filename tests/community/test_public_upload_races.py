"""A file sent without JavaScript streams into the vault before it becomes evidence;
an invite revoked (or a report closed) while it streams stores nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evidentia.community.models import Invite, InviteFile, Report, ReportMedia, Status
from evidentia.community.public_views import streaming
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import store
from tests.community.conftest import exif_photo
from tests.community.test_public_uploads import WITNESS_TOKEN, make_invite

pytestmark = pytest.mark.django_db


def jpeg() -> SimpleUploadedFile:
    return SimpleUploadedFile("doorbell.jpg", exif_photo(), content_type="image/jpeg")


@pytest.fixture
def meanwhile(monkeypatch):
    """Run `change` once the body has streamed in, before the files become evidence."""

    def install(change) -> None:
        read_form = streaming.read_form

        def read_then_change(request):
            refused = read_form(request)
            change()
            return refused

        monkeypatch.setattr(streaming, "read_form", read_then_change)

    return install


def test_an_invite_revoked_while_a_file_streams_stores_nothing(client, ivan, meanwhile):
    invite = make_invite(ivan)
    meanwhile(
        lambda: Invite.objects.filter(pk=invite.pk).update(
            revoked_at=timezone.now(), revoked_by=ivan
        )
    )
    answer = client.post(f"/public/invite/{WITNESS_TOKEN}/", {"files": [jpeg()]}, follow=True)
    assert "withdrawn by the agency" in answer.content.decode()
    assert not InviteFile.objects.exists() and not Item.objects.exists()
    assert list(store().iter_keys()) == []


def test_a_report_closed_while_a_file_streams_stores_nothing(client, filed, meanwhile):
    meanwhile(lambda: Report.objects.filter(pk=filed.report.pk).update(status=Status.CLOSED))
    answer = client.post(
        f"/public/track/{filed.code}/", {"text": "", "files": [jpeg()]}, follow=True
    )
    assert "takes no more files" in answer.content.decode()
    assert not ReportMedia.objects.exists() and not Item.objects.exists()
    assert list(store().iter_keys()) == []
