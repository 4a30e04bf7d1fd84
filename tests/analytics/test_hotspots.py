"""Gi* against a hand-computed example, kernel density sanity, and the map service."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from evidentia.analytics import hotspots as gi
from evidentia.analytics.forecast import kde
from evidentia.analytics.forecast.grid import Grid
from evidentia.analytics.services import hotspots as maps
from evidentia.core.errors import Rejected

from .test_import import csv_bytes, portland, run, synthetic_lines  # noqa: F401 (fixture)


def spike() -> np.ndarray:
    x = np.zeros((5, 5))
    x[2, 2] = 10.0
    return x


def test_gi_star_matches_the_hand_computed_centre_of_a_5x5_grid():
    """x is 0 everywhere but 10 at the centre; queen weights including the cell itself.

    n = 25, mean X = 10/25 = 0.4, sum x^2 = 100, S = sqrt(100/25 - 0.4^2) = sqrt(3.84).
    Centre: 9 neighbours (w = 1), sum w x = 10, sum w = 9, sum w^2 = 9:
        numerator   = 10 - 0.4 * 9 = 6.4
        denominator = sqrt(3.84) * sqrt((25 * 9 - 9^2) / 24) = 1.959592 * sqrt(6) = 4.8
        z = 6.4 / 4.8 = 4/3
    """
    z = gi.gi_star(spike()).z
    assert z[2, 2] == pytest.approx(4 / 3)
    assert z[1, 1] == pytest.approx(4 / 3)  # its neighbourhood holds the spike too


def test_gi_star_matches_the_hand_computed_corner_and_edge():
    """Corner (0,0): 4 neighbours, sum w x = 0:
        z = (0 - 0.4 * 4) / (sqrt(3.84) * sqrt((25 * 4 - 16) / 24)) = -1.6 / 3.666061 = -0.436436
    Edge (0,2): 6 neighbours, none the spike:
        z = (0 - 0.4 * 6) / (sqrt(3.84) * sqrt((25 * 6 - 36) / 24)) = -2.4 / 4.270831 = -0.561951
    """
    z = gi.gi_star(spike()).z
    assert z[0, 0] == pytest.approx(-0.436436, abs=1e-6)
    assert z[0, 2] == pytest.approx(-0.561951, abs=1e-6)


def test_gi_star_p_values_are_two_sided_normal():
    result = gi.gi_star(spike())
    expected = math.erfc((4 / 3) / math.sqrt(2))  # 2 * (1 - Phi(4/3))
    assert result.p[2, 2] == pytest.approx(expected)


def test_a_flat_grid_has_no_defined_gi_star():
    result = gi.gi_star(np.ones((4, 4)))
    assert np.isnan(result.z).all() and np.isnan(result.p).all()


def test_a_strong_cluster_is_a_significant_hot_spot_even_after_fdr():
    x = np.random.default_rng(1).poisson(1.0, (20, 20)).astype(float)
    x[8:11, 8:11] += 12
    result = gi.gi_star(x)
    classes = gi.significance(result.z, result.p, fdr=True)
    assert classes[9, 9] == 3
    assert (classes[:3, :3] <= 0).all()


def test_the_fdr_cut_off_is_stricter_than_testing_each_cell_alone():
    p = np.array([0.001, 0.01, 0.03, 0.04, 0.2, 0.5])
    assert gi.fdr_threshold(p, 0.05) == pytest.approx(0.01)


def test_a_distance_band_of_one_cell_is_the_rook_neighbourhood():
    band = gi.distance_band(1.0)
    assert band.tolist() == [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    assert gi.distance_band(1.5).sum() == 9


def test_kernel_density_keeps_the_mass_and_peaks_at_the_cluster():
    grid = Grid.from_extent(0, 0, 10_000, 10_000, 500)
    rng = np.random.default_rng(3)
    xs, ys = rng.normal(5250, 300, 200), rng.normal(5250, 300, 200)
    density = kde.density(grid, xs, ys, bandwidth=1000)
    assert (density * grid.cell_area).sum() == pytest.approx(200, rel=0.02)
    cx, cy = grid.centers()
    peak = int(np.argmax(density))
    assert math.hypot(cx[peak] - 5250, cy[peak] - 5250) <= 500


@pytest.fixture
def mapped(db, carmen, request):
    dataset = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(60)), dataset, carmen)
    return dataset


def test_a_counts_map_counts_every_incident_once(mapped):
    result = maps.build(maps.parse_filters({}, mapped))
    assert result.incidents == 60 and sum(c["count"] for c in result.cells) == 60
    assert result.top[0]["value"] == max(c["value"] for c in result.cells)


def test_the_map_filters_by_category_and_time_window(mapped):
    burglary = maps.build(maps.parse_filters({"category": "BURGLARY"}, mapped))
    assert burglary.incidents == 20
    early = maps.build(maps.parse_filters({"start": "2016-08-01", "end": "2016-08-05"}, mapped))
    assert early.incidents == 14  # rows 0-4, 28-32 and 56-59 fall on days 1-5


def test_a_gi_star_map_carries_z_and_p_for_its_cells(mapped):
    result = maps.build(maps.parse_filters({"method": "gistar", "cell": "1000"}, mapped))
    assert all("z" in c and "p" in c for c in result.cells)
    assert result.hot >= 1


def test_cells_are_lat_lon_rectangles_around_their_projected_bounds(mapped):
    cell = maps.build(maps.parse_filters({}, mapped)).cells[0]
    assert cell["south"] < cell["north"] and cell["west"] < cell["east"]
    assert 45.3 < cell["south"] < 45.7 and -122.8 < cell["west"] < -122.4


def test_the_geojson_export_is_polygons_with_the_filters(mapped):
    result = maps.build(maps.parse_filters({"method": "kde"}, mapped))
    data = json.loads(maps.to_geojson(result))
    assert data["type"] == "FeatureCollection" and data["properties"]["method"] == "kde"
    ring = data["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5


def test_the_csv_export_is_ranked_by_value(mapped):
    result = maps.build(maps.parse_filters({}, mapped))
    table = [line for line in maps.to_csv(result).splitlines() if not line.startswith("# ")]
    rows = list(csv.DictReader(io.StringIO("\n".join(table))))
    assert len(rows) == len(result.cells)
    values = [float(r["value"]) for r in rows]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize(
    "params,message",
    [
        ({"method": "magic"}, "method"),
        ({"cell": "-5"}, "more than 0"),
        ({"cell": "1"}, "finer"),
        ({"start": "yesterday"}, "2016-08-31"),
        ({"start": "2016-08-10", "end": "2016-08-01"}, "before the start"),
    ],
)
def test_bad_map_filters_get_a_clear_message(mapped, params, message):
    with pytest.raises(Rejected, match=message):
        maps.parse_filters(params, mapped)


def test_an_empty_window_is_an_empty_map_not_an_error(mapped):
    result = maps.build(maps.parse_filters({"start": "2020-01-01"}, mapped))
    assert result.incidents == 0 and result.cells == []
