"""The forecast page: a forecast is never shown without its bias and validity report;
downloads, clear messages for bad input, and who may see it, role by role."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from evidentia.analytics.services import forecasting
from evidentia.custody.models import Event

from .test_import import csv_bytes, portland, run, synthetic_lines  # noqa: F401

READERS = ["sam", "ivan", "audrey", "adam", "carmen"]
NOT_READERS = ["olivia", "stella", "petra"]
URL = reverse("analytics:forecast")
ASK = {"start": "2016-08-25", "horizon": "7", "cell": "600", "method": "auto", "budget": "0.25"}


@pytest.fixture
def crafted(db, carmen, request):
    """240 incidents over August 2016 in two tracts, two categories (the importer's data)."""
    dataset = request.getfixturevalue("portland")
    run(csv_bytes(*synthetic_lines(240)), dataset, carmen)
    return dataset


def _page(client, **changes):
    return client.get(URL, {**ASK, **changes})


def test_the_forecast_page_shows_the_flagged_cells_map_and_ranked_table(crafted, as_user, sam):
    page = _page(as_user(sam))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Flagged cells, highest score first" in text and "data-analytics-map" in text
    opening = 'id="analytics-map-config" type="application/json">'
    config = json.loads(text.split(opening)[1].split("</script>")[0])
    # 0.25 sq mi of 600 ft cells is 19 cells.
    assert len(config["cells"]) == 19 and {"south", "west", "colour"} <= set(config["cells"][0])


def test_the_bias_report_and_model_card_are_always_on_the_forecast_page(crafted, as_user, sam):
    for method in ("auto", "counts", "kde", "prospective", "blend"):
        text = _page(as_user(sam), method=method).content.decode()
        assert "Bias and validity of this forecast" in text, method
        assert "Share of incidents" in text and "Backtest accuracy" in text
        assert "95% interval" in text and "Calls and reports, not crime" in text


def test_the_page_says_which_method_was_used_and_shows_the_backtest_behind_auto(
    crafted, as_user, sam
):
    text = _page(as_user(sam)).content.decode()
    assert "Auto chose" in text and "rolling-origin backtest" in text
    for method in ("blend", "counts", "kde", "prospective"):
        assert f'<th scope="row">{method}' in text


def test_a_chosen_baseline_is_named_and_still_gets_the_backtest(crafted, as_user, sam):
    text = _page(as_user(sam), method="kde").content.decode()
    assert "You chose Kernel density" in text and "The backtest would have chosen" in text
    assert "kde (used)" in text


def test_the_budget_converts_square_miles_to_cells_in_the_datasets_units(crafted):
    assert forecasting.cells_for(0.75, 600, 2913) == 58  # international feet
    assert forecasting.cells_for(0.25, 600, 2913) == 19
    assert forecasting.cells_for(0.75, 180, 32610) == 59  # metres (a UTM zone)


def test_the_repeat_flagging_rate_compares_with_the_previous_period(crafted):
    result = forecasting.run(forecasting.parse(ASK, crafted))
    assert result.bias.repeat_flag_rate is not None and 0 <= result.bias.repeat_flag_rate <= 1
    assert {r["unit"] for r in result.bias.rows} >= {"802.0", "1602.0"}


def test_a_single_category_forecast_trains_on_that_category_only(crafted):
    result = forecasting.run(forecasting.parse({**ASK, "category": "BURGLARY"}, crafted))
    assert result.training_rows == sum(1 for i in range(240) if i % 3 == 0 and 1 + i % 28 < 25)
    assert sum(r["incidents"] for r in result.bias.rows) == result.training_rows


def test_the_csv_download_is_the_flagged_cells_ranked(crafted, as_user, ivan):
    response = as_user(ivan).get(reverse("analytics:forecast_csv"), ASK)
    assert response["Content-Type"].startswith("text/csv")
    assert "forecast-portland-all-2016-08-25-7d" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["x_min", "y_min", "x_max", "y_max", "score"]
    scores = [float(r[4]) for r in rows[1:]]
    assert len(scores) == 19 and scores == sorted(scores, reverse=True)
    assert all(float(r[2]) - float(r[0]) == 600 for r in rows[1:])
    assert not any(v.startswith("'") for r in rows[1:] for v in r)  # numbers stay numbers


def test_the_geojson_download_carries_the_bias_report(crafted, as_user, audrey):
    response = as_user(audrey).get(reverse("analytics:forecast_geojson"), ASK)
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert len(data["features"]) == 19
    assert data["features"][0]["properties"]["rank"] == 1
    assert data["properties"]["bias"]["rows"] and data["properties"]["bias"]["accuracy"]
    assert "not crime" in data["properties"]["caution"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"horizon": "0"}, "at least one day"),
        ({"horizon": "-7"}, "at least one day"),
        ({"horizon": "soon"}, "whole number of days"),
        ({"start": "31/08/2016"}, "must look like 2016-09-01"),
        ({"start": "2016-02-30"}, "must look like 2016-09-01"),
        ({"category": "ARSON"}, "no incidents in category"),
        ({"start": "2016-07-01"}, "nothing to train on"),
        ({"method": "crystal-ball"}, "method must be one of"),
        ({"budget": "5"}, "flagged area must be one of"),
        ({"cell": "0"}, "more than 0"),
        ({"cell": "1"}, "cells are at least 328 ft"),
        ({"cell": "1e300"}, "at most 32,808 ft"),
        ({"start": "9999-12-31"}, "between 1900-01-01 and 2100-12-31"),
    ],
)
def test_bad_input_is_a_clear_message_on_the_page(crafted, as_user, sam, changes, message):
    page = _page(as_user(sam), **changes)
    assert page.status_code == 422
    text = page.content.decode()
    assert message in text and 'role="alert"' in text
    assert 'id="f-horizon"' in text  # the form stays to correct the input


