"""Map search: evidence with a GPS fix inside a box and a time range, for those who may see it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from evidentia.cases import services as cases
from evidentia.evidence import demo_media
from evidentia.evidence.models import Item, TrackPoint
from evidentia.evidence.services import geo
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from tests.evidence.helpers import ingest_bytes

START = datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC)
AROUND = "-122.69,45.51,-122.67,45.52"  # the demo walk starts at -122.6784, 45.5152
ELSEWHERE = "-122.60,45.40,-122.59,45.41"


@pytest.fixture
def patrol(db, olivia, clip_path, gpx_bytes) -> tuple[Item, Item]:
    """Olivia's clip and its GPS sidecar (6 fixes, 14:03:05 to 14:03:10), linked."""
    sub = Submission(clip_path.name, "cli", officer=olivia, device_id="BWC-7")
    video = ingest_path(clip_path, sub, actor=olivia).item
    process(video)
    track = ingest_bytes(gpx_bytes, "BWC-7.gpx", officer=olivia, device_id="BWC-7")
    process(track)
    return video, track


def search(client: Client, bbox: str, **params: str):
    return client.get("/api/v1/map/search", {"bbox": bbox, **params})


def found(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {i["id"]: i for i in response.json()["items"]}


def test_it_finds_a_recording_whose_track_passes_through_the_box(patrol, olivia, as_user):
    video, track = patrol
    items = found(search(as_user(olivia), AROUND))
    assert set(items) == {str(video.pk), str(track.pk)}
    hit = items[str(video.pk)]
    assert (hit["points"], hit["via"], hit["officer"]) == (6, ["linked_gps_track"], "N-1042")
    assert hit["recorded_at"] == "2026-03-02T14:03:05Z"
    assert items[str(track.pk)]["via"] == ["gps_track"]


def test_it_ignores_items_outside_the_box(patrol, olivia, as_user):
    response = search(as_user(olivia), ELSEWHERE)
    assert found(response) == {}
    assert response.json()["total"] == 0


def test_it_counts_only_points_inside_the_time_range(patrol, olivia, as_user):
    response = search(
        as_user(olivia), AROUND, start="2026-03-02T14:03:00Z", end="2026-03-02T14:03:07Z"
    )
    hit = found(response)[str(patrol[0].pk)]
    assert hit["points"] == 3
    assert (hit["first_time"], hit["last_time"]) == ("2026-03-02T14:03:05Z", "2026-03-02T14:03:07Z")


def test_it_ignores_items_outside_the_time_range(patrol, olivia, as_user):
    assert found(search(as_user(olivia), AROUND, start="2026-03-02T15:00:00Z")) == {}
    assert found(search(as_user(olivia), AROUND, end="2026-03-02T14:00:00+00:00")) == {}


def test_it_never_returns_items_the_user_cannot_see(patrol, oscar, as_user):
    response = search(as_user(oscar), AROUND)
    assert found(response) == {}
    assert response.json()["total"] == 0


def test_a_restricted_case_hides_its_items_from_the_custodian(patrol, stella, carmen, as_user):
    video, track = patrol
    case = cases.create_case(number="IA-7", title="Complaint", actor=stella, restricted=True)
    cases.link_item(case, video, actor=stella)
    assert set(found(search(as_user(carmen), AROUND))) == {str(track.pk)}
    assert str(video.pk) in found(search(as_user(stella), AROUND))


def test_a_recording_is_found_by_its_container_location(db, olivia, tmp_path):
    walk = demo_media.demo_track(start=START, seconds=2, seed=4)
    path = demo_media.make_clip(
        tmp_path / "located.mp4",
        seconds=1,
        width=64,
        height=36,
        start=START,
        officer_badge="N-1042",
        device_id="BWC-9",
        seed=4,
        gps_track=walk,
    )
    video = ingest_path(path, Submission(path.name, "cli", officer=olivia), actor=olivia).item
    process(video)
    matches, total = geo.search(olivia, geo.BBox.parse(AROUND), START, START)
    assert total == 1
    assert (matches[0].item, matches[0].via) == (video, {"container_location"})


def test_a_box_across_the_antimeridian_matches_both_sides(db, olivia):
    item = ingest_bytes(b"fiji", "fiji.gpx", officer=olivia)
    for seq, lon in enumerate((179.5, -179.5, 10.0)):
        TrackPoint.objects.create(item=item, source="track", seq=seq, time=START, lat=-17, lon=lon)
    matches, _ = geo.search(olivia, geo.BBox.parse("179,-18,-179,-16"))
    assert matches[0].points == 2


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("1,2,3", "bbox must be four numbers"),
        ("a,b,c,d", "bbox must be four numbers"),
        ("0,0,nan,1", "bbox must be four numbers"),
        ("-200,0,10,10", "longitudes must be between -180 and 180"),
        ("0,-95,10,10", "latitudes must be between -90 and 90"),
        ("0,20,10,10", "min latitude is north of its max latitude"),
    ],
)
def test_a_bad_bbox_gets_422_with_a_clear_message(db, olivia, as_user, bbox, message):
    response = search(as_user(olivia), bbox)
    assert response.status_code == 422
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "yesterday"}, "start must be an ISO 8601 time"),
        ({"end": "2026-03-02T14:00:00"}, "end needs a time zone"),
        ({"start": "2026-03-03T00:00:00Z", "end": "2026-03-02T00:00:00Z"}, "start is after end"),
    ],
)
def test_a_bad_time_gets_422_with_a_clear_message(db, olivia, as_user, params, message):
    response = search(as_user(olivia), AROUND, **params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_a_missing_bbox_gets_422(db, olivia, as_user):
    assert as_user(olivia).get("/api/v1/map/search").status_code == 422


def test_map_search_needs_a_signed_in_user_or_token(patrol):
    assert search(Client(), AROUND).status_code == 401


def test_tracks_processed_before_map_search_can_be_indexed_later(patrol):
    _, track = patrol
    TrackPoint.objects.all().delete()
    assert geo.backfill() == 1
    assert TrackPoint.objects.filter(item=track).count() == 6
    assert geo.backfill() == 0
