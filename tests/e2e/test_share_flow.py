"""An investigator shares a case with a prosecutor, who plays and downloads it; the
investigator sees both accesses, revokes the share, and the link then fails."""

from __future__ import annotations

from pathlib import Path

from evidentia.cases import services as cases
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from tests.conftest import screenshot as shot
from tests.e2e.test_workspace_flow import sign_in


def test_a_case_is_shared_played_downloaded_and_revoked(
    live_server, browser, ivan, petra, olivia, carmen, clip_path
):
    base = live_server.url
    case = cases.create_case(number="2026-0099", title="Harbor Road assault", actor=ivan)
    sub = Submission(original_name=clip_path.name, via="cli", officer=olivia, case=case)
    item = ingest_path(clip_path, sub, actor=carmen).item
    process(item)

    sharer_ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    sharer = sharer_ctx.new_page()
    sign_in(sharer, base, ivan)
    sharer.goto(f"{base}/cases/{case.pk}/")
    sharer.click("text=Share with a prosecutor")
    sharer.select_option(
        "#s-grantee", label=f"{petra.get_full_name() or petra.username} ({petra.username})"
    )
    sharer.select_option("#s-mode", "download")
    sharer.fill("#s-notes", "For the charging decision.")
    shot(sharer, "share-01-form")
    sharer.click("button:has-text('Share')")
    sharer.wait_for_selector("text=Who opened what")
    share_url = sharer.url

    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    sign_in(page, base, petra)
    page.goto(base + "/exports/shares/")
    page.click("text=Case 2026-0099")
    stream = page.locator("video").get_attribute("src")
    status = page.evaluate("async url => (await fetch(url)).status", stream)
    assert status == 200
    shot(page, "share-02-prosecutor")
    with page.expect_download() as got:
        page.click("text=Download the evidence (ZIP)")
    assert Path(got.value.path()).read_bytes()[:2] == b"PK"

    sharer.goto(share_url)
    text = sharer.inner_text("#accesses")
    assert "played (watermarked)" in text and "downloaded" in text
    shot(sharer, "share-03-accesses")
    sharer.click("text=Revoke now")
    sharer.wait_for_selector("text=revoked")

    reply = page.goto(share_url)
    assert reply is not None and reply.status == 410
    assert "no longer available" in page.content()
    shot(page, "share-04-revoked")
    ctx.close()
    sharer_ctx.close()
