"""The bias report with units from a polygon layer, on a hand-computed example.

A 3x3 grid of 100-unit cells over (0,0)-(300,300); tract A is the square (0,0)-(160,160)
and tract B the square (160,0)-(320,160). The flagged cells are 1, 4, 5 and 7:
  cell 1 (100-200 x 0-100):   0.6 in A, 0.4 in B; centre (150, 50) in A
  cell 4 (100-200 x 100-200): 0.36 in A, 0.24 in B, 0.4 outside; centre (150,150) in A
  cell 5 (200-300 x 100-200): 0.6 in B, 0.4 outside; centre (250, 150) in B
  cell 7 (100-200 x 200-300): outside; centre outside
Flagged area: A 0.96/4 = 24%, B 1.24/4 = 31%, outside 1.8/4 = 45%.
Flagged cells: A 2/4, B 1/4, outside 1/4. Incidents: A 2, B 3, outside 1 of 6.
"""

import numpy as np
import pytest

from evidentia.analytics import bias, polygons
from evidentia.analytics.forecast.grid import Grid

from .areas_fixtures import collection, feature, raw, square

FLAGGED = [1, 4, 5, 7]
INC_X = [50, 120, 170, 250, 250, 10]
INC_Y = [50, 30, 20, 150, 155, 250]


@pytest.fixture
def layer():
    doc = collection(
        feature("A", square(0, 0, 160, 160)), feature("B", square(160, 0, 320, 160)), epsg=2913
    )
    found = polygons.read_layer(raw(doc), name_field="TRACT", target_epsg=2913)
    found.label = "Area units: test layer."
    return found


@pytest.fixture
def grid():
    return Grid.from_extent(0, 0, 299, 299, 100)


def rows(layer, grid):
    args = polygons.for_grid(layer, grid, FLAGGED, INC_X, INC_Y)
    report = bias.report(FLAGGED, n_cells=grid.n, incident_cells=grid.index(INC_X, INC_Y), **args)
    return report, {r["unit"]: r for r in report.rows}


def test_a_flagged_cells_area_is_split_by_the_fraction_inside_each_polygon(layer, grid):
    shares = polygons.area_shares(layer, grid.bounds(FLAGGED))
    assert shares[0] == pytest.approx({"A": 0.6, "B": 0.4})
    assert shares[1] == pytest.approx({"A": 0.36, "B": 0.24})
    assert shares[2] == pytest.approx({"B": 0.6})
    assert shares[3] == {}


def test_the_flagged_area_shares_match_the_hand_computed_ones(layer, grid):
    _, by_unit = rows(layer, grid)
    assert by_unit["A"]["flagged_area_share"] == pytest.approx(0.24)
    assert by_unit["B"]["flagged_area_share"] == pytest.approx(0.31)
    assert by_unit[polygons.OUTSIDE]["flagged_area_share"] == pytest.approx(0.45)


def test_a_flagged_cell_counts_for_the_unit_holding_its_centre(layer, grid):
    _, by_unit = rows(layer, grid)
    assert by_unit["A"]["flagged_cells"] == 2 and by_unit["A"]["flagged_cell_share"] == 0.5
    assert by_unit["B"]["flagged_cells"] == 1
    assert by_unit[polygons.OUTSIDE]["flagged_cells"] == 1


def test_incidents_count_for_the_polygon_that_contains_them(layer, grid):
    _, by_unit = rows(layer, grid)
    assert [by_unit[u]["incidents"] for u in ("A", "B", polygons.OUTSIDE)] == [2, 3, 1]
    assert by_unit["B"]["incident_share"] == pytest.approx(0.5)


def test_the_ratio_compares_the_flagged_area_with_the_incidents(layer, grid):
    _, by_unit = rows(layer, grid)
    assert by_unit["A"]["ratio"] == pytest.approx(0.24 / (2 / 6))
    assert by_unit[polygons.OUTSIDE]["ratio"] == pytest.approx(0.45 / (1 / 6))


def test_the_report_says_which_area_units_it_used(layer, grid):
    report, _ = rows(layer, grid)
    assert report.areas == "Area units: test layer." and report.notes[0] == report.areas


def test_without_a_layer_the_report_says_it_used_the_incidents_column():
    report = bias.report([0], n_cells=2, incident_cells=[0], incident_units=["A"])
    assert report.areas == bias.INCIDENT_COLUMN
    assert report.rows[0]["flagged_area_share"] == report.rows[0]["flagged_cell_share"] == 1.0


def test_points_in_overlapping_polygons_go_to_the_first_unit():
    doc = collection(
        feature("A", square(0, 0, 10, 10)), feature("B", square(5, 0, 15, 10)), epsg=2913
    )
    found = polygons.read_layer(raw(doc), name_field="TRACT", target_epsg=2913)
    assert list(polygons.units_of_points(found, [7, 12, 20], [5, 5, 5])) == [
        "A",
        "B",
        polygons.OUTSIDE,
    ]


def test_overlapping_fractions_are_scaled_back_to_the_whole_cell():
    doc = collection(
        feature("A", square(0, 0, 10, 10)), feature("B", square(0, 0, 10, 10)), epsg=2913
    )
    found = polygons.read_layer(raw(doc), name_field="TRACT", target_epsg=2913)
    share = polygons.area_shares(found, np.array([[0.0, 0.0, 10.0, 10.0]]))[0]
    assert sum(share.values()) == pytest.approx(1.0)
