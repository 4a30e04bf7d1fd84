"""The hotspot map's legend: each band names the values drawn in its colour."""

import re

from evidentia.analytics.services.legend import colour


def cells(*values):
    return [{"value": v} for v in values]


def test_count_bands_never_overlap_and_name_one_incident_in_the_singular():
    legend = colour(cells(1, 1, 1, 2, 2, 3, 5, 8), "counts", "incidents")
    assert [row["label"] for row in legend] == [
        "1 incident",
        "2 incidents",
        "3 incidents",
        "5 to 8 incidents",
    ]


def test_every_cell_takes_the_colour_its_legend_band_shows():
    drawn = cells(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
    legend = colour(drawn, "counts", "incidents")
    for c in drawn:
        band = next(row for row in legend if row["colour"] == c["colour"])
        bounds = [int(n) for n in re.findall(r"\d+", band["label"])]
        assert min(bounds) <= c["value"] <= max(bounds)


def test_densities_keep_two_decimals():
    legend = colour(cells(0.5, 0.75, 1.25, 2.5, 4.0), "kde", "per sq mi")
    assert legend[0]["label"] == "0.50 per sq mi"
    assert legend[-1]["label"].endswith("4.00 per sq mi")
