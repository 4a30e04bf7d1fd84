"""In Chromium: the hotspot map draws the area layer's outlines beside the cells."""

from __future__ import annotations

import io

import pytest

from evidentia.analytics.services import areas, imports
from tests.conftest import screenshot
from tests.e2e.test_workspace_flow import sign_in

from .areas_fixtures import portland_tracts, raw
from .test_import import csv_bytes, run, synthetic_lines

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_hotspot_map_outlines_the_area_units(live_server, browser, carmen, sam):
    dataset = imports.create_dataset("portland", name="Portland", epsg=2913, actor=carmen)
    run(csv_bytes(*synthetic_lines(120)), dataset, carmen)
    areas.import_layer(
        io.BytesIO(raw(portland_tracts())),
        dataset=dataset,
        name="tracts2010",
        name_field="TRACT",
        actor=carmen,
        kind="census tracts",
    )
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, sam)
    page.goto(live_server.url + "/analytics/map/?cell=600")
    page.wait_for_selector(".leaflet-overlay-pane path")
    # Leaflet draws the cells as interactive paths, the outlines as non-interactive ones.
    outlines = page.locator(".leaflet-overlay-pane path:not(.leaflet-interactive)")
    assert outlines.count() >= 2
    assert page.get_by_text("census tracts layer 'tracts2010'").count() >= 1
    screenshot(page, "analytics-areas-map")
    context.close()
