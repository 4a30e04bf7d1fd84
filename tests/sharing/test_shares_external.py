"""Shares with an external e-mail address: a link, a one-time code in a separate e-mail,
and a ledger event for every open, refusal, play and download."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.services.processing import process
from evidentia.sharing.models import ShareCode
from evidentia.sharing.services import external, shares, watermark
from evidentia.sharing.tasks import make_watermarked_copy

pytestmark = pytest.mark.django_db

EMAIL = "counsel@lawfirm.example"


def soon(days: int = 7):
    return timezone.now() + timedelta(days=days)


def sent_link() -> str:
    """The link's path (absolute when PORTAL_BASE_URL or a request gives an origin)."""
    return re.search(r"(/exports/shared/\S+)", mail.outbox[-2].body).group(1)


def sent_code() -> str:
    return re.search(r"\b(\d{8})\b", mail.outbox[-1].body).group(1)


@pytest.fixture
def ext_share(ivan, clips):
    return shares.create(ivan, recipient_email=EMAIL, items=[clips[0]], expires_at=soon())


@pytest.fixture
def link(ext_share) -> str:
    return sent_link()


def refusals(kind: str = events.SHARE_CODE_REFUSED) -> list[Event]:
    return list(Event.objects.filter(kind=kind))


def enter(client, link: str, code: str):
    return client.post(link, {"code": code})


def test_the_link_and_the_code_arrive_in_separate_emails(ext_share):
    assert len(mail.outbox) == 2
    assert [m.to for m in mail.outbox] == [[EMAIL], [EMAIL]]
    code = sent_code()
    assert code not in mail.outbox[0].body
    assert "/exports/shared/" in mail.outbox[0].body


def test_only_hashes_of_the_token_and_code_are_stored(ext_share, link):
    token = link.rsplit("/", 1)[1]
    assert ext_share.__class__.objects.get(pk=ext_share.pk).link_hash == external.token_hash(token)
    assert not ShareCode.objects.filter(code_hash=sent_code()).exists()


def test_the_link_alone_shows_only_the_code_form(client, clips, link):
    page = client.get(link)
    assert page.status_code == 200
    assert b'name="code"' in page.content
    assert clips[0].title.encode() not in page.content


def test_the_right_code_opens_the_share(client, clips, link):
    assert enter(client, link, sent_code()).status_code == 302
    page = client.get(link)
    assert clips[0].title.encode() in page.content
    assert Event.objects.filter(kind=events.SHARE_ACCESSED, body__contains='"open"').exists()


def test_a_wrong_code_is_refused_and_counted(client, link):
    page = enter(client, link, "00000000" if sent_code() != "00000000" else "11111111")
    assert page.status_code == 403
    assert b"4 tries left" in page.content
    assert ShareCode.objects.get().attempts == 1
    assert refusals()[0].outcome == "denied"


def test_five_wrong_codes_burn_the_code(client, link):
    code = sent_code()
    wrong = "00000000" if code != "00000000" else "11111111"
    for _ in range(5):
        enter(client, link, wrong)
    page = enter(client, link, code)
    assert page.status_code == 403
    assert b"new one" in page.content


def test_a_replayed_code_is_refused(client, link):
    code = sent_code()
    enter(client, link, code)
    other = client.__class__()
    page = enter(other, link, code)
    assert page.status_code == 403
    assert b"already used" in page.content
    assert '"replayed"' in refusals()[-1].body


def test_an_expired_code_is_refused(client, link):
    ShareCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page = enter(client, link, sent_code())
    assert page.status_code == 403
    assert b"expired" in page.content


def test_a_new_code_replaces_the_old_one(client, link):
    old = sent_code()
    client.post(link + "/code")
    assert len(mail.outbox) == 3
    assert enter(client, link, old).status_code == 403
    assert enter(client, link, sent_code()).status_code == 302


def test_a_tampered_token_is_refused_and_recorded(client, link):
    page = client.get(link[:-3] + "abc")
    assert page.status_code == 404
    assert '"unknown link"' in refusals(events.SHARE_REFUSED)[-1].body


