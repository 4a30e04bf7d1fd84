"""`evidentia analytics areas` and `evidentia analytics evaluate --areas`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from evidentia.analytics.models import AreaLayer

from .areas_fixtures import collection, feature, portland_tracts, raw, square
from .test_cli_forecast import incidents  # noqa: F401
from .test_import import csv_bytes, portland, run, synthetic_lines  # noqa: F401


@pytest.fixture
def dataset(db, carmen, request):
    found = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(40)), found, carmen)
    return found


def areas(*argv: str) -> str:
    buf = io.StringIO()
    call_command("analytics", "areas", *argv, stdout=buf)
    return buf.getvalue()


def test_the_cli_imports_a_layer_named_after_the_file(dataset, tmp_path):
    path = tmp_path / "tracts2010.geojson"
    path.write_bytes(raw(portland_tracts()))
    said = areas(str(path), "--dataset", "portland", "--name-field", "TRACT", "--kind", "tracts")
    layer = AreaLayer.objects.get()
    assert (layer.name, layer.version, layer.kind, layer.uploaded_by) == (
        "tracts2010", 1, "tracts", None,
    )  # fmt: skip
    assert "2 units" in said


def test_the_cli_refuses_bad_input_with_the_reason(dataset, tmp_path):
    path = tmp_path / "tracts.geojson"
    path.write_text("not json")
    with pytest.raises(CommandError, match="not JSON"):
        areas(str(path), "--dataset", "portland", "--name-field", "TRACT")
    assert not AreaLayer.objects.exists()


def test_the_cli_refuses_an_unknown_dataset(db, tmp_path):
    path = tmp_path / "tracts.geojson"
    path.write_bytes(raw(portland_tracts()))
    with pytest.raises(CommandError, match="No dataset 'nowhere'"):
        areas(str(path), "--dataset", "nowhere", "--name-field", "TRACT")


def evaluate(incidents, out, *extra):  # noqa: F811
    call_command(
        "analytics", "evaluate", "--incidents", str(incidents), "--time-col", "occurred_on",
        "--x-col", "x_ft", "--y-col", "y_ft", "--category-col", "category",
        "--categories", "BURGLARY", "--horizons", "7", "--train-end", "2020-01-28",
        "--test-end", "2020-02-05", "--step-days", "4", "--cell-size", "600",
        "--out", str(out), *extra, stdout=io.StringIO(),
    )  # fmt: skip


def layer_file(tmp_path, west="WEST"):
    # The planted incidents lie in 0..10,000 ft; split them at x = 5,000.
    doc = collection(
        feature(west, square(0, 0, 5000, 10_000)),
        feature("EAST", square(5000, 0, 10_000, 10_000)),
        epsg=2913,
    )
    path = tmp_path / "halves.geojson"
    path.write_text(json.dumps(doc))
    return path


def test_evaluate_uses_an_area_layer_file_in_the_bias_report(incidents, tmp_path):  # noqa: F811
    out = tmp_path / "report.html"
    areas_args = ("--areas", str(layer_file(tmp_path)), "--area-name-field", "TRACT")
    evaluate(incidents, out, *areas_args, "--xy-epsg", "2913")
    page = out.read_text()
    assert "layer file &#x27;halves.geojson&#x27;" in page
    assert ">EAST<" in page and ">WEST<" in page  # the planted hotspot is at x 5,300


def test_evaluate_escapes_unit_names_from_the_layer(incidents, tmp_path):  # noqa: F811
    out = tmp_path / "report.html"
    path = layer_file(tmp_path, west="<b>W</b>")
    evaluate(
        incidents, out, "--areas", str(path), "--area-name-field", "TRACT", "--xy-epsg", "2913"
    )
    assert "<b>W</b>" not in out.read_text() and "&lt;b&gt;W&lt;/b&gt;" in out.read_text()


def test_evaluate_with_areas_needs_the_incidents_crs(incidents, tmp_path):  # noqa: F811
    path = layer_file(tmp_path)
    with pytest.raises(CommandError, match="--xy-epsg"):
        evaluate(incidents, tmp_path / "r.html", "--areas", str(path), "--area-name-field", "T")
    assert not (tmp_path / "r.html").exists()


def test_evaluate_refuses_a_layer_that_holds_none_of_the_incidents(incidents, tmp_path):  # noqa: F811
    doc = collection(feature("far", square(1e6, 1e6, 1.1e6, 1.1e6)), epsg=2913)
    path = tmp_path / "far.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match="No polygon of the layer holds any"):
        evaluate(
            incidents, tmp_path / "r.html", "--areas", str(path), "--area-name-field", "TRACT",
            "--xy-epsg", "2913",
        )  # fmt: skip
