"""In Chromium: Olivia files a use-of-force report with its recording, Sam approves it.
Screenshots go to tests/artifacts/ (force-form, force-review, force-list)."""

from __future__ import annotations

import pytest
from django.test import Client

from evidentia.useofforce.models import ReportStatus, UseOfForceReport
from tests.conftest import screenshot, sign_in
from tests.useofforce.conftest import WHEN, minutes, video

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def desktop(browser, live_server, user):
    client = sign_in(Client(), user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def test_an_officer_files_and_the_supervisor_approves(browser, live_server, olivia, sam, clip_path):
    clip = video(clip_path, olivia, WHEN - minutes(3), seconds=420)
    context, page = desktop(browser, live_server, olivia)
    try:
        page.goto(f"{live_server.url}/force/new/")
        page.fill("#f-incident", "26-004211")
        page.fill("#f-when", WHEN.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#f-district", "D1")
        page.fill("#f-location", "SW 5th Ave & Morrison St")
        page.get_by_label("Takedown").check()
        page.get_by_label("Hands-on control (holds, joint locks)").check()
        page.fill("#f-reason", "The subject punched a bystander and resisted handcuffing.")
        page.get_by_label("De-escalation was attempted").check()
        page.fill("#f-deesc", "Verbal commands; asked him to sit down.")
        page.select_option("#s0-race", "white")
        page.select_option("#s0-sex", "male")
        page.fill("#s0-age", "34")
        page.click("text=Find recordings for this time and number")
        page.get_by_label(clip.title).check()
        screenshot(page, "force-form")
        page.click("button[value=submit]")
        page.wait_for_selector("[data-status=submitted]")
    finally:
        context.close()

    report = UseOfForceReport.objects.get()
    assert list(report.recordings.all()) == [clip]
    context, page = desktop(browser, live_server, sam)
    try:
        page.goto(f"{live_server.url}/force/?view=review")
        page.click(f"text={report.reference}")
        page.fill("#r-comments", "Force proportionate; video reviewed.")
        screenshot(page, "force-review")
        page.click("button[value=approve]")
        page.goto(f"{live_server.url}/force/?view=all")
        assert page.locator(f"tr[data-report='{report.reference}']").inner_text().count("Approved")
        screenshot(page, "force-list")
    finally:
        context.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
