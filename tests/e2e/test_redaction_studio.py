"""The redaction studio in a real browser: an investigator reviews automatic detection,
a custodian approves, the redacted version plays, and the original is untouched.

A stand-in face detector (as in tests/redaction/test_studio.py) finds two still "faces"
on the synthetic clip, which has none of its own.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from evidentia.cases import services as cases
from evidentia.evidence.services import playback
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.evidence.services.processing import process
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from tests.conftest import ARTIFACTS, screenshot
from tests.e2e.test_workspace_flow import sign_in
from tests.redaction.helpers import use_stub_faces

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def stub_faces(monkeypatch):
    use_stub_faces(monkeypatch)


@pytest.fixture
def clip(olivia, ivan, clip_path):
    item = ingest_path(
        clip_path, Submission(clip_path.name, "cli", officer=olivia), actor=olivia
    ).item
    process(item)
    case = cases.create_case(number="2026-90", title="Records request", actor=ivan)
    cases.link_item(case, item, actor="test")  # Ivan the detective can see and redact it
    item.refresh_from_db()
    return item


def state_is(page, value: str, timeout: int = 60_000) -> None:
    page.wait_for_selector(f"[data-state][data-value={value}]", timeout=timeout)


def test_redact_review_approve_render_and_play(live_server, browser, page, clip, ivan, carmen):
    base = live_server.url
    original_sha = clip.blob.sha256
    original_bytes = b"".join(playback.read(clip.blob))

    # 1. Ivan runs automatic detection.
    sign_in(page, base, ivan)
    page.goto(f"{base}/redaction/items/{clip.pk}/")
    page.click("button[data-act=detect]")
    page.wait_for_url("**/redaction/plans/**")
    studio_url = page.url
    page.wait_for_function(
        "document.querySelectorAll('[data-tracks] li[data-track]').length === 2", timeout=60_000
    )
    state_is(page, "ready")
    page.wait_for_function("document.querySelector('[data-frame]')?.naturalWidth > 0")

    # 2. Exclude one track.
    page.uncheck("[data-track-toggle=face-2]")
    page.wait_for_selector("[data-tracks] li[data-track=face-2].excluded")

    # 3. Scrub to frame 45 (slider, then the arrow keys) and draw a box there.
    page.locator("[data-slider]").evaluate(
        "s => { s.value = 43; s.dispatchEvent(new Event('input')); }"
    )
    page.locator("[data-slider]").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("[data-frame-label]").inner_text() == "45"
    img = page.locator("[data-frame]").bounding_box()
    scale = img["width"] / 320
    x1, y1, x2, y2 = 130, 60, 180, 120
    page.mouse.move(img["x"] + x1 * scale, img["y"] + y1 * scale)
    page.mouse.down()
    page.mouse.move(img["x"] + (x1 + x2) / 2 * scale, img["y"] + (y1 + y2) / 2 * scale)
    page.mouse.move(img["x"] + x2 * scale, img["y"] + y2 * scale)
    page.mouse.up()
    page.wait_for_selector("[data-tracks] li[data-track=manual-1]", timeout=60_000)

    # 4. Mute a range.
    page.fill("#au-start", "0.5")
    page.fill("#au-end", "1.0")
    page.select_option("#au-mode", "mute")
    page.click("text=Add audio range")
    page.locator("[data-audio-list] li", has_text="Mute 0.5 s").wait_for()

    # 5. Ask for approval; Ivan is offered no Approve button.
    page.click("[data-act=request-approval]")
    state_is(page, "requested")
    assert page.locator("[data-act=approve]").is_hidden()
    screenshot(page, "08-redaction-studio")

    # 6. Carmen the custodian signs in with her own second factor and approves.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    custodian = context.new_page()
    sign_in(custodian, base, carmen)
    custodian.goto(studio_url)
    state_is(custodian, "requested")
    custodian.click("[data-act=approve]")
    state_is(custodian, "approved")
    assert "approved by carmen" in custodian.locator("[data-who]").inner_text()

    # 7. Render.
    custodian.click("[data-act=render]")
    state_is(custodian, "rendered", timeout=120_000)

    # 8. Play the redacted version.
    custodian.locator("[data-output]").wait_for(state="visible")
    custodian.wait_for_function(
        "document.querySelector('[data-redacted]').readyState >= 1", timeout=30_000
    )
    custodian.locator("[data-redacted]").evaluate("v => { v.muted = true; return v.play(); }")
    custodian.wait_for_function(
        "document.querySelector('[data-redacted]').currentTime > 0.3", timeout=30_000
    )
    screenshot(custodian, "09-redaction-rendered")
    with custodian.expect_download() as download:
        custodian.click("[data-pdf-link]")
    pdf = ARTIFACTS / "redaction-log.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    context.close()

    # The version is what was reviewed: one excluded track, the manual box, the mute.
    rp = RedactionPlan.objects.get(item=clip)
    assert rp.state == "rendered" and rp.approved_by == carmen and rp.requested_by == ivan
    version = RedactedVersion.objects.get(plan=rp)
    review = json.loads(b"".join(playback.read(version.review_log)))
    assert review["summary"]["tracks_excluded"] == 1
    assert {t["id"] for t in rp.plan["tracks"]} == {"face-1", "face-2", "manual-1"}
    assert review["audio"] == [{"start_s": 0.5, "end_s": 1.0, "mode": "mute"}]
    assert version.blob.sha256 != original_sha

    # 9. The original's SHA-256 is unchanged: the row and the bytes.
    clip.blob.refresh_from_db()
    assert clip.blob.sha256 == original_sha
    again = b"".join(playback.read(clip.blob))
    assert again == original_bytes
    assert hashlib.sha256(again).hexdigest() == original_sha
