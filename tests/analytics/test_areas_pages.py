"""The area layers page role by role, and the map and forecast pages using a layer:
their bias report says so, splits units by polygon, and escapes unit names."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from evidentia.analytics.models import AreaLayer
from evidentia.analytics.services import areas

from .areas_fixtures import portland_tracts, raw
from .test_import import csv_bytes, portland, run, synthetic_lines  # noqa: F401

URL = reverse("analytics:areas")
IMPORTERS = ["carmen", "adam"]
OTHERS = ["olivia", "sam", "ivan", "audrey", "stella", "petra"]
NASTY = "<script>alert(1)</script>"
OPENING = 'id="analytics-map-config" type="application/json">'


@pytest.fixture
def dataset(db, carmen, request):
    found = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(120)), found, carmen)
    return found


def upload(client, doc, **form):
    body = io.BytesIO(raw(doc))
    body.name = "tracts.geojson"
    data = {"dataset": "portland", "name": "tracts2010", "name_field": "TRACT", **form}
    return client.post(URL, {**data, "file": body})


def with_layer(dataset, carmen, west="802.0"):
    stream = io.BytesIO(raw(portland_tracts(west=west)))
    return areas.import_layer(
        stream, dataset=dataset, name="tracts2010", name_field="TRACT", actor=carmen,
        kind="census tracts",
    )  # fmt: skip


def config(text: str) -> dict:
    return json.loads(text.split(OPENING)[1].split("</script>")[0])


@pytest.mark.parametrize("who", IMPORTERS)
def test_importers_see_the_area_layers_page(dataset, as_user, request, who):
    page = as_user(request.getfixturevalue(who)).get(URL)
    assert page.status_code == 200 and b"Upload a polygon layer" in page.content


@pytest.mark.parametrize("who", OTHERS)
def test_others_may_not_see_or_post_to_the_area_layers_page(dataset, as_user, request, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert upload(client, portland_tracts()).status_code == 403
    assert not AreaLayer.objects.exists()


def test_the_import_page_links_to_the_area_layers_page(dataset, as_user, carmen):
    page = as_user(carmen).get(reverse("analytics:import"))
    assert URL.encode() in page.content


def test_an_upload_imports_the_layer_and_says_so(dataset, as_user, carmen):
    client = as_user(carmen)
    answer = upload(client, portland_tracts(), kind="census tracts")
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert b"Imported the layer" in page.content and b"2 units" in page.content
    layer = AreaLayer.objects.get()
    assert layer.uploaded_by == carmen and layer.kind == "census tracts"


def test_a_bad_upload_shows_the_message_on_the_form_and_saves_nothing(dataset, as_user, carmen):
    page = upload(as_user(carmen), portland_tracts(), name_field="GEOID")
    assert page.status_code == 422
    assert b"No feature has a property" in page.content and b'value="GEOID"' in page.content
    assert not AreaLayer.objects.exists()


def test_an_upload_without_a_file_is_refused(dataset, as_user, carmen):
    page = as_user(carmen).post(URL, {"dataset": "portland", "name_field": "TRACT"})
    assert page.status_code == 422 and b"Choose a GeoJSON file" in page.content


def test_the_map_uses_the_layer_and_says_which(dataset, carmen, as_user, sam):
    with_layer(dataset, carmen)
    text = as_user(sam).get(reverse("analytics:map"), {"cell": "600"}).content.decode()
    assert "census tracts layer &#x27;tracts2010&#x27; (version 1)" in text
    assert "Share of area" in text
    assert config(text)["areas"]["features"][0]["properties"]["name"] in ("802.0", "1602.0")


def test_the_map_without_a_layer_uses_the_incidents_column(dataset, as_user, sam):
    text = as_user(sam).get(reverse("analytics:map")).content.decode()
    assert "incidents&#x27; own area-unit column" in text
    assert config(text)["areas"] is None


def test_a_unit_name_with_html_is_escaped_on_the_map_page(dataset, carmen, as_user, sam):
    with_layer(dataset, carmen, west=NASTY)
    text = as_user(sam).get(reverse("analytics:map"), {"cell": "600"}).content.decode()
    assert NASTY not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the bias table
    assert "\\u003Cscript\\u003E" in text  # the outlines in json_script


def test_the_forecast_uses_the_layer_in_its_bias_report_and_export(dataset, carmen, as_user, sam):
    with_layer(dataset, carmen)
    ask = {"start": "2016-08-25", "horizon": "7", "cell": "600", "budget": "0.25"}
    client = as_user(sam)
    text = client.get(reverse("analytics:forecast"), ask).content.decode()
    assert "layer &#x27;tracts2010&#x27;" in text and config(text)["areas"]["features"]
    bias = json.loads(client.get(reverse("analytics:forecast_geojson"), ask).content)
    units = {r["unit"] for r in bias["properties"]["bias"]["rows"]}
    assert units <= {"802.0", "1602.0", "(outside every area)"}
    assert "tracts2010" in bias["properties"]["bias"]["areas"]
