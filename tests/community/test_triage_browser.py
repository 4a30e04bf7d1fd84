"""The queue and a report page in Chromium at a desktop size: a supervisor opens a
report from the queue, replies privately, and the resident's timeline shows it.
Screenshots go to tests/artifacts/ (community-queue, community-report)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from evidentia.community.models import Report, Status, Visibility
from evidentia.community.services import moderation, public, triage
from tests.community.conftest import exif_photo, file
from tests.community.staff import attach, complaint, filed_at, north_of
from tests.conftest import screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue_world(sam, ivan, north):
    """A morning's reports, as a North supervisor finds them."""
    first = filed_at(hours_ago=20, description="Fresh tags on the bus shelter at SW 6th & Yamhill.")
    attach(first, exif_photo(), "shelter.jpg")
    triage.assign(first, north, actor=sam)
    triage.set_status(first, Status.IN_PROGRESS, "Parks crew booked for Thursday.", actor=sam)
    dup = filed_at(hours_ago=3, where=north_of(25), description="Someone sprayed the shelter.")
    file(
        "abandoned-vehicle",
        description="Grey van with flat tyres, parked for three weeks.",
        attributes={"plate": "7ABC123", "vehicle": "Ford Transit, grey"},
        contact_name="Ada Lovelace",
        contact_email="ada@example.org",
        address="SW Taylor St & 10th Ave",
        where=(45.5176, -122.6830),
    )
    noisy = file("noise", description="Music until 3am every night, 555-0143 is my number.")
    moderation.edit_text(noisy.report, "Music until 3am every night.", "Phone number", actor=sam)
    done = filed_at(
        "traffic-hazard",
        where=(45.5230, -122.6760),
        description="The pedestrian signal at NW Broadway & Glisan is dark.",
    )
    triage.set_status(done, Status.RESOLVED, "The signal is fixed.", actor=sam)
    Report.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(hours=30))
    complaint()  # never on Sam's screen
    return {"first": first, "dup": dup}


def desktop(browser, live_server, user):
    client = sign_in(Client(), user)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def test_a_supervisor_triages_from_the_queue(browser, live_server, sam, queue_world):
    context, page = desktop(browser, live_server, sam)
    try:
        page.goto(f"{live_server.url}/community/")
        assert page.locator("h1").inner_text() == "Community reports"
        assert page.locator("table.queue tbody tr").count() == 5  # the complaint is not here
        assert page.get_by_text("Possible duplicate").count() == 2
        screenshot(page, "community-queue")

        page.click(f"text={queue_world['first'].public_id}")
        page.wait_for_selector(".report-map.no-tiles path.leaflet-interactive")
        page.fill("#id_reply-text", "Thanks. The parks crew will clean the shelter on Thursday.")
        page.click("#act-reply button[type=submit]")
        page.wait_for_url("**#act-reply")
        assert page.get_by_text("Reply sent privately to the resident.").is_visible()
        screenshot(page, "community-report")
    finally:
        context.close()
    reply = queue_world["first"].updates.get(kind="reply")
    assert reply.visibility == Visibility.REPORTER
    assert reply in public.resident_updates(queue_world["first"])
