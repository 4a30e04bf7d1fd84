from __future__ import annotations

import hashlib
from pathlib import Path

import av
import numpy as np
import pytest

from evidentia.redaction import engine, render
from evidentia.redaction.engine import RedactionError
from evidentia.redaction.plan import AudioRange, FrameRange, Plan

from .helpers import audio_of, demo_clip, frames_of, plan_for, textured_clip

BOX = [100.0, 40.0, 200.0, 120.0]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return demo_clip(tmp_path_factory.mktemp("clip") / "clip.mp4")


def clip_plan(clip: Path, mode: str = "box") -> Plan:
    return plan_for(clip, {0: BOX, 59: BOX}, frames=60, width=320, height=180, mode=mode)


def test_render_keeps_frame_count_rate_resolution_and_audio(clip, tmp_path):
    out = tmp_path / "out.mp4"
    stats = engine.render(clip, clip_plan(clip), out)
    with av.open(str(clip)) as a, av.open(str(out)) as b:
        va, vb = a.streams.video[0], b.streams.video[0]
        assert (vb.codec_context.width, vb.codec_context.height) == (320, 180)
        assert vb.codec_context.name == "h264"
        assert abs(float(vb.average_rate) - float(va.average_rate)) < 0.5
        assert b.streams.audio and b.streams.audio[0].codec_context.name == "aac"
    assert len(frames_of(out)) == len(frames_of(clip)) == stats["frames"] == 60
    assert stats["audio"].startswith("copied")


@pytest.mark.parametrize("mode", ["box", "pixelate", "blur"])
def test_each_mode_changes_the_region_and_nothing_outside_it(clip, tmp_path, mode):
    out = tmp_path / f"{mode}.mp4"
    engine.render(clip, clip_plan(clip, mode), out)
    before, after = frames_of(clip)[30].astype(int), frames_of(out)[30].astype(int)
    diff = np.abs(before - after).max(axis=2)
    inside = diff[40:120, 100:200]
    outside = diff.copy()
    outside[36:124, 96:204] = 0  # chroma/codec blocks may bleed a few pixels
    assert inside.mean() > 10
    assert np.percentile(outside, 99) < 12


def test_a_muted_range_is_silent_and_the_rest_is_not(clip, tmp_path):
    plan = clip_plan(clip)
    plan.audio.append(AudioRange(0.5, 1.2, "mute"))
    out = tmp_path / "mute.mp4"
    stats = engine.render(clip, plan, out)
    samples, rate = audio_of(out)
    assert "re-encoded" in stats["audio"]
    assert np.abs(samples[int(0.6 * rate) : int(1.1 * rate)]).max() < 0.01
    assert np.abs(samples[int(1.3 * rate) : int(1.9 * rate)]).max() > 0.05


def test_a_bleeped_range_carries_a_1khz_tone(clip, tmp_path):
    plan = clip_plan(clip)
    plan.audio.append(AudioRange(0.5, 1.2, "bleep"))
    out = tmp_path / "bleep.mp4"
    engine.render(clip, plan, out)
    samples, rate = audio_of(out)
    part = samples[int(0.6 * rate) : int(1.1 * rate)]
    peak = np.argmax(np.abs(np.fft.rfft(part))) * rate / len(part)
    assert abs(peak - 1000) < 20


def test_a_whole_frame_range_is_blacked_out(clip, tmp_path):
    plan = clip_plan(clip)
    plan.whole_frame.append(FrameRange(10, 19, "black"))
    out = tmp_path / "black.mp4"
    engine.render(clip, plan, out)
    frames = frames_of(out)
    assert frames[15].max() < 20 and frames[25].max() > 100


def test_the_same_plan_renders_to_the_same_bytes(clip, tmp_path):
    digests = set()
    for n in range(3):
        out = tmp_path / f"d{n}.mp4"
        engine.render(clip, clip_plan(clip, "blur"), out)
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_an_interrupted_render_leaves_no_output_file(clip, tmp_path, monkeypatch):
    out = tmp_path / "killed.mp4"
    calls = {"n": 0}
    real = render.redact_frame

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 20:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "redact_frame", dying)
    with pytest.raises(KeyboardInterrupt):
        engine.render(clip, clip_plan(clip), out)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("rotation", [90, -90])
