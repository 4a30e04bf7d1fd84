"""The community portal end to end, as issue 5 asks: a resident files an anonymous
report with a photo and a map pin on a phone, gets a code; a supervisor triages and
replies in the staff queue; the resident reads the reply with the code; the photo is
evidence in the vault with its custody trail."""

from __future__ import annotations

import pytest

from evidentia.community.models import Report, ReportMedia, Status
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.vaultio import ref, vault
from tests.community.conftest import exif_photo
from tests.conftest import screenshot as shot
from tests.e2e.test_workspace_flow import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "shelter.jpg"
    path.write_bytes(exif_photo(serial="PHONE-SERIAL-55"))
    return path


def test_a_resident_reports_staff_reply_and_the_resident_reads_it(
    live_server, browser, sam, photo_file
):
    base = live_server.url
    resident = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    phone = resident.new_page()

    # 1. An anonymous report with a photo and a map pin.
    phone.goto(base + "/public/")
    phone.check("#svc-graffiti")
    phone.fill("#f-description", "Fresh tags on the bus shelter, <b>blue</b> and silver paint.")
    phone.locator("[data-pin-map]").click()
    phone.wait_for_function("(document.querySelector('[data-lat]')?.value ?? '') !== ''")
    phone.set_input_files("#f-files", str(photo_file))
    phone.click("[data-submit]")

    # 2. A code.
    phone.wait_for_url("**/public/track/**?new=1", timeout=60_000)
    code = phone.locator("[data-code]").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    report = Report.objects.get()
    assert report.anonymous and report.lat is not None
    media = ReportMedia.objects.get(report=report)

    # 3. A supervisor triages and replies, in the real staff pages.
    staff = browser.new_context(viewport={"width": 1280, "height": 800})
    desk = staff.new_page()
    sign_in(desk, base, sam)
    desk.goto(base + "/community/")
    desk.click(f"text={report.public_id}")
    desk.wait_for_url(f"**/community/reports/{report.pk}/")  # content() is empty mid-navigation
    assert "Anonymous" in desk.content()
    desk.select_option("#act-status select", Status.IN_PROGRESS)
    desk.click("#act-status button[type=submit]")
    desk.wait_for_url("**#act-status")
    desk.fill("#id_reply-text", "Thank you. The parks crew will clean the shelter on Thursday.")
    desk.check("#act-reply input[value=public]")
    desk.click("#act-reply button[type=submit]")
    desk.wait_for_url("**#act-reply")
    shot(desk, "community-flow-staff")

    # 4. The resident sees the reply with the code.
    phone.goto(base + "/public/track/")
    phone.fill("input[name=code]", code.lower().replace("-", " "))
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"**/public/track/{code}/")
    body = phone.content()
    assert "parks crew will clean the shelter" in body
    assert "In progress" in body
    assert "sam" not in phone.locator("main").inner_text().lower().split()
    shot(phone, "community-flow-resident")

    # 5. The photo is in the vault with its custody trail, which staff can read.
    item = media.item
    stored = vault().read_range(ref(item.blob), 0, item.blob.size)
    assert stored == photo_file.read_bytes()  # EXIF and all, as evidence
    ingested = Event.objects.get(kind=events.INGESTED, item_id=item.pk)
    assert report.public_id in ingested.body and '"ip"' not in ingested.body
    desk.goto(f"{base}/evidence/{item.pk}/")
    assert "Ingested into the vault" in desk.content()
    resident.close()
    staff.close()
