"""A case that was archived keeps its number to itself: a resident whose report was
linked to it, or a witness with an invite for it, never sees it, and a resident's file
is still kept, with their report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidentia.cases.models import Case, CaseItem, CaseStatus
from evidentia.cases.services import create_case
from evidentia.community.models import InviteFile, Report, ReportMedia
from evidentia.community.services import grants
from evidentia.evidence.vaultio import store
from tests.community.conftest import exif_photo
from tests.community.test_grant_uploads import upload
from tests.community.test_public_uploads import WITNESS_TOKEN, make_invite

pytestmark = pytest.mark.django_db
NEUTRAL = "This invitation is no longer accepting files. Contact the investigator."


def archive(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ARCHIVED)


@pytest.fixture
def archived(filed, ivan) -> Case:
    """The resident's report, linked to a case that has since been archived."""
    case = create_case(number="2026-0099", title="Tagging crew on 6th", actor=ivan)
    Report.objects.filter(pk=filed.report.pk).update(case=case)
    archive(case)
    return case


def test_a_file_for_a_report_whose_case_is_archived_is_kept_with_the_report(
    client, filed, archived
):
    photo = SimpleUploadedFile("later.jpg", exif_photo(), content_type="image/jpeg")
    answer = client.post(
        f"/public/track/{filed.code}/", {"text": "", "files": [photo]}, follow=True
    )
    page = answer.content.decode()
    assert "1 file received." in page
    assert archived.number not in page
    media = ReportMedia.objects.get(report=filed.report)
    assert not CaseItem.objects.filter(item=media.item).exists()


def test_a_file_sent_over_tus_for_a_report_whose_case_is_archived_is_kept(
    client, filed, archived, photo
):
    answer = upload(client, grants.upload_token(grants.report_key(filed.report)), photo)
    assert answer.status_code == 204, answer.content
    assert archived.number.encode() not in answer.content
    assert ReportMedia.objects.filter(report=filed.report).exists()


def test_an_invite_for_an_archived_case_is_closed_without_naming_the_case(client, ivan):
    invite = make_invite(ivan)
    archive(invite.case)
    answer = client.get(f"/public/invite/{WITNESS_TOKEN}/")
    page = answer.content.decode()
    assert answer.status_code == 410
    assert NEUTRAL in page
    assert invite.case.number not in page and invite.case.title not in page


def test_an_invite_for_an_archived_case_takes_no_file_over_tus(client, ivan, photo):
    invite = make_invite(ivan)
    archive(invite.case)
    answer = upload(client, grants.upload_token(grants.invite_key(invite)), photo)
    assert answer.status_code == 410
    assert NEUTRAL in answer.content.decode()
    assert invite.case.number not in answer.content.decode()
    assert not InviteFile.objects.exists()
    assert list(store().iter_keys()) == []