def test_a_rotated_video_keeps_its_rotation_and_the_box_lands_upright(tmp_path, rotation):
    src = textured_clip(tmp_path / "rot.mp4", 96, 64, rotation=rotation)
    info = engine.probe(src)
    assert (info.width, info.height) == (64, 96)
    # The bright square sits at coded x 20..60, y 10..40: find where it shows upright.
    coded = np.zeros((64, 96), bool)
    coded[10:40, 20:60] = True
    from evidentia.redaction.mediaio import upright_array

    ys, xs = np.nonzero(upright_array(coded, info.rotation))
    box = [float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)]
    out = tmp_path / "rot-out.mp4"
    engine.render(src, plan_for(src, {0: box, 11: box}, frames=12, width=64, height=96), out)
    with av.open(str(out)) as c:
        first = next(c.decode(video=0))
        assert first.rotation == next(av.open(str(src)).decode(video=0)).rotation
    assert frames_of(out)[5][12:38, 22:58].max() < 40  # the square, in coded pixels, is black


def test_odd_dimensions_are_kept(tmp_path):
    src = textured_clip(tmp_path / "odd.mp4", 97, 63)
    out = tmp_path / "odd-out.mp4"
    engine.render(src, plan_for(src, {0: [20, 10, 60, 40]}, frames=12, width=97, height=63), out)
    frames = frames_of(out)
    assert len(frames) == 12 and frames[0].shape[:2] == (63, 97)
    assert frames[0][12:38, 22:58].max() < 40


def test_a_video_without_audio_renders_without_audio(tmp_path):
    src = textured_clip(tmp_path / "silent.mp4", 96, 64)
    out = tmp_path / "silent-out.mp4"
    stats = engine.render(
        src, plan_for(src, {0: [1, 1, 9, 9]}, frames=12, width=96, height=64), out
    )
    with av.open(str(out)) as c:
        assert not c.streams.audio
    assert stats["audio"] == "none"


def test_a_corrupt_frame_mid_file_renders_or_fails_with_a_clear_message(clip, tmp_path):
    data = bytearray(clip.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 400] = bytes(400)
    bad = tmp_path / "corrupt.mp4"
    bad.write_bytes(bytes(data))
    out = tmp_path / "corrupt-out.mp4"
    try:
        stats = engine.render(bad, clip_plan(bad), out)
    except RedactionError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        assert not out.exists()
    else:
        assert stats["frames"] >= 55 and len(frames_of(out)) == stats["frames"]


def test_a_file_that_is_not_media_fails_with_a_readable_error(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is not a video")
    with pytest.raises(RedactionError, match="not a readable video or image"):
        engine.detect(bad)


def test_a_plan_made_for_another_file_is_refused(clip, tmp_path):
    plan = clip_plan(clip)
    plan.source.sha256 = "0" * 64
    with pytest.raises(RedactionError, match="different file"):
        engine.render(clip, plan, tmp_path / "x.mp4")


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_an_image_goes_in_and_an_image_comes_out(tmp_path, suffix):
    rng = np.random.default_rng(3)
    img = rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)
    src = tmp_path / f"photo{suffix}"
    frame = av.VideoFrame.from_ndarray(img, format="rgb24")
    ctx = av.CodecContext.create("png" if suffix == ".png" else "mjpeg", "w")
    ctx.width, ctx.height = 160, 120
    ctx.pix_fmt = "rgb24" if suffix == ".png" else "yuvj444p"
    ctx.time_base = __import__("fractions").Fraction(1, 25)
    pic = frame if suffix == ".png" else frame.reformat(format="yuvj444p")
    src.write_bytes(b"".join(bytes(p) for p in [*ctx.encode(pic), *ctx.encode(None)]))
    out = tmp_path / f"redacted{suffix}"
    engine.render(src, plan_for(src, {0: [40, 30, 100, 90]}, frames=1, width=160, height=120), out)
    with av.open(str(out)) as c:
        assert c.format.name in {"png_pipe", "jpeg_pipe", "image2"}
        result = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert result.shape == (120, 160, 3)
    assert result[36:84, 46:94].max() < 30  # inside, clear of JPEG ringing at the edge
    assert np.abs(result[:25] - img[:25]).mean() < (2 if suffix == ".png" else 12)
