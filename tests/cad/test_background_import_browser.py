"""In Chromium: the result page of a queued CAD import polls its progress and shows
the result by itself once the background task has run."""

from __future__ import annotations

import pytest
from django.test import Client

from evidentia.cad.models import Import
from evidentia.cad.services import background
from evidentia.cad.services.uploads import STAGED
from evidentia.cad.tasks import run_import
from tests.conftest import screenshot, sign_in

from .conftest import HEADER, call_line

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_result_page_follows_a_queued_import_to_its_result(
    browser, live_server, carmen, olivia, monkeypatch
):
    monkeypatch.setattr("evidentia.cad.tasks.run_import.delay", lambda pk: None)  # no worker
    token = "0b8f4c9e-8a3f-4f61-9d55-2f0c4f3f7a11"
    STAGED.folder().joinpath(f"{token}.csv").write_text(
        HEADER + call_line("C-1", 0, 30, "N-1042") + "\n"
    )
    imp = background.queue_import(
        token, file_name="calls.csv", actor=carmen, mode="all", mapping={}
    )
    client = sign_in(Client(), carmen)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/cad/imports/{imp.pk}/")
        assert "Waiting for a background worker" in page.inner_text("[data-import-status]")
        screenshot(page, "cad-import-01-queued")
        assert run_import(str(imp.pk)) == "done"
        page.wait_for_selector("text=1 new call", timeout=15_000)
        screenshot(page, "cad-import-02-done")
        assert page.locator("progress").count() == 0
    finally:
        context.close()
    assert Import.objects.get().state == Import.State.DONE
