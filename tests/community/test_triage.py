"""Triage services: status, assignment and replies, what the resident and the public see
of each, the mail the resident gets, and the ledger event written with each change."""

from __future__ import annotations

import pytest
from django.core import mail

from evidentia.community.models import Report, ReportUpdate, Status, Visibility
from evidentia.community.services import moderation, public, triage
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import Conflict
from evidentia.custody import events, ledger
from evidentia.custody.models import Event
from tests.community.conftest import file
from tests.community.staff import last_event

pytestmark = pytest.mark.django_db


def test_setting_a_status_adds_an_update_the_resident_sees(filed, sam):
    triage.set_status(filed.report, Status.IN_PROGRESS, "An officer will look today.", actor=sam)
    update = public.resident_updates(filed.report).get()
    assert update.kind == ReportUpdate.Kind.STATUS and update.status == Status.IN_PROGRESS
    assert update.text == "An officer will look today." and update.author == sam


def test_a_status_change_on_a_public_report_is_public(filed, sam):
    triage.set_status(filed.report, Status.IN_PROGRESS, actor=sam)
    assert public.public_updates(filed.report).get().status == Status.IN_PROGRESS


def test_a_status_change_in_a_private_category_is_for_the_resident_only(sam):
    report = file("drug-activity").report
    triage.set_status(report, Status.REFERRED, "Passed to the drugs unit.", actor=sam)
    assert not public.public_updates(report).exists()
    assert public.resident_updates(report).get().visibility == Visibility.REPORTER


def test_resolving_sets_closed_at_and_bumps_updated_at(filed, sam):
    before = filed.report.updated_at
    report = triage.set_status(filed.report, Status.RESOLVED, "Cleaned.", actor=sam)
    report.refresh_from_db()
    assert report.closed_at is not None and report.updated_at > before


def test_reopening_clears_closed_at(filed, sam):
    triage.set_status(filed.report, Status.CLOSED, actor=sam)
    report = triage.set_status(filed.report, Status.IN_PROGRESS, actor=sam)
    report.refresh_from_db()
    assert report.closed_at is None and report.status == Status.IN_PROGRESS


def test_a_status_change_is_in_the_ledger_without_the_note(filed, sam):
    triage.set_status(filed.report, Status.RESOLVED, "Mrs Jones at no. 12 cleaned it.", actor=sam)
    event = last_event(events.REPORT_STATUS_CHANGED)
    assert event["detail"]["from"] == "received" and event["detail"]["to"] == "resolved"
    assert event["detail"]["report"] == filed.report.public_id
    assert "Jones" not in Event.objects.get(kind=events.REPORT_STATUS_CHANGED).body


def test_the_same_status_again_is_refused(filed, sam):
    with pytest.raises(Conflict):
        triage.set_status(filed.report, Status.RECEIVED, actor=sam)


def test_an_unknown_status_is_refused_next_to_the_field(filed, sam):
    with pytest.raises(Invalid) as refused:
        triage.set_status(filed.report, "lost", actor=sam)
    assert "status" in refused.value.errors


def test_assigning_a_unit_is_an_internal_update_with_its_event(filed, sam, north):
    triage.assign(filed.report, north, actor=sam)
    assert Report.objects.get(pk=filed.report.pk).unit == north
    assert filed.report.updates.get().visibility == Visibility.INTERNAL
    assert not public.resident_updates(filed.report).exists()
    assert last_event(events.REPORT_ASSIGNED)["detail"]["to"] == "north"


def test_the_resident_sees_public_and_private_replies_but_never_internal_notes(filed, ivan):
    triage.reply(filed.report, "Thanks, we are on it.", Visibility.PUBLIC, actor=ivan)
    triage.reply(filed.report, "Can you tell us the time?", Visibility.REPORTER, actor=ivan)
    triage.reply(filed.report, "Known tagger, see case 12.", Visibility.INTERNAL, actor=ivan)
    seen = list(public.resident_updates(filed.report).values_list("text", flat=True))
    assert seen == ["Thanks, we are on it.", "Can you tell us the time?"]


def test_the_public_sees_only_public_replies(filed, ivan):
    triage.reply(filed.report, "Thanks, we are on it.", Visibility.PUBLIC, actor=ivan)
    triage.reply(filed.report, "Can you tell us the time?", Visibility.REPORTER, actor=ivan)
    assert [u.text for u in public.public_updates(filed.report)] == ["Thanks, we are on it."]


