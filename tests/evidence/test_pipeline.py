"""The media pipeline: poster, sprite, proxy, waveform and track, each a new blob."""

from __future__ import annotations

import hashlib
import io
import json
import random
from datetime import UTC, datetime
from fractions import Fraction

import av
import pytest
from django.contrib.messages import get_messages
from django.test import Client

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence import demo_media
from evidentia.evidence.models import Derivative, Item, Job, Processing
from evidentia.evidence.services import pipeline, playback, stills, transcode
from evidentia.evidence.services.avkit import DerivativeError
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from tests.conftest import sign_in
from tests.evidence.helpers import ingest_bytes

D = Derivative.Kind
START = datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC)


def ingest_processed(path, officer, device_id="BWC-7") -> Item:
    sub = Submission(path.name, "cli", officer=officer, device_id=device_id)
    item = ingest_path(path, sub, actor=officer).item
    process(item)
    item.refresh_from_db()
    return item


def derive_all(item: Item) -> Item:
    for kind in pipeline.kinds_for(item):
        pipeline.run(item, kind)
    return item


def plain(derivative: Derivative) -> bytes:
    return b"".join(playback.read(derivative.blob))


def top_level_atoms(data: bytes) -> list[str]:
    names, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        names.append(data[at + 4 : at + 8].decode("latin-1"))
        if size < 8:
            break
        at += size
    return names


def picture_size(data: bytes) -> tuple[int, int]:
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        return frame.width, frame.height


@pytest.fixture
def clip(db, olivia, clip_path) -> Item:
    return derive_all(ingest_processed(clip_path, olivia))


def test_a_successful_probe_starts_the_pipeline_after_commit(
    db, olivia, clip_path, django_capture_on_commit_callbacks
):
    item = ingest_path(clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia)
    with django_capture_on_commit_callbacks(execute=True):
        process(item.item)
    made = set(Derivative.objects.filter(item=item.item).values_list("kind", flat=True))
    assert made == {D.POSTER, D.SPRITE, D.WAVEFORM, D.PROXY}


def test_every_derivative_is_a_new_blob_with_its_own_hash_and_ledger_event(clip):
    derivatives = list(clip.derivatives.select_related("blob"))
    assert len({d.blob_id for d in derivatives} | {clip.blob_id}) == len(derivatives) + 1
    for d in derivatives:
        assert hashlib.sha256(plain(d)).hexdigest() == d.blob.sha256
        event = Event.objects.get(
            item_id=clip.pk, kind=events.DERIVATIVE_CREATED, body__contains=f'"kind":"{d.kind}"'
        )
        detail = json.loads(event.body)["detail"]
        assert detail["sha256"] == d.blob.sha256
        assert detail["source_sha256"] == clip.blob.sha256
        assert detail["size"] == d.blob.size


def test_the_original_blob_is_unchanged_by_the_pipeline(clip, clip_path):
    original = b"".join(playback.read(clip.blob))
    assert original == clip_path.read_bytes()
    assert clip.blob.sha256 == hashlib.sha256(original).hexdigest()


def test_the_proxy_is_h264_and_aac_with_every_frame_of_the_original(clip, clip_path):
    proxy = plain(clip.derivatives.get(kind=D.PROXY))
    with av.open(io.BytesIO(proxy)) as p, av.open(str(clip_path)) as o:
        pv, ov = p.streams.video[0], o.streams.video[0]
        assert (pv.codec_context.name, p.streams.audio[0].codec_context.name) == ("h264", "aac")
        assert pv.codec_context.pix_fmt == "yuv420p"
        assert pv.average_rate == ov.average_rate
        p_frames = sum(1 for _ in p.decode(pv))
        o_frames = sum(1 for _ in o.decode(ov))
        assert p_frames == o_frames == 90
        frame = 1 / ov.average_rate
        assert abs(pv.duration * pv.time_base - ov.duration * ov.time_base) <= frame


