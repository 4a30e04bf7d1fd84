"""The public portal in a real browser at a phone's size: a witness sends a photo
through an invite link, and a resident files a report with a photo and a map pin."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.cases.models import CaseItem
from evidentia.cases.services import create_case
from evidentia.community.models import (
    Invite,
    InviteFile,
    Report,
    ReportMedia,
    ReportUpdate,
    Status,
    Visibility,
)
from evidentia.community.services import codes
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.community.conftest import exif_photo
from tests.conftest import screenshot as shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
TOKEN = "e2e-witness-7f3a9c"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def jpeg(tmp_path):
    path = tmp_path / "doorbell.jpg"
    path.write_bytes(exif_photo(serial="DOORCAM-1"))
    return path


def test_a_witness_uploads_a_photo_through_an_invite(live_server, phone, ivan, jpeg):
    case = create_case(number="2026-0107", title="Hit and run on Oak St", actor=ivan)
    invite = Invite.objects.create(
        case=case,
        token_hash=codes.secret_hash(TOKEN),
        label="Neighbour with a doorbell camera",
        message="Thank you for helping. Please send the doorbell video or photos from "
        "Tuesday evening, 6 to 8 pm.",
        max_files=5,
        max_bytes=50 * 1024**2,
        created_by=ivan,
        expires_at=timezone.now() + timedelta(days=7),
    )
    phone.goto(f"{live_server.url}/public/invite/{TOKEN}/")
    assert "Tuesday evening" in phone.content()
    assert case.number not in phone.content() and case.title not in phone.content()
    shot(phone, "portal-invite")

    phone.set_input_files("#i-files", str(jpeg))
    phone.locator(".upload-row.done", has_text="Received").wait_for(timeout=60_000)
    phone.locator("[data-arrived] li", has_text="doorbell.jpg").wait_for()
    shot(phone, "portal-invite-received")

    link = InviteFile.objects.get(invite=invite)
    assert link.item.original_name == "doorbell.jpg"
    assert CaseItem.objects.filter(case=case, item=link.item).exists()
    ingested = Event.objects.get(kind=events.INGESTED, item_id=link.item_id)
    detail = json.loads(ingested.body)["detail"]
    assert detail["via"] == "invite" and detail["source"]["invite"] == str(invite.pk)
    assert ingested.actor == "system:public" and '"client"' not in ingested.body

    phone.reload()  # the list survives a reload in the same tab
    phone.locator("[data-arrived] li", has_text="doorbell.jpg").wait_for()


def test_a_resident_files_a_report_with_a_photo_and_a_pin(live_server, phone, jpeg):
    base = live_server.url
    phone.goto(base + "/public/")
    shot(phone, "portal-report-form")
    phone.check("#svc-graffiti")
    phone.fill("#f-description", "Fresh tags on the bus shelter, blue and silver paint.")
    phone.locator("[data-pin-map]").wait_for(state="visible")
    phone.locator("[data-pin-map]").click()  # drop the pin where the map is tapped
    phone.wait_for_function("(document.querySelector('[data-lat]')?.value ?? '') !== ''")
    phone.fill("#f-address", "SW 6th Ave & Yamhill St")
    phone.set_input_files("#f-files", str(jpeg))
    shot(phone, "portal-report-filled")
    phone.click("[data-submit]")
    phone.wait_for_url("**/public/track/**?new=1", timeout=60_000)
    code = phone.locator("[data-code]").inner_text().strip()
    shot(phone, "portal-confirmation")

    report = Report.objects.get()
    assert report.code_hash == codes.code_hash(code)
    assert report.lat is not None and report.anonymous
    assert ReportMedia.objects.get(report=report).item.original_name == "doorbell.jpg"

    # What triage leaves behind (the staff queue has its own browser test).
    Report.objects.filter(pk=report.pk).update(status=Status.IN_PROGRESS)
    ReportUpdate.objects.create(
        report=report,
        kind=ReportUpdate.Kind.REPLY,
        visibility=Visibility.PUBLIC,
        status=Status.IN_PROGRESS,
        text="Thank you. A clean-up crew is booked for Thursday morning.",
    )
    phone.goto(f"{base}/public/track/{code}/")
    assert "Your report" in phone.content() and "doorbell.jpg" in phone.content()
    assert "clean-up crew is booked" in phone.content()
    shot(phone, "portal-track")

    phone.goto(base + "/public/reports/")
    phone.locator("[data-list-map] .leaflet-interactive").first.wait_for()
    assert "Fresh tags on the bus shelter" in phone.content()
    shot(phone, "portal-public-list")


def test_the_report_form_works_with_scripts_turned_off(live_server, browser, jpeg):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/public/")
    assert page.locator("[data-pin-map]").is_hidden()
    page.check("#svc-abandoned-vehicle")
    page.fill("#f-description", "A grey van with flat tyres, here for weeks.")
    page.fill("#attr-abandoned-vehicle-plate", "ABC 123")
    page.fill("#f-address", "1200 SE Morrison St")
    page.set_input_files("#f-files", [str(jpeg), str(jpeg)])
    page.click("button[type=submit]")
    page.wait_for_url("**/public/track/**?new=1")
    assert "Report received" in page.content()
    report = Report.objects.get()
    assert report.attributes == {"plate": "ABC 123"} and report.lat is None
    # the same bytes twice: two items the resident sent, one blob in the vault
    media = ReportMedia.objects.filter(report=report)
    assert media.count() == 2
    assert len({m.item.blob_id for m in media}) == 1
    context.close()
