"""Synthetic body-worn-camera clips and GPS sidecars for demo data and tests.

Everything is generated in pure Python (no numpy, no font files): frames are built
directly as YUV 4:2:0 planes from byte rows, text is stamped with the 5x7 font in
:mod:`evidentia.evidence.bitmapfont`, and PyAV/libx264 does the encoding.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import gpxpy.gpx

from evidentia.evidence.bitmapfont import render_text
from evidentia.evidence.demo_pattern import MovingPattern, Stamp
from evidentia.evidence.demo_walk import DEFAULT_ORIGIN, Fix, walk
from evidentia.evidence.gps import Track, TrackPoint, position_at
from evidentia.evidence.tagvalues import iso6709

SAMPLE_RATE = 48_000
_AUDIO_FRAME = 1024

GpsInput = Track | Sequence[tuple[float, float] | tuple[float, float, float]]


@dataclass(frozen=True)
class OsdLayout:
    """Where the burnt-in text goes: top-left of the first label, font scale, line pitch."""

    x: int
    y: int
    scale: int
    pad: int  # font pixels of dark background around each line
    line_step: int

    def text_origin(self, line: int) -> tuple[int, int]:
        """Top-left pixel of the first glyph of ``line`` (inside the padding)."""
        off = self.pad * self.scale
        return self.x + off, self.y + line * self.line_step + off


def osd_layout(height: int) -> OsdLayout:
    scale = max(1, height // 180)
    pad = 1
    margin = 4 * scale
    return OsdLayout(margin, margin, scale, pad, (7 + 2 * pad) * scale + 2 * scale)


def osd_lines(
    when: datetime, officer_badge: str, device_id: str, position: tuple[float, float] | None
) -> list[str]:
    """The text burnt into a frame recorded at ``when`` (upper case, font characters only)."""
    clock = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    lines = [f"{officer_badge}  {clock}".upper(), f"DEV {device_id}".upper()]
    if position is not None:
        lat, lon = position
        ns, ew = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
        lines.append(f"{abs(lat):.5f}{ns} {abs(lon):.5f}{ew}")
    return lines


def _audio_second(seed: int) -> bytes:
    """One second of mono float32 audio: a seed-dependent tone plus a 100 ms beep.

    Both frequencies are whole hertz, so the buffer tiles seamlessly second after second.
    """
    tone_hz = 440 + (seed * 37) % 441
    beep_hz, beep_len, ramp = 1000, SAMPLE_RATE // 10, SAMPLE_RATE // 200
    samples = array("f", bytes(4 * SAMPLE_RATE))
    w_tone, w_beep = 2 * math.pi * tone_hz / SAMPLE_RATE, 2 * math.pi * beep_hz / SAMPLE_RATE
    for n in range(SAMPLE_RATE):
        s = 0.15 * math.sin(w_tone * n)
        if n < beep_len:
            env = min(1.0, n / ramp, (beep_len - n) / ramp)
            s += 0.5 * env * math.sin(w_beep * n)
        samples[n] = s
    return samples.tobytes()


def _as_track(gps_track: GpsInput) -> Track:
    if isinstance(gps_track, Track):
        return gps_track
    pts = [TrackPoint(None, p[0], p[1], p[2] if len(p) > 2 else None) for p in gps_track]
    return Track(pts, "points")


def make_clip(
    path: str | Path,
    *,
    seconds: float = 4.0,
    width: int = 640,
    height: int = 360,
    fps: int | Fraction = 30,
    start: datetime,
    officer_badge: str,
    device_id: str,
    seed: int,
    gps_track: GpsInput | None = None,
) -> Path:
    """Write an H.264/AAC MP4 that looks like a body-worn-camera recording.

    The picture is a seed-dependent moving test pattern with a burnt-in clock
    (``start + t``, whole seconds), badge and device id, plus the position when
    ``gps_track`` has times covering the frame. Audio is 48 kHz mono: a 440-880 Hz tone
    with a beep at every whole second. ``creation_time`` is ``start`` (MP4 stores whole
    seconds) and, with a track, the location tags hold its first point.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if width % 2 or height % 2 or width < 16 or height < 16:
        raise ValueError("width and height must be even and at least 16")
    path = Path(path)
    track = _as_track(gps_track) if gps_track is not None else None
    rate = Fraction(fps)
    n_frames = max(1, round(seconds * rate))
    n_samples = round(seconds * SAMPLE_RATE)
    layout = osd_layout(height)

    container = av.open(
        str(path), mode="w", format="mp4", options={"movflags": "use_metadata_tags"}
    )
    try:
        _set_metadata(container.metadata, start, officer_badge, device_id, seed, track)
        vs = container.add_stream(
            "libx264", rate=rate, options={"preset": "ultrafast", "crf": "28"}
        )
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        aus = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        probe_frame = av.VideoFrame(width, height, "yuv420p")
        strides = (probe_frame.planes[0].line_size, probe_frame.planes[1].line_size)
        pattern = MovingPattern(width, height, seed, strides)
        second = _audio_second(seed)
        audio_pos = 0
        osd_cache: dict[datetime, list[Stamp]] = {}

        for i in range(n_frames):
            # The OSD shows whole seconds, so it (and the position on it) changes once a second.
            shown = (start + timedelta(seconds=float(i / rate))).replace(microsecond=0)
            if shown not in osd_cache:
                pos = position_at(track, shown) if track is not None else None
                lines = osd_lines(shown, officer_badge, device_id, pos)
                osd_cache[shown] = _osd_stamps(lines, layout)
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane, data in zip(frame.planes, pattern.frame(i, osd_cache[shown]), strict=True):
                plane.update(data)
            frame.pts = i
            container.mux(vs.encode(frame))
            last = i == n_frames - 1
            audio_until = min(n_samples, round((i + 1) * SAMPLE_RATE / rate))
            while audio_until - audio_pos >= _AUDIO_FRAME or (last and audio_pos < n_samples):
                count = min(_AUDIO_FRAME, n_samples - audio_pos)
                container.mux(aus.encode(_audio_frame(second, audio_pos, count)))
                audio_pos += count
        container.mux(vs.encode(None))
        container.mux(aus.encode(None))
    except BaseException:
        container.close()
        path.unlink(missing_ok=True)
        raise
    container.close()
    return path


