"""Map search: evidence recorded inside a box and a time range."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from evidentia.accounts.auth import ApiAuth
from evidentia.core.canonical import parse_rfc3339
from evidentia.core.errors import Rejected
from evidentia.evidence.services import geo

router = Router(tags=["map"])


class MapItemOut(Schema):
    id: str
    title: str
    kind: str
    officer: str | None  # badge number
    officer_name: str | None
    recorded_at: datetime | None
    points: int  # matching points: its own and those of GPS tracks linked to it
    first_time: datetime | None
    last_time: datetime | None
    bbox: list[float]  # of the matching points: min lon, min lat, max lon, max lat
    via: list[str]  # gps_track | linked_gps_track | container_location


class MapSearchOut(Schema):
    bbox: list[float]
    start: datetime | None
    end: datetime | None
    total: int
    items: list[MapItemOut]


def _time(name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    example = "e.g. 2026-03-02T14:00:00Z"
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise Rejected(f"{name} must be an ISO 8601 time with a time zone, {example}.") from exc
    if when.tzinfo is None:
        raise Rejected(f"{name} needs a time zone (Z for UTC), {example}.")
    return parse_rfc3339(when.isoformat())


@router.get("/search", response=MapSearchOut, auth=ApiAuth("evidence:read"))
def search(
    request: HttpRequest,
    bbox: str,
    start: str | None = None,
    end: str | None = None,
    limit: int = 100,
) -> dict:  # type: ignore[type-arg]
    """Items you may see with a GPS fix (or container location) inside `bbox`
    (`minlon,minlat,maxlon,maxlat`, WGS 84; min lon > max lon crosses the antimeridian)
    between `start` and `end` (ISO 8601 with a time zone; both optional, inclusive).
    Newest first, at most `limit` (1-500); `total` counts every match."""
    box = geo.BBox.parse(bbox)
    when_from, when_to = _time("start", start), _time("end", end)
    matches, total = geo.search(request.auth, box, when_from, when_to, limit)  # type: ignore[attr-defined]
    return {
        "bbox": [box.min_lon, box.min_lat, box.max_lon, box.max_lat],
        "start": when_from,
        "end": when_to,
        "total": total,
        "items": [
            {
                "id": str(m.item.pk),
                "title": m.item.title,
                "kind": m.item.kind,
                "officer": m.item.officer.badge_number if m.item.officer else None,
                "officer_name": m.item.officer.get_full_name() if m.item.officer else None,
                "recorded_at": m.item.recorded_at,
                "points": m.points,
                "first_time": m.first,
                "last_time": m.last,
                "bbox": m.box,
                "via": sorted(m.via),
            }
            for m in matches
        ],
    }