def test_the_proxy_has_its_index_before_its_media_data(clip):
    atoms = top_level_atoms(plain(clip.derivatives.get(kind=D.PROXY)))
    assert atoms.index("moov") < atoms.index("mdat")


def test_a_1080p_recording_gets_a_720p_proxy_with_the_same_aspect(db, olivia, tmp_path):
    path = demo_media.make_clip(
        tmp_path / "hd.mp4",
        seconds=1,
        width=1920,
        height=1080,
        start=START,
        officer_badge="N-1042",
        device_id="BWC-7",
        seed=5,
    )
    item = ingest_processed(path, olivia)
    pipeline.run(item, D.PROXY)
    proxy = item.derivatives.get(kind=D.PROXY)
    assert picture_size(plain(proxy)) == (1280, 720)
    assert (proxy.meta["width"], proxy.meta["height"]) == (1280, 720)


@pytest.mark.parametrize(
    ("source", "proxy"),
    [((1920, 1080), (1280, 720)), ((1080, 1920), (720, 1280)), ((641, 361), (640, 360))],
)
def test_proxy_sizes_are_at_most_720p_and_even(source, proxy):
    assert transcode.proxy_size(*source) == proxy


def test_a_phone_video_held_upright_gets_upright_stills_and_keeps_its_rotation(
    db, olivia, clip_path, tmp_path
):
    path = tmp_path / "phone.mp4"
    with av.open(str(clip_path)) as source, av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.set_display_rotation(-90)  # what a phone held upright writes
        for frame in source.decode(video=0):
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    item = derive_all(ingest_processed(path, olivia))
    assert picture_size(plain(item.derivatives.get(kind=D.POSTER))) == (180, 320)
    sprite = item.derivatives.get(kind=D.SPRITE).meta
    assert (sprite["tile_width"], sprite["tile_height"]) == (160, 284)
    with av.open(io.BytesIO(plain(item.derivatives.get(kind=D.PROXY)))) as proxy:
        assert next(proxy.decode(video=0)).rotation == -90


def test_the_poster_is_a_jpeg_at_most_640_wide(clip):
    poster = clip.derivatives.get(kind=D.POSTER)
    data = plain(poster)
    assert data[:2] == b"\xff\xd8"
    assert picture_size(data) == (320, 180)
    assert poster.meta["at_seconds"] == pytest.approx(0.3)


def test_the_sprite_meta_matches_the_image_size(clip):
    sprite = clip.derivatives.get(kind=D.SPRITE)
    m = sprite.meta
    assert (m["count"], m["interval"], m["columns"], m["rows"]) == (3, 1, 3, 1)
    assert (m["tile_width"], m["tile_height"]) == (160, 90)
    assert picture_size(plain(sprite)) == (m["columns"] * m["tile_width"], m["rows"] * 90)


@pytest.mark.parametrize(("duration", "interval"), [(3, 1), (100, 1), (101, 2), (3600, 60)])
def test_the_sprite_interval_keeps_at_most_100_tiles(duration, interval):
    assert stills.sprite_interval(duration) == interval


def test_the_waveform_has_a_peak_per_bucket_between_0_and_1(clip):
    body = json.loads(plain(clip.derivatives.get(kind=D.WAVEFORM)))
    assert body["buckets"] == len(body["peaks"]) == 1000
    assert all(0 <= p <= 1 for p in body["peaks"])
    assert max(body["peaks"]) > 0.5  # the clip beeps at 0.5 of full scale every second
    assert body["duration"] == pytest.approx(3.0, abs=0.05)


@pytest.fixture
def clip_with_track(db, olivia, clip_path, gpx_bytes) -> Item:
    video = ingest_processed(clip_path, olivia)
    track = ingest_bytes(gpx_bytes, "BWC-7.gpx", officer=olivia, device_id="BWC-7")
    process(track)
    track.refresh_from_db()
    assert track.recording == video
    return video


