"""Moderation: the public text and the public listing change, the original never does,
and each edit keeps what was there before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from evidentia.community.models import ModerationEdit, Report
from evidentia.community.services import moderation, public
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import Conflict, NotFound
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.community.conftest import file
from tests.community.staff import complaint, last_event, ledger_events

pytestmark = pytest.mark.django_db
NAMED = "Tagging on the wall by Tom Baker's house at 12 Elm St."
CLEAN = "Tagging on the wall of a house on Elm St."


@pytest.fixture
def named(db) -> Report:
    return file(description=NAMED).report


def test_editing_the_public_text_keeps_the_original_for_staff(named, sam):
    moderation.edit_text(named, CLEAN, "Removed a neighbour's name", actor=sam)
    named.refresh_from_db()
    assert named.description == NAMED
    assert named.moderated and named.public_description == CLEAN


def test_the_edit_is_logged_with_before_after_reason_and_editor(named, sam):
    moderation.edit_text(named, CLEAN, "Removed a neighbour's name", actor=sam)
    edit = ModerationEdit.objects.get(report=named)
    assert (edit.before, edit.after) == (NAMED, CLEAN)
    assert edit.reason == "Removed a neighbour's name" and edit.editor == sam


def test_a_second_edit_logs_the_first_edit_as_its_before(named, sam):
    moderation.edit_text(named, CLEAN, "Removed a name", actor=sam)
    moderation.edit_text(named, "Tagging on a wall.", "Shorter", actor=sam)
    assert list(named.edits.values_list("before", flat=True)) == [NAMED, CLEAN]


def test_the_public_projection_shows_the_moderated_text(named, sam):
    moderation.edit_text(named, CLEAN, "Removed a name", actor=sam)
    named.refresh_from_db()
    assert public.project(named).description == CLEAN


def test_the_ledger_gets_digests_not_the_text(named, sam):
    moderation.edit_text(named, CLEAN, "Removed Tom Baker", actor=sam)
    body = Event.objects.get(kind=events.REPORT_MODERATED).body
    assert "Baker" not in body and "Elm" not in body
    detail = last_event(events.REPORT_MODERATED)["detail"]
    assert detail["field"] == "public_description" and len(detail["before_sha256"]) == 64


def test_a_moderation_edit_needs_a_reason(named, sam):
    with pytest.raises(Invalid) as refused:
        moderation.edit_text(named, CLEAN, " ", actor=sam)
    assert "reason" in refused.value.errors
    assert not ModerationEdit.objects.exists()


def test_the_same_public_text_again_is_refused(named, sam):
    moderation.edit_text(named, CLEAN, "Removed a name", actor=sam)
    with pytest.raises(Conflict):
        moderation.edit_text(named, CLEAN, "Again", actor=sam)


def test_hiding_a_report_takes_it_off_the_public_list(filed, sam):
    moderation.set_listed(filed.report, False, "Names a private person", actor=sam)
    assert not public.public_reports().filter(pk=filed.report.pk).exists()
    edit = ModerationEdit.objects.get(report=filed.report)
    assert (edit.field, edit.before, edit.after) == ("public", "shown", "hidden")


def test_hiding_a_report_marks_it_as_updated_for_open311(filed, sam):
    before = filed.report.updated_at - timedelta(hours=1)
    Report.objects.filter(pk=filed.report.pk).update(updated_at=before)
    moderation.set_listed(filed.report, False, "Names a neighbour", actor=sam)
    filed.report.refresh_from_db()
    assert filed.report.updated_at > before


def test_showing_a_hidden_report_again_is_logged(filed, sam):
    moderation.set_listed(filed.report, False, "Checking", actor=sam)
    moderation.set_listed(filed.report, True, "Checked", actor=sam)
    assert public.public_reports().filter(pk=filed.report.pk).exists()
    changes = ledger_events(events.REPORT_MODERATED)
    assert [e["detail"]["to"] for e in changes] == ["hidden", "shown"]


def test_a_report_in_a_private_category_cannot_be_made_public(sam):
    report = file("drug-activity").report
    with pytest.raises(Conflict):
        moderation.set_listed(report, True, "Looks harmless", actor=sam)
    assert not Report.objects.get(pk=report.pk).public


def test_a_complaint_cannot_be_made_public(stella):
    report = complaint()
    with pytest.raises(Conflict):
        moderation.set_listed(report, True, "Transparency", actor=stella)


def test_a_supervisor_cannot_moderate_a_complaint_it_cannot_see(sam):
    with pytest.raises(NotFound):
        moderation.edit_text(complaint(), "Nothing", "Because", actor=sam)
