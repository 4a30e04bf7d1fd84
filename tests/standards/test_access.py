"""Role by role: only standards investigators and administrators see complaints, and
everyone else gets the ordinary 404, never a 403, on every standards page; complaints do
not show up, even as numbers, in the community queue's counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.core.errors import NotFound
from evidentia.custody import events
from evidentia.standards.services import access, allegations, investigation, linking
from tests.standards.helpers import portal_complaint, recording

pytestmark = pytest.mark.django_db
OUTSIDERS = ["olivia", "oscar", "sam", "carmen", "ivan", "petra", "audrey"]
STANDARDS = ["stella", "adam"]


@pytest.fixture
def complaint(db):
    return portal_complaint()[0]


def _pages(complaint) -> list[str]:
    return ["/standards/", "/standards/new/", f"/standards/{complaint.pk}/"]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_every_standards_page(request, persona, as_user, complaint):
    client = as_user(request.getfixturevalue(persona))
    for url in _pages(complaint):
        response = client.get(url)
        assert response.status_code == 404, url
        assert complaint.reference.encode() not in response.content


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_when_posting_to_a_complaint(request, persona, as_user, complaint):
    client = as_user(request.getfixturevalue(persona))
    response = client.post(f"/standards/{complaint.pk}/notes/", {"text": "hello"})
    assert response.status_code == 404
    assert not complaint.notes.exists()


@pytest.mark.parametrize("persona", STANDARDS)
def test_standards_see_the_queue_and_the_complaint(request, persona, as_user, complaint):
    client = as_user(request.getfixturevalue(persona))
    queue = client.get("/standards/")
    assert queue.status_code == 200 and complaint.reference.encode() in queue.content
    page = client.get(f"/standards/{complaint.pk}/")
    assert page.status_code == 200 and b"Use of force" in page.content
    assert client.get("/standards/new/").status_code == 200


def test_an_unknown_complaint_is_404_for_standards_too(stella, as_user):
    url = "/standards/00000000-0000-0000-0000-000000000000/"
    assert as_user(stella).get(url).status_code == 404


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_services_refuse_outsiders_as_not_found(request, persona, complaint):
    user = request.getfixturevalue(persona)
    allegation = complaint.allegations.get()
    refusals = [
        lambda: access.get_complaint(user, complaint.pk),
        lambda: investigation.add_note(user, complaint, "x"),
        lambda: investigation.assign(user, complaint, assignee_id=user.pk, due_on=None),
        lambda: investigation.set_status(user, complaint, "investigating"),
        lambda: allegations.record_finding(user, allegation.pk, "sustained"),
        lambda: allegations.add_action(user, allegation.pk, "training"),
        lambda: investigation.set_closing_letter(user, complaint, "Dear resident"),
        lambda: investigation.close(user, complaint, closing_letter="Dear resident"),
        lambda: allegations.add_allegation(user, complaint, type="force"),
        lambda: linking.candidates(user, complaint),
    ]
    for refuse in refusals:
        with pytest.raises(NotFound):
            refuse()
    assert access.visible_complaints(user).count() == 0


@pytest.mark.parametrize("persona", ["sam", "ivan"])
def test_the_community_queue_counts_no_complaints_for_triage(request, persona, as_user):
    portal_complaint()
    response = as_user(request.getfixturevalue(persona)).get("/community/")
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert all(c["n"] == 0 for c in response.context["counts"])


def test_the_officer_sees_no_complaint_on_her_linked_clip(olivia, stella, as_user):
    when = timezone.now() - timedelta(hours=3)
    clip = recording(olivia, when)
    complaint, _ = portal_complaint(officer="N-1042", occurred_at=when)
    linking.link(stella, complaint, clip.pk, note="Doorway angle")
    client = as_user(olivia)
    page = client.get(f"/evidence/{clip.pk}/")
    assert page.status_code == 200 and clip.title.encode() in page.content
    response = client.get(f"/api/v1/custody/events?item={clip.pk}")
    assert response.status_code == 200 and response.json(), "her own clip's history is there"
    for text in (page.content.decode(), response.content.decode()):
        assert complaint.reference not in text
        assert str(complaint.pk) not in text
        assert events.COMPLAINT_EVIDENCE_LINKED not in text
        assert "Doorway angle" not in text
