"""The analytics pages in Chromium: a custodian imports incidents through the web form
(the Portland file when ../shared is present, else synthetic data), a supervisor opens
the hotspot map, switches to Gi*, and sees the bias report beside it; then the
performance page. Screenshots are kept for a person to look at."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from evidentia.analytics.models import Incident
from evidentia.cad.models import Call
from tests.conftest import SHARED, screenshot
from tests.e2e.test_workspace_flow import sign_in

from ..analytics.test_import import HEADER, synthetic_lines

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PORTLAND = SHARED / "data" / "crime" / "portland_cfs_2016_08.csv"


def _calls(days: int = 400, n: int = 600) -> None:
    """CAD calls over the last 13 months, for the performance page's trends."""
    rng = np.random.default_rng(5)
    now = timezone.now()
    calls = []
    for i in range(n):
        received = now - timedelta(days=float(rng.uniform(0, days)))
        calls.append(
            Call(
                call_number=f"E-{i}",
                call_type="THEFT",
                priority=str(rng.integers(1, 4)),
                district=["North", "South"][i % 2],
                received_at=received,
                dispatched_at=received + timedelta(minutes=float(rng.gamma(2, 2))),
                arrived_at=received + timedelta(minutes=float(rng.gamma(4, 3))),
            )
        )
    Call.objects.bulk_create(calls)


def _source(tmp_path):
    if PORTLAND.exists():
        return PORTLAND, 19375
    path = tmp_path / "incidents.csv"
    path.write_text("\n".join([HEADER, *synthetic_lines(400)]) + "\n")
    return path, 400


def test_a_custodian_imports_and_a_supervisor_reads_the_hotspot_map(
    live_server, browser, carmen, sam, tmp_path
):
    base = live_server.url
    source, expected = _source(tmp_path)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, base, carmen)
    page.goto(base + "/analytics/import/")
    page.set_input_files("#an-file", str(source))
    page.click("text=Upload and map columns")
    page.wait_for_selector("text=Which column holds each field?")
    assert page.input_value("#map-occurred_at") == "occurred_on"
    assert page.input_value("#map-x") == "x_ft"
    page.fill("#an-slug", "portland")
    page.fill("#an-name", "Portland calls for service")
    page.fill("#an-epsg", "2913")
    screenshot(page, "analytics-01-mapping")
    page.click("button:has-text('Import')")
    page.wait_for_selector("text=Imported into", timeout=120_000)
    screenshot(page, "analytics-02-result")
    assert Incident.objects.count() == expected
    context.close()

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, base, sam)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/analytics/map/")
    page.wait_for_selector(".an-map .leaflet-interactive")
    assert page.locator("text=Calls and reports, not crime").count() == 1
    screenshot(page, "analytics-03-counts")
    page.select_option("#f-method", "gistar")
    page.fill("#f-cell", "1200")
    page.click("form.an-filters button")
    page.wait_for_url("**method=gistar**")
    page.wait_for_selector(".an-map .leaflet-interactive")
    text = page.locator("main").inner_text()
    assert "hot spot" in text and "Bias and validity" in text
    assert "Traceback" not in text
    screenshot(page, "analytics-04-gistar")
    page.select_option("#f-method", "kde")
    page.click("form.an-filters button")
    page.wait_for_selector(".an-map .leaflet-interactive")
    screenshot(page, "analytics-05-kde")
    assert errors == []
    _calls()
    page.goto(base + "/analytics/performance/")
    assert "Trends by month" in page.locator("main").inner_text()
    screenshot(page, "analytics-06-performance")
    _open_a_forecast(page, base)
    assert errors == []
    context.close()


def _open_a_forecast(page, base) -> None:
    """The forecast tab: choose a forecast for the last week of August and read its
    flagged cells beside its bias and validity report."""
    page.click("nav.subnav >> text=Forecast")
    page.wait_for_selector("#f-horizon")
    page.select_option("#f-category", "STREET CRIMES")
    page.fill("#f-start", "2016-08-25")
    page.select_option("#f-horizon", "7")
    page.fill("#f-cell", "600")
    page.select_option("#f-method", "auto")
    page.select_option("#f-budget", "0.75")
    page.click("form.an-filters button")
    page.wait_for_url("**start=2016-08-25**")
    page.wait_for_selector(".an-map .leaflet-interactive")
    text = page.locator("main").inner_text()
    assert "Bias and validity of this forecast" in text and "Backtest accuracy" in text
    assert "Auto chose" in text and "Calls and reports, not crime" in text
    assert "Traceback" not in text
    assert page.locator(".fc-ranked tbody tr").count() == 58  # 0.75 sq mi of 600 ft cells
    screenshot(page, "analytics-07-forecast")
    with page.expect_download() as download:
        page.click("p[role=status] >> text=CSV")
    assert download.value.suggested_filename.startswith("forecast-portland-street-crimes")
