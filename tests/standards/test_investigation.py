"""Working a complaint: assignment, status, findings, corrective action, the closing
letter and the rules for closing; the resident's report follows the status."""

from __future__ import annotations

import pytest

from evidentia.community.models import Status as ReportStatus
from evidentia.core.errors import Conflict, Rejected
from evidentia.custody import events
from evidentia.standards.models import ComplaintStatus
from evidentia.standards.services import allegations
from evidentia.standards.services import investigation as inv
from tests.standards.helpers import events_of, portal_complaint

pytestmark = pytest.mark.django_db
LETTER = "Dear complainant, we investigated your complaint and have taken action."


@pytest.fixture
def complaint(db):
    return portal_complaint()[0]


def test_a_complaint_is_assigned_with_a_due_date(stella, complaint):
    from datetime import date, timedelta

    due = date.today() + timedelta(days=30)
    inv.assign(stella, complaint, assignee_id=stella.pk, due_on=due)
    complaint.refresh_from_db()
    assert complaint.assignee == stella and complaint.due_on == due
    assert events_of(events.COMPLAINT_ASSIGNED)[0]["detail"]["assignee"] == stella.pk


def test_a_complaint_is_assigned_only_to_standards(stella, ivan, complaint):
    with pytest.raises(Rejected, match="standards investigator"):
        inv.assign(stella, complaint, assignee_id=ivan.pk, due_on=None)


def test_the_report_follows_the_investigation_status(stella, complaint):
    inv.set_status(stella, complaint, ComplaintStatus.INVESTIGATING)
    complaint.report.refresh_from_db()
    assert complaint.report.status == ReportStatus.IN_PROGRESS


def test_closing_is_refused_without_a_finding_on_every_allegation(stella, olivia, complaint):
    allegations.add_allegation(stella, complaint, type="courtesy", officer_id=olivia.pk)
    first = complaint.allegations.first()
    allegations.record_finding(stella, first.pk, "sustained")
    with pytest.raises(Rejected, match="finding on every allegation"):
        inv.close(stella, complaint, closing_letter=LETTER)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED and complaint.closing_letter == ""


def test_closing_is_refused_without_a_closing_letter(stella, complaint):
    allegations.record_finding(stella, complaint.allegations.get().pk, "unfounded")
    with pytest.raises(Rejected, match="closing letter"):
        inv.close(stella, complaint)


def test_a_complaint_closes_with_findings_and_a_letter(stella, complaint):
    allegation = complaint.allegations.get()
    allegations.record_finding(stella, allegation.pk, "sustained", note="Video shows the push.")
    allegations.add_action(stella, allegation.pk, "training", description="De-escalation course")
    inv.close(stella, complaint, closing_letter=LETTER)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_at
    complaint.report.refresh_from_db()
    assert complaint.report.status == ReportStatus.CLOSED
    (closed,) = events_of(events.COMPLAINT_CLOSED)
    assert closed["detail"]["findings"] == {str(allegation.pk): "sustained"}
    assert "investigated your complaint" not in str(closed)


def test_a_closed_complaint_refuses_changes(stella, complaint):
    allegation = complaint.allegations.get()
    allegations.record_finding(stella, allegation.pk, "exonerated")
    inv.close(stella, complaint, closing_letter=LETTER)
    with pytest.raises(Conflict):
        inv.add_note(stella, complaint, "More")
    with pytest.raises(Conflict):
        allegations.record_finding(stella, allegation.pk, "sustained")


def test_an_unknown_finding_is_refused(stella, complaint):
    with pytest.raises(Rejected, match="Choose a finding"):
        allegations.record_finding(stella, complaint.allegations.get().pk, "guilty")


def test_corrective_action_needs_a_finding_first(stella, complaint):
    with pytest.raises(Rejected, match="finding"):
        allegations.add_action(stella, complaint.allegations.get().pk, "training")


def test_the_finding_is_in_the_ledger_without_its_reasons(stella, complaint):
    allegations.record_finding(
        stella, complaint.allegations.get().pk, "policy_failure", note="Secret"
    )
    (body,) = events_of(events.FINDING_RECORDED)
    assert body["detail"]["finding"] == "policy_failure" and "Secret" not in str(body)


def test_notes_are_kept_and_only_their_digest_is_in_the_ledger(stella, complaint):
    inv.add_note(stella, complaint, "Interviewed the witness at the bus stop.")
    assert complaint.notes.get().text.startswith("Interviewed")
    (body,) = events_of(events.COMPLAINT_NOTE_ADDED)
    assert "witness" not in str(body) and body["detail"]["text_sha256"]


def test_closing_from_the_page_without_findings_says_why(stella, as_user, complaint):
    response = as_user(stella).post(f"/standards/{complaint.pk}/close/", {"text": LETTER})
    assert response.status_code == 422
    assert b"Record a finding on every allegation" in response.content


def test_corrective_action_is_its_own_ledger_event(stella, complaint):
    allegation = complaint.allegations.get()
    allegations.record_finding(stella, allegation.pk, "sustained")
    action = allegations.add_action(stella, allegation.pk, "training", description="De-escalation")
    (body,) = events_of(events.CORRECTIVE_ACTION_RECORDED)
    assert body["detail"]["action"] == action.pk and body["detail"]["action_kind"] == "training"
    assert not events_of(events.ALLEGATION_UPDATED)


@pytest.mark.parametrize("persona", ["carmen", "ivan", "audrey", "adam"])
def test_an_allegation_names_only_an_officer_or_a_supervisor(request, persona, stella, complaint):
    user = request.getfixturevalue(persona)
    with pytest.raises(Rejected, match="officer or supervisor"):
        allegations.add_allegation(stella, complaint, type="courtesy", officer_id=user.pk)
    assert complaint.allegations.count() == 1


def test_an_allegation_cannot_name_an_officer_who_has_left(stella, olivia, complaint):
    olivia.is_active = False
    olivia.save(update_fields=["is_active"])
    with pytest.raises(Rejected):
        allegations.add_allegation(stella, complaint, type="courtesy", officer_id=olivia.pk)


def test_an_allegation_keeps_its_officer_after_they_left(stella, olivia, complaint):
    allegation = allegations.add_allegation(
        stella, complaint, type="courtesy", officer_id=olivia.pk
    )
    olivia.is_active = False
    olivia.save(update_fields=["is_active"])
    allegations.update_allegation(
        stella, allegation.pk, type="bias", officer_id=str(olivia.pk), description="More"
    )
    allegation.refresh_from_db()
    assert allegation.officer == olivia and allegation.type == "bias"
