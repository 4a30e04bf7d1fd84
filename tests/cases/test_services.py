"""Case services: each change is checked, made and recorded in one step."""

from __future__ import annotations

import hashlib
import json

import pytest

from evidentia.cases import services as cases
from evidentia.cases.models import CaseItem, CaseStatus
from evidentia.core.errors import Conflict, NotFound, PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Item


def last(kind: str) -> dict:
    return json.loads(Event.objects.filter(kind=kind).latest("seq").body)


def test_opening_a_case_keeps_its_incident_number_and_description(ivan):
    case = cases.create_case(
        number="2026-1",
        title="Robbery",
        incident_number="CAD-1",
        description="Corner shop",
        actor=ivan,
    )
    assert (case.incident_number, case.description, case.status) == ("CAD-1", "Corner shop", "open")
    assert last(events.CASE_CREATED)["detail"]["incident_number"] == "CAD-1"


def test_an_officer_cannot_open_a_case(olivia):
    with pytest.raises(PermissionDenied):
        cases.create_case(number="2026-2", title="Mine", actor=olivia)


def test_a_case_number_is_taken_only_once(ivan, ivans_case):
    with pytest.raises(Conflict):
        cases.create_case(number=ivans_case.number, title="Again", actor=ivan)


def test_a_prosecutor_cannot_be_made_a_member(ivan, petra):
    with pytest.raises(Rejected, match="does not join cases"):
        cases.create_case(number="2026-3", title="Fraud", actor=ivan, members=[petra])


def test_editing_details_records_old_and_new_values(ivan, ivans_case):
    cases.update_case(ivans_case, {"title": "Aggravated assault"}, actor=ivan)
    changes = last(events.CASE_UPDATED)["detail"]["changes"]
    assert changes == {"title": {"from": "Assault at Harbor Road", "to": "Aggravated assault"}}


def test_a_member_without_a_managing_role_cannot_edit_details(ivan, olivia, ivans_case):
    cases.add_member(ivans_case, olivia, actor=ivan)
    with pytest.raises(PermissionDenied):
        cases.update_case(ivans_case, {"title": "Changed"}, actor=olivia)


def test_the_custodian_manages_an_unrestricted_case_without_joining_it(carmen, ivans_case):
    cases.set_status(ivans_case, CaseStatus.CLOSED, actor=carmen)
    assert last(events.CASE_STATUS_CHANGED)["detail"] == {"from": "open", "to": "closed"}


def test_an_unknown_status_is_refused(ivan, ivans_case):
    with pytest.raises(Rejected):
        cases.set_status(ivans_case, "solved", actor=ivan)


def test_adding_and_removing_a_member_are_both_in_the_ledger(ivan, olivia, ivans_case):
    cases.add_member(ivans_case, olivia, actor=ivan)
    cases.remove_member(ivans_case, olivia, actor=ivan)
    kinds = list(Event.objects.filter(case_id=ivans_case.pk).values_list("kind", flat=True))
    assert events.CASE_MEMBER_ADDED in kinds and events.CASE_MEMBER_REMOVED in kinds
    assert not ivans_case.members.filter(pk=olivia.pk).exists()


def test_the_last_member_cannot_be_removed(ivan, ivans_case):
    with pytest.raises(Conflict, match="at least one member"):
        cases.remove_member(ivans_case, ivan, actor=ivan)


def test_unlinking_removes_the_link_and_never_the_evidence(ivan, olivias_clip, ivans_case):
    cases.link_item(ivans_case, olivias_clip, actor=ivan)
    cases.unlink_item(ivans_case, olivias_clip.pk, actor=ivan)
    assert Item.objects.filter(pk=olivias_clip.pk).exists()
    assert not CaseItem.objects.filter(case=ivans_case).exists()
    assert last(events.CASE_ITEM_UNLINKED)["item"] == str(olivias_clip.pk)


def test_unlinking_something_not_linked_is_a_not_found(ivan, olivias_clip, ivans_case):
    with pytest.raises(NotFound):
        cases.unlink_item(ivans_case, olivias_clip.pk, actor=ivan)


def test_linking_by_id_refuses_evidence_the_actor_cannot_see(ivan, oscars_clip, ivans_case):
    with pytest.raises(NotFound):
        cases.link_visible_item(ivans_case, oscars_clip.pk, actor=ivan)
    assert not CaseItem.objects.exists()


def test_a_non_member_cannot_link_to_a_case(sam, olivias_clip, ivans_case):
    with pytest.raises(PermissionDenied):
        cases.link_visible_item(ivans_case, olivias_clip.pk, actor=sam)


def test_an_archived_case_refuses_new_evidence(ivan, carmen, olivias_clip, ivans_case):
    cases.set_status(ivans_case, CaseStatus.ARCHIVED, actor=ivan)
    with pytest.raises(Conflict, match="archived"):
        cases.link_visible_item(ivans_case, olivias_clip.pk, actor=carmen)


def test_an_archived_case_can_be_reopened(ivan, ivans_case):
    cases.set_status(ivans_case, CaseStatus.ARCHIVED, actor=ivan)
    cases.set_status(ivans_case, CaseStatus.OPEN, actor=ivan)
    assert ivans_case.status == CaseStatus.OPEN


def test_a_case_note_is_recorded_with_a_hash_of_its_text(ivan, ivans_case):
    note = cases.add_case_note(ivans_case, "Witness called back.", actor=ivan)
    detail = last(events.CASE_NOTE_ADDED)["detail"]
    assert detail == {
        "note": note.pk,
        "sha256": hashlib.sha256(b"Witness called back.").hexdigest(),
    }


def test_an_empty_note_is_refused(ivan, ivans_case):
    with pytest.raises(Rejected):
        cases.add_case_note(ivans_case, "   ", actor=ivan)
