"""The analytics pages: hotspot map, exports, import flow, performance; role by role."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidentia.analytics.models import ImportRun, Incident
from evidentia.cad.models import Call

from .test_import import HEADER, csv_bytes, portland, run, synthetic_lines  # noqa: F401

READERS = ["sam", "ivan", "audrey", "adam", "carmen"]
NOT_READERS = ["olivia", "stella", "petra"]
COMMAND = ["sam", "audrey", "adam"]


@pytest.fixture
def mapped(db, carmen, request):
    dataset = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(60)), dataset, carmen)
    return dataset


@pytest.mark.parametrize("who", READERS)
def test_readers_see_the_hotspot_map(mapped, as_user, request, who):
    page = as_user(request.getfixturevalue(who)).get(reverse("analytics:map"))
    assert page.status_code == 200
    assert b"Calls and reports, not crime" in page.content


@pytest.mark.parametrize("who", NOT_READERS)
def test_others_do_not_see_the_map_or_its_exports(mapped, as_user, request, who):
    client = as_user(request.getfixturevalue(who))
    for name in ("analytics:map", "analytics:map_geojson", "analytics:map_csv"):
        assert client.get(reverse(name)).status_code == 403


def test_the_map_page_has_the_table_fallback_legend_and_bias_report(mapped, as_user, sam):
    page = as_user(sam).get(reverse("analytics:map"), {"method": "gistar", "cell": "1000"})
    text = page.content.decode()
    assert "Strongest cells" in text and "an-legend" in text
    assert "Bias and validity" in text and "Share of incidents" in text
    assert "Hot spot" in text
    opening = 'id="analytics-map-config" type="application/json">'
    config = json.loads(text.split(opening)[1].split("</script>")[0])
    assert config["cells"] and {"south", "west", "north", "east", "colour"} <= set(
        config["cells"][0]
    )


def test_the_map_without_data_says_so(db, as_user, sam):
    page = as_user(sam).get(reverse("analytics:map"))
    assert page.status_code == 200 and b"No incidents have been imported yet" in page.content


def test_a_bad_filter_is_a_clear_message_not_an_error(mapped, as_user, sam):
    page = as_user(sam).get(reverse("analytics:map"), {"method": "crystal-ball"})
    assert page.status_code == 422 and b"counts, kde or gistar" in page.content


def test_the_exports_download_the_current_map(mapped, as_user, ivan):
    client = as_user(ivan)
    geo = client.get(reverse("analytics:map_geojson"), {"category": "BURGLARY"})
    assert geo["Content-Type"] == "application/geo+json"
    assert json.loads(geo.content)["properties"]["incidents"] == 20
    table = client.get(reverse("analytics:map_csv"), {"method": "kde"})
    lines = table.content.decode().splitlines()
    header = next(line for line in lines if not line.startswith("# "))
    assert header.startswith("x_min,y_min,x_max,y_max")
    assert "hotspots-portland-kde" in table["Content-Disposition"]


@pytest.mark.parametrize("who", ["sam", "ivan", "audrey", "olivia"])
def test_only_custodians_and_admins_reach_the_import_page(db, as_user, request, who):
    assert as_user(request.getfixturevalue(who)).get(reverse("analytics:import")).status_code == 403


def test_the_web_import_uploads_maps_and_shows_the_result(
    portland,  # noqa: F811
    as_user,
    carmen,
    django_capture_on_commit_callbacks,
):
    client = as_user(carmen)
    upload = csv_bytes(*synthetic_lines(5), "2016-08-09,BURGLARY,0,0,1.0", "nope,X,1,2,3")
    upload.name = "pdx.csv"
    page = client.post(reverse("analytics:import"), {"file": upload})
    assert page.status_code == 200 and b"Map the columns" in page.content
    token = page.context["token"]
    assert page.context["fields"][0]["column"] == "occurred_on"  # guessed from the header
    form = {f"map_{f['name']}": f["column"] for f in page.context["fields"]}
    form.update({"token": token, "dataset": "portland", "mode": "skip"})
    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs
        queued = client.post(reverse("analytics:import_run"), form)
    result = client.get(queued["Location"])
    text = result.content.decode()
    assert "5 new" in text and "1 bad row" in text and "1 excluded" in text
    assert 'data-error-line="8"' in text and 'data-excluded-line="7"' in text
    assert Incident.objects.count() == 5


def test_the_web_import_can_create_a_dataset(db, as_user, adam, django_capture_on_commit_callbacks):
    client = as_user(adam)
    upload = csv_bytes(*synthetic_lines(3))
    upload.name = "a.csv"
    page = client.post(reverse("analytics:import"), {"file": upload})
    form = {f"map_{f['name']}": f["column"] for f in page.context["fields"]}
    form.update(
        {"token": page.context["token"], "new_slug": "pdx", "new_epsg": "2913", "mode": "all"}
    )
    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs
        client.post(reverse("analytics:import_run"), form)
    assert ImportRun.objects.get().dataset.slug == "pdx"


def test_a_bad_mapping_returns_to_the_form_with_the_reason(portland, as_user, carmen):  # noqa: F811
    client = as_user(carmen)
    upload = csv_bytes(*synthetic_lines(3))
    upload.name = "a.csv"
    page = client.post(reverse("analytics:import"), {"file": upload})
    form = {"token": page.context["token"], "dataset": "portland", "map_category": "category"}
    again = client.post(reverse("analytics:import_run"), form)
    assert again.status_code == 422 and b"no column for occurred_at" in again.content


def test_the_cad_button_copies_calls(db, as_user, carmen):
    Call.objects.create(
        call_number="C-1", call_type="THEFT", received_at=timezone.now(), lat=45.5, lon=-122.6
    )
    page = as_user(carmen).post(reverse("analytics:import_cad"), follow=True)
    assert b"1 new" in page.content and Incident.objects.get().key == "C-1"


@pytest.mark.parametrize("who", COMMAND)
def test_command_staff_see_the_performance_page(db, as_user, request, who):
    page = as_user(request.getfixturevalue(who)).get(reverse("analytics:performance"))
    assert page.status_code == 200 and b"No data" in page.content


@pytest.mark.parametrize("who", ["ivan", "carmen", "olivia", "stella", "petra"])
def test_others_do_not_see_the_performance_page(db, as_user, request, who):
    page = as_user(request.getfixturevalue(who)).get(reverse("analytics:performance"))
    assert page.status_code == 403


def test_response_times_are_medians_and_90th_percentiles_by_priority(db, as_user, sam):
    now = timezone.now() - timedelta(days=1)
    for i, minutes in enumerate([4, 6, 8, 10, 30]):
        Call.objects.create(
            call_number=f"C-{i}",
            call_type="THEFT",
            priority="1",
            district="North",
            received_at=now,
            dispatched_at=now + timedelta(minutes=1),
            arrived_at=now + timedelta(minutes=minutes),
        )
    page = as_user(sam).get(reverse("analytics:performance"))
    row = page.context["by_priority"][0]
    assert row["label"] == "1" and row["calls"] == 5
    assert row["arrive"]["median"] == 8.0 and row["arrive"]["p90"] == pytest.approx(22.0)
    assert b"Response times by district" in page.content


def test_the_current_month_is_compared_with_the_same_days_last_year(db, as_user, sam):
    page = as_user(sam).get(reverse("analytics:performance"))
    current = page.context["trends"][-1]
    today = timezone.localdate()
    assert current["days"] == today.day
    assert current["partial"] == (today.day < current["full"])
