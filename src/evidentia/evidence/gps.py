"""Sidecar GPS tracks (GPX and NMEA 0183) and matching them to recordings by time."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import gpxpy
import gpxpy.gpx
import pynmea2

from evidentia.evidence.tagvalues import rfc3339

KNOT_MPS = 1852 / 3600
_DEFAULT_SLACK_S = 60.0
_NMEA_LINE_RE = re.compile(r"[$!][A-Z0-9]{2,}[A-Z0-9]*,")


class TrackError(ValueError):
    """Data is not a usable GPS track; ``str(err)`` says why in plain words."""


@dataclass
class TrackPoint:
    time: datetime | None  # aware UTC, or None when the source has no (dated) time
    lat: float
    lon: float
    ele: float | None = None  # metres (GPX <ele>, NMEA GGA altitude above MSL)
    speed_mps: float | None = None
    course_deg: float | None = None  # true course, degrees clockwise from north


@dataclass
class Track:
    points: list[TrackPoint]
    source_format: str  # "gpx" or "nmea"
    skipped_lines: int = 0  # NMEA lines (bad checksum, unparseable) or GPX points dropped
    device: str | None = None  # GPX creator, or NMEA talker id(s) such as "GN,GP"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def timed_points(self) -> list[TrackPoint]:
        return [p for p in self.points if p.time is not None]

    @property
    def start(self) -> datetime | None:
        """Time of the earliest timed point."""
        times = [p.time for p in self.points if p.time is not None]
        return min(times) if times else None

    @property
    def end(self) -> datetime | None:
        """Time of the latest timed point."""
        times = [p.time for p in self.points if p.time is not None]
        return max(times) if times else None

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON Feature: a LineString (a Point for a single fix) in file order.

        ``properties.times`` holds one RFC 3339 string (or null) per coordinate; elevation
        is the third coordinate only when every point has one.
        """
        with_ele = bool(self.points) and all(p.ele is not None for p in self.points)
        coords = [[p.lon, p.lat, p.ele] if with_ele else [p.lon, p.lat] for p in self.points]
        geometry: dict[str, Any] = (
            {"type": "Point", "coordinates": coords[0]}
            if len(coords) == 1
            else {"type": "LineString", "coordinates": coords}
        )
        return {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "source_format": self.source_format,
                "device": self.device,
                "start": _rfc3339(self.start),
                "end": _rfc3339(self.end),
                "times": [_rfc3339(p.time) for p in self.points],
                "speeds_mps": [p.speed_mps for p in self.points],
                "skipped_lines": self.skipped_lines,
            },
        }


def _rfc3339(dt: datetime | None) -> str | None:
    return None if dt is None else rfc3339(dt)


def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _detect(text: str, hint: str | None) -> str | None:
    head = text.lstrip()[:4096].lower()
    if head.startswith("<") and "<gpx" in head:
        return "gpx"
    sentences = (_split_nmea(ln) for ln in text.splitlines()[:200])
    if any(s and _NMEA_LINE_RE.match(s) for s in sentences):
        return "nmea"
    h = (hint or "").lower()
    if h.endswith("gpx"):
        return "gpx"
    if h.endswith(("nmea", "nma", ".log", ".txt")):
        return "nmea"
    return None


def parse_track(data: bytes, hint: str | None = None) -> Track:
    """Parse a GPX or NMEA 0183 track, detecting the format from the content.

    ``hint`` (``"gpx"``, ``"nmea"`` or a file name) is used only when the content does not
    say. Raises :class:`TrackError` for anything that yields no positions.
    """
    if not data.strip():
        raise TrackError("empty GPS file")
    if b"\x00" in data[:4096]:
        raise TrackError("not a GPS track: binary data (expected GPX or NMEA text)")
    text = data.decode("utf-8-sig", errors="replace")
    fmt = _detect(text, hint)
    if fmt == "gpx":
        return _parse_gpx(text)
    if fmt == "nmea":
        return _parse_nmea(text)
    raise TrackError("unrecognised GPS track: expected GPX (XML with <gpx>) or NMEA 0183 sentences")


def _parse_gpx(text: str) -> Track:
    try:
        gpx = gpxpy.parse(text)
    except (gpxpy.gpx.GPXException, ValueError) as e:
        raise TrackError(f"not valid GPX: {e}") from e
    raw: list[Any] = [pt for trk in gpx.tracks for seg in trk.segments for pt in seg.points]
    kind = "track"
    if not raw:
        raw, kind = [pt for rte in gpx.routes for pt in rte.points], "route"
    if not raw:
        raw, kind = list(gpx.waypoints), "waypoints"
    if not raw:
        raise TrackError("GPX file contains no track, route or waypoint points")
    points = [
        TrackPoint(
            time=_utc(p.time),
            lat=p.latitude,
            lon=p.longitude,
            ele=p.elevation,
            speed_mps=p.speed,
            course_deg=getattr(p, "course", None),
        )
        for p in raw
        if _on_earth(p.latitude, p.longitude)
    ]
    if not points:
        raise TrackError("GPX file has no points with valid coordinates")
    meta = {"gpx_version": gpx.version, "from": kind}
    return Track(points, "gpx", len(raw) - len(points), device=gpx.creator, meta=meta)


