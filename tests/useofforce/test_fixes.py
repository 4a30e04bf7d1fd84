"""Review findings: bad form input answered with a 4xx, the referral kept from the
officer, restricted items never auto-linked, and the referral carrying the incident."""

from __future__ import annotations

import pytest

from evidentia.cases import services as cases
from evidentia.community.models import ReportMedia
from evidentia.standards.models import Complaint
from evidentia.useofforce import services
from evidentia.useofforce.models import UseOfForceReport
from tests.conftest import make_user
from tests.standards.helpers import portal_complaint
from tests.useofforce.conftest import WHEN, fields, filed, minutes, video

pytestmark = pytest.mark.django_db
REASON = "Strikes to the head while handcuffed."


@pytest.mark.parametrize("action", ["find", "save", "submit"])
@pytest.mark.parametrize(
    "bad",
    [
        {"subject-0-age": "²"},
        {"subject-0-age": "9" * 30},
        {"occurred_at": "0001-01-01T00:00"},
        {"occurred_at": "9999-12-31T23:59"},
        {"occurred_at": "0001-01-01T00:00+05:00"},
    ],
)
def test_bad_form_input_is_a_clear_answer_not_a_500(olivia, sam, as_user, action, bad):
    response = as_user(olivia).post("/force/new/", fields(action=action, **bad))
    assert response.status_code in (200, 422)
    if action != "find":
        assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not UseOfForceReport.objects.exists()


@pytest.fixture
def referred(olivia, sam):
    report = filed(olivia)
    services.refer(sam, report, REASON)
    report.refresh_from_db()
    return report


def test_the_officer_sees_her_referred_report_as_reviewed(referred, olivia, as_user):
    client = as_user(olivia)
    page = client.get(f"/force/{referred.pk}/").content.decode()
    assert 'data-status="reviewed"' in page and "Reviewed" in page
    assert "Referred" not in page and "referred" not in page.replace(referred.reference, "")
    assert REASON not in page and "handcuffed" not in page
    listing = client.get("/force/?view=mine").content.decode()
    assert "Referred" not in listing and "Reviewed" in listing


def test_an_approved_report_reads_the_same_to_the_officer(olivia, sam, as_user):
    report = filed(olivia)
    services.approve(sam, report, "")
    page = as_user(olivia).get(f"/force/{report.pk}/").content.decode()
    assert 'data-status="reviewed"' in page and "Approved" not in page


def test_filtering_by_referred_does_not_single_out_referrals(referred, olivia, sam, as_user):
    approved = filed(olivia, incident_number="26-000002")
    services.approve(sam, approved, "Fine.")
    listing = as_user(olivia).get("/force/?view=mine&status=referred").content.decode()
    assert referred.reference in listing and approved.reference in listing


@pytest.mark.parametrize("persona", ["sam", "stella", "adam"])
def test_the_referring_supervisor_standards_and_admin_see_the_referral(
    referred, persona, request, as_user
):
    page = as_user(request.getfixturevalue(persona)).get(f"/force/{referred.pk}/")
    text = page.content.decode()
    assert 'data-status="referred"' in text and REASON in text


def test_another_supervisor_of_the_unit_sees_only_reviewed(referred, north, as_user):
    sue = make_user("sue", "supervisor", north)
    text = as_user(sue).get(f"/force/{referred.pk}/").content.decode()
    assert 'data-status="reviewed"' in text and REASON not in text


def test_the_referral_carries_the_incident_number_and_time(referred):
    complaint = Complaint.objects.get()
    assert complaint.incident_number == referred.incident_number
    assert complaint.incident_at == referred.occurred_at


def test_a_video_in_a_restricted_case_is_not_auto_linked(olivia, sam, stella, clip_path):
    clip = video(clip_path, olivia, WHEN - minutes(5))
    case = cases.create_case(number="IA-1", title="IA", actor=stella, restricted=True)
    cases.link_item(case, clip, actor=stella)
    report = filed(olivia)
    assert not report.recordings.exists() and report.missing_recording


def test_a_video_sent_with_a_complaint_is_not_auto_linked(olivia, sam, clip_path):
    clip = video(clip_path, olivia, WHEN - minutes(5))
    complaint, _ = portal_complaint()
    ReportMedia.objects.create(report=complaint.report, item=clip)
    report = filed(olivia)
    assert not report.recordings.exists() and report.missing_recording


def test_an_ordinary_covering_video_is_still_auto_linked(olivia, sam, clip_path):
    clip = video(clip_path, olivia, WHEN - minutes(5))
    report = filed(olivia)
    assert list(report.recordings.all()) == [clip]
