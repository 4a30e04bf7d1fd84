"""GPS sidecar parsing against real receiver logs and GPX files (pure Python, no Django)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evidentia.evidence.demo_media import make_gpx, make_nmea, nmea_sentence
from evidentia.evidence.gps import Track, TrackError, TrackPoint, overlaps, parse_track, position_at

GPS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "gps"
START = datetime(2026, 3, 2, 14, 3, 7, tzinfo=UTC)


@pytest.fixture
def gps_dir() -> Path:
    if not GPS_DIR.is_dir():
        pytest.skip(
            f"real GPS data not available: {GPS_DIR} (needs ../shared/data beside the project)"
        )
    return GPS_DIR


def _gpsd_fixes(chk: Path) -> dict[datetime, list[tuple[float, float]]]:
    """gpsd's decoded TPV reports that carry a time and a position, keyed by time.

    A .chk file interleaves the sentences gpsd read with the JSON it emitted; TPV records
    without "time" or "lat" (no fix yet, or a partial cycle) are not fixes to compare.
    """
    fixes: dict[datetime, list[tuple[float, float]]] = {}
    for line in chk.read_text().splitlines():
        if not line.startswith("{"):
            continue
        rec = json.loads(line)
        if rec.get("class") == "TPV" and "time" in rec and "lat" in rec:
            when = datetime.fromisoformat(rec["time"])
            fixes.setdefault(when, []).append((rec["lat"], rec["lon"]))
    return fixes


@pytest.mark.parametrize("log", ["gpsd_bu353-glonass.log", "gpsd_gpslim236.log"])
def test_nmea_fixes_match_gpsd_decoded_positions(gps_dir: Path, log: str) -> None:
    track = parse_track((gps_dir / log).read_bytes(), log)
    expected = _gpsd_fixes(gps_dir / f"{log}.chk")
    mine = {p.time: p for p in track.points}
    shared = set(mine) & set(expected)
    assert len(shared) >= 9
    for when in shared:
        for lat, lon in expected[when]:
            assert mine[when].lat == pytest.approx(lat, abs=1e-6)
            assert mine[when].lon == pytest.approx(lon, abs=1e-6)


@pytest.mark.parametrize("log", ["gpsd_bu353-glonass.log", "gpsd_gpslim236.log"])
def test_nmea_yields_a_fix_for_every_time_gpsd_reported_one(gps_dir: Path, log: str) -> None:
    track = parse_track((gps_dir / log).read_bytes())
    assert set(_gpsd_fixes(gps_dir / f"{log}.chk")) <= {p.time for p in track.points}


def test_glonass_log_names_both_talkers_and_carries_gga_altitude(gps_dir: Path) -> None:
    track = parse_track((gps_dir / "gpsd_bu353-glonass.log").read_bytes())
    assert track.device == "GN,GP"
    assert track.points[1].ele == 66.2
    assert track.points[0].speed_mps == pytest.approx(0.60 * 1852 / 3600)


def test_gpx_points_without_times_are_kept_with_time_none(gps_dir: Path) -> None:
    track = parse_track((gps_dir / "korita-zbevnica.gpx").read_bytes())
    untimed = [p for p in track.points if p.time is None]
    assert untimed and len(untimed) < len(track.points)
    assert track.start is not None and track.start.tzinfo is not None


def test_real_gpx_track_reports_creator_and_span(gps_dir: Path) -> None:
    track = parse_track((gps_dir / "around-visnjan-with-car.gpx").read_bytes())
    assert (track.source_format, track.device) == ("gpx", "eTrex 20x")
    assert track.start == datetime(2020, 12, 18, 6, 15, 50, tzinfo=UTC)
    assert track.end is not None and track.end > track.start


def test_bad_checksum_lines_are_skipped_and_counted() -> None:
    lines = make_nmea(None, start=START, seconds=3, seed=2).decode().splitlines()
    lines[2] = lines[2][:-2] + ("00" if not lines[2].endswith("00") else "01")
    track = parse_track("\n".join(lines).encode())
    assert track.skipped_lines == 1
    assert len(track.points) == 4  # the epoch keeps its GGA half


def test_gga_only_epochs_take_their_date_from_rmc() -> None:
    body = make_nmea(None, start=START, seconds=2, seed=2).decode().splitlines()
    only_first_rmc = [ln for ln in body if "GGA" in ln] + [next(ln for ln in body if "RMC" in ln)]
    track = parse_track("\n".join(only_first_rmc).encode())
    assert [p.time for p in track.points] == [START + timedelta(seconds=s) for s in range(3)]


def test_dateless_fixes_roll_over_midnight() -> None:
    late = datetime(2026, 3, 2, 23, 59, 58, tzinfo=UTC)
    body = make_nmea(None, start=late, seconds=3, seed=2).decode().splitlines()
    first_rmc = next(ln for ln in body if "RMC" in ln)
    track = parse_track("\n".join([first_rmc] + [ln for ln in body if "GGA" in ln]).encode())
    assert track.end == datetime(2026, 3, 3, 0, 0, 1, tzinfo=UTC)


def test_nmea_without_any_date_has_untimed_points() -> None:
    gga = nmea_sentence("GPGGA,120000.00,4530.00000,N,12240.00000,W,1,08,1.0,30.0,M,-19.6,M,,")
    track = parse_track(gga.encode())
    assert track.points[0].time is None and track.start is None


def test_logger_prefixes_before_sentences_are_ignored() -> None:
    lines = make_nmea(None, start=START, seconds=1, seed=2).decode().splitlines()
    track = parse_track("\n".join(f"2026-03-02 14:03:07 {ln}" for ln in lines).encode())
    assert len(track.points) == 2 and track.skipped_lines == 0


def test_garbage_raises_a_track_error_with_a_human_message() -> None:
    with pytest.raises(TrackError, match="unrecognised GPS track"):
        parse_track(b"hello officer, nothing to see here")
    with pytest.raises(TrackError, match="binary data"):
        parse_track(b"\x00\x01\x02garbage")
    with pytest.raises(TrackError, match="empty"):
        parse_track(b"  \n")


def test_nmea_without_a_fix_raises_a_track_error() -> None:
    no_fix = nmea_sentence("GPGGA,081421.000,,,,,0,0,,,M,,M,,")
    with pytest.raises(TrackError, match="no NMEA position fixes"):
        parse_track(no_fix.encode())


def test_broken_gpx_raises_a_track_error() -> None:
    with pytest.raises(TrackError, match="not valid GPX"):
        parse_track(b"<gpx><trk><trkseg><trkpt lat='1' lon=")
    with pytest.raises(TrackError, match="no track, route or waypoint"):
        parse_track(b'<?xml version="1.0"?><gpx version="1.1" creator="x"></gpx>')


def test_gpx_points_off_the_globe_are_dropped_and_counted() -> None:
    gpx = b"""<gpx version="1.1" creator="x"><trk><trkseg>
        <trkpt lat="95.0" lon="2.0"/><trkpt lat="45.0" lon="2.0"/></trkseg></trk></gpx>"""
    track = parse_track(gpx)
    assert [(p.lat, p.lon) for p in track.points] == [(45.0, 2.0)] and track.skipped_lines == 1


def test_an_impossible_rmc_date_leaves_the_fix_untimed() -> None:
    rmc = nmea_sentence("GPRMC,120000.00,A,4530.000,N,12240.000,W,0.0,0.0,990126,,,A")
    track = parse_track(rmc.encode())
    assert track.points[0].time is None and track.points[0].lat == 45.5


def test_hint_is_used_only_when_content_does_not_say() -> None:
    gpx = make_gpx(None, start=START, seconds=2, seed=1)
    assert parse_track(gpx, hint="track.nmea").source_format == "gpx"


def test_geojson_is_a_linestring_with_times() -> None:
    track = parse_track(make_gpx(None, start=START, seconds=2, seed=1))
    feature = track.to_geojson()
    json.dumps(feature)
    assert feature["geometry"]["type"] == "LineString"
    assert len(feature["geometry"]["coordinates"][0]) == 3
    assert feature["properties"]["times"][0] == "2026-03-02T14:03:07Z"


def test_a_single_fix_becomes_a_geojson_point() -> None:
    track = Track([TrackPoint(None, 45.0, -122.0)], "gpx")
    assert track.to_geojson()["geometry"] == {"type": "Point", "coordinates": [-122.0, 45.0]}


@pytest.fixture
def ten_minute_track() -> Track:
    return parse_track(make_gpx(None, start=START, seconds=600, seed=1))


def test_a_recording_inside_the_track_overlaps(ten_minute_track: Track) -> None:
    assert overlaps(ten_minute_track, START + timedelta(minutes=2), START + timedelta(minutes=3))


def test_a_recording_just_after_the_track_overlaps_within_slack(ten_minute_track: Track) -> None:
    after = START + timedelta(seconds=630)
    assert overlaps(ten_minute_track, after, after + timedelta(minutes=1), slack_seconds=60)
    assert not overlaps(ten_minute_track, after, after + timedelta(minutes=1), slack_seconds=10)


def test_an_untimed_track_overlaps_nothing() -> None:
    track = Track([TrackPoint(None, 45.0, -122.0)], "gpx")
    assert not overlaps(track, START, START + timedelta(hours=1))


def test_position_at_interpolates_between_fixes(ten_minute_track: Track) -> None:
    a, b = ten_minute_track.points[10], ten_minute_track.points[11]
    assert a.time is not None
    lat, lon = position_at(ten_minute_track, a.time + timedelta(milliseconds=500)) or (0.0, 0.0)
    assert lat == pytest.approx((a.lat + b.lat) / 2) and lon == pytest.approx((a.lon + b.lon) / 2)
    assert position_at(ten_minute_track, START - timedelta(seconds=1)) is None
