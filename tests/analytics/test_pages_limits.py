"""Requests at the edges: huge bands, calendar-edge dates, huge cells, hostile text in
the map's data, and exports that carry the bias report. Clear 4xx, never a 500."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from evidentia.analytics.models import Incident

from .test_import import csv_bytes, portland, run, synthetic_lines  # noqa: F401

MAP = reverse("analytics:map")


@pytest.fixture
def mapped(db, carmen, request):
    dataset = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(60)), dataset, carmen)
    return dataset


def test_a_distance_band_wider_than_ten_cells_is_refused(mapped, as_user, sam):
    ask = {"method": "gistar", "neighbourhood": "distance", "radius": "3000"}
    page = as_user(sam).get(MAP, ask)
    assert page.status_code == 422 and b"at most 10 cells wide" in page.content


def test_a_ten_cell_distance_band_is_drawn(mapped, as_user, sam):
    ask = {"method": "gistar", "neighbourhood": "distance", "radius": "10"}
    assert as_user(sam).get(MAP, ask).status_code == 200


@pytest.mark.parametrize(
    "ask",
    [
        {"end": "9999-12-31"},
        {"start": "0001-01-01", "end": "2016-08-31"},
        {"start": "1899-12-31"},
    ],
)
def test_dates_at_the_calendars_edge_are_refused_on_the_map(mapped, as_user, sam, ask):
    page = as_user(sam).get(MAP, ask)
    assert page.status_code == 422
    assert b"between 1900-01-01 and 2100-12-31" in page.content


@pytest.mark.parametrize("ask", [{"end": "9999-12-31"}, {"start": "0001-01-01"}])
def test_dates_at_the_calendars_edge_are_refused_on_the_performance_page(db, as_user, sam, ask):
    page = as_user(sam).get(reverse("analytics:performance"), ask)
    assert page.status_code == 422
    assert b"between 1900-01-01 and 2100-12-31" in page.content


@pytest.mark.parametrize("name", ["analytics:map", "analytics:map_geojson"])
def test_a_cell_wider_than_ten_kilometres_is_refused(mapped, as_user, sam, name):
    page = as_user(sam).get(reverse(name), {"cell": "1e300"})
    assert page.status_code == 422 and b"(10 km) wide" in page.content


def test_a_category_cannot_end_the_maps_script_element(mapped, as_user, sam):
    Incident.objects.filter(dataset=mapped).update(category="</script><b id=x>")
    text = as_user(sam).get(MAP).content.decode()
    assert "</script><b id=x>" not in text
    opening = 'id="analytics-map-config" type="application/json">'
    config = json.loads(text.split(opening)[1].split("</script>")[0])
    assert config["cells"]


def test_the_hotspot_geojson_carries_the_bias_report(mapped, as_user, ivan):
    geo = json.loads(as_user(ivan).get(reverse("analytics:map_geojson")).content)
    bias = geo["properties"]["bias"]
    assert (
        bias["flagged_cells"] > 0 and bias["rows"] and "not crime" in geo["properties"]["caution"]
    )


def test_the_hotspot_csv_opens_with_the_bias_note_then_the_table(mapped, as_user, ivan):
    text = as_user(ivan).get(reverse("analytics:map_csv")).content.decode()
    note = [line for line in text.splitlines() if line.startswith("# ")]
    assert "not crime" in note[0] and any("Bias and validity" in n for n in note)
    table = list(csv.reader(io.StringIO("\n".join(text.splitlines()[len(note) :]))))
    assert table[0][:2] == ["x_min", "y_min"] and len(table) > 1
