"""Records candidates near a place: recordings whose GPS track passes within a radius of a
point during the request's dates (docs/decisions/0031-records-clerk-tools.md).

The evidence map search (`evidence.services.geo.search`) does the finding: visibility,
time range and linked GPS sidecars included. It searches a box, so the box around the
circle is asked for and each match is then kept only if one of its fixes lies within
the radius (great-circle distance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db.models import Q

from evidentia.accounts.models import User
from evidentia.custody import events
from evidentia.evidence.models import Item, Kind, TrackPoint
from evidentia.evidence.services import geo
from evidentia.sharing.models import RecordsRequest
from evidentia.sharing.services import records

MIN_RADIUS_M = 10
MAX_RADIUS_M = 5000
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    radius_m: int

    @classmethod
    def parse(cls, lat: Any, lon: Any, radius: Any) -> Place:
        """A point and a radius from form text; every field's problem is named."""
        errors: dict[str, str] = {}
        values: dict[str, float] = {}
        for key, raw, label, low, high, example in (
            ("lat", lat, "Latitude", -90.0, 90.0, "45.5152"),
            ("lon", lon, "Longitude", -180.0, 180.0, "-122.6784"),
            ("radius", radius, "The radius", MIN_RADIUS_M, MAX_RADIUS_M, "250"),
        ):
            text = str(raw if raw is not None else "").strip()
            try:
                value = float(text) if text else math.nan
            except ValueError:
                value = math.nan
            if not text:
                errors[key] = f"{label} is missing."
            elif not math.isfinite(value):
                errors[key] = f"{label} must be a number, e.g. {example}."
            elif not low <= value <= high:
                unit = " metres" if key == "radius" else ""
                errors[key] = f"{label} must be between {low:g} and {high:g}{unit}."
            else:
                values[key] = value
        if errors:
            raise records.Invalid(errors)
        return cls(values["lat"], values["lon"], round(values["radius"]))

    def bbox(self) -> geo.BBox:
        """The box around the circle, a little larger; across the antimeridian if it must."""
        dlat = math.degrees(self.radius_m / EARTH_RADIUS_M) * 1.01
        south, north = self.lat - dlat, self.lat + dlat
        cos = math.cos(math.radians(self.lat))
        if north >= 90 or south <= -90 or cos < 1e-6:
            return geo.BBox(-180, max(south, -90), 180, min(north, 90))
        dlon = min(dlat / cos, 180)
        west, east = self.lon - dlon, self.lon + dlon
        if east - west >= 360:
            return geo.BBox(-180, south, 180, north)
        west = west + 360 if west < -180 else west
        east = east - 360 if east > 180 else east
        return geo.BBox(west, south, east, north)

    def metres(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Haversine distance from the point to each fix."""
        p1, p2 = math.radians(self.lat), np.radians(lat)
        dp, dl = p2 - p1, np.radians(lon - self.lon)
        a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def window(rr: RecordsRequest) -> tuple[datetime | None, datetime | None]:
    """The request's dates as UTC times, both days whole; None where open."""
    start = datetime.combine(rr.date_from, time(0), UTC) if rr.date_from else None
    end = (
        datetime.combine(rr.date_to, time(0), UTC) + timedelta(days=1, microseconds=-1)
        if rr.date_to
        else None
    )
    return start, end


@dataclass
class Nearby:
    items: list[Item]
    total: int  # recordings within the radius that the clerk may see
    capped: bool  # the box held more than map search returns: narrow the search


def _within(place: Place, ids: list, start, end) -> set:
    """Which of `ids` have a fix (their own, or a linked sidecar's) inside the circle."""
    points = TrackPoint.objects.filter(place.bbox().as_q()).filter(
        Q(item_id__in=ids) | Q(item__recording_id__in=ids)
    )
    if start is not None:
        points = points.filter(time__gte=start)
    if end is not None:
        points = points.filter(time__lte=end)
    rows = list(points.values_list("item_id", "item__recording_id", "lat", "lon"))
    if not rows:
        return set()
    lat = np.array([r[2] for r in rows], dtype=float)
    lon = np.array([r[3] for r in rows], dtype=float)
    inside = place.metres(lat, lon) <= place.radius_m
    hits: set[Any] = set()
    for (item_id, recording_id, _, _), ok in zip(rows, inside, strict=True):
        if ok:
            hits.update(filter(None, (item_id, recording_id)))
    return hits & set(ids)


def near(user: User, rr: RecordsRequest, place: Place, request=None) -> Nearby:
    """Recordings the clerk may see that were within the radius during the request's
    dates (at any time when it gives none). GPS sidecars are not listed themselves:
    their points count for the recording they are linked to."""
    records._check(user)
    start, end = window(rr)
    matches, total = geo.search(user, place.bbox(), start, end, limit=geo.MAX_LIMIT)
    ids = [m.item.pk for m in matches]
    hits = _within(place, ids, start, end) if ids else set()
    found = [
        m.item
        for m in matches
        if m.item.pk in hits and m.item.kind != Kind.GPS and m.item.disposed_at is None
    ]
    found.sort(key=lambda i: (i.recorded_at is None, i.recorded_at))
    result = Nearby(found, len(found), capped=total > len(matches))
    records._event(
        rr,
        events.RECORDS_SEARCHED,
        user,
        request,
        {
            "found": result.total,
            "near": f"{place.lat:.5f},{place.lon:.5f}",
            "radius_m": place.radius_m,
        },
    )
    return result
