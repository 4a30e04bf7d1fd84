"""The release link after fulfilment: e-mailed to the requester (the token in the mail
only, never in the ledger or a log), sent again with a rate limit, and reissued with the
old link dead at once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from evidentia.core.errors import Conflict, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.sharing.models import RecordsRequest
from evidentia.sharing.services import records, records_clerk
from tests.sharing.test_c2pa import redacted_version
from tests.sharing.test_records import REQUEST


@pytest.fixture
def filed(db):
    return records.file_request(dict(REQUEST)).request


def release(carmen, ivan, clips, rr, capture) -> str:
    version = redacted_version(clips[0], ivan, carmen, b"blurred video bytes")
    records.attach(carmen, rr, clips[0], version.pk)
    mail.outbox.clear()
    with capture(execute=True):
        return records.fulfil(carmen, rr)


@pytest.fixture
def released(carmen, ivan, clips, filed, django_capture_on_commit_callbacks):
    return filed, release(carmen, ivan, clips, filed, django_capture_on_commit_callbacks)


def expire(rr: RecordsRequest) -> None:
    rr.link_expires_at = timezone.now() - timedelta(seconds=1)
    RecordsRequest.objects.filter(pk=rr.pk).update(link_expires_at=rr.link_expires_at)


def ledger_text() -> str:
    return "\n".join(Event.objects.values_list("body", flat=True))


def download(client, token: str) -> int:
    return client.get(f"/public/records/download/{token}").status_code


# Fulfilment ----------------------------------------------------------------------------


def test_fulfilling_emails_the_link_to_the_requester(released):
    rr, token = released
    (message,) = mail.outbox
    assert message.to == ["rita@example.org"] and rr.reference in message.subject
    assert f"/public/records/download/{token}" in message.body


def test_the_email_says_when_the_link_expires(released):
    rr, _ = released
    assert f"{rr.link_expires_at:%Y-%m-%d %H:%M} UTC" in mail.outbox[0].body


def test_the_token_is_in_the_email_but_not_in_the_ledger(released):
    _, token = released
    assert token not in ledger_text()


def test_the_token_is_never_logged(
    carmen, ivan, clips, filed, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    token = release(carmen, ivan, clips, filed, django_capture_on_commit_callbacks)
    assert token not in caplog.text


def test_a_failed_email_is_logged_without_the_token(
    settings, carmen, ivan, clips, filed, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    token = release(carmen, ivan, clips, filed, django_capture_on_commit_callbacks)
    assert filed.reference in caplog.text and token not in caplog.text


def test_a_requester_without_an_email_gets_no_mail(
    carmen, ivan, clips, django_capture_on_commit_callbacks
):
    rr = records.file_request(dict(REQUEST, email="", phone="555-0100")).request
    release(carmen, ivan, clips, rr, django_capture_on_commit_callbacks)
    assert mail.outbox == []


# Sending again -------------------------------------------------------------------------


def test_sending_again_mails_a_new_link_and_the_old_one_stops_working(client, carmen, released):
    rr, old = released
    mail.outbox.clear()
    records_clerk.send_again(carmen, rr)
    (message,) = mail.outbox
    assert f"/download/{old}" not in message.body and "replaces" in message.body
    assert download(client, old) == 404


def test_sending_again_keeps_the_expiry(carmen, released):
    rr, _ = released
    before = rr.link_expires_at
    records_clerk.send_again(carmen, rr)
    rr.refresh_from_db()
    assert rr.link_expires_at == before


def test_sending_again_is_recorded_without_the_token(carmen, released):
    rr, _ = released
    records_clerk.send_again(carmen, rr)
    new_token = mail.outbox[-1].body.split("/download/")[1].split()[0]
    assert Event.objects.filter(kind=events.RECORDS_LINK_SENT).count() == 1
    assert new_token not in ledger_text()


def test_sending_again_is_rate_limited(settings, carmen, released):
    settings.RECORDS_LINK_MAILS_PER_HOUR = 1
    rr, _ = released
    records_clerk.send_again(carmen, rr)
    with pytest.raises(records_clerk.TooSoon):
        records_clerk.send_again(carmen, rr)


def test_a_refused_resend_leaves_the_current_link_working(settings, client, carmen, released):
    settings.RECORDS_LINK_MAILS_PER_HOUR = 1
    rr, _ = released
    records_clerk.send_again(carmen, rr)
    current = mail.outbox[-1].body.split("/download/")[1].split()[0]
    with pytest.raises(records_clerk.TooSoon):
        records_clerk.send_again(carmen, rr)
    assert download(client, current) == 200


def test_the_rate_limit_answers_429_on_the_page(settings, as_user, carmen, released):
    settings.RECORDS_LINK_MAILS_PER_HOUR = 1
    rr, _ = released
    clerk = as_user(carmen)
    clerk.post(f"/exports/records/{rr.pk}/send-link")
    reply = clerk.post(f"/exports/records/{rr.pk}/send-link")
    assert reply.status_code == 429 and "Try again in about" in reply.content.decode()


def test_sending_an_expired_link_again_is_refused(carmen, released):
    rr, _ = released
    expire(rr)
    with pytest.raises(Conflict):
        records_clerk.send_again(carmen, rr)


def test_sending_again_without_an_email_address_is_refused(carmen, released):
    rr, _ = released
    RecordsRequest.objects.filter(pk=rr.pk).update(email="")
    rr.refresh_from_db()
    with pytest.raises(Rejected):
        records_clerk.send_again(carmen, rr)


def test_an_email_that_cannot_be_sent_changes_nothing(settings, client, carmen, released):
    rr, token = released
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with pytest.raises(Conflict):
        records_clerk.send_again(carmen, rr)
    assert download(client, token) == 200
    assert not Event.objects.filter(kind=events.RECORDS_LINK_SENT).exists()


def test_an_open_request_has_no_link_to_send(carmen, filed):
    with pytest.raises(Conflict):
        records_clerk.send_again(carmen, filed)


# Reissuing -----------------------------------------------------------------------------


def test_reissuing_makes_the_old_link_answer_like_an_unknown_one(client, carmen, released):
    rr, old = released
    records_clerk.reissue(carmen, rr)
    assert download(client, old) == download(client, "not-a-real-token") == 404


def test_the_reissued_link_downloads_the_release(client, carmen, released):
    rr, _ = released
    expire(rr)
    new = records_clerk.reissue(carmen, rr)
    assert download(client, new) == 200


def test_reissuing_gives_a_fresh_expiry(settings, carmen, released):
    settings.RECORDS_LINK_DAYS = 3
    rr, _ = released
    expire(rr)
    records_clerk.reissue(carmen, rr)
    rr.refresh_from_db()
    left = rr.link_expires_at - timezone.now()
    assert timedelta(days=3) - timedelta(minutes=1) < left <= timedelta(days=3)


def test_reissuing_is_recorded_with_ids_only(carmen, released):
    rr, _ = released
    new = records_clerk.reissue(carmen, rr)
    (event,) = Event.objects.filter(kind=events.RECORDS_LINK_REISSUED)
    assert rr.reference in event.body and new not in ledger_text()


def test_a_reissued_link_is_emailed_when_asked(
    carmen, released, django_capture_on_commit_callbacks
):
    rr, _ = released
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = records_clerk.reissue(carmen, rr, email=True)
    (message,) = mail.outbox
    assert f"/download/{new}" in message.body


def test_a_reissued_link_is_not_emailed_unless_asked(
    carmen, released, django_capture_on_commit_callbacks
):
    rr, _ = released
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        records_clerk.reissue(carmen, rr)
    assert mail.outbox == []


def test_an_open_request_cannot_be_reissued_a_link(carmen, filed):
    with pytest.raises(Conflict):
        records_clerk.reissue(carmen, filed)


def test_the_clerk_sees_the_reissued_link_once(as_user, carmen, released):
    rr, _ = released
    page = as_user(carmen).post(f"/exports/records/{rr.pk}/reissue", follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and "/public/records/download/" in html
    assert "old one no longer works" in html
