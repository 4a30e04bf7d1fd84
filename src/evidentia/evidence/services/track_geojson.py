"""The track derivative: a recording's linked GPS sidecar(s) on the recording's own clock.

One GeoJSON Feature (a LineString; a Point for a single fix) whose properties hold, per
coordinate, the UTC time, the offset in seconds from the recording's start, the speed
(m/s) and the heading (degrees clockwise from north). Speed and heading come from the
receiver when it logged them and are computed from the neighbouring fixes when not.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from evidentia.core.canonical import rfc3339
from evidentia.evidence import gps
from evidentia.evidence.models import Item, Kind, Processing
from evidentia.evidence.services.avkit import Built, DerivativeError, Progress
from evidentia.evidence.vaultio import open_blob

EARTH_RADIUS_M = 6_371_008.8
MAX_TRACK_BYTES = 64 << 20


def distance_m(a: gps.TrackPoint, b: gps.TrackPoint) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bearing_deg(a: gps.TrackPoint, b: gps.TrackPoint) -> float:
    """Initial great-circle bearing from a to b, 0..360 clockwise from north."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360


def motion(points: list[gps.TrackPoint]) -> tuple[list[float | None], list[float | None], int]:
    """Speed and heading per point (logged, else from the segment arriving at it, or leaving
    the first point); also how many values were computed rather than logged."""
    speeds: list[float | None] = []
    headings: list[float | None] = []
    computed = 0
    for i, p in enumerate(points):
        a, b = (points[i - 1], p) if i else (p, points[1] if len(points) > 1 else p)
        seconds = (b.time - a.time).total_seconds() if a.time and b.time else 0.0
        metres = distance_m(a, b)
        speed, heading = p.speed_mps, p.course_deg
        if speed is None and seconds > 0:
            speed, computed = metres / seconds, computed + 1
        if heading is None and metres > 0.5:  # below GPS noise a bearing means nothing
            heading, computed = bearing_deg(a, b), computed + 1
        if heading is None and headings:
            heading = headings[-1]  # standing still: keep facing the same way
        speeds.append(None if speed is None else round(speed, 2))
        headings.append(None if heading is None else round(heading, 1))
    return speeds, headings, computed


def _read(track_item: Item) -> gps.Track:
    if track_item.blob.size > MAX_TRACK_BYTES:
        raise DerivativeError(f"the GPS file {track_item.title} is larger than 64 MiB")
    with open_blob(track_item.blob) as source:
        try:
            return gps.parse_track(source.read(), hint=track_item.original_name)
        except gps.TrackError as exc:
            raise DerivativeError(f"the GPS file {track_item.title} is unreadable: {exc}") from exc


def build_track(item: Item, workdir: Path, progress: Progress) -> Built:
    sidecars = list(
        item.sidecars.filter(kind=Kind.GPS, processing=Processing.DONE)
        .select_related("blob")
        .order_by("recorded_at", "ingested_at")
    )
    if not sidecars:
        raise DerivativeError("no readable GPS track is linked to this recording")
    if item.recorded_at is None:
        raise DerivativeError(
            "the recording has no start time, so its GPS track cannot be put on its clock"
        )
    points: list[gps.TrackPoint] = []
    for sidecar in sidecars:
        points += _read(sidecar).timed_points
    if not points:
        raise DerivativeError("the linked GPS track has no timestamps to line up with the video")
    points.sort(key=lambda p: p.time)  # type: ignore[arg-type,return-value]
    speeds, headings, computed = motion(points)
    start = item.recorded_at
    coords = [[round(p.lon, 7), round(p.lat, 7)] for p in points]
    geometry = (
        {"type": "Point", "coordinates": coords[0]}
        if len(coords) == 1
        else {"type": "LineString", "coordinates": coords}
    )
    feature: dict[str, Any] = {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "recording": str(item.pk),
            "recording_start": rfc3339(start),
            "duration": item.duration_seconds,
            "sources": [{"item": str(s.pk), "sha256": s.blob.sha256} for s in sidecars],
            "times": [rfc3339(p.time) for p in points],  # type: ignore[arg-type]
            "offsets_s": [round((p.time - start).total_seconds(), 3) for p in points],  # type: ignore[operator]
            "speeds_mps": speeds,
            "headings_deg": headings,
            "elevations_m": [p.ele for p in points],
        },
    }
    progress(1.0)
    return Built(
        "application/geo+json",
        meta={"points": len(points), "sources": len(sidecars), "computed_values": computed},
        params={"speed": "logged, else haversine distance / time from the previous fix"},
        data=json.dumps(feature, separators=(",", ":"), sort_keys=True).encode(),
    )
