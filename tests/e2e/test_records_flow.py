"""A resident asks for body-camera video at /public/records/; a records clerk assigns the
request, finds the recording, attaches its approved redacted copy and fulfils it; the
resident checks the status and downloads the redacted copy through the link."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from evidentia.cases import services as cases
from evidentia.evidence.services.ingest import Submission, ingest_path
from tests.conftest import screenshot as shot
from tests.e2e.test_workspace_flow import sign_in
from tests.sharing.test_c2pa import redacted_version


def test_a_records_request_goes_from_intake_to_fulfilment(
    live_server, browser, ivan, olivia, carmen, clip_path
):
    base = live_server.url
    case = cases.create_case(
        number="2026-0042", title="Harbor Road", incident_number="CAD-7781", actor=ivan
    )
    sub = Submission(original_name=clip_path.name, via="cli", officer=olivia, case=case)
    item = ingest_path(clip_path, sub, actor=carmen).item
    item.recorded_at = datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC)
    item.save(update_fields=["recorded_at"])
    redacted_version(item, ivan, carmen, b"blurred video bytes")

    resident_ctx = browser.new_context(
        viewport={"width": 1024, "height": 900}, accept_downloads=True
    )
    resident = resident_ctx.new_page()
    resident.goto(base + "/public/records/")
    resident.fill("#r-name", "Rita Resident")
    resident.fill("#r-email", "rita@example.org")
    resident.fill("#r-description", "Body camera video of the stop on Harbor Road.")
    resident.fill("#r-date_from", "2026-03-02")
    resident.fill("#r-date_to", "2026-03-02")
    resident.fill("#r-officers", "N-1042")
    shot(resident, "records-01-form")
    resident.click("button:has-text('Send the request')")
    code = resident.inner_text("[data-code]").strip()
    reference = re.search(r"PRR-\w+", resident.inner_text("main")).group(0)
    shot(resident, "records-02-filed")

    clerk_ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    clerk = clerk_ctx.new_page()
    sign_in(clerk, base, carmen)
    clerk.click("nav >> text=Records")
    clerk.click(f"text={reference}")
    clerk.select_option("#rr-assignee", str(carmen.pk))
    clerk.click("button:has-text('Assign')")
    clerk.wait_for_selector("#rr-status:has-text('In review')")
    clerk.click("button:has-text('Search candidates')")
    clerk.click("button:has-text('Attach redacted copy')")
    clerk.wait_for_selector("#attached >> text=redaction plan 1")
    shot(clerk, "records-03-attached")
    clerk.click("button:has-text('Fulfil and make a download link')")
    clerk.wait_for_selector("#rr-status:has-text('Fulfilled')")
    link = re.search(
        r"https?://\S+/public/records/download/[\w-]+", clerk.inner_text("body")
    ).group(0)
    shot(clerk, "records-04-fulfilled")

    resident.goto(f"{base}/public/records/status/?code={code}")
    assert resident.inner_text("#rr-status") == "Fulfilled"
    with resident.expect_download() as got:
        resident.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; "
            "document.body.appendChild(a); a.click(); }",
            link,
        )
    with zipfile.ZipFile(Path(got.value.path())) as z:
        media = [z.read(n) for n in z.namelist() if n != "MANIFEST.txt"]
    assert media == [b"blurred video bytes"]


def test_a_records_clerk_finds_a_recording_near_a_place(
    live_server, browser, olivia, carmen, clip_path
):
    """The clerk clicks the map where the stop was, sets a radius and finds the recording
    whose GPS track passed there that day."""
    from evidentia.evidence.models import TrackPoint
    from evidentia.sharing.services import records

    sub = Submission(original_name=clip_path.name, via="cli", officer=olivia)
    item = ingest_path(clip_path, sub, actor=carmen).item
    when = datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC)
    item.recorded_at = when
    item.save(update_fields=["recorded_at"])
    for seq, lat in enumerate((45.5140, 45.5150, 45.5160)):
        TrackPoint.objects.create(
            item=item, source="track", seq=seq, time=when, lat=lat, lon=-122.6784
        )
    rr = records.file_request(
        {
            "name": "Rita Resident",
            "email": "rita@example.org",
            "description": "Video of the stop outside the library on March 2.",
            "date_from": "2026-03-02",
            "date_to": "2026-03-02",
            "location": "Outside the central library",
        }
    ).request

    clerk_ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    clerk = clerk_ctx.new_page()
    sign_in(clerk, live_server.url, carmen)
    clerk.goto(f"{live_server.url}/exports/records/{rr.pk}")
    clerk.click("[data-records-map]")  # the map opens on the city centre, by the track
    assert clerk.input_value("#rp-lat") != ""
    clerk.fill("#rp-lat", "45.5152")
    clerk.fill("#rp-lon", "-122.6784")
    clerk.fill("#rp-radius", "300")
    clerk.click("button:has-text('Search near this place')")
    clerk.wait_for_selector("#rr-found")
    assert clerk.inner_text("#rr-found").startswith("1 recording within 300 m")
    assert item.title in clerk.inner_text("#candidates")
    shot(clerk, "records-05-near-a-place")
