"""Places: the service area, the public's fuzzed location, distances.

Written here rather than with shapely: one point-in-polygon test and one grid snap
are all the portal needs (docs/decisions/0014-community-portal.md).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from django.conf import settings

EARTH_M = 6_371_008.8
Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs


@lru_cache(maxsize=4)
def _area(spec: str, path: str) -> tuple[Ring, ...]:
    if path:
        data = json.loads(Path(path).read_text())
        geom = data.get("geometry", data) if data.get("type") == "Feature" else data
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        return tuple(tuple((float(x), float(y)) for x, y, *_ in poly[0]) for poly in polygons)
    if not spec:
        return ()
    w, s, e, n = (float(v) for v in spec.split(","))
    return (((w, s), (e, s), (e, n), (w, n), (w, s)),)


def service_area() -> tuple[Ring, ...]:
    return _area(settings.PORTAL_SERVICE_AREA, settings.PORTAL_SERVICE_AREA_FILE)


def _inside(ring: Ring, lon: float, lat: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_service_area(lat: float, lon: float) -> bool:
    rings = service_area()
    return not rings or any(_inside(ring, lon, lat) for ring in rings)


def bounds() -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of the service area, for the map."""
    rings = service_area()
    if not rings:
        return None
    lons = [x for ring in rings for x, _ in ring]
    lats = [y for ring in rings for _, y in ring]
    return min(lats), min(lons), max(lats), max(lons)


def map_center() -> tuple[float, float]:
    if settings.PORTAL_MAP_CENTER:
        lat, lon = (float(v) for v in settings.PORTAL_MAP_CENTER.split(","))
        return lat, lon
    box = bounds()
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else (0.0, 0.0)


def fuzz(lat: float, lon: float, metres: int | None = None) -> tuple[float, float]:
    """The centre of the grid cell (about `metres` on a side) holding the point. A
    fixed grid, not random jitter: asking again never narrows it down."""
    metres = metres or settings.PORTAL_FUZZ_METRES
    dlat = metres / 111_320.0
    row = math.floor(lat / dlat)
    centre_lat = (row + 0.5) * dlat
    # Cell width from the row's latitude, so every point in the row snaps alike.
    dlon = metres / (111_320.0 * max(math.cos(math.radians(centre_lat)), 0.01))
    col = math.floor(lon / dlon)
    return round(centre_lat, 6), round((col + 0.5) * dlon, 6)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))
