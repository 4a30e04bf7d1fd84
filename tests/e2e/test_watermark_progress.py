"""In Chromium: a prosecutor opens a share whose watermarked copy is still being made,
watches the progress, and gets the player in place once the background task has run
(decision 0030)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from evidentia.cases import services as cases
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from evidentia.sharing.models import WatermarkedCopy, WatermarkJob
from evidentia.sharing.services import shares
from evidentia.sharing.tasks import make_watermarked_copy
from tests.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_player_follows_the_copy_from_preparing_to_playable(
    browser, live_server, ivan, petra, olivia, carmen, clip_path, monkeypatch
):
    monkeypatch.setattr(
        "evidentia.sharing.tasks.make_watermarked_copy.delay", lambda *ids: None
    )  # no worker yet
    case = cases.create_case(number="2026-0101", title="Pier 4 theft", actor=ivan)
    sub = Submission(original_name=clip_path.name, via="cli", officer=olivia, case=case)
    item = ingest_path(clip_path, sub, actor=carmen).item
    process(item)
    share = shares.create(ivan, grantee=petra, case=case, expires_at=timezone.now() + timedelta(3))

    client = sign_in(Client(), petra)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/exports/shares/{share.pk}")
        status = page.locator("[data-copy-status]")
        assert "waiting to start" in status.inner_text()
        assert page.locator("video").count() == 0
        screenshot(page, "watermark-01-queued")

        # A worker picks it up and writes its progress; the page follows without a reload.
        WatermarkJob.objects.update(state="running", progress=40, updated_at=timezone.now())
        page.wait_for_selector("text=Preparing a watermarked copy of this recording — 40%")
        assert page.locator("progress").evaluate("bar => bar.value") == 40
        screenshot(page, "watermark-02-running")

        # That worker was lost; the task (run here, as a worker would) takes the job over.
        WatermarkJob.objects.update(updated_at=timezone.now() - timedelta(hours=1))
        assert make_watermarked_copy(str(share.pk), str(item.pk)) == "done"
        page.wait_for_selector("video", timeout=15_000)
        assert "ready" in status.inner_text()
        src = page.locator("video").get_attribute("src")
        assert page.evaluate("async url => (await fetch(url)).status", src) == 200
        screenshot(page, "watermark-03-ready")
    finally:
        context.close()
    assert WatermarkedCopy.objects.filter(share=share, item=item).count() == 1
