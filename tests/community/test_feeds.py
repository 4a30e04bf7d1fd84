"""Atom feeds: public reports and replies, and community alerts. Text is escaped so a
feed reader shows markup as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.community.models import Alert, ReportUpdate, Visibility
from tests.community.conftest import PIONEER_SQUARE, file

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<script>alert('x')</script>"


def entries(client, url: str) -> list[ET.Element]:
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(answer.content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed


def summary(entry: ET.Element) -> str:
    return entry.find(f"{ATOM}summary").text or ""


def test_the_reports_feed_lists_public_reports_and_public_replies(client, filed, sam):
    ReportUpdate.objects.create(
        report=filed.report, kind="reply", visibility=Visibility.PUBLIC, text="Crew booked."
    )
    ReportUpdate.objects.create(
        report=filed.report, kind="note", visibility=Visibility.INTERNAL, text="Known tagger."
    )
    found = entries(client, "/public/reports/feed.atom")
    texts = [summary(e) for e in found]
    assert any("Tagging on the wall" in t for t in texts)
    assert any("Crew booked." in t for t in texts)
    assert not any("Known tagger." in t for t in texts)
    link = found[0].find(f"{ATOM}link").get("href")
    assert f"/public/reports/{filed.report.public_id}/" in link


def test_private_and_restricted_reports_stay_out_of_the_feed(client):
    file("suspicious-activity", description="Car doors tried.")
    file("officer-complaint", description="Rude.", attributes={"allegation": "courtesy"})
    assert entries(client, "/public/reports/feed.atom") == []


def test_a_script_in_a_description_is_text_in_the_feed(client):
    file(description=SCRIPT)
    raw = client.get("/public/reports/feed.atom").content.decode()
    assert SCRIPT not in raw
    html = summary(entries(client, "/public/reports/feed.atom")[0])
    assert "<script" not in html  # what a reader renders as HTML
    assert "&lt;script&gt;" in html


def test_the_feed_carries_no_coordinates_at_all(client, filed):
    raw = client.get("/public/reports/feed.atom").content.decode()
    lat, lon = PIONEER_SQUARE
    assert str(lat) not in raw and str(lon) not in raw


def test_the_alerts_feed_lists_live_alerts_only(client, sam):
    now = timezone.now()
    Alert.objects.create(
        title="Water main closure",
        body="Use 5th Ave.",
        area="Old Town",
        author=sam,
        expires_at=now + timedelta(days=1),
    )
    Alert.objects.create(
        title="Withdrawn",
        body="x",
        area="x",
        author=sam,
        expires_at=now + timedelta(days=1),
        withdrawn_at=now,
    )
    found = entries(client, "/public/alerts/feed.atom")
    assert [e.find(f"{ATOM}title").text for e in found] == ["Water main closure"]
    assert "Use 5th Ave." in summary(found[0])


def test_a_script_in_an_alert_is_text_in_the_feed(client, sam):
    Alert.objects.create(
        title=SCRIPT,
        body=SCRIPT,
        area="x",
        author=sam,
        expires_at=timezone.now() + timedelta(days=1),
    )
    raw = client.get("/public/alerts/feed.atom").content.decode()
    assert SCRIPT not in raw
    entry = entries(client, "/public/alerts/feed.atom")[0]
    assert entry.find(f"{ATOM}title").text == SCRIPT  # a text title: shown, never run
    assert "<script" not in summary(entry)
