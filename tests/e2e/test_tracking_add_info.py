"""In Chromium with scripts off: a resident adds information to their report from the
tracking page. The page's address holds the tracking code, so its referrer policy must
keep the path private without breaking its own form (decision 0014)."""

from __future__ import annotations

import pytest

from evidentia.community.models import Report

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_resident_adds_information_from_the_tracking_page_without_scripts(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/public/")
        page.check("#svc-graffiti")
        page.fill("#f-description", "Fresh tags on the bus shelter by the park entrance.")
        page.fill("#f-address", "Main St and 3rd Ave")
        page.click("[data-submit]")
        page.wait_for_url("**/public/track/**", timeout=30_000)
        page.fill("#a-text", "More detail: it happened around 9 pm.")
        with page.expect_navigation():
            page.locator("[data-add-form] button[type=submit]").click()
        assert "Forbidden" not in page.content()
        assert "More detail: it happened around 9 pm." in page.content()
    finally:
        context.close()
    assert Report.objects.count() == 1
