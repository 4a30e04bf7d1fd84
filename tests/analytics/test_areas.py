"""Importing an area layer: the one door, its ledger event, versions, and every kind of
bad input refused with a clear message and nothing saved."""

from __future__ import annotations

import io
import json

import pytest

from evidentia.analytics.models import AreaLayer, AreaUnit
from evidentia.analytics.services import areas
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody.models import Event

from .areas_fixtures import (
    HALF,
    collection,
    feature,
    portland_tracts,
    portland_tracts_lonlat,
    raw,
    square,
)
from .test_import import PORTLAND_X, PORTLAND_Y, csv_bytes, portland, run, synthetic_lines  # noqa: F401

X, Y = PORTLAND_X, PORTLAND_Y


@pytest.fixture
def dataset(db, carmen, request):
    found = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(40)), found, carmen)
    return found


def load(dataset, actor, doc, **kw):
    body = doc if isinstance(doc, bytes) else raw(doc)
    options = {"name": "tracts2010", "name_field": "TRACT", "actor": actor, **kw}
    return areas.import_layer(io.BytesIO(body), dataset=dataset, **options)


def refused(dataset, actor, doc, **kw) -> str:
    with pytest.raises(Rejected) as caught:
        load(dataset, actor, doc, **kw)
    assert not AreaLayer.objects.exists() and not AreaUnit.objects.exists()
    return caught.value.message


def test_a_layer_is_imported_in_the_datasets_crs_with_a_ledger_event(dataset, carmen):
    layer = load(dataset, carmen, portland_tracts(), kind="census tracts")
    assert sorted(layer.units.values_list("name", flat=True)) == ["1602.0", "802.0"]
    unit = layer.units.get(name="802.0")
    assert unit.area == pytest.approx(HALF * 2 * HALF)
    detail = json.loads(Event.objects.get(kind="analytics.areas_imported").body)["detail"]
    assert detail["units"] == 2 and detail["dataset"] == "portland"
    assert detail["sha256"] == layer.sha256 and detail["version"] == 1


def test_lon_lat_coordinates_are_reprojected_to_the_dataset(dataset, carmen):
    layer = areas.load(load(dataset, carmen, portland_tracts_lonlat()))
    assert layer.epsg_source == 4326
    west, east = areas.polygons.units_of_points(layer, [X - 100, X + 100], [Y, Y])
    assert (west, east) == ("802.0", "1602.0")


def test_an_explicit_epsg_reads_a_file_without_a_crs_member(dataset, carmen):
    doc = portland_tracts()
    del doc["crs"]
    assert load(dataset, carmen, doc, epsg=2913).epsg_source == 2913


def test_importing_the_same_name_again_adds_a_version_and_the_newest_is_used(dataset, carmen):
    load(dataset, carmen, portland_tracts())
    second = load(dataset, carmen, portland_tracts(west="W", east="E"))
    assert second.version == 2
    assert areas.current_layer(dataset) == second
    assert sorted(areas.layer_for(dataset).names) == ["E", "W"]


def test_duplicate_names_are_merged_into_one_unit_and_reported(dataset, carmen):
    doc = collection(
        feature("802.0", square(X - HALF, Y - HALF, X, Y)),
        feature("802.0", square(X - HALF, Y, X, Y + HALF)),
        feature("1602.0", square(X, Y - HALF, X + HALF, Y + HALF)),
        epsg=2913,
    )
    layer = load(dataset, carmen, doc)
    assert layer.units.count() == 2
    assert layer.units.get(name="802.0").area == pytest.approx(2 * HALF * HALF)
    assert "merged" in layer.warnings[0] and "'802.0' (2)" in layer.warnings[0]


def test_an_invalid_polygon_is_repaired_and_reported(dataset, carmen):
    bow_tie = [[[X - HALF, Y - HALF], [X, Y + HALF], [X, Y - HALF], [X - HALF, Y + HALF],
                [X - HALF, Y - HALF]]]  # fmt: skip
    doc = collection(feature("802.0", bow_tie), epsg=2913)
    layer = load(dataset, carmen, doc)
    assert "Self-intersection" in layer.warnings[0] and "repaired" in layer.warnings[0]
    assert layer.units.get().area == pytest.approx(HALF * HALF)


