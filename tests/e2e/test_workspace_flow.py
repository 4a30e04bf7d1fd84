"""The whole evidence workspace in a real browser, as an officer uses it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidentia.evidence import demo_media
from tests.conftest import ARTIFACTS, PASSWORD
from tests.conftest import screenshot as shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
START = datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC)


@pytest.fixture
def files(tmp_path):
    one = demo_media.make_clip(
        tmp_path / "BWC-1_stop.mp4",
        seconds=6,
        width=640,
        height=360,
        start=START,
        officer_badge="N-1042",
        device_id="BWC-1",
        seed=1,
    )
    two = demo_media.make_clip(
        tmp_path / "BWC-2_stop.mp4",
        seconds=5,
        width=640,
        height=360,
        start=START + timedelta(seconds=2),
        officer_badge="N-1042",
        device_id="BWC-2",
        seed=2,
    )
    gpx = tmp_path / "BWC-1_stop.gpx"
    demo_media.make_gpx(gpx, start=START, seconds=8, seed=3)
    return one, two, gpx


def sign_in(page, base, user):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/verify/**")
    device = TOTPDevice.objects.get(user=user)
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.click("button[type=submit]")
    page.wait_for_url("**/evidence/")


def upload(page, base, device, paths):
    page.goto(base + "/evidence/upload/")
    page.fill("#u-device", device)
    page.set_input_files("#u-files", [str(p) for p in paths])
    for n in range(len(paths)):
        page.locator("#u-list a.item-link").nth(n).wait_for(timeout=120_000)


def test_an_officer_uploads_plays_bookmarks_compares_and_reports(live_server, page, olivia, files):
    base = live_server.url
    one, two, gpx = files
    sign_in(page, base, olivia)
    shot(page, "01-evidence-list-empty")

    upload(page, base, "BWC-1", [one, gpx])
    upload(page, base, "BWC-2", [two])
    shot(page, "02-upload-done")

    page.goto(base + "/evidence/")
    page.click("text=BWC-1_stop.mp4")
    video = page.locator("[data-player] video")
    page.wait_for_function("document.querySelector('[data-player] video')?.readyState >= 1")
    page.locator("[data-map-panel]").wait_for(state="visible")
    marker = page.locator("[data-track-map]")
    page.wait_for_function("document.querySelector('[data-track-map]')?.dataset.markerLat")
    before = (marker.get_attribute("data-marker-lat"), marker.get_attribute("data-marker-lon"))

    page.click("[data-act=play]")
    page.wait_for_function("document.querySelector('[data-player] video')?.currentTime > 0.5")
    page.click("[data-act=play]")
    video.evaluate("v => { v.currentTime = 4.5; }")
    page.wait_for_function(
        "Math.abs(document.querySelector('[data-player] video').currentTime - 4.5) < 0.2"
    )
    page.wait_for_function(
        f"document.querySelector('[data-track-map]').dataset.markerLat !== '{before[0]}'"
        f" || document.querySelector('[data-track-map]').dataset.markerLon !== '{before[1]}'"
    )
    shot(page, "03-player-and-map")

    page.keyboard.press("b")
    page.fill("[data-bookmark-form] input[name=label]", "Driver steps out")
    page.click("[data-bookmark-form] button[type=submit]")
    page.locator("[data-bookmark-list] li", has_text="Driver steps out").wait_for()
    assert page.locator("[data-marks] .mark").count() == 1
    shot(page, "04-bookmark")

    with page.expect_download() as download:
        page.click("text=Custody report (PDF)")
    pdf = ARTIFACTS / "custody-report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.goto(base + "/evidence/?kind=video")
    boxes = page.locator("input[name=items]")
    assert boxes.count() == 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("text=Play selected side by side")
    page.wait_for_url("**/multicam/**")
    page.click("[data-multicam] [data-act=play]")
    page.wait_for_timeout(1500)
    page.click("[data-multicam] [data-act=play]")
    assert page.locator("[data-cam]").count() == 2
    shot(page, "05-multicam")

    page.goto(base + "/evidence/map/")
    page.click("[data-act=view]")
    page.click("text=Search this area")
    page.locator("[data-results] tbody tr", has_text="BWC-1_stop.mp4").wait_for()
    shot(page, "06-map-search")
