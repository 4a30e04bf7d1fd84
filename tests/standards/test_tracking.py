"""The complainant's tracking page: only the complaint's status and, once closed, the
closing letter; no staff replies, findings or officers' names."""

from __future__ import annotations

import pytest

from evidentia.community.models import ReportUpdate, Visibility
from evidentia.standards.services import allegations
from evidentia.standards.services import investigation as inv
from tests.standards.helpers import portal_complaint

pytestmark = pytest.mark.django_db
LETTER = "Dear complainant, your complaint has been investigated and is now closed."


def test_the_tracking_page_shows_the_complaint_received(client, olivia):
    complaint, filed = portal_complaint(officer="N-1042")
    page = client.get(f"/public/track/{filed.code}/").content.decode()
    assert "Received" in page and complaint.reference in page
    assert "olivia" not in page.lower() and "N-1042" not in page


def test_the_tracking_page_shows_no_staff_reply(client, stella):
    complaint, filed = portal_complaint()
    ReportUpdate.objects.create(
        report=complaint.report,
        kind=ReportUpdate.Kind.REPLY,
        visibility=Visibility.REPORTER,
        text="Internal: the sergeant says otherwise",
        author=stella,
    )
    inv.set_status(stella, complaint, "investigating")
    page = client.get(f"/public/track/{filed.code}/").content.decode()
    assert "Under investigation" in page and "sergeant" not in page


def test_a_closed_complaint_shows_the_letter_and_no_finding(client, stella):
    complaint, filed = portal_complaint()
    allegation = complaint.allegations.get()
    allegations.record_finding(stella, allegation.pk, "sustained", note="Push seen on the video")
    inv.close(stella, complaint, closing_letter=LETTER)
    page = client.get(f"/public/track/{filed.code}/").content.decode()
    assert "Closed" in page and "now closed" in page
    assert "Sustained" not in page and "Push seen" not in page


def test_the_letter_is_not_shown_before_closing(client, stella):
    complaint, filed = portal_complaint()
    inv.set_closing_letter(stella, complaint, LETTER)
    page = client.get(f"/public/track/{filed.code}/").content.decode()
    assert "now closed" not in page
