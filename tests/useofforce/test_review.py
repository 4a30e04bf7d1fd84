"""The review chain: approve, return and resubmit, refer to standards, forward."""

from __future__ import annotations

import pytest

from evidentia.accounts.models import Role
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.standards.models import Complaint
from evidentia.useofforce import services
from evidentia.useofforce.models import ReportStatus, Review
from tests.conftest import make_user
from tests.useofforce.conftest import fields, filed


def actions(report) -> list[str]:
    return list(Review.objects.filter(report=report).values_list("action", flat=True))


def test_a_submitted_report_goes_to_a_supervisor_of_the_officers_unit(olivia, sam, adam):
    report = filed(olivia)
    assert report.reviewer == sam
    assert actions(report) == ["submitted"]
    assert Event.objects.filter(kind=events.FORCE_REPORT_SUBMITTED).count() == 1


def test_with_no_supervisor_in_the_unit_an_administrator_reviews_and_the_page_says_so(
    oscar, adam, as_user
):
    report = filed(oscar)
    assert report.reviewer == adam
    page = as_user(adam).get(f"/force/{report.pk}/").content.decode()
    assert "has no supervisor" in page


def test_the_supervisor_approves(olivia, sam, as_user):
    report = filed(olivia)
    response = as_user(sam).post(f"/force/{report.pk}/review", {"action": "approve"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.decided_at is not None
    assert actions(report) == ["submitted", "approved"]
    assert Event.objects.filter(kind=events.FORCE_REPORT_APPROVED).count() == 1


def test_returning_needs_comments(olivia, sam, as_user):
    report = filed(olivia)
    response = as_user(sam).post(f"/force/{report.pk}/review", {"action": "return"})
    assert response.status_code == 422
    assert "Say what the officer must change" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_returned_report_is_edited_and_resubmitted_to_the_same_reviewer(
    olivia, sam, north, as_user
):
    make_user("sue", Role.SUPERVISOR, north)  # another supervisor in the unit
    report = filed(olivia)
    first = report.reviewer
    services.return_for_changes(sam, report, "Describe the subject's resistance.")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    client = as_user(olivia)
    page = client.get(f"/force/{report.pk}/edit/").content.decode()
    assert "Describe the subject&#x27;s resistance." in page
    post = fields(action="submit", reason="He pulled away and swung at me twice.")
    assert client.post(f"/force/{report.pk}/edit/", post).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.reviewer == first == sam
    assert report.reason == "He pulled away and swung at me twice."
    assert actions(report) == ["submitted", "returned", "submitted"]


def test_referring_opens_a_complaint_in_professional_standards(olivia, sam, as_user):
    report = filed(olivia)
    post = {"action": "refer", "comments": "Strikes to the head while handcuffed."}
    assert as_user(sam).post(f"/force/{report.pk}/review", post).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REFERRED
    complaint = Complaint.objects.get()
    assert report.complaint == complaint
    allegation = complaint.allegations.get()
    assert (allegation.officer, allegation.type) == (olivia, "force")
    referred = Event.objects.get(kind=events.FORCE_REPORT_REFERRED)
    assert str(complaint.pk) not in referred.body


def test_the_referral_shows_only_to_standards(olivia, sam, stella, as_user):
    report = filed(olivia)
    services.refer(sam, report, "Needs a look.")
    report.refresh_from_db()
    reference = report.complaint.reference
    assert reference in as_user(stella).get(f"/force/{report.pk}/").content.decode()
    assert reference not in as_user(olivia).get(f"/force/{report.pk}/").content.decode()
    assert reference not in as_user(sam).get(f"/force/{report.pk}/").content.decode()


def test_forwarding_hands_the_review_up_the_chain(olivia, sam, adam, as_user):
    report = filed(olivia)
    post = {"action": "forward", "to": "adam", "comments": "Firearm pointed: command review."}
    assert as_user(sam).post(f"/force/{report.pk}/review", post).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.reviewer == adam
    assert actions(report) == ["submitted", "forwarded"]
    services.approve(adam, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_forwarding_needs_a_known_supervisor_or_administrator(olivia, sam, ivan):
    report = filed(olivia)
    with pytest.raises(Rejected):
        services.forward(sam, report, "")
    with pytest.raises(NotFound, match="not a supervisor or administrator"):
        services.forward(sam, report, "ivan")


def test_an_officer_cannot_review_their_own_report(sam, adam, as_user):
    report = filed(sam)  # a supervisor's own report goes to an administrator
    assert report.reviewer == adam
    with pytest.raises(PermissionDenied, match="your own"):
        services.approve(sam, report)
    response = as_user(sam).post(f"/force/{report.pk}/review", {"action": "approve"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_an_officer_cannot_approve_another_officers_report(olivia, sam, oscar):
    report = filed(olivia)
    with pytest.raises(PermissionDenied):
        services.approve(oscar, report)


def test_a_supervisor_of_another_unit_cannot_review(olivia, sam, south):
    other = make_user("sid", Role.SUPERVISOR, south)
    report = filed(olivia)
    with pytest.raises(PermissionDenied):
        services.approve(other, report)


def test_a_decided_report_cannot_be_decided_again(olivia, sam):
    report = filed(olivia)
    services.approve(sam, report)
    with pytest.raises(Conflict, match="not awaiting review"):
        services.return_for_changes(sam, report, "Too late")


def test_every_submitted_version_is_kept_after_edits_following_a_return(olivia, sam, as_user):
    report = filed(olivia, reason="He resisted.")
    services.return_for_changes(sam, report, "Describe the resistance.")
    post = fields(action="submit", reason="He pulled away and swung at me twice.")
    assert as_user(olivia).post(f"/force/{report.pk}/edit/", post).status_code == 302
    sent = Review.objects.filter(report=report, action="submitted").order_by("created_at")
    assert [v.snapshot["reason"] for v in sent] == [
        "He resisted.",
        "He pulled away and swung at me twice.",
    ]


def test_the_ledger_holds_the_digest_of_what_was_submitted(olivia, sam):
    import hashlib
    import json

    from evidentia.core.canonical import canonical_json

    report = filed(olivia)
    body = json.loads(Event.objects.get(kind=events.FORCE_REPORT_SUBMITTED).body)
    sent = Review.objects.get(report=report, action="submitted").snapshot
    assert body["detail"]["content_sha256"] == hashlib.sha256(canonical_json(sent)).hexdigest()
    assert "reason" not in body["detail"]
