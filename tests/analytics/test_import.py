"""Importing incidents from CSV: mapping, bad rows in both modes, re-import, places."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from pyproj import Transformer

from evidentia.analytics.models import Dataset, ImportRun, Incident
from evidentia.analytics.services import imports
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody.models import Event

HEADER = "occurred_on,category,x_ft,y_ft,census_tract"
MAPPING = {
    "occurred_at": "occurred_on",
    "category": "category",
    "x": "x_ft",
    "y": "y_ft",
    "area_unit": "census_tract",
}
# A known point: the first row of the NIJ Portland file.
PORTLAND_X, PORTLAND_Y = 7660085.0, 672910.0


def csv_bytes(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *lines]) + "\n").encode())


def synthetic_lines(n: int = 40, seed: int = 7, day: str = "2016-08-{:02d}") -> list[str]:
    """n incidents within about a mile of the known point, two tracts, one month."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(n):
        x = PORTLAND_X + rng.normal(0, 1500)
        y = PORTLAND_Y + rng.normal(0, 1500)
        category = "BURGLARY" if i % 3 == 0 else "STREET CRIMES"
        tract = "802.0" if x < PORTLAND_X else "1602.0"
        lines.append(f"{day.format(1 + i % 28)},{category},{x:.0f},{y:.0f},{tract}")
    return lines


@pytest.fixture
def portland(db, carmen) -> Dataset:
    return imports.create_dataset("portland", name="Portland", epsg=2913, actor=carmen)


def run(stream, dataset, actor, mode="all", mapping=None, **kw) -> ImportRun:
    return imports.import_file(
        stream,
        dataset=dataset,
        file_name="incidents.csv",
        actor=actor,
        mapping=mapping or MAPPING,
        mode=mode,
        **kw,
    )


def test_a_good_file_creates_incidents_with_lat_lon(portland, carmen):
    result = run(csv_bytes(*synthetic_lines(30)), portland, carmen)
    assert result.state == ImportRun.State.DONE
    assert (result.rows_total, result.rows_created, result.rows_rejected) == (30, 30, 0)
    incident = Incident.objects.filter(dataset=portland).first()
    assert 45.4 < incident.lat < 45.6 and -122.7 < incident.lon < -122.5
    assert incident.date_only and incident.area_unit in ("802.0", "1602.0")


def test_the_epsg_2913_transform_puts_the_known_point_where_portland_says(portland, carmen):
    run(csv_bytes(f"2016-08-10,BURGLARY,{PORTLAND_X:.0f},{PORTLAND_Y:.0f},802.0"), portland, carmen)
    incident = Incident.objects.get()
    assert incident.lat == pytest.approx(45.492962, abs=2e-6)
    assert incident.lon == pytest.approx(-122.613925, abs=2e-6)
    assert (incident.x, incident.y) == (PORTLAND_X, PORTLAND_Y)


def test_x_y_in_another_crs_are_transformed_to_the_datasets(portland, carmen):
    # The same point in Oregon North, metres (EPSG:32126).
    x_m, y_m = Transformer.from_crs(2913, 32126, always_xy=True).transform(PORTLAND_X, PORTLAND_Y)
    run(
        csv_bytes(f"2016-08-10,BURGLARY,{x_m:.3f},{y_m:.3f},802.0"), portland, carmen, xy_epsg=32126
    )
    incident = Incident.objects.get()
    assert incident.x == pytest.approx(PORTLAND_X, abs=0.1)
    assert incident.lat == pytest.approx(45.492962, abs=2e-6)


def test_lat_lon_alone_are_projected_into_the_datasets_crs(portland, carmen):
    header = "when,type,latitude,longitude"
    mapping = {"occurred_at": "when", "category": "type", "lat": "latitude", "lon": "longitude"}
    stream = csv_bytes("08/10/2016 01:44:00 PM,BURGLARY,45.492962,-122.613925", header=header)
    run(stream, portland, carmen, mapping=mapping)
    incident = Incident.objects.get()
    assert incident.x == pytest.approx(PORTLAND_X, abs=1.0)
    assert incident.y == pytest.approx(PORTLAND_Y, abs=1.0)
    assert not incident.date_only


BAD = [
    "2016-08-01,BURGLARY,7660085,672910,802.0",
    "not a date,BURGLARY,7660085,672910,802.0",
    "2016-08-02,,7660085,672910,802.0",
    "2016-08-03,BURGLARY,,,802.0",
    "2016-08-04,BURGLARY,seven,672910,802.0",
    "2016-08-05,STREET CRIMES,7661085,673910,802.0",
]


def test_all_or_nothing_imports_nothing_and_lists_every_bad_line(portland, carmen):
    result = run(csv_bytes(*BAD), portland, carmen)
    assert result.state == ImportRun.State.REJECTED
    assert Incident.objects.count() == 0
    assert [e["line"] for e in result.errors] == [3, 4, 5, 6]
    reasons = " ".join(e["reason"] for e in result.errors)
    assert "not a date" in reasons and "no category" in reasons and "no place" in reasons
    assert "not a number" in reasons


def test_skip_bad_imports_the_good_rows_and_reports_the_bad_ones(portland, carmen):
    result = run(csv_bytes(*BAD), portland, carmen, mode="skip")
    assert result.state == ImportRun.State.DONE
    assert (result.rows_created, result.rows_rejected) == (2, 4)
    assert [e["line"] for e in result.errors if e["level"] == "error"] == [3, 4, 5, 6]


def test_importing_the_same_file_again_changes_nothing(portland, carmen):
    lines = synthetic_lines(25)
    run(csv_bytes(*lines), portland, carmen)
    again = run(csv_bytes(*lines), portland, carmen)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 25)
    assert Incident.objects.count() == 25