def _osd_stamps(lines: list[str], layout: OsdLayout) -> list[Stamp]:
    stamps = []
    for n, text in enumerate(lines):
        tw, th, raster = render_text(text, scale=layout.scale, pad=layout.pad)
        stamps.append((layout.x, layout.y + n * layout.line_step, tw, th, raster))
    return stamps


def _set_metadata(
    meta: dict[str, str],
    start: datetime,
    officer_badge: str,
    device_id: str,
    seed: int,
    track: Track | None,
) -> None:
    meta["creation_time"] = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    meta["title"] = f"Body-worn camera {device_id}"
    meta["comment"] = f"Evidentia demo clip; badge {officer_badge}; device {device_id}; seed {seed}"
    if track is not None and track.points:
        p0 = track.points[0]
        # ffmpeg rounds the classic "location" atom to 4 decimals (~10 m); the Apple key
        # is stored verbatim, and probe() prefers it.
        meta["location"] = meta["com.apple.quicktime.location.ISO6709"] = iso6709(
            p0.lat, p0.lon, p0.ele
        )


def _audio_frame(second: bytes, pos: int, count: int) -> av.AudioFrame:
    offset = (pos % SAMPLE_RATE) * 4
    data = (second[offset:] + second)[: count * 4]
    frame = av.AudioFrame(format="fltp", layout="mono", samples=count)
    frame.planes[0].update(data + bytes(frame.planes[0].buffer_size - len(data)))
    frame.sample_rate = SAMPLE_RATE
    frame.pts = pos
    frame.time_base = Fraction(1, SAMPLE_RATE)
    return frame