def test_an_internal_note_leaves_updated_at_alone(filed, ivan):
    before = Report.objects.get(pk=filed.report.pk).updated_at
    triage.reply(filed.report, "Known tagger.", Visibility.INTERNAL, actor=ivan)
    assert Report.objects.get(pk=filed.report.pk).updated_at == before


def test_a_public_reply_on_a_report_not_on_the_public_site_is_refused(ivan):
    report = file("suspicious-activity").report
    with pytest.raises(Invalid) as refused:
        triage.reply(report, "Thanks.", Visibility.PUBLIC, actor=ivan)
    assert "visibility" in refused.value.errors


def test_an_empty_reply_is_refused_next_to_the_field(filed, ivan):
    with pytest.raises(Invalid) as refused:
        triage.reply(filed.report, "   ", Visibility.REPORTER, actor=ivan)
    assert refused.value.errors == {"text": "Write a reply first."}


def test_a_reply_is_emailed_to_a_resident_who_left_an_address(
    ivan, django_capture_on_commit_callbacks
):
    report = file(contact_email="ada@example.org").report
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        triage.reply(report, "We cleaned the wall.", Visibility.REPORTER, actor=ivan)
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert "We cleaned the wall." in mail.outbox[0].body


def test_a_status_change_is_emailed_to_the_resident(sam, django_capture_on_commit_callbacks):
    report = file(contact_email="ada@example.org").report
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        triage.set_status(report, Status.RESOLVED, "The wall is clean.", actor=sam)
    assert "now resolved" in mail.outbox[0].body and "The wall is clean." in mail.outbox[0].body


def test_the_mail_links_to_a_full_address_when_no_public_origin_is_set(
    sam, as_user, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = ""
    report = file(contact_email="ada@example.org").report
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_user(sam).post(
            f"/community/reports/{report.pk}/status",
            {"status-status": Status.RESOLVED, "status-note": ""},
        )
    assert answer.status_code == 302 and "http://testserver/public/" in mail.outbox[0].body


def test_an_internal_note_emails_nobody(ivan, django_capture_on_commit_callbacks):
    report = file(contact_email="ada@example.org").report
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        triage.reply(report, "Known tagger.", Visibility.INTERNAL, actor=ivan)
    assert mail.outbox == []


def test_a_reply_event_holds_a_digest_not_the_words(filed, ivan):
    triage.reply(filed.report, "Call Bob on 555-0199.", Visibility.INTERNAL, actor=ivan)
    event = Event.objects.get(kind=events.REPORT_REPLIED)
    assert "Bob" not in event.body and "text_sha256" in event.body
    assert event.actor == "ivan"


@pytest.mark.parametrize(
    "act",
    [
        lambda r, other, u, unit: triage.set_status(r, Status.RESOLVED, "done", actor=u),
        lambda r, other, u, unit: triage.assign(r, unit, actor=u),
        lambda r, other, u, unit: triage.reply(r, "Thanks.", Visibility.PUBLIC, actor=u),
        lambda r, other, u, unit: triage.merge(r, other, actor=u),
        lambda r, other, u, unit: triage.open_case(r, "2026-CR-1", "Graffiti", actor=u),
        lambda r, other, u, unit: moderation.edit_text(r, "Tagging.", "Tidy", actor=u),
        lambda r, other, u, unit: moderation.set_listed(r, False, "Private", actor=u),
    ],
    ids=["status", "assign", "reply", "merge", "case", "moderate", "hide"],
)
def test_a_change_and_its_ledger_event_commit_together(filed, sam, north, monkeypatch, act):
    other = file(description="The same tags, seen from the other side.").report

    def broken(*args, **kwargs):
        raise RuntimeError("the ledger is unavailable")

    monkeypatch.setattr(ledger, "record", broken)
    with pytest.raises(RuntimeError):
        act(filed.report, other, sam, north)
    report = Report.objects.get(pk=filed.report.pk)
    assert report.status == Status.RECEIVED and report.unit is None and report.case is None
    assert report.duplicate_of is None and report.public and not report.moderated
    assert not report.updates.exists() and not report.edits.exists()
    assert not other.updates.exists()
