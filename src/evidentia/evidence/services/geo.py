"""Where evidence was recorded: GPS positions kept for map search, and the search itself.

A GPS sidecar's fixes and a recording's container location are copied into `TrackPoint`
rows when the item is processed (docs/decisions/0007-gps-storage.md). A sidecar's points
also count for the recording it is linked to. Only items the user may see are returned.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min, Q

from evidentia.accounts.models import User
from evidentia.core.errors import Rejected
from evidentia.evidence import gps, policy
from evidentia.evidence.models import Item, Kind, Processing, TrackPoint
from evidentia.evidence.tagvalues import Location
from evidentia.evidence.vaultio import open_blob

BATCH = 2000
MAX_LIMIT = 500
MAX_ID_LIST = 10_000
Source = TrackPoint.Source


def index_track(item: Item, track: gps.Track) -> int:
    """Replace the item's indexed fixes with the track's. Call inside its transaction."""
    TrackPoint.objects.filter(item=item, source=Source.TRACK).delete()
    rows = (
        TrackPoint(item=item, source=Source.TRACK, seq=i, time=p.time, lat=p.lat, lon=p.lon)
        for i, p in enumerate(track.points)
    )
    return len(TrackPoint.objects.bulk_create(rows, batch_size=BATCH))


def index_location(item: Item, location: Location | None, when: datetime | None) -> None:
    """The place a recording's container names, as one point at its start."""
    TrackPoint.objects.filter(item=item, source=Source.LOCATION).delete()
    if location is not None:
        TrackPoint.objects.create(
            item=item, source=Source.LOCATION, seq=0, time=when, lat=location.lat, lon=location.lon
        )


def backfill() -> int:
    """Index GPS items processed before map search existed. Returns how many were indexed."""
    done = 0
    pending = Item.objects.filter(kind=Kind.GPS, processing=Processing.DONE, track_points=None)
    for item in pending.select_related("blob"):
        with open_blob(item.blob) as source:
            try:
                track = gps.parse_track(source.read(), hint=item.original_name)
            except gps.TrackError:
                continue
        index_track(item, track)
        done += 1
    return done


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        parts = [p.strip() for p in (text or "").split(",")]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            raise Rejected(
                "bbox must be four numbers: min longitude, min latitude, max longitude, "
                "max latitude, e.g. bbox=-122.70,45.50,-122.66,45.53."
            )
        box = cls(*values)
        if not (-180 <= box.min_lon <= 180 and -180 <= box.max_lon <= 180):
            raise Rejected("bbox longitudes must be between -180 and 180.")
        if not (-90 <= box.min_lat <= 90 and -90 <= box.max_lat <= 90):
            raise Rejected("bbox latitudes must be between -90 and 90.")
        if box.min_lat > box.max_lat:
            raise Rejected("bbox min latitude is north of its max latitude; swap them.")
        return box

    def as_q(self) -> Q:
        lat = Q(lat__gte=self.min_lat, lat__lte=self.max_lat)
        if self.min_lon <= self.max_lon:
            return lat & Q(lon__gte=self.min_lon, lon__lte=self.max_lon)
        # min east of max: the box crosses the antimeridian (RFC 7946, 5.2)
        return lat & (Q(lon__gte=self.min_lon) | Q(lon__lte=self.max_lon))


@dataclass
class Match:
    item: Item
    points: int = 0
    first: datetime | None = None
    last: datetime | None = None
    box: list[float] = field(default_factory=lambda: [math.inf, math.inf, -math.inf, -math.inf])
    via: set[str] = field(default_factory=set)

    def add(self, row: Any, via: str) -> None:
        self.points += row["n"]
        if row["first"] is not None:
            self.first = min(filter(None, [self.first, row["first"]]))
            self.last = max(filter(None, [self.last, row["last"]]))
        b = self.box
        self.box = [
            min(b[0], row["w"]),
            min(b[1], row["s"]),
            max(b[2], row["e"]),
            max(b[3], row["n_"]),
        ]
        self.via.add(via)


def search(
    user: User,
    bbox: BBox,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 100,
) -> tuple[list[Match], int]:
    """Visible items with a position inside ``bbox`` between ``start`` and ``end``
    (inclusive; points without a time match only when no time is given), newest first.
    Returns at most ``limit`` matches and the total number."""
    if start is not None and end is not None and start > end:
        raise Rejected("start is after end.")
    points = TrackPoint.objects.filter(bbox.as_q())
    if start is not None:
        points = points.filter(time__gte=start)
    if end is not None:
        points = points.filter(time__lte=end)
    rows = points.values("item_id", "item__recording_id", "source").annotate(
        n=Count("id"),
        first=Min("time"),
        last=Max("time"),
        w=Min("lon"),
        s=Min("lat"),
        e=Max("lon"),
        n_=Max("lat"),
    )
    found: dict[uuid.UUID, list[tuple[Any, str]]] = {}
    for row in rows:
        via = "gps_track" if row["source"] == Source.TRACK else "container_location"
        found.setdefault(row["item_id"], []).append((row, via))
        if row["item__recording_id"] is not None:
            found.setdefault(row["item__recording_id"], []).append((row, "linked_gps_track"))
    if len(found) <= MAX_ID_LIST:
        matching = Q(pk__in=list(found))
    else:  # past SQLite's bound-parameter limit: let the database join again
        matching = Q(pk__in=points.values("item_id")) | Q(pk__in=points.values("item__recording"))
    visible = (
        policy.visible_items(user)
        .filter(matching)
        .select_related("officer")
        .order_by("-recorded_at", "-ingested_at")
    )
    total = visible.count()
    matches = []
    for item in visible[: max(1, min(limit, MAX_LIMIT))]:
        match = Match(item)
        for row, via in found.get(item.pk, []):
            match.add(row, via)
        matches.append(match)
    return matches, total
