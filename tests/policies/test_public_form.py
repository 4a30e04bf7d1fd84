"""The public comment form: no account, CSRF, polite refusals, rate limits."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from evidentia.policies.models import PolicyComment
from evidentia.policies.services import comments

URL = "/public/policies/body-worn-cameras/comment/"


def test_the_public_list_and_page_need_no_account(client, period):
    listing = client.get("/public/policies/").content.decode()
    assert "Body-worn cameras" in listing and "Open for comment" in listing
    page = client.get("/public/policies/body-worn-cameras/").content.decode()
    assert 'name="body"' in page and "never published" in page


def test_a_comment_is_taken_and_waits_for_moderation(client, period):
    answer = client.post(URL, {"body": "Good change.", "display_name": "Ana", "email": ""})
    assert answer.status_code == 302
    comment = PolicyComment.objects.get()
    assert (comment.body, comment.status) == ("Good change.", "pending")


def test_an_empty_comment_is_refused_with_a_message(client, period):
    answer = client.post(URL, {"body": "   "})
    assert answer.status_code == 400
    assert "Write your comment." in answer.content.decode()
    assert not PolicyComment.objects.exists()


def test_a_too_long_comment_is_refused_and_the_text_kept(client, period):
    answer = client.post(URL, {"body": "x" * (comments.MAX_COMMENT + 1)})
    assert answer.status_code == 400
    assert "under 5,000 characters" in answer.content.decode()
    assert not PolicyComment.objects.exists()


def test_a_bad_email_is_refused(client, period):
    answer = client.post(URL, {"body": "Fine.", "email": "not-an-address"})
    assert answer.status_code == 400
    assert "does not look right" in answer.content.decode()


def test_a_comment_outside_any_period_is_refused_politely(client, policy):
    answer = client.post(URL, {"body": "Too late?"})
    assert answer.status_code == 409
    assert "not open for comment" in answer.content.decode()
    assert not PolicyComment.objects.exists()


def test_a_comment_after_the_period_closed_is_refused_politely(client, period):
    period.closes_on = comments.today() - timedelta(days=1)
    period.save()
    answer = client.post(URL, {"body": "Late."})
    assert answer.status_code == 409 and "Thank you for your interest" in answer.content.decode()


def test_the_form_needs_its_csrf_token(period):
    answer = Client(enforce_csrf_checks=True).post(URL, {"body": "No token."})
    assert answer.status_code == 403
    assert not PolicyComment.objects.exists()


def test_too_many_comments_from_one_connection_get_a_readable_429(client, period, settings):
    settings.POLICY_COMMENTS_PER_HOUR = 2
    for n in range(2):
        assert client.post(URL, {"body": f"Comment {n}."}).status_code == 302
    answer = client.post(URL, {"body": "One more."})
    assert answer.status_code == 429
    assert "Too many comments" in answer.content.decode()
    assert int(answer["Retry-After"]) > 0
    assert PolicyComment.objects.count() == 2


def test_no_address_is_stored_with_a_comment(client, period):
    client.post(URL, {"body": "Private."}, REMOTE_ADDR="203.0.113.9")
    fields = [f.attname for f in PolicyComment._meta.concrete_fields]
    assert not any("ip" in name or "addr" in name for name in fields)
    assert "203.0.113.9" not in str(PolicyComment.objects.values().get())


def test_an_unknown_policy_is_a_readable_404(client, db):
    answer = client.get("/public/policies/no-such-policy/")
    assert answer.status_code == 404
    assert "no published policy" in answer.content.decode()
