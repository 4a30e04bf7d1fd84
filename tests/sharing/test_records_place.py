"""Records candidates near a place: a GPS track passing within a radius of a point during
the request's dates, only recordings the clerk may see (counts included), and bad input
answered with a message next to the field."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from evidentia.cases import services as cases
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Item, Kind, TrackPoint
from evidentia.sharing.services import records, records_place
from tests.evidence.helpers import ingest_bytes
from tests.sharing.test_records import REQUEST

LAT, LON = 45.5152, -122.6784
METRE = 1 / 111_195  # degrees of latitude in a metre
ON_THE_DAY = datetime(2026, 3, 2, 14, 3, 30, tzinfo=UTC)
A_WEEK_LATER = datetime(2026, 3, 9, 14, 3, 30, tzinfo=UTC)


@pytest.fixture
def clips(clips):
    for n, clip in enumerate(clips):
        clip.recorded_at = datetime(2026, 3, 2, 14, 3 + n, tzinfo=UTC)
        clip.save(update_fields=["recorded_at"])
    return clips


@pytest.fixture
def filed(db):
    return records.file_request(dict(REQUEST)).request


def track(item: Item, *points: tuple[float, float], when: datetime = ON_THE_DAY) -> None:
    """GPS fixes for the item, as map search indexes them (cf. tests/evidence)."""
    for seq, (lat, lon) in enumerate(points):
        TrackPoint.objects.create(item=item, source="track", seq=seq, time=when, lat=lat, lon=lon)


def north_of_the_point(metres: float) -> tuple[float, float]:
    return LAT + metres * METRE, LON


def near(user, rr, radius: int = 100):
    return records_place.near(user, rr, records_place.Place(LAT, LON, radius))


def test_a_recording_whose_track_passes_within_the_radius_is_found(carmen, clips, filed):
    track(clips[0], north_of_the_point(400), north_of_the_point(60), north_of_the_point(-300))
    assert near(carmen, filed).items == [clips[0]]


def test_a_track_that_stays_outside_the_radius_is_not_found(carmen, clips, filed):
    track(clips[0], north_of_the_point(150), north_of_the_point(400))
    assert near(carmen, filed).items == []


def test_a_fix_inside_the_box_but_outside_the_circle_does_not_count(carmen, clips, filed):
    corner = (LAT + 85 * METRE, LON + 85 * METRE / 0.7007)  # 85 m north, 85 m east: 120 m
    track(clips[0], corner)
    assert near(carmen, filed).items == []


def test_a_track_near_the_place_outside_the_requests_dates_is_not_found(carmen, clips, filed):
    track(clips[0], north_of_the_point(20), when=A_WEEK_LATER)
    assert near(carmen, filed).items == []


def test_without_dates_a_track_at_any_time_is_found(carmen, clips, filed):
    filed.date_from = filed.date_to = None
    track(clips[0], north_of_the_point(20), when=A_WEEK_LATER)
    assert near(carmen, filed).items == [clips[0]]


def test_a_linked_gps_sidecar_finds_its_recording_but_is_not_listed(carmen, olivia, clips, filed):
    sidecar = ingest_bytes(b"<gpx/>", "BWC-9.gpx", officer=olivia)
    Item.objects.filter(pk=sidecar.pk).update(kind=Kind.GPS, recording=clips[1])
    track(sidecar, north_of_the_point(30))
    assert near(carmen, filed).items == [clips[1]]


def test_a_restricted_cases_recording_is_neither_found_nor_counted(carmen, stella, clips, filed):
    track(clips[0], north_of_the_point(10))
    complaint = cases.create_case(number="IA-7", title="Complaint", actor=stella, restricted=True)
    cases.link_item(complaint, clips[0], actor=stella)
    found = near(carmen, filed)
    assert (found.items, found.total) == ([], 0)
    (event,) = Event.objects.filter(kind=events.RECORDS_SEARCHED)
    assert json.loads(event.body)["detail"]["found"] == "0"


def test_a_disposed_recording_is_left_out(carmen, clips, filed):
    track(clips[0], north_of_the_point(10))
    Item.objects.filter(pk=clips[0].pk).update(disposed_at=ON_THE_DAY)
    assert near(carmen, filed).items == []


def test_the_search_is_recorded_with_the_point_and_radius(carmen, clips, filed):
    track(clips[0], north_of_the_point(10))
    near(carmen, filed, radius=250)
    detail = json.loads(Event.objects.get(kind=events.RECORDS_SEARCHED).body)["detail"]
    assert (detail["found"], detail["near"], detail["radius_m"]) == (
        "1",
        "45.51520,-122.67840",
        "250",
    )


def test_an_officer_may_not_search_near_a_place(olivia, filed):
    with pytest.raises(records.PermissionDenied):
        near(olivia, filed)


def test_a_circle_by_the_antimeridian_searches_both_sides():
    box = records_place.Place(-17.0, 179.9999, 1000).bbox()
    assert box.min_lon > box.max_lon and box.min_lon > 179 and box.max_lon < -179


def test_a_circle_at_the_pole_searches_every_longitude():
    box = records_place.Place(89.9999, 10.0, 5000).bbox()
    assert (box.min_lon, box.max_lon, box.max_lat) == (-180, 180, 90)


@pytest.mark.parametrize(
    ("lat", "lon", "radius", "field"),
    [
        ("91", "-122.6", "100", "lat"),
        ("-90.01", "-122.6", "100", "lat"),
        ("north", "-122.6", "100", "lat"),
        ("nan", "-122.6", "100", "lat"),
        ("", "-122.6", "100", "lat"),
        ("45.5", "180.5", "100", "lon"),
        ("45.5", "inf", "100", "lon"),
        ("45.5", "", "100", "lon"),
        ("45.5", "-122.6", "9", "radius"),
        ("45.5", "-122.6", "5001", "radius"),
        ("45.5", "-122.6", "1e9", "radius"),
        ("45.5", "-122.6", "1,000", "radius"),
        ("45.5", "-122.6", "", "radius"),
    ],
)
def test_bad_place_input_is_refused_with_the_field_named(lat, lon, radius, field):
    with pytest.raises(records.Invalid) as exc:
        records_place.Place.parse(lat, lon, radius)
    assert list(exc.value.errors) == [field]


def detail_url(rr) -> str:
    return f"/exports/records/{rr.pk}"


def test_the_clerk_sees_recordings_near_the_place_on_the_request(as_user, carmen, clips, filed):
    track(clips[0], north_of_the_point(10))
    page = as_user(carmen).get(
        detail_url(filed), {"search": "place", "lat": LAT, "lon": LON, "radius": 100}
    )
    html = page.content.decode()
    assert page.status_code == 200 and clips[0].title in html and "1 recording within" in html


def test_bad_place_input_on_the_page_gets_a_message_not_an_error(as_user, carmen, filed):
    page = as_user(carmen).get(
        detail_url(filed), {"search": "place", "lat": "99", "lon": "x", "radius": "100000"}
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="e-lat"' in html and 'id="e-lon"' in html and 'id="e-radius"' in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("olivia", 403),
        ("sam", 403),
        ("ivan", 403),
        ("stella", 403),
        ("petra", 403),
        ("audrey", 403),
        ("carmen", 200),
        ("adam", 200),
    ],
)
def test_only_records_clerks_and_admins_may_search_near_a_place(
    request, as_user, filed, persona, status
):
    user = request.getfixturevalue(persona)
    reply = as_user(user).get(
        detail_url(filed), {"search": "place", "lat": LAT, "lon": LON, "radius": 100}
    )
    assert reply.status_code == status
