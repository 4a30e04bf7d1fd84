from __future__ import annotations

import json
from datetime import timedelta

import pytest

from evidentia.core.errors import Conflict, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.policies.models import CommentPeriod, CommentStatus
from evidentia.policies.services import comments


def _period(policy, adam, opens, closes) -> CommentPeriod:
    # Straight to the model: the service refuses to open a period already over.
    return CommentPeriod.objects.create(
        version=policy, opens_on=opens, closes_on=closes, created_by=adam
    )


def test_a_period_is_open_on_its_first_and_last_day(policy, adam):
    today = comments.today()
    assert comments.submit(_period(policy, adam, today, today), body="Same day.").pk


def test_a_period_refuses_comments_the_day_before_it_opens(policy, adam):
    tomorrow = comments.today() + timedelta(days=1)
    period = _period(policy, adam, tomorrow, tomorrow + timedelta(days=5))
    with pytest.raises(Rejected, match="has not opened yet"):
        comments.submit(period, body="Early.")


def test_a_period_refuses_comments_the_day_after_it_closes(policy, adam):
    yesterday = comments.today() - timedelta(days=1)
    period = _period(policy, adam, yesterday - timedelta(days=5), yesterday)
    with pytest.raises(Rejected, match="has closed"):
        comments.submit(period, body="Late.")


def test_a_period_must_not_end_before_it_starts(policy, adam):
    today = comments.today()
    with pytest.raises(Rejected, match="close on or after"):
        comments.open_period(
            policy, opens_on=today, closes_on=today - timedelta(days=1), actor=adam
        )


def test_overlapping_periods_on_one_policy_are_a_conflict(period, policy, adam):
    with pytest.raises(Conflict):
        comments.open_period(
            policy, opens_on=period.closes_on, closes_on=period.closes_on, actor=adam
        )


def test_the_ledger_keeps_no_comment_text_name_or_email(period):
    comments.submit(period, body="Secret words", display_name="Kim", email="kim@example.org")
    event = Event.objects.get(kind=events.POLICY_COMMENT_RECEIVED)
    flat = event.body + event.actor
    assert "Secret" not in flat and "Kim" not in flat and "kim@" not in flat


def test_moderation_with_an_edit_keeps_the_original(period, adam):
    comment = comments.submit(period, body="Call me on 503-555-0143. Record everything.")
    comments.moderate(
        comment, comments.EDIT, public_text="Record everything.", reason="Phone removed", actor=adam
    )
    comment.refresh_from_db()
    assert comment.body == "Call me on 503-555-0143. Record everything."
    assert comment.public_body == "Record everything."
    assert comment.status == CommentStatus.PUBLISHED
    assert Event.objects.filter(kind=events.POLICY_COMMENT_MODERATED).count() == 1


def test_an_edit_needs_a_reason(period, adam):
    comment = comments.submit(period, body="Text.")
    with pytest.raises(Rejected, match="why"):
        comments.moderate(comment, comments.EDIT, public_text="T.", actor=adam)


def test_a_rejection_needs_a_reason_and_publishes_nothing(period, adam, client):
    comment = comments.submit(period, body="Abuse here.")
    with pytest.raises(Rejected):
        comments.moderate(comment, comments.REJECT, actor=adam)
    comments.moderate(comment, comments.REJECT, reason="Abusive", actor=adam)
    assert "Abuse here" not in client.get("/public/policies/body-worn-cameras/").content.decode()


def test_a_pending_comment_is_not_public(period, client):
    comments.submit(period, body="Waiting for a moderator.")
    assert (
        "Waiting for a moderator"
        not in client.get("/public/policies/body-worn-cameras/").content.decode()
    )


def test_a_response_needs_a_published_comment(period, adam):
    comment = comments.submit(period, body="Text.")
    with pytest.raises(Conflict):
        comments.respond(comment, "Thanks.", actor=adam)


def test_a_published_comment_and_its_response_appear_in_public(period, adam, client):
    comment = comments.submit(
        period, body="Record more.", display_name="Jordan", email="jordan@example.org"
    )
    comments.moderate(comment, comments.PUBLISH, actor=adam)
    comments.respond(comment, "We will record from dispatch.", actor=adam)
    page = client.get("/public/policies/body-worn-cameras/").content.decode()
    assert "Record more." in page and "Jordan" in page
    assert "We will record from dispatch." in page
    assert "jordan@example.org" not in page
    assert Event.objects.filter(kind=events.POLICY_COMMENT_ANSWERED).count() == 1


def test_moderation_replaces_a_published_name_and_keeps_the_original(period, adam, client):
    comment = comments.submit(period, body="Record more.", display_name="Kim Lee, 12 Oak St")
    comments.moderate(
        comment,
        comments.EDIT,
        public_text="Record more.",
        public_name="Kim",
        reason="Address removed from the name",
        actor=adam,
    )
    comment.refresh_from_db()
    assert comment.display_name == "Kim Lee, 12 Oak St" and comment.shown_name == "Kim"
    page = client.get("/public/policies/body-worn-cameras/").content.decode()
    assert "<strong>Kim</strong>" in page and "Oak St" not in page


def test_moderation_can_drop_a_name_entirely(period, adam, client):
    comment = comments.submit(period, body="Record more.", display_name="Kim Lee")
    comments.moderate(
        comment, comments.EDIT, public_text="Record more.", public_name="", reason="x", actor=adam
    )
    page = client.get("/public/policies/body-worn-cameras/").content.decode()
    assert "Kim Lee" not in page and "A resident" in page


def test_a_replaced_name_is_not_in_the_ledger(period, adam):
    comment = comments.submit(period, body="Record more.", display_name="Kim Lee")
    comments.moderate(
        comment, comments.EDIT, public_text="Record more.", public_name="K.", reason="x", actor=adam
    )
    event = Event.objects.get(kind=events.POLICY_COMMENT_MODERATED)
    assert "Kim" not in event.body and "K." not in event.body
    assert json.loads(event.body)["detail"]["name_changed"] is True


def test_the_staff_moderation_form_sends_the_name(period, adam, as_user):
    comment = comments.submit(period, body="Record more.", display_name="Kim Lee")
    as_user(adam).post(
        f"/policies/comments/{comment.pk}/moderate/",
        {"action": "edit", "public_text": "Record more.", "public_name": "", "reason": "x"},
    )
    comment.refresh_from_db()
    assert comment.name_moderated and comment.shown_name == "" and comment.display_name == "Kim Lee"
