"""Synthetic body-worn-camera clips and GPS sidecars (pure Python, no Django)."""

from __future__ import annotations

import itertools
import math
from array import array
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import pytest

from evidentia.evidence.bitmapfont import GLYPHS, read_text, render_text
from evidentia.evidence.demo_media import (
    demo_track,
    make_clip,
    make_gpx,
    make_nmea,
    osd_layout,
    osd_lines,
)
from evidentia.evidence.demo_walk import metres_per_degree
from evidentia.evidence.gps import Track, parse_track
from evidentia.evidence.media import nmea_checksum_ok, probe

START = datetime(2026, 3, 2, 14, 3, 7, tzinfo=UTC)
BADGE, DEVICE = "AXN-014", "BWC-7731"


@pytest.fixture(scope="module")
def track() -> Track:
    return demo_track(start=START, seconds=4, seed=3)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, track: Track) -> Path:
    path = tmp_path_factory.mktemp("demo") / "bwc.mp4"
    return make_clip(
        path, start=START, officer_badge=BADGE, device_id=DEVICE, seed=3, gps_track=track
    )


def _luma(path: Path, index: int) -> tuple[bytes, int]:
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == index:
                return bytes(frame.planes[0]), frame.planes[0].line_size
    raise AssertionError(f"clip has no frame {index}")


def _step_metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    m_lat, m_lon = metres_per_degree(a[0])
    return math.hypot((b[0] - a[0]) * m_lat, (b[1] - a[1]) * m_lon)


def test_demo_clip_round_trips_creation_time_and_location(clip: Path, track: Track) -> None:
    info = probe(clip)
    assert info.creation_time == START
    assert info.location is not None
    assert info.location.lat == pytest.approx(track.points[0].lat, abs=1e-6)
    assert info.location.lon == pytest.approx(track.points[0].lon, abs=1e-6)