def _on_earth(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


@dataclass
class _Epoch:
    """Everything the receiver said about one fix time (RMC, GGA, ZDA, GLL share it)."""

    tod: time
    day: date | None = None
    lat: float | None = None
    lon: float | None = None
    ele: float | None = None
    speed_mps: float | None = None
    course_deg: float | None = None


def _split_nmea(line: str) -> str | None:
    """The sentence part of a log line (some loggers prefix a timestamp), or None."""
    i = line.find("$")
    return line[i:].strip() if i >= 0 else None


def _parse_nmea(text: str) -> Track:
    epochs: list[_Epoch] = []
    talkers: set[str] = set()
    skipped = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        sentence = _split_nmea(line)
        if sentence is None:
            skipped += 1
            continue
        try:
            msg = pynmea2.parse(sentence)  # verifies a checksum when one is present
        except pynmea2.SentenceTypeError:
            continue  # well-formed but a type we do not use
        except (pynmea2.ParseError, ValueError):
            skipped += 1  # includes ChecksumError
            continue
        try:
            if _absorb(msg, epochs):
                talkers.add(msg.talker)
        except (ValueError, TypeError, AttributeError):
            skipped += 1
    _fill_dates(epochs)
    points = [
        TrackPoint(
            time=datetime.combine(e.day, e.tod, tzinfo=UTC) if e.day else None,
            lat=round(e.lat, 9),
            lon=round(e.lon, 9),
            ele=e.ele,
            speed_mps=e.speed_mps,
            course_deg=e.course_deg,
        )
        for e in epochs
        if e.lat is not None and e.lon is not None and _on_earth(e.lat, e.lon)
    ]
    if not points:
        raise TrackError(
            f"no NMEA position fixes found ({skipped} unreadable or bad-checksum lines skipped)"
        )
    return Track(points, "nmea", skipped_lines=skipped, device=",".join(sorted(talkers)) or None)


def _epoch_for(tod: time, epochs: list[_Epoch]) -> _Epoch:
    # A receiver interleaves sentences of adjacent fixes, so look back a little.
    for e in reversed(epochs[-4:]):
        if e.tod == tod:
            return e
    e = _Epoch(tod)
    epochs.append(e)
    return e


def _absorb(msg: Any, epochs: list[_Epoch]) -> bool:
    """Merge a parsed sentence into its epoch; True if it carried a usable position."""
    stype = msg.sentence_type
    if stype not in {"RMC", "GGA", "GLL", "ZDA"} or not getattr(msg, "timestamp", None):
        return False
    e = _epoch_for(msg.timestamp.replace(tzinfo=None), epochs)
    if stype == "ZDA":
        if msg.year and msg.month and msg.day:
            e.day = date(int(msg.year), int(msg.month), int(msg.day))
        return False
    if stype == "RMC":
        if isinstance(msg.datestamp, date):  # pynmea2 hands back bad dates as strings
            e.day = msg.datestamp
        if msg.status != "A" or not msg.lat:
            return False
        e.lat, e.lon = msg.latitude, msg.longitude
        if msg.spd_over_grnd is not None:
            e.speed_mps = float(msg.spd_over_grnd) * KNOT_MPS
        if msg.true_course is not None:
            e.course_deg = float(msg.true_course)
        return True
    if stype == "GGA":
        if not msg.gps_qual or not msg.lat:
            return False
        if e.lat is None:
            e.lat, e.lon = msg.latitude, msg.longitude
        if msg.altitude is not None:
            e.ele = float(msg.altitude)
        return True
    if msg.status != "A" or not msg.lat:  # GLL
        return False
    if e.lat is None:
        e.lat, e.lon = msg.latitude, msg.longitude
    return True


def _fill_dates(epochs: list[_Epoch]) -> None:
    """Give dateless epochs (GGA/GLL only) the date of their neighbours, across midnight."""
    half_day = 12 * 3600

    def secs(t: time) -> float:
        return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6

    known = [i for i, e in enumerate(epochs) if e.day is not None]
    if not known:
        return
    day, tod = epochs[known[0]].day, epochs[known[0]].tod
    for e in reversed(epochs[: known[0]]):
        assert day is not None
        if secs(e.tod) - secs(tod) > half_day:
            day -= timedelta(days=1)
        e.day, tod = day, e.tod
    day, tod = None, epochs[known[0]].tod
    for e in epochs[known[0] :]:
        if e.day is not None:
            day, tod = e.day, e.tod
            continue
        assert day is not None
        if secs(tod) - secs(e.tod) > half_day:
            day += timedelta(days=1)
        e.day, tod = day, e.tod


def overlaps(
    track: Track, start: datetime, end: datetime, slack_seconds: float = _DEFAULT_SLACK_S
) -> bool:
    """True if the track's timed span and ``[start, end]`` overlap, allowing ``slack_seconds``
    of clock disagreement between the GPS logger and the camera. Untimed tracks never match.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    t0, t1 = track.start, track.end
    if t0 is None or t1 is None:
        return False
    slack = timedelta(seconds=slack_seconds)
    return t0 - slack <= end and t1 + slack >= start


def position_at(
    track: Track, when: datetime, max_gap_seconds: float = 30.0
) -> tuple[float, float] | None:
    """(lat, lon) at ``when``, linearly interpolated between timed points.

    None outside the track's span or inside a gap longer than ``max_gap_seconds``.
    """
    pts = sorted(track.timed_points, key=lambda p: p.time)  # type: ignore[arg-type,return-value]
    for a, b in itertools.pairwise(pts):
        assert a.time is not None and b.time is not None
        if a.time <= when <= b.time:
            span = (b.time - a.time).total_seconds()
            if span > max_gap_seconds:
                return None
            f = (when - a.time).total_seconds() / span if span else 0.0
            return a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f
    if len(pts) == 1 and pts[0].time == when:
        return pts[0].lat, pts[0].lon
    return None
