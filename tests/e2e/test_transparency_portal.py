"""The transparency portal in Chromium: a small count shows as "<5", the charts are
drawn, and after more records and a refresh the figures update."""

from __future__ import annotations

import pytest

from evidentia.transparency.services.refresh import refresh
from tests.conftest import doc_screenshot
from tests.conftest import screenshot as shot
from tests.transparency.conftest import Seed, at


@pytest.mark.slow
def test_the_portal_shows_suppressed_counts_and_updates_after_a_refresh(
    live_server, browser, olivia
):
    seed = Seed(olivia)
    seed.forces(14, at(2025, 2), district="North", types=("hands", "taser"))
    seed.forces(9, at(2025, 6), district="Central", subjects=(("black", "male", 22),))
    seed.forces(2, at(2025, 9), district="South", subjects=(("hispanic", "female", 41),))
    for i in range(8):
        seed.complaint(at(2025, 3, 1 + i), closed=at(2025, 5, 1 + i), finding="unfounded")
    for i in range(12):
        seed.assignment(at(2025, 4, 1 + i), "Domestic", recorded=i != 3)
    for i in range(7):
        seed.community(at(2025, 7, 1 + i), days=3 + i)
    refresh()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/public/transparency/?year=2025")
    districts = page.locator("#use_of_force-by_district table")
    assert districts.locator("tr:has-text('South') td").inner_text() == "<5"
    assert page.locator("svg.tp-chart[role=img]").count() >= 5
    shot(page, "transparency-01-desktop")
    # The README tour wants one screen, not the whole (long) page.
    page.locator("#use_of_force").scroll_into_view_if_needed()
    doc_screenshot(page, "transparency.png")

    seed.forces(6, at(2025, 10), district="South")
    refresh()
    page.reload()
    assert districts.locator("tr:has-text('South') td").inner_text() == "8"
    shot(page, "transparency-02-updated")

    phone_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = phone_ctx.new_page()
    phone.goto(live_server.url + "/public/transparency/?year=2025&section=use_of_force")
    assert phone.locator("svg.tp-chart").first.is_visible()
    shot(phone, "transparency-03-phone")
    phone.locator("#use_of_force-by_district").scroll_into_view_if_needed()
    doc_screenshot(phone, "transparency-phone.png")
    context.close()
    phone_ctx.close()
