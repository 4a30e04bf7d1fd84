"""The players while a watermarked copy is being made, and the status endpoints behind
exactly the players' checks (decision 0030)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.services.processing import process
from evidentia.sharing.models import WatermarkedCopy, WatermarkJob
from evidentia.sharing.services import shares, watermark_jobs
from evidentia.sharing.tasks import make_watermarked_copy
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

EMAIL = "counsel@lawfirm.example"


def soon():
    return timezone.now() + timedelta(days=3)


@pytest.fixture
def clip(clips):
    process(clips[0])  # examined: a browser can play the original H.264 MP4
    return clips[0]


@pytest.fixture
def share(ivan, petra, clip):
    """Shared with Petra; the job is queued and no worker has run it yet."""
    return shares.create(ivan, grantee=petra, items=[clip], expires_at=soon())


def status_url(share, item) -> str:
    return reverse("sharing:share_copy_status", args=[share.pk, item.pk])


def page_url(share) -> str:
    return reverse("sharing:share", args=[share.pk])


def test_the_grantee_sees_the_progress_as_json(as_user, petra, share, clip):
    WatermarkJob.objects.update(state="running", progress=35, updated_at=timezone.now())
    reply = as_user(petra).get(status_url(share, clip))
    assert reply.status_code == 200
    assert reply["Cache-Control"] == "no-store"
    body = reply.json()
    assert (body["state"], body["percent"], body["finished"]) == ("running", 35, False)
    assert body["text"] == "Preparing a watermarked copy of this recording — 35%"


def test_the_status_says_ready_once_the_task_has_run(as_user, petra, share, clip):
    make_watermarked_copy(share.pk, clip.pk)
    body = as_user(petra).get(status_url(share, clip)).json()
    assert body["ready"] and body["percent"] == 100


@pytest.mark.parametrize("who", ["ivan", "carmen", "olivia", "sam", "audrey", "adam", "stella"])
def test_nobody_but_the_grantee_sees_the_status(request, as_user, share, clip, who):
    reply = as_user(request.getfixturevalue(who)).get(status_url(share, clip))
    assert reply.status_code == 404
    assert b"percent" not in reply.content


def test_another_prosecutor_does_not_see_the_status(as_user, share, clip):
    other = make_user("paul", "prosecutor")
    reply = as_user(other).get(status_url(share, clip))
    assert reply.status_code == 404


def test_a_stranger_is_sent_to_sign_in(client, share, clip):
    reply = client.get(status_url(share, clip))
    assert reply.status_code == 302
    assert b"percent" not in reply.content


def test_an_item_outside_the_share_has_no_status(as_user, petra, share, clips):
    assert as_user(petra).get(status_url(share, clips[1])).status_code == 404


def test_a_revoked_share_answers_gone_and_leaks_no_progress(as_user, ivan, petra, share, clip):
    WatermarkJob.objects.update(state="running", progress=35)
    shares.revoke(ivan, share)
    reply = as_user(petra).get(status_url(share, clip))
    assert reply.status_code == 410
    assert reply["Content-Type"].startswith("text/html")
    assert b"percent" not in reply.content
    refused = Event.objects.filter(kind=events.SHARE_REFUSED).last()
    assert '"status"' in refused.body and '"revoked"' in refused.body


def test_an_expired_share_answers_gone(as_user, petra, share, clip):
    share.expires_at = timezone.now() - timedelta(minutes=1)
    share.save()
    assert as_user(petra).get(status_url(share, clip)).status_code == 410


def test_the_player_shows_the_preparing_state(as_user, petra, share, clip):
    WatermarkJob.objects.update(state="running", progress=40, updated_at=timezone.now())
    page = as_user(petra).get(page_url(share))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preparing a watermarked copy of this recording — 40%" in html
    assert '<progress max="100" value="40"' in html
    assert 'aria-live="polite"' in html
    assert f'data-status-url="{status_url(share, clip)}"' in html
    assert '<meta http-equiv="refresh" content="5">' in html  # inside <noscript>
    assert "js/watermark-progress.js" in html
    assert "<video" not in html


def test_the_player_shows_the_video_once_ready(as_user, petra, share, clip):
    make_watermarked_copy(share.pk, clip.pk)
    html = as_user(petra).get(page_url(share)).content.decode()
    stream = reverse("sharing:share_stream", args=[share.pk, clip.pk])
    assert f'src="{stream}"' in html
    assert "data-copy-progress" not in html and "http-equiv" not in html


def test_the_stream_answers_not_ready_while_preparing(as_user, petra, share, clip):
    reply = as_user(petra).get(reverse("sharing:share_stream", args=[share.pk, clip.pk]))
    assert reply.status_code == 503
    assert reply["Retry-After"] == "5"
    assert not Event.objects.filter(kind=events.PLAYED).exists()


def test_opening_an_older_share_queues_and_eagerly_makes_the_copy(
    as_user, petra, share, clip, django_capture_on_commit_callbacks
):
    WatermarkJob.objects.all().delete()  # as shares made before jobs existed
    with django_capture_on_commit_callbacks(execute=True):
        as_user(petra).get(page_url(share))
    assert WatermarkedCopy.objects.filter(share=share, item=clip).exists()
    assert "<video" in as_user(petra).get(page_url(share)).content.decode()


def test_a_failed_copy_offers_try_again_which_makes_it(
    as_user, ivan, petra, clips, django_capture_on_commit_callbacks
):
    made = shares.create(ivan, grantee=petra, items=[clips[0]], expires_at=soon())
    make_watermarked_copy(made.pk, clips[0].pk)  # fails: the recording is not examined yet
    process(clips[0])
    html = as_user(petra).get(page_url(made)).content.decode()
    assert "could not be made" in html and "still being examined" in html
    retry = reverse("sharing:share_copy_retry", args=[made.pk, clips[0].pk])
    assert f'action="{retry}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        reply = as_user(petra).post(retry)
    assert reply.status_code == 302
    assert watermark_jobs.progress_of(made, clips[0]).ready


def test_only_the_grantee_may_try_again(as_user, ivan, share, clip):
    retry = reverse("sharing:share_copy_retry", args=[share.pk, clip.pk])
    assert as_user(ivan).post(retry).status_code == 404


# External recipients: the session bound to the share by its one-time code.


def sent_link() -> str:
    return re.search(r"(/exports/shared/\S+)", mail.outbox[-2].body).group(1)


def sent_code() -> str:
    return re.search(r"\b(\d{8})\b", mail.outbox[-1].body).group(1)


@pytest.fixture
def ext(ivan, clip):
    """An external share, its link, and a browser that entered the code."""
    made = shares.create(ivan, recipient_email=EMAIL, items=[clip], expires_at=soon())
    link = sent_link()
    browser = Client()
    assert browser.post(link, {"code": sent_code()}).status_code == 302
    return made, link, browser


def test_the_recipient_sees_the_progress(ext, clip):
    _, link, browser = ext
    WatermarkJob.objects.update(state="running", progress=60, updated_at=timezone.now())
    reply = browser.get(f"{link}/item/{clip.pk}/copy")
    assert reply.status_code == 200
    assert reply.json()["percent"] == 60
    assert reply["Cache-Control"] == "no-store"


def test_the_recipients_player_shows_the_preparing_state_then_the_video(ext, clip):
    made, link, browser = ext
    html = browser.get(link).content.decode()
    assert "Preparing a watermarked copy of this recording" in html
    assert f'data-status-url="{link}/item/{clip.pk}/copy"' in html
    assert "<video" not in html
    make_watermarked_copy(made.pk, clip.pk)
    html = browser.get(link).content.decode()
    assert f'src="{link}/item/{clip.pk}/stream"' in html


def test_the_status_needs_the_code(ext, clip):
    _, link, _ = ext
    reply = Client().get(f"{link}/item/{clip.pk}/copy")
    assert reply.status_code == 403
    assert b"percent" not in reply.content


def test_a_revoked_share_ends_the_recipients_status_too(ext, ivan, clip):
    made, link, browser = ext
    shares.revoke(ivan, made)
    reply = browser.get(f"{link}/item/{clip.pk}/copy")
    assert reply.status_code == 410
    assert b"percent" not in reply.content


def test_a_tampered_link_has_no_status(ext, clip):
    _, link, browser = ext
    assert browser.get(f"{link[:-3]}abc/item/{clip.pk}/copy").status_code == 404


def test_another_shares_session_does_not_open_this_status(ext, ivan, clips, clip):
    _, link, browser = ext
    other = "other@lawfirm.example"
    shares.create(ivan, recipient_email=other, items=[clips[1]], expires_at=soon())
    other_link = sent_link()
    assert browser.get(f"{other_link}/item/{clips[1].pk}/copy").status_code == 403
    assert browser.get(f"{link}/item/{clips[1].pk}/copy").status_code == 404


def test_the_recipient_can_try_again(ext, clip, django_capture_on_commit_callbacks):
    made, link, browser = ext
    WatermarkJob.objects.update(state="failed", message="It broke.")
    with django_capture_on_commit_callbacks(execute=True):
        reply = browser.post(f"{link}/item/{clip.pk}/copy/retry")
    assert reply.status_code == 302
    assert WatermarkedCopy.objects.filter(share=made).exists()