def test_identical_rows_are_separate_incidents_and_stay_so_on_re_import(portland, carmen):
    line = "2016-08-03,OTHER,7673516,686414,1.0"
    run(csv_bytes(line, line, line), portland, carmen)
    run(csv_bytes(line, line, line), portland, carmen)
    assert Incident.objects.count() == 3


def test_an_id_column_is_the_key_and_a_changed_row_is_updated(portland, carmen):
    header = "id,occurred_on,category,x_ft,y_ft"
    mapping = {**MAPPING, "id": "id"}
    del mapping["area_unit"]
    run(
        csv_bytes("A-1,2016-08-01,BURGLARY,7660085,672910", header=header),
        portland,
        carmen,
        mapping=mapping,
    )
    again = run(
        csv_bytes("A-1,2016-08-01,STREET CRIMES,7660085,672910", header=header),
        portland,
        carmen,
        mapping=mapping,
    )
    assert (again.rows_created, again.rows_updated) == (0, 1)
    assert Incident.objects.get(key="A-1").category == "STREET CRIMES"


def test_a_row_at_zero_zero_is_reported_and_excluded_even_in_all_or_nothing(portland, carmen):
    result = run(csv_bytes(*synthetic_lines(20), "2016-08-09,BURGLARY,0,0,1.0"), portland, carmen)
    assert result.state == ImportRun.State.DONE
    assert (result.rows_created, result.rows_excluded) == (20, 1)
    excluded = [e for e in result.errors if e["level"] == "excluded"]
    assert excluded[0]["line"] == 22 and "0,0" in excluded[0]["reason"]


def test_a_point_far_outside_the_study_area_is_reported_and_excluded(portland, carmen):
    far = "2016-08-09,BURGLARY,7960085,972910,1.0"  # about 57 miles away
    result = run(csv_bytes(*synthetic_lines(40), far), portland, carmen)
    assert result.rows_excluded == 1 and result.rows_created == 40
    assert "outside the study area" in result.errors[0]["reason"]
    portland.refresh_from_db()
    assert portland.area is not None  # the first import set the study area


def test_a_later_import_keeps_the_first_imports_study_area(portland, carmen):
    run(csv_bytes(*synthetic_lines(40)), portland, carmen)
    later = run(csv_bytes("2016-09-01,BURGLARY,7760085,772910,1.0"), portland, carmen)
    assert later.rows_excluded == 1 and later.rows_created == 0


def test_a_mixture_of_degrees_and_projected_numbers_is_refused(portland, carmen):
    lines = [*synthetic_lines(10), "2016-08-09,BURGLARY,-122.61,45.49,1.0"]
    result = run(csv_bytes(*lines), portland, carmen, mode="skip")
    assert result.state == ImportRun.State.REJECTED
    assert "mixture of coordinate systems" in result.errors[0]["reason"]
    assert "12" in result.errors[0]["reason"] and Incident.objects.count() == 0


def test_lat_lon_columns_holding_projected_numbers_are_refused(portland, carmen):
    header = "when,type,lat,lon"
    mapping = {"occurred_at": "when", "category": "type", "lat": "lat", "lon": "lon"}
    stream = csv_bytes(
        "2016-08-01,BURGLARY,45.49,-122.61", "2016-08-01,BURGLARY,672910,7660085", header=header
    )
    result = run(stream, portland, carmen, mapping=mapping, mode="skip")
    assert result.state == ImportRun.State.REJECTED
    assert "mixture" in result.errors[0]["reason"]


def test_x_y_and_lat_lon_that_disagree_are_refused(portland, carmen):
    header = "occurred_on,category,x_ft,y_ft,latitude,longitude"
    mapping = {**MAPPING, "lat": "latitude", "lon": "longitude"}
    del mapping["area_unit"]
    stream = csv_bytes(
        "2016-08-01,BURGLARY,7660085,672910,45.492962,-122.613925",
        "2016-08-01,BURGLARY,7670915,681541,45.492962,-122.613925",  # lat/lon of row 1
        header=header,
    )
    result = run(stream, portland, carmen, mapping=mapping, mode="skip")
    assert result.state == ImportRun.State.REJECTED
    assert "disagree" in result.errors[0]["reason"] and "3" in result.errors[0]["reason"]


def test_a_mapping_naming_a_missing_column_is_refused_with_the_files_columns(portland, carmen):
    result = run(csv_bytes(*synthetic_lines(2)), portland, carmen, mapping={**MAPPING, "x": "east"})
    assert result.state == ImportRun.State.REJECTED
    assert "'east'" in result.errors[0]["reason"] and "x_ft" in result.errors[0]["reason"]


def test_imports_and_rejections_are_in_the_ledger(portland, carmen):
    run(csv_bytes(*synthetic_lines(5)), portland, carmen)
    run(csv_bytes(*BAD), portland, carmen)
    done = json.loads(Event.objects.get(kind="analytics.imported").body)
    assert done["detail"]["created"] == 5 and done["detail"]["dataset"] == "portland"
    assert Event.objects.filter(kind="analytics.import_rejected", outcome="failure").exists()


@pytest.mark.parametrize("who", ["olivia", "sam", "ivan", "audrey", "stella", "petra"])
def test_only_custodians_and_admins_import(portland, who, request):
    with pytest.raises(PermissionDenied):
        run(csv_bytes(*synthetic_lines(2)), portland, request.getfixturevalue(who))


def test_a_dataset_needs_a_projected_crs(db, adam):
    with pytest.raises(Rejected, match="not projected"):
        imports.create_dataset("wgs", name="WGS", epsg=4326, actor=adam)