def test_the_track_offsets_line_up_with_the_recording_start(clip_with_track):
    job = pipeline.run(clip_with_track, D.TRACK)
    assert job.state == Job.State.DONE, job.error
    feature = json.loads(plain(clip_with_track.derivatives.get(kind=D.TRACK)))
    props = feature["properties"]
    assert props["recording_start"] == "2026-03-02T14:03:05Z"
    assert props["times"][0] == "2026-03-02T14:03:05Z"
    assert props["offsets_s"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert len(feature["geometry"]["coordinates"]) == 6
    assert all(s is not None and s >= 0 for s in props["speeds_mps"])  # computed: GPX has none
    assert len(props["headings_deg"]) == 6


def test_a_track_linked_after_the_video_is_made_once_committed(
    db, olivia, clip_path, gpx_bytes, django_capture_on_commit_callbacks
):
    video = ingest_processed(clip_path, olivia)
    track = ingest_bytes(gpx_bytes, "BWC-7.gpx", officer=olivia, device_id="BWC-7")
    with django_capture_on_commit_callbacks(execute=True):
        process(track)
    assert video.derivatives.filter(kind=D.TRACK).exists()


def test_an_image_gets_a_poster_only(db, olivia, tmp_path):
    path = tmp_path / "scene.png"
    with av.open(str(path), "w", format="image2") as out:
        stream = out.add_stream("png")
        stream.width, stream.height, stream.pix_fmt = 800, 600, "rgb24"
        out.mux(stream.encode(av.VideoFrame(800, 600, "rgb24")))
        out.mux(stream.encode(None))
    item = ingest_processed(path, olivia)
    assert pipeline.kinds_for(item) == [D.POSTER]
    pipeline.run(item, D.POSTER)
    assert picture_size(plain(item.derivatives.get(kind=D.POSTER))) == (640, 480)


def test_an_audio_recording_gets_a_waveform_and_an_audio_only_proxy(db, olivia, tmp_path):
    path = tmp_path / "interview.wav"
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=16000, layout="mono")
        for n in range(0, 32000, 1600):
            frame = av.AudioFrame(format="s16", layout="mono", samples=1600)
            frame.planes[0].update(bytes(frame.planes[0].buffer_size))
            frame.sample_rate, frame.pts, frame.time_base = 16000, n, Fraction(1, 16000)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    item = derive_all(ingest_processed(path, olivia))
    assert set(item.derivatives.values_list("kind", flat=True)) == {D.WAVEFORM, D.PROXY}
    with av.open(io.BytesIO(plain(item.derivatives.get(kind=D.PROXY)))) as proxy:
        assert not proxy.streams.video
        assert proxy.streams.audio[0].codec_context.name == "aac"


def test_running_a_step_again_does_nothing_once_its_file_exists(clip):
    before = Event.objects.filter(kind=events.DERIVATIVE_CREATED).count()
    job = pipeline.run(clip, D.POSTER)
    assert job.state == Job.State.DONE and job.attempts == 1
    assert Event.objects.filter(kind=events.DERIVATIVE_CREATED).count() == before
    assert clip.derivatives.filter(kind=D.POSTER).count() == 1