def test_a_category_with_no_rows_before_the_start_is_a_clear_message(crafted, as_user, sam):
    page = _page(as_user(sam), category="BURGLARY", start="2016-08-01")
    assert page.status_code == 422 and b"nothing to train on" in page.content


def test_a_bad_download_is_a_message_not_a_file(crafted, as_user, sam):
    response = as_user(sam).get(reverse("analytics:forecast_csv"), {**ASK, "horizon": "0"})
    assert response.status_code == 422 and b"at least one day" in response.content


def test_an_unknown_dataset_is_not_found(crafted, as_user, sam):
    assert _page(as_user(sam), dataset="atlantis").status_code == 404


def test_the_forecast_page_without_data_says_so(db, as_user, sam):
    page = as_user(sam).get(URL)
    assert page.status_code == 200 and b"nothing to forecast" in page.content


def test_old_data_gets_a_stale_warning_with_the_default_start_of_today(crafted, as_user, sam):
    page = as_user(sam).get(URL, {"cell": "600"})
    assert page.status_code == 200
    assert b"Stale data" in page.content and b"Bias and validity of this forecast" in page.content


def test_viewing_a_forecast_records_no_ledger_event(crafted, as_user, sam):
    before = Event.objects.count()
    _page(as_user(sam))
    assert Event.objects.count() == before


@pytest.mark.parametrize("who", READERS)
def test_readers_see_the_forecast_and_its_downloads(crafted, as_user, request, who):
    client = as_user(request.getfixturevalue(who))
    for name in ("analytics:forecast", "analytics:forecast_csv", "analytics:forecast_geojson"):
        assert client.get(reverse(name), ASK).status_code == 200, name


@pytest.mark.parametrize("who", NOT_READERS)
def test_others_do_not_see_the_forecast_or_its_downloads(crafted, as_user, request, who):
    client = as_user(request.getfixturevalue(who))
    for name in ("analytics:forecast", "analytics:forecast_csv", "analytics:forecast_geojson"):
        response = client.get(reverse(name), ASK)
        assert response.status_code == 403, name
        assert b"Flagged cells" not in response.content


def test_signed_out_visitors_are_sent_to_sign_in(crafted, client):
    response = client.get(URL)
    assert response.status_code in (302, 403)
