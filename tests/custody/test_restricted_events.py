"""Rule 6 in the ledger's read paths: a clip linked to a complaint must not tell anyone
outside professional standards, through its history, the API or a custody report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.custody import events, ledger
from evidentia.custody.models import Event
from evidentia.evidence.services.access import custody_events
from evidentia.sharing.services.contents import gather
from evidentia.standards.services.linking import link
from tests.standards.helpers import portal_complaint, recording


@pytest.fixture
def linked(db, olivia, stella):
    when = timezone.now() - timedelta(hours=3)
    clip = recording(olivia, when)
    complaint, _ = portal_complaint(officer="N-1042", occurred_at=when)
    link(stella, complaint, clip.pk)
    ledger.sign_checkpoint()
    return clip


def kinds(rows) -> set[str]:
    return {e.kind for e in rows}


def test_the_officer_does_not_see_her_clip_was_linked_to_a_complaint(linked, olivia):
    assert events.COMPLAINT_EVIDENCE_LINKED not in kinds(custody_events(olivia, linked))


def test_the_standards_investigator_sees_the_link_in_the_clips_history(linked, stella):
    assert events.COMPLAINT_EVIDENCE_LINKED in kinds(custody_events(stella, linked))


def test_the_item_events_api_leaves_the_link_out_for_a_custodian(linked, carmen, as_user):
    body = as_user(carmen).get(f"/api/v1/custody/events?item={linked.pk}").json()
    assert events.COMPLAINT_EVIDENCE_LINKED not in {e["kind"] for e in body}
    assert body, "the clip's other events are still there"


@pytest.mark.parametrize("persona", ["audrey", "carmen"])
def test_proving_a_standards_event_by_number_reads_as_missing(linked, persona, request, as_user):
    seq = Event.objects.get(kind=events.COMPLAINT_EVIDENCE_LINKED).seq
    response = as_user(request.getfixturevalue(persona)).get(
        f"/api/v1/custody/proof/inclusion?seq={seq}"
    )
    assert response.status_code == 404
    assert "standards" not in response.content.decode()


def test_an_administrator_can_prove_a_standards_event(linked, adam, as_user):
    seq = Event.objects.get(kind=events.COMPLAINT_EVIDENCE_LINKED).seq
    response = as_user(adam).get(f"/api/v1/custody/proof/inclusion?seq={seq}")
    assert response.status_code == 200


def test_a_complaint_filed_on_the_portal_cannot_be_proved_by_an_auditor(linked, audrey, as_user):
    seq = Event.objects.get(kind=events.REPORT_FILED).seq
    response = as_user(audrey).get(f"/api/v1/custody/proof/inclusion?seq={seq}")
    assert response.status_code == 404


def test_what_the_standards_investigator_did_stays_out_of_the_officers_view(linked, olivia, stella):
    ledger.record(events.PLAYED, actor=stella, item=linked)
    assert events.PLAYED not in kinds(custody_events(olivia, linked))


def test_a_court_export_carries_no_restricted_event(linked):
    custody = gather([linked], None)
    assert events.COMPLAINT_EVIDENCE_LINKED not in kinds(custody.events)
    assert events.INGESTED in kinds(custody.events)