def demo_track(
    *, start: datetime, seconds: float, seed: int, origin: tuple[float, float] = DEFAULT_ORIGIN
) -> Track:
    """The same street-grid walk as :func:`make_gpx`, as a :class:`Track` (for make_clip)."""
    fixes = walk(start, seconds, seed, origin)
    pts = [TrackPoint(f.time, f.lat, f.lon, f.ele, f.speed_mps, f.course_deg) for f in fixes]
    return Track(pts, "demo", device="Evidentia demo")


def _write(path_or_none: str | Path | None, data: bytes) -> bytes:
    if path_or_none is not None:
        Path(path_or_none).write_bytes(data)
    return data


def make_gpx(
    path_or_none: str | Path | None,
    *,
    start: datetime,
    seconds: float,
    seed: int,
    origin: tuple[float, float] = DEFAULT_ORIGIN,
    creator: str = "Evidentia demo",
) -> bytes:
    """A GPX 1.1 track at 1 Hz along a street grid near ``origin`` (time and elevation on
    every point). Written to ``path_or_none`` when given; the bytes are returned either way.
    """
    gpx = gpxpy.gpx.GPX()
    gpx.creator = creator
    trk = gpxpy.gpx.GPXTrack(name=f"Demo patrol seed {seed}")
    seg = gpxpy.gpx.GPXTrackSegment()
    for f in walk(start, seconds, seed, origin):
        t = f.time.astimezone(UTC)
        seg.points.append(gpxpy.gpx.GPXTrackPoint(f.lat, f.lon, elevation=f.ele, time=t))
    trk.segments.append(seg)
    gpx.tracks.append(trk)
    return _write(path_or_none, gpx.to_xml(version="1.1").encode("utf-8"))


def nmea_sentence(body: str) -> str:
    """``$<body>*<checksum>`` with the NMEA XOR checksum of ``body``."""
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"${body}*{x:02X}"


def _nmea_angle(value: float, deg_digits: int, pos: str, neg: str) -> tuple[str, str]:
    a = abs(value)
    deg = int(a)
    minutes = round((a - deg) * 60, 5)
    if minutes >= 60:
        deg, minutes = deg + 1, 0.0
    return f"{deg:0{deg_digits}d}{minutes:08.5f}", pos if value >= 0 else neg


def _nmea_pair(f: Fix, talker: str, sats: int, hdop: float) -> list[str]:
    t = f.time.astimezone(UTC)
    hms = t.strftime("%H%M%S") + f".{t.microsecond // 10000:02d}"
    lat, ns = _nmea_angle(f.lat, 2, "N", "S")
    lon, ew = _nmea_angle(f.lon, 3, "E", "W")
    gga = f"{talker}GGA,{hms},{lat},{ns},{lon},{ew},1,{sats:02d},{hdop:.1f},{f.ele:.1f},M,-19.6,M,,"
    knots = f.speed_mps / (1852 / 3600)
    rmc = f"{talker}RMC,{hms},A,{lat},{ns},{lon},{ew},{knots:.2f},{f.course_deg:.1f},{t:%d%m%y},,,A"
    return [nmea_sentence(gga), nmea_sentence(rmc)]


def make_nmea(
    path_or_none: str | Path | None,
    *,
    start: datetime,
    seconds: float,
    seed: int,
    origin: tuple[float, float] = DEFAULT_ORIGIN,
    talker: str = "GP",
) -> bytes:
    """The :func:`make_gpx` walk as NMEA 0183: a GGA and an RMC sentence per second (CRLF)."""
    rng = random.Random(seed ^ 0x5EED)
    lines: list[str] = []
    for f in walk(start, seconds, seed, origin):
        lines += _nmea_pair(f, talker, rng.randint(6, 11), rng.uniform(0.7, 1.6))
    return _write(path_or_none, ("\r\n".join(lines) + "\r\n").encode("ascii"))
