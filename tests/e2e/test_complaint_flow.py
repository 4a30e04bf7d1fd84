"""A complaint end to end, as issue 7 asks: a resident files a complaint about an officer
on the public portal and gets a code; a standards investigator finds it in her queue,
links the officer's body-camera clip and plays it, records a finding, writes the closing
letter and closes it; the resident opens the tracking page with the code and sees
"Closed" and the letter, and nothing else; after an administrator refreshes the
published figures, the transparency portal counts the complaint, as "<5"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.evidence.services.ingest import Submission, ingest
from evidentia.standards.models import Complaint
from tests.conftest import screenshot as shot
from tests.e2e.test_workspace_flow import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
LETTER = "Dear resident, we reviewed the body-camera footage and your account."


def test_a_public_complaint_is_investigated_with_a_clip_and_closed(
    live_server, browser, stella, olivia, adam, clip_path
):
    base = live_server.url
    when = timezone.now() - timedelta(hours=5)
    with clip_path.open("rb") as fh:
        clip = ingest(
            fh,
            Submission(clip_path.name, "api", officer=olivia, recorded_at=when),
            actor=olivia,
        ).item

    # 1. A resident files a complaint naming the badge number, anonymously.
    resident = browser.new_context(viewport={"width": 1024, "height": 900})
    phone = resident.new_page()
    phone.goto(base + "/public/")
    phone.check("#svc-officer-complaint")
    phone.fill("#f-description", "The officer pushed me at the bus stop without a reason.")
    phone.check("input[name='attribute[allegation]'][value=force]")
    phone.fill("input[name='attribute[officer]']", "N-1042")
    phone.fill("#f-address", "SW 6th Ave and Yamhill St")
    phone.fill("#f-occurred", when.strftime("%Y-%m-%dT%H:%M"))
    phone.click("[data-submit]")
    phone.wait_for_url("**/public/track/**?new=1", timeout=60_000)
    code = phone.locator("[data-code]").inner_text().strip()
    complaint = Complaint.objects.get()
    assert complaint.allegations.get().officer == olivia

    # 2. Stella sees it in the standards queue.
    staff = browser.new_context(viewport={"width": 1366, "height": 900})
    desk = staff.new_page()
    sign_in(desk, base, stella)
    desk.goto(base + "/standards/")
    shot(desk, "complaint-flow-queue")
    desk.click(f"text={complaint.reference}")

    # 3. She links the clip, and it plays from the complaint page.
    desk.click(f"button[aria-label='Link {clip.title}']")
    desk.wait_for_url("**#evidence")
    video = desk.locator(f"[data-linked='{clip.pk}'] video")
    video.wait_for()
    desk.wait_for_function("v => v.readyState >= 1", arg=video.element_handle(), timeout=30_000)
    desk.evaluate("v => { v.muted = true; return v.play(); }", video.element_handle())
    desk.wait_for_function("v => v.currentTime > 0", arg=video.element_handle(), timeout=30_000)

    # 4. A finding, the letter, and close.
    allegation = complaint.allegations.get()
    desk.select_option(f"#f-{allegation.pk}", "sustained")
    desk.click(f"#allegation-{allegation.pk} form[aria-label^='Finding'] button[type=submit]")
    desk.wait_for_url(f"**#allegation-{allegation.pk}")
    desk.fill("#c-letter", LETTER)
    desk.click("[data-close]")
    desk.wait_for_url("**#closing")
    assert desk.locator("[data-status]").inner_text() == "Closed"
    shot(desk, "complaint-flow-closed")

    # 5. The resident sees "Closed" and the letter with their code.
    phone.goto(base + "/public/track/")
    phone.fill("input[name=code]", code)
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"**/public/track/{code}/")
    assert phone.locator("[data-complaint-status]").inner_text() == "Closed"
    assert "reviewed the body-camera footage" in phone.locator("[data-closing-letter]").inner_text()
    main = phone.locator("main").inner_text()
    assert "Sustained" not in main and "olivia" not in main.lower()
    shot(phone, "complaint-flow-resident")

    # 6. An administrator refreshes the published figures; the portal counts the
    # complaint and its sustained finding, suppressed as the small counts they are. The
    # portal publishes whole months only, so the complaint is moved back into last month,
    # as if this were a month later.
    last_month = timezone.now().replace(day=1) - timedelta(days=3)
    Complaint.objects.filter(pk=complaint.pk).update(
        received_at=last_month, closed_at=last_month + timedelta(hours=2)
    )
    complaint.allegations.update(finding_at=last_month + timedelta(hours=1))
    admin = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(admin, base, adam)
    admin.goto(base + "/transparency/")
    admin.click("text=Refresh the published figures now")
    admin.wait_for_url("**/transparency/")
    phone.goto(f"{base}/public/transparency/?year={last_month.year}&section=complaints")
    allegations = phone.locator("#complaints-by_allegation table")
    assert allegations.locator("tr:has(:text-is('Use of force')) td.num").inner_text() == "<5"
    findings = phone.locator("#complaints-by_finding table")
    assert findings.locator("tr:has(:text-is('Sustained')) td.num").inner_text() == "<5"
    shot(phone, "complaint-flow-transparency")
    resident.close()
    staff.close()
