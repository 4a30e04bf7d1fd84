"""Browser tests: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import pytest


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    yield context.new_page()
    context.close()