def test_demo_clip_has_expected_frame_count_fps_and_resolution(clip: Path) -> None:
    with av.open(str(clip)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    info = probe(clip)
    assert decoded == info.frame_count == 120
    assert (info.width, info.height, info.fps, info.fps_fraction) == (640, 360, 30.0, "30/1")
    assert (info.video_codec, info.pix_fmt) == ("h264", "yuv420p")


def test_demo_clip_has_48k_aac_audio_lasting_as_long_as_the_video(clip: Path) -> None:
    info = probe(clip)
    assert (info.audio_codec, info.sample_rate, info.channels) == ("aac", 48000, 1)
    with av.open(str(clip)) as container:
        samples = sum(f.samples for f in container.decode(audio=0))
    assert samples / 48000 == pytest.approx(4.0, abs=0.05)


def test_demo_clip_beeps_at_the_start_of_every_second(clip: Path) -> None:
    pcm = array("f")
    with av.open(str(clip)) as container:
        for frame in container.decode(audio=0):
            pcm.frombytes(bytes(frame.planes[0])[: frame.samples * 4])

    def rms(a: int, b: int) -> float:
        return math.sqrt(sum(x * x for x in pcm[a:b]) / (b - a))

    delay = 1024  # AAC encoder priming is trimmed; allow a frame of slack either way
    for second in (1, 2, 3):
        at = second * 48000
        assert rms(at + delay, at + 4000) > 2 * rms(at + 10000, at + 40000)


def test_demo_clip_burns_in_the_recording_clock_badge_and_device(clip: Path, track: Track) -> None:
    frame_index = 65  # 2.17 s in: the clock must read start + 2 s
    luma, stride = _luma(clip, frame_index)
    layout = osd_layout(360)
    when = START + timedelta(seconds=2)
    expected = osd_lines(when, BADGE, DEVICE, None)
    assert expected[0] == "AXN-014  2026-03-02 14:03:09Z"
    for line_no, text in enumerate(expected):
        x, y = layout.text_origin(line_no)
        assert read_text(luma, stride, x, y, len(text), scale=layout.scale) == text


def test_demo_clip_burns_in_the_position_when_given_a_track(clip: Path) -> None:
    luma, stride = _luma(clip, 0)
    layout = osd_layout(360)
    x, y = layout.text_origin(2)
    text = read_text(luma, stride, x, y, 20, scale=layout.scale)
    assert text.endswith("W") and "N " in text


def test_different_seeds_draw_different_pictures(tmp_path: Path) -> None:
    frames = []
    for seed in (1, 2):
        path = make_clip(
            tmp_path / f"{seed}.mp4",
            seconds=0.2,
            start=START,
            officer_badge=BADGE,
            device_id=DEVICE,
            seed=seed,
        )
        frames.append(_luma(path, 0)[0])
    assert frames[0] != frames[1]


def test_ntsc_frame_rates_are_kept_exactly(tmp_path: Path) -> None:
    path = make_clip(
        tmp_path / "ntsc.mp4", seconds=0.5, fps=Fraction(30000, 1001), start=START,
        officer_badge=BADGE, device_id=DEVICE, seed=4,
    )  # fmt: skip
    assert probe(path).fps_fraction == "30000/1001"


def test_small_frames_with_text_wider_than_the_picture_still_encode(tmp_path: Path) -> None:
    path = make_clip(
        tmp_path / "small.mp4", seconds=0.5, width=96, height=64, fps=25, start=START,
        officer_badge="A-VERY-LONG-BADGE-NUMBER", device_id=DEVICE, seed=4,
    )  # fmt: skip
    info = probe(path)
    assert (info.width, info.height, info.fps_fraction) == (96, 64, "25/1")


def test_make_clip_rejects_a_naive_start_and_odd_dimensions(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_clip(
            tmp_path / "x.mp4",
            start=datetime(2026, 3, 2),
            officer_badge=BADGE,
            device_id=DEVICE,
            seed=1,
        )
    with pytest.raises(ValueError, match="even"):
        make_clip(
            tmp_path / "x.mp4",
            width=641,
            start=START,
            officer_badge=BADGE,
            device_id=DEVICE,
            seed=1,
        )


def test_gpx_from_demo_round_trips(tmp_path: Path) -> None:
    data = make_gpx(tmp_path / "walk.gpx", start=START, seconds=30, seed=2, creator="Unit 7 logger")
    assert (tmp_path / "walk.gpx").read_bytes() == data
    parsed = parse_track(data)
    expected = demo_track(start=START, seconds=30, seed=2)
    assert (parsed.device, len(parsed.points)) == ("Unit 7 logger", 31)
    assert [p.time for p in parsed.points] == [START + timedelta(seconds=s) for s in range(31)]
    for got, want in zip(parsed.points, expected.points, strict=True):
        assert (got.lat, got.lon, got.ele) == (want.lat, want.lon, want.ele)


def test_nmea_from_demo_round_trips_to_the_gpx_positions() -> None:
    nmea = make_nmea(None, start=START, seconds=30, seed=5)
    assert all(nmea_checksum_ok(line) for line in nmea.decode().splitlines())
    from_nmea = parse_track(nmea)
    from_gpx = parse_track(make_gpx(None, start=START, seconds=30, seed=5))
    assert from_nmea.skipped_lines == 0 and from_nmea.device == "GP"
    for a, b in zip(from_nmea.points, from_gpx.points, strict=True):
        assert a.time == b.time
        assert a.lat == pytest.approx(b.lat, abs=1e-6) and a.lon == pytest.approx(b.lon, abs=1e-6)
        assert a.ele == pytest.approx(b.ele, abs=0.05)


def test_demo_walkers_move_at_walking_speed_and_drivers_faster() -> None:
    walk_pts = [(p.lat, p.lon) for p in demo_track(start=START, seconds=120, seed=2).points]
    drive_pts = [(p.lat, p.lon) for p in demo_track(start=START, seconds=120, seed=3).points]
    walk_steps = [_step_metres(a, b) for a, b in itertools.pairwise(walk_pts)]
    drive_steps = [_step_metres(a, b) for a, b in itertools.pairwise(drive_pts)]
    assert max(walk_steps) < 6.0 and 0.8 < sum(walk_steps) / len(walk_steps) < 2.5
    assert max(drive_steps) < 20.0 and sum(drive_steps) / len(drive_steps) > 3.0


def test_demo_walk_stays_on_the_street_grid_and_turns() -> None:
    points = demo_track(start=START, seconds=900, seed=2).points
    headings = {p.course_deg for p in points}
    assert len(headings) >= 2  # turned at least once at an intersection
    assert all(
        round(abs(a.course_deg - b.course_deg)) % 90 == 0 for a, b in itertools.pairwise(points)
    )  # type: ignore[operator]


def test_demo_track_starts_at_the_requested_origin() -> None:
    first = demo_track(start=START, seconds=1, seed=1, origin=(40.7580, -73.9855)).points[0]
    assert _step_metres((first.lat, first.lon), (40.7580, -73.9855)) < 10


def test_every_font_glyph_reads_back_from_its_own_rendering() -> None:
    text = "".join(GLYPHS)
    width, height, raster = render_text(text, scale=3, pad=2)
    assert len(raster) == width * height
    assert read_text(raster, width, 6, 6, len(text), scale=3) == text