def test_a_truncated_video_fails_clearly_and_stays_downloadable(db, olivia, carmen, clip_path):
    half = clip_path.read_bytes()[: clip_path.stat().st_size // 2]
    item = ingest_bytes(half, "truncated.mp4", officer=olivia)
    process(item)
    item.refresh_from_db()
    assert item.processing == Processing.FAILED
    assert "truncated" in item.processing_error
    assert pipeline.kinds_for(item) == []
    assert Job.objects.get(item=item, kind="probe").state == Job.State.FAILED
    response = sign_in(Client(), carmen).get(f"/evidence/{item.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == half


def scrambled(data: bytes) -> bytes:
    """The clip with its media data replaced by noise: the layout still probes."""
    at = data.index(b"mdat") - 4
    size = int.from_bytes(data[at : at + 4], "big")
    noise = random.Random(1).randbytes(size - 8)
    return data[: at + 8] + noise + data[at + size :]


def test_an_undecodable_video_fails_each_step_with_the_reason(db, olivia, carmen, clip_path):
    data = scrambled(clip_path.read_bytes())
    item = ingest_bytes(data, "scrambled.mp4", officer=olivia)
    process(item)
    item.refresh_from_db()
    derive_all(item)
    for job in item.jobs.exclude(kind="probe"):
        assert job.state == Job.State.FAILED
        assert "too damaged to decode" in job.error
    assert not item.derivatives.exists()
    failures = Event.objects.filter(item_id=item.pk, kind=events.PROCESSING_FAILED).count()
    assert failures == 4
    response = sign_in(Client(), carmen).get(f"/evidence/{item.pk}/download")
    assert b"".join(response.streaming_content) == data


@pytest.fixture
def failed_poster(db, olivia, clip_path, monkeypatch) -> Item:
    item = ingest_processed(clip_path, olivia)

    def broken(*args):
        raise DerivativeError("the disk is full")

    monkeypatch.setitem(pipeline.BUILDERS, D.POSTER, broken)
    job = pipeline.run(item, D.POSTER)
    monkeypatch.undo()
    assert (job.state, job.error) == (Job.State.FAILED, "the disk is full")
    return item


def test_a_custodian_can_retry_a_failed_step(
    failed_poster, carmen, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(carmen).post(f"/evidence/{failed_poster.pk}/jobs/poster/retry")
    assert response.status_code == 302
    assert response["Location"] == f"/evidence/{failed_poster.pk}/"
    assert "queued again" in str(next(iter(get_messages(response.wsgi_request))))
    job = Job.objects.get(item=failed_poster, kind=D.POSTER)
    assert (job.state, job.error, job.attempts) == (Job.State.DONE, "", 2)
    assert failed_poster.derivatives.filter(kind=D.POSTER).exists()


def test_retrying_a_step_twice_makes_its_file_once(
    failed_poster, carmen, as_user, django_capture_on_commit_callbacks
):
    client = as_user(carmen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/evidence/{failed_poster.pk}/jobs/poster/retry")
        second = client.post(f"/evidence/{failed_poster.pk}/jobs/poster/retry")
    assert "nothing to retry" in str(list(get_messages(second.wsgi_request))[-1])
    assert failed_poster.derivatives.filter(kind=D.POSTER).count() == 1
    assert Job.objects.get(item=failed_poster, kind=D.POSTER).attempts == 2


def test_an_officer_may_not_retry_a_step(failed_poster, olivia, as_user):
    response = as_user(olivia).post(f"/evidence/{failed_poster.pk}/jobs/poster/retry")
    assert response.status_code == 403
    assert Job.objects.get(item=failed_poster, kind=D.POSTER).state == Job.State.FAILED


def test_retrying_needs_a_csrf_token(failed_poster, carmen):
    client = sign_in(Client(enforce_csrf_checks=True), carmen)
    assert client.post(f"/evidence/{failed_poster.pk}/jobs/poster/retry").status_code == 403


def test_a_failed_examination_can_be_retried(
    db, olivia, carmen, clip_path, as_user, django_capture_on_commit_callbacks
):
    item = ingest_bytes(clip_path.read_bytes()[:5000], "cut.mp4", officer=olivia)
    process(item)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(carmen).post(f"/evidence/{item.pk}/jobs/probe/retry")
    job = Job.objects.get(item=item, kind="probe")
    assert (job.state, job.attempts) == (Job.State.FAILED, 2)  # still cut short, tried again


def test_progress_is_written_while_a_step_runs(clip, monkeypatch):
    monkeypatch.setattr(pipeline, "PROGRESS_EVERY_S", 0)
    job = Job.objects.create(item=clip, kind="test")
    pipeline._reporter(job)(0.42)
    job.refresh_from_db()
    assert job.progress == 42
