"""Playing evidence: the stream with HTTP ranges, the PLAYED event, and derived media."""

from __future__ import annotations

import json

import pytest

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Derivative, Item
from evidentia.evidence.services import pipeline, playback
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from tests.evidence.helpers import ingest_bytes

D = Derivative.Kind


@pytest.fixture
def clip(db, olivia, clip_path, settings) -> Item:
    settings.SEGMENT_SIZE = 4096  # so ranges cross the vault's encrypted segments
    item = ingest_path(clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia)
    process(item.item)
    for kind in pipeline.kinds_for(item.item):
        pipeline.run(item.item, kind)
    return item.item


@pytest.fixture
def proxy(clip) -> bytes:
    return b"".join(playback.read(clip.derivatives.get(kind=D.PROXY).blob))


def url(item: Item, name: str = "stream") -> str:
    return f"/evidence/{item.pk}/{name}"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def played(item: Item) -> int:
    return Event.objects.filter(kind=events.PLAYED, item_id=item.pk).count()


def test_without_a_range_the_whole_proxy_is_sent(clip, proxy, olivia, as_user):
    response = as_user(olivia).get(url(clip))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(proxy))
    assert body(response) == proxy


def test_a_range_gets_206_with_exactly_those_bytes(clip, proxy, olivia, as_user):
    response = as_user(olivia).get(url(clip), HTTP_RANGE="bytes=4000-12345")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 4000-12345/{len(proxy)}"
    assert response["Content-Length"] == "8346"
    assert body(response) == proxy[4000:12346]


def test_an_open_ended_range_runs_to_the_end(clip, proxy, olivia, as_user):
    response = as_user(olivia).get(url(clip), HTTP_RANGE="bytes=5000-")
    assert response.status_code == 206
    assert body(response) == proxy[5000:]


def test_a_range_ending_past_the_end_is_cut_at_the_end(clip, proxy, olivia, as_user):
    response = as_user(olivia).get(url(clip), HTTP_RANGE=f"bytes=10-{len(proxy) + 500}")
    assert response["Content-Range"] == f"bytes 10-{len(proxy) - 1}/{len(proxy)}"
    assert body(response) == proxy[10:]


def test_a_suffix_range_gets_the_last_bytes(clip, proxy, olivia, as_user):
    response = as_user(olivia).get(url(clip), HTTP_RANGE="bytes=-500")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {len(proxy) - 500}-{len(proxy) - 1}/{len(proxy)}"
    assert body(response) == proxy[-500:]


