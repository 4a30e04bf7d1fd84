"""View-only shares play a copy with the prosecutor's name burnt in; the original stays."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import av
import pytest
from django.urls import reverse
from django.utils import timezone

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.bitmapfont import read_text
from evidentia.evidence.services.processing import process
from evidentia.evidence.vaultio import open_blob
from evidentia.sharing.models import WatermarkedCopy
from evidentia.sharing.services import shares, watermark

pytestmark = pytest.mark.django_db


@pytest.fixture
def view_share(ivan, petra, clips, django_capture_on_commit_callbacks):
    process(clips[0])  # examined: a browser can play the original H.264 MP4
    # Making the share queues the copy; the eager task mode makes it once that commits.
    with django_capture_on_commit_callbacks(execute=True):
        return shares.create(
            ivan, grantee=petra, items=[clips[0]], expires_at=timezone.now() + timedelta(days=3)
        )


@pytest.fixture
def played(as_user, petra, clips, view_share) -> bytes:
    url = reverse("sharing:share_stream", args=[view_share.pk, clips[0].pk])
    reply = as_user(petra).get(url)
    assert reply.status_code == 200
    return b"".join(reply.streaming_content)


def first_luma(data: bytes):
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        return frame.to_ndarray(format="gray"), frame.width, frame.height


def test_view_only_playback_has_the_prosecutors_name_burnt_in(played, view_share):
    luma, width, height = first_luma(played)
    text = WatermarkedCopy.objects.get().text
    x, y, scale = watermark.placement(text, width, height)
    stride = luma.shape[1]
    read = read_text(luma.tobytes(), stride, x + scale, y + scale, len(text), scale=scale)
    assert read == text
    assert "PETRA" in text


def test_the_text_region_differs_from_the_original(played, clips, view_share):
    marked, width, height = first_luma(played)
    with open_blob(clips[0].blob) as reader:
        original, _, _ = first_luma(reader.read())
    text = WatermarkedCopy.objects.get().text
    x, y, scale = watermark.placement(text, width, height)
    region = (slice(y, y + 9 * scale), slice(x, x + 6 * len(text) * scale))
    assert abs(marked[region].astype(int) - original[region].astype(int)).mean() > 20


def test_the_original_blob_is_unchanged(played, clips):
    clips[0].blob.refresh_from_db()
    with open_blob(clips[0].blob) as reader:
        assert hashlib.sha256(reader.read()).hexdigest() == clips[0].blob.sha256
    assert WatermarkedCopy.objects.get().blob.sha256 != clips[0].blob.sha256


def test_the_copy_is_made_once_and_reused(as_user, petra, clips, view_share, played):
    url = reverse("sharing:share_stream", args=[view_share.pk, clips[0].pk])
    as_user(petra).get(url, HTTP_RANGE="bytes=0-99")
    assert WatermarkedCopy.objects.count() == 1


def test_play_is_recorded_naming_the_share(played, clips, view_share):
    event = Event.objects.get(kind=events.PLAYED, item_id=clips[0].pk)
    detail = json.loads(event.body)["detail"]
    assert detail["share"] == str(view_share.pk)
    assert detail["copy"] == "watermarked"


def test_the_ordinary_stream_sends_a_prosecutor_through_the_share(
    as_user, petra, clips, view_share
):
    reply = as_user(petra).get(reverse("evidence:stream", args=[clips[0].pk]))
    assert reply.status_code == 302
    assert reply["Location"] == reverse("sharing:share_stream", args=[view_share.pk, clips[0].pk])
