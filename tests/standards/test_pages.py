"""The /standards/ pages on bad input (a clear 4xx, never a 500, nothing saved), the
queue's order, editing a complaint's details, and what the complainant added later."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from evidentia.community.models import ReportMedia
from evidentia.community.services import reports
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.standards.models import Complaint
from tests.standards.helpers import WORDS, events_of, portal_complaint, recording

pytestmark = pytest.mark.django_db
NINES = "9" * 30


def phone(**over) -> dict[str, str]:
    data = {
        "source": "phone",
        "allegation_type": "courtesy",
        "description": WORDS,
        "where": "Central Library",
    }
    return data | over


def test_a_phone_complaint_with_a_time_is_taken_in_utc(stella, as_user):
    response = as_user(stella).post("/standards/new/", phone(occurred_at="2026-03-14 18:30"))
    assert response.status_code == 200 and b"tracking" in response.content.lower()
    assert Complaint.objects.get().incident_at == datetime(2026, 3, 14, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad",
    [
        {"occurred_at": "2026-02-30 10:00"},
        {"occurred_at": "2999-01-01 10:00"},
        {"officer": "²"},
        {"officer": NINES},
    ],
)
def test_staff_intake_with_bad_input_is_a_clear_4xx_and_saves_nothing(stella, as_user, bad):
    response = as_user(stella).post("/standards/new/", phone(**bad))
    assert 400 <= response.status_code < 500
    assert response.context["error"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("assignee", ["²", NINES, "abc"])
def test_the_queue_ignores_an_assignee_it_cannot_read(stella, as_user, assignee):
    complaint, _ = portal_complaint()
    response = as_user(stella).get("/standards/", {"assignee": assignee})
    assert response.status_code == 200 and complaint.reference.encode() in response.content


def test_the_queue_lists_the_newest_complaint_first(stella, as_user):
    older, _ = portal_complaint()
    newer, _ = portal_complaint()
    Complaint.objects.filter(pk=older.pk).update(received_at=timezone.now() - timedelta(days=3))
    Complaint.objects.filter(pk=newer.pk).update(received_at=timezone.now() - timedelta(days=1))
    third, _ = portal_complaint()  # received now
    rows = list(as_user(stella).get("/standards/").context["complaints"])
    assert rows == [third, newer, older]


@pytest.mark.parametrize("due_on", ["2026-02-30", "next week", "9" * 12])
def test_an_impossible_due_date_is_a_clear_4xx(stella, as_user, due_on):
    complaint, _ = portal_complaint()
    post = {"assignee": stella.pk, "due_on": due_on}
    response = as_user(stella).post(f"/standards/{complaint.pk}/assign/", post)
    assert response.status_code == 422 and b"due date" in response.content
    complaint.refresh_from_db()
    assert complaint.assignee is None


@pytest.mark.parametrize("assignee", ["²", NINES])
def test_an_unreadable_assignee_is_a_clear_4xx(stella, as_user, assignee):
    complaint, _ = portal_complaint()
    response = as_user(stella).post(f"/standards/{complaint.pk}/assign/", {"assignee": assignee})
    assert response.status_code == 422 and b"standards investigator" in response.content


@pytest.mark.parametrize("officer", ["²", NINES])
def test_an_unreadable_officer_on_an_allegation_is_a_clear_4xx(stella, as_user, officer):
    complaint, _ = portal_complaint()
    post = {"type": "courtesy", "officer": officer}
    response = as_user(stella).post(f"/standards/{complaint.pk}/allegations/", post)
    assert response.status_code == 422
    assert complaint.allegations.count() == 1


def test_the_investigator_sets_the_incident_details_and_candidates_follow(stella, olivia, as_user):
    complaint, _ = portal_complaint(officer="N-1042")
    assert complaint.incident_at is None
    when = timezone.now().replace(microsecond=0, second=0) - timedelta(days=2)
    clip = recording(olivia, when + timedelta(hours=1))
    client = as_user(stella)
    post = {
        "summary": "Push at the library door; see the doorway camera.",
        "incident_at": when.strftime("%Y-%m-%d %H:%M"),
        "incident_number": "26-004211",
        "location": "Central Library, SW 10th Ave",
    }
    response = client.post(f"/standards/{complaint.pk}/details/", post)
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.incident_at == when and complaint.incident_number == "26-004211"
    assert complaint.location.startswith("Central Library")
    page = client.get(f"/standards/{complaint.pk}/")
    assert clip in list(page.context["candidates"])
    (body,) = events_of(events.COMPLAINT_UPDATED)
    assert set(body["detail"]["changed"]) == {
        "summary",
        "incident_at",
        "incident_number",
        "location",
    }
    assert "library" not in json.dumps(body).lower()


def test_details_with_a_bad_time_change_nothing(stella, as_user):
    complaint, _ = portal_complaint()
    post = {"summary": "New summary", "incident_at": "2026-02-30 10:00"}
    response = as_user(stella).post(f"/standards/{complaint.pk}/details/", post)
    assert response.status_code == 422
    complaint.refresh_from_db()
    assert complaint.summary == WORDS
    assert not Event.objects.filter(kind=events.COMPLAINT_UPDATED).exists()


def test_the_complaint_page_shows_what_the_complainant_added_and_links_the_report(
    stella, olivia, as_user
):
    complaint, _ = portal_complaint()
    reports.add_info(complaint.report, "I remembered: the car number was 1234.")
    clip = recording(olivia, timezone.now() - timedelta(hours=2))
    ReportMedia.objects.create(report=complaint.report, item=clip)
    page = as_user(stella).get(f"/standards/{complaint.pk}/").content.decode()
    assert "the car number was 1234" in page
    assert f"/evidence/{clip.pk}/" in page
    assert f"/community/reports/{complaint.report.pk}/" in page


def test_the_closing_letter_form_warns_not_to_name_officers_or_findings(stella, as_user):
    complaint, _ = portal_complaint()
    page = as_user(stella).get(f"/standards/{complaint.pk}/").content.decode()
    assert 'aria-describedby="c-letter-hint"' in page and "Do not name officers" in page