def test_the_ledger_never_holds_the_token_or_the_code(client, link):
    code = sent_code()
    enter(client, link, code)
    token = link.rsplit("/", 1)[1]
    bodies = "".join(Event.objects.values_list("body", flat=True))
    assert token not in bodies and code not in bodies


def test_a_revoked_share_is_gone_even_mid_session(client, ivan, ext_share, link):
    enter(client, link, sent_code())
    shares.revoke(ivan, ext_share)
    page = client.get(link)
    assert page.status_code == 410
    assert '"revoked"' in refusals(events.SHARE_REFUSED)[-1].body


def test_an_expired_share_is_gone(client, ext_share, link):
    ext_share.expires_at = timezone.now() - timedelta(minutes=1)
    ext_share.save()
    assert client.get(link).status_code == 410
    assert '"expired"' in refusals(events.SHARE_REFUSED)[-1].body


def test_an_idle_session_needs_the_code_again(client, link, monkeypatch):
    enter(client, link, sent_code())
    monkeypatch.setattr(external, "IDLE_SECONDS", -1)
    assert b'name="code"' in client.get(link).content


def test_a_view_only_share_refuses_downloads(client, link):
    enter(client, link, sent_code())
    assert client.post(link + "/download").status_code == 403


def test_downloads_need_the_code(client, ivan, clips):
    shares.create(ivan, recipient_email=EMAIL, items=[clips[0]], mode="download", expires_at=soon())
    link = sent_link()
    assert client.post(link + "/download").status_code == 403


def test_a_download_share_downloads_and_records_it(client, ivan, clips):
    share = shares.create(
        ivan, recipient_email=EMAIL, items=[clips[0]], mode="download", expires_at=soon()
    )
    link = sent_link()
    enter(client, link, sent_code())
    reply = client.post(link + "/download")
    assert reply.status_code == 200
    assert b"".join(reply.streaming_content)[:2] == b"PK"
    rows = [r["what"] for r in shares.accesses(share)]
    assert "downloaded" in rows


def test_the_watermark_names_the_email(ext_share):
    assert EMAIL.upper() in watermark.label(ext_share)


def test_the_sharer_sees_external_accesses(as_user, ivan, client, ext_share, link):
    enter(client, link, "00000000" if sent_code() != "00000000" else "11111111")
    enter(client, link, sent_code())
    page = as_user(ivan).get(reverse("sharing:share", args=[ext_share.pk]))
    assert page.status_code == 200
    for text in (EMAIL, "opened the share", "code refused: wrong", "one-time code sent"):
        assert text.encode() in page.content


def test_a_share_needs_exactly_one_recipient(ivan, petra, clips):
    with pytest.raises(shares.Invalid):
        shares.create(ivan, grantee=petra, recipient_email=EMAIL, items=clips, expires_at=soon())


def test_a_bad_email_is_refused_next_to_the_field(ivan, clips):
    with pytest.raises(shares.Invalid) as caught:
        shares.create(ivan, recipient_email="not-an-email", items=clips, expires_at=soon())
    assert "recipient_email" in caught.value.errors


def test_the_share_form_shares_with_an_email(as_user, ivan, clips):
    url = reverse("sharing:share_item", args=[clips[0].pk])
    day = soon().date().isoformat()
    reply = as_user(ivan).post(url, {"recipient_email": EMAIL, "mode": "view", "expires_at": day})
    assert reply.status_code == 302
    assert len(mail.outbox) == 2


def test_playback_is_watermarked_with_the_email(client, clips, ext_share, link):
    process(clips[0])  # examined: a browser can play the original H.264 MP4
    make_watermarked_copy(ext_share.pk, clips[0].pk)  # as the worker does once it is queued
    enter(client, link, sent_code())
    reply = client.get(f"{link}/item/{clips[0].pk}/stream")
    assert reply.status_code == 200
    b"".join(reply.streaming_content)
    assert EMAIL.upper() in ext_share.copies.get().text
    assert "played (watermarked)" in [r["what"] for r in shares.accesses(ext_share)]


def test_playback_needs_the_code(client, clips, link):
    assert client.get(f"{link}/item/{clips[0].pk}/stream").status_code == 403
