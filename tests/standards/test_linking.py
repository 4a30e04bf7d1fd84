"""Evidence for a complaint: candidate recordings by officer and time or incident number,
linking them, and the evidence policy letting standards see (and play) what is linked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.core.errors import Conflict, NotFound
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence import policy
from evidentia.standards.models import Complaint
from evidentia.standards.services import linking
from tests.standards.helpers import portal_complaint, recording

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident():
    return timezone.now() - timedelta(days=2)


@pytest.fixture
def complaint(olivia, incident) -> Complaint:
    complaint, _ = portal_complaint(officer="N-1042", occurred_at=incident)
    return complaint


def test_candidates_are_the_named_officers_recordings_near_the_incident(
    stella, olivia, oscar, complaint, incident
):
    near = recording(olivia, incident + timedelta(hours=3))
    far = recording(olivia, incident - timedelta(hours=30))
    other = recording(oscar, incident)
    found = set(linking.candidates(stella, complaint))
    assert near in found and far not in found and other not in found


def test_a_matching_incident_number_makes_a_candidate(stella, oscar, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(incident_number="INC-77")
    complaint.refresh_from_db()
    tagged = recording(oscar, timezone.now() - timedelta(days=90), incident_number="INC-77")
    assert tagged in set(linking.candidates(stella, complaint))


def test_a_linked_recording_becomes_visible_to_standards_and_is_in_the_ledger(
    stella, olivia, complaint, incident
):
    clip = recording(olivia, incident)
    assert not policy.can_view(stella, clip)
    linking.link(stella, complaint, clip.pk, note="Front door camera angle")
    assert policy.can_view(stella, clip) and policy.can_play(stella, clip)
    event = Event.objects.get(kind=events.COMPLAINT_EVIDENCE_LINKED)
    assert event.item_id == clip.pk and complaint.reference in event.body
    assert clip not in set(linking.candidates(stella, complaint))


def test_a_recording_is_linked_once(stella, olivia, complaint, incident):
    clip = recording(olivia, incident)
    linking.link(stella, complaint, clip.pk)
    with pytest.raises(Conflict):
        linking.link(stella, complaint, clip.pk)


def test_an_unrelated_recording_cannot_be_linked_by_guessing_its_id(stella, oscar, complaint):
    unrelated = recording(oscar, timezone.now() - timedelta(days=300))
    with pytest.raises(NotFound):
        linking.link(stella, complaint, unrelated.pk)
    with pytest.raises(NotFound):
        linking.link(stella, complaint, "not-a-uuid")


def test_linking_leaves_the_recording_hidden_from_other_officers(
    oscar, stella, olivia, complaint, incident
):
    clip = recording(olivia, incident)
    linking.link(stella, complaint, clip.pk)
    assert not policy.can_view(oscar, clip)