def test_a_range_starting_past_the_end_gets_416_with_the_size(clip, proxy, olivia, as_user):
    response = as_user(olivia).get(url(clip), HTTP_RANGE=f"bytes={len(proxy)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(proxy)}"


@pytest.mark.parametrize("header", ["bytes=abc", "pages=0-10", "bytes=20-10", "bytes=0-1,5-9"])
def test_a_malformed_or_multipart_range_gets_the_whole_file(clip, proxy, olivia, as_user, header):
    response = as_user(olivia).get(url(clip), HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == proxy


def test_a_stale_if_range_gets_the_whole_file(clip, proxy, olivia, as_user):
    response = as_user(olivia).get(url(clip), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert response.status_code == 200


def test_playing_is_logged_once_per_session_despite_many_ranges(clip, olivia, as_user):
    client = as_user(olivia)
    for header in ("bytes=0-", "bytes=0-999", "bytes=-100", "bytes=2000-2999"):
        body(client.get(url(clip), HTTP_RANGE=header))
    assert played(clip) == 1
    detail = json.loads(Event.objects.get(kind=events.PLAYED).body)["detail"]
    assert detail["copy"] == "proxy"


def test_a_new_session_is_logged_again(clip, olivia, as_user):
    as_user(olivia).get(url(clip))
    as_user(olivia).get(url(clip))
    assert played(clip) == 2


def test_the_ledger_stops_a_second_event_when_the_session_lost_its_note(clip, olivia, as_user):
    client = as_user(olivia)
    client.get(url(clip))
    session = client.session
    session[playback.PLAYED_KEY] = []
    session.save()
    client.get(url(clip))
    assert played(clip) == 1


def test_a_head_request_gets_the_headers_and_is_not_logged(clip, proxy, olivia, as_user):
    response = as_user(olivia).head(url(clip))
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(proxy))
    assert played(clip) == 0


def test_the_auditor_may_not_play(clip, audrey, as_user):
    response = as_user(audrey).get(url(clip))
    assert response.status_code == 403
    assert b"not play its media" in response.content
    assert played(clip) == 0


def test_an_officer_from_another_precinct_gets_404(clip, oscar, as_user):
    assert as_user(oscar).get(url(clip)).status_code == 404
    assert as_user(oscar).get(url(clip, "poster.jpg")).status_code == 404


def test_without_a_proxy_a_browser_playable_original_is_streamed(db, olivia, clip_path, as_user):
    item = ingest_path(clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia)
    process(item.item)
    response = as_user(olivia).get(url(item.item), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert body(response) == clip_path.read_bytes()[:100]
    assert json.loads(Event.objects.get(kind=events.PLAYED).body)["detail"]["copy"] == "original"


def test_without_a_playable_copy_the_answer_says_why(db, olivia, as_user):
    item = ingest_bytes(b"not really a video", "clip.mp4", officer=olivia)
    process(item)
    response = as_user(olivia).get(url(item))
    assert response.status_code == 404
    assert b"There is no browser proxy: this item is a document file." in response.content


def test_a_recording_that_could_not_be_read_says_so_instead_of_playing(
    db, olivia, clip_path, as_user
):
    half = clip_path.read_bytes()[: clip_path.stat().st_size // 2]
    item = ingest_bytes(half, "truncated.mp4", officer=olivia)
    process(item)
    response = as_user(olivia).get(url(item))
    assert response.status_code == 404
    assert b"the original could not be read" in response.content


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("poster.jpg", "image/jpeg"),
        ("sprite.jpg", "image/jpeg"),
        ("waveform.json", "application/json"),
    ],
)
def test_derived_media_is_served_with_a_private_cache_and_its_hash(
    clip, olivia, as_user, name, mime
):
    response = as_user(olivia).get(url(clip, name))
    kind = name.split(".")[0]
    derivative = clip.derivatives.get(kind=kind)
    assert response.status_code == 200
    assert response["Content-Type"] == mime
    assert response["ETag"] == f'"{derivative.blob.sha256}"'
    assert response["Cache-Control"].startswith("private")
    assert body(response) == b"".join(playback.read(derivative.blob))


def test_a_matching_etag_gets_304(clip, olivia, as_user):
    etag = f'"{clip.derivatives.get(kind=D.POSTER).blob.sha256}"'
    response = as_user(olivia).get(url(clip, "poster.jpg"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_sprite_json_describes_the_tiles(clip, olivia, as_user):
    meta = as_user(olivia).get(url(clip, "sprite.json")).json()
    assert meta["url"] == url(clip, "sprite.jpg")
    assert (meta["columns"], meta["rows"], meta["count"], meta["interval"]) == (3, 1, 3, 1)
    assert (meta["tile_width"], meta["tile_height"]) == (160, 90)


def test_a_missing_derivative_gets_a_json_404_with_a_reason(clip, olivia, as_user):
    response = as_user(olivia).get(url(clip, "track.geojson"))
    assert response.status_code == 404
    assert response.json()["detail"] == "This item has no gps track."


def test_jobs_json_lists_each_step_and_the_media_urls(clip, carmen, as_user):
    data = as_user(carmen).get(url(clip, "jobs.json")).json()
    steps = {j["kind"]: j for j in data["jobs"]}
    assert set(steps) == {"probe", "poster", "sprite", "waveform", "proxy"}
    assert steps["proxy"] == steps["proxy"] | {"state": "done", "progress": 100, "error": ""}
    assert data["media"]["stream"] == url(clip)
    assert data["media"]["track"] is None


def test_the_auditor_sees_job_states_but_no_media_urls(clip, audrey, as_user):
    data = as_user(audrey).get(url(clip, "jobs.json")).json()
    assert data["can_play"] is False
    assert set(data["media"].values()) == {None}
    assert as_user(audrey).get(url(clip, "sprite.jpg")).status_code == 403