def test_an_officer_cannot_import_a_layer(dataset, olivia):
    with pytest.raises(PermissionDenied):
        load(dataset, olivia, portland_tracts())


def test_a_file_that_is_not_json_is_refused(dataset, carmen):
    assert "not JSON" in refused(dataset, carmen, b"TRACT,geometry\n1,POLYGON")


def test_json_that_is_not_a_feature_collection_is_refused(dataset, carmen):
    message = refused(dataset, carmen, {"type": "Polygon", "coordinates": square(0, 0, 1, 1)})
    assert "not a GeoJSON FeatureCollection" in message and "'Polygon'" in message


def test_a_collection_without_polygons_is_refused(dataset, carmen):
    doc = collection(feature("a", [X, Y], kind="Point"))
    assert "no Polygon or MultiPolygon" in refused(dataset, carmen, doc)


def test_an_empty_collection_is_refused(dataset, carmen):
    assert "no features" in refused(dataset, carmen, collection())


def test_features_without_the_name_property_are_named(dataset, carmen):
    doc = portland_tracts()
    doc["features"][1]["properties"] = {"OTHER": "x"}
    message = refused(dataset, carmen, doc)
    assert "Features 2 have no value for 'TRACT'" in message


def test_a_name_property_no_feature_has_lists_the_properties_found(dataset, carmen):
    message = refused(dataset, carmen, portland_tracts(), name_field="GEOID")
    assert "No feature has a property 'GEOID'" in message and "TRACT" in message


def test_a_polygon_that_cannot_be_repaired_is_refused(dataset, carmen):
    flat = [[[X, Y], [X + 10, Y], [X + 20, Y], [X, Y]]]  # no area at all
    doc = collection(feature("802.0", flat), *portland_tracts()["features"][1:], epsg=2913)
    assert "could not be repaired" in refused(dataset, carmen, doc)


def test_malformed_coordinates_are_refused(dataset, carmen):
    doc = collection(feature("802.0", [[[X, Y], [X + 1, Y]]]), epsg=2913)
    assert "malformed coordinates" in refused(dataset, carmen, doc)


def test_a_layer_in_the_wrong_crs_is_refused_with_both_extents(dataset, carmen):
    doc = portland_tracts()
    del doc["crs"]
    doc["features"] = [feature("a", square(-122.7, 45.4, -122.6, 45.5))]
    message = refused(dataset, carmen, doc, epsg=2913)  # degrees read as feet
    assert "No polygon of the layer holds any of the incidents" in message
    assert "the layer spans x" in message and "the incidents span x" in message


def test_projected_numbers_read_as_longitude_are_refused(dataset, carmen):
    doc = portland_tracts()
    del doc["crs"]
    assert "not longitude and latitude" in refused(dataset, carmen, doc)


def test_a_crs_member_that_disagrees_with_the_given_epsg_is_refused(dataset, carmen):
    assert "EPSG:2913 but EPSG:2269" in refused(dataset, carmen, portland_tracts(), epsg=2269)


def test_a_file_over_the_size_limit_is_refused(dataset, carmen, settings):
    settings.ANALYTICS_AREAS_MAX_BYTES = 100
    assert "larger than" in refused(dataset, carmen, portland_tracts())


def test_a_layer_with_too_many_vertices_is_refused(dataset, carmen, settings):
    settings.ANALYTICS_AREAS_MAX_VERTICES = 6
    assert "more than 6 vertices" in refused(dataset, carmen, portland_tracts())


def test_a_dataset_without_incidents_cannot_be_checked(db, carmen, request):
    empty = request.getfixturevalue("portland")
    assert "import the incidents first" in refused(empty, carmen, portland_tracts())


def test_the_outlines_for_the_map_are_in_lon_lat(dataset, carmen):
    load(dataset, carmen, portland_tracts())
    outline = areas.outlines(dataset, areas.layer_for(dataset))
    lon, lat = outline["features"][0]["geometry"]["coordinates"][0][0]
    assert -123 < lon < -122 and 45 < lat < 46
    assert json.loads(json.dumps(outline))["type"] == "FeatureCollection"
