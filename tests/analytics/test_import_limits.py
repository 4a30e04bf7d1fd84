"""A failed first import leaves no dataset behind; web Mercator is refused; half a
lat/lon pair is no place at all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from evidentia.analytics.models import Dataset, ImportRun
from evidentia.analytics.services import cad, imports
from evidentia.cad.models import Call
from evidentia.core.errors import Rejected

from .test_import import PORTLAND_X, PORTLAND_Y, csv_bytes, portland, run, synthetic_lines  # noqa: F401


def _new_dataset_form(client, lines):
    upload = csv_bytes(*lines)
    upload.name = "a.csv"
    page = client.post(reverse("analytics:import"), {"file": upload})
    form = {f"map_{f['name']}": f["column"] for f in page.context["fields"]}
    form.update(
        {"token": page.context["token"], "new_slug": "pdx", "new_epsg": "2913", "mode": "all"}
    )
    return form


def test_a_rejected_first_import_on_the_web_creates_no_dataset(
    db, as_user, adam, django_capture_on_commit_callbacks
):
    # The import runs in the background (decision 0027), so the refusal is on the
    # result page and the rejected run is kept, with no dataset behind it.
    client = as_user(adam)
    form = _new_dataset_form(client, [*synthetic_lines(3), "not-a-date,BURGLARY,1,2,802.0"])
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("analytics:import_run"), form)
    page = client.get(queued["Location"])
    assert page.status_code == 200 and b"was not created" in page.content
    assert not Dataset.objects.filter(slug="pdx").exists()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.REJECTED and run.dataset is None


def test_the_same_slug_can_be_tried_again_after_a_rejection(
    db, as_user, adam, django_capture_on_commit_callbacks
):
    client = as_user(adam)
    bad = _new_dataset_form(client, [*synthetic_lines(3), "not-a-date,BURGLARY,1,2,802.0"])
    good = _new_dataset_form(client, synthetic_lines(3))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("analytics:import_run"), bad)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("analytics:import_run"), good)
    assert ImportRun.objects.get(state=ImportRun.State.DONE).dataset.slug == "pdx"


def test_cad_calls_without_any_place_are_refused_without_a_dataset(db, carmen):
    Call.objects.create(call_number="C-1", call_type="THEFT", received_at=timezone.now())
    with pytest.raises(Rejected, match="None of the CAD calls has a place"):
        cad.copy_calls(actor=carmen)
    assert not Dataset.objects.exists()


def test_web_mercator_is_refused_as_a_dataset_crs(db, adam):
    with pytest.raises(Rejected, match="not ground metres"):
        imports.create_dataset("web", name="Web", epsg=3857, actor=adam)
    assert not Dataset.objects.exists()


def test_a_row_with_lat_but_no_lon_is_placed_by_its_x_y(portland, carmen):  # noqa: F811
    header = "occurred_on,category,x_ft,y_ft,census_tract,latitude,longitude"
    lines = [f"{line},45.5," for line in synthetic_lines(5)]
    mapping = {
        "occurred_at": "occurred_on",
        "category": "category",
        "x": "x_ft",
        "y": "y_ft",
        "area_unit": "census_tract",
        "lat": "latitude",
        "lon": "longitude",
    }
    result = run(csv_bytes(*lines, header=header), portland, carmen, mapping=mapping)
    assert result.state == ImportRun.State.DONE and result.rows_created == 5
