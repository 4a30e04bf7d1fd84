"""/public/alerts/: live community alerts, also on the report form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.community.models import Alert

pytestmark = pytest.mark.django_db


def alert(author, title: str, **kw) -> Alert:
    values = {
        "title": title,
        "body": "Avoid the area.",
        "area": "Old Town",
        "author": author,
        "expires_at": timezone.now() + timedelta(days=1),
    }
    return Alert.objects.create(**(values | kw))


def test_only_live_alerts_are_shown(client, sam):
    now = timezone.now()
    alert(sam, "Water main closure")
    alert(sam, "Old parade", expires_at=now - timedelta(hours=1))
    alert(sam, "Withdrawn warning", withdrawn_at=now)
    alert(sam, "Tomorrow's march", published_at=now + timedelta(hours=2))
    page = client.get("/public/alerts/").content.decode()
    assert "Water main closure" in page
    assert not any(t in page for t in ("Old parade", "Withdrawn warning", "Tomorrow&#x27;s march"))


def test_live_alerts_are_on_the_report_form(client, sam):
    alert(sam, "Water main closure")
    assert "Water main closure" in client.get("/public/").content.decode()


def test_no_alerts_says_so(client):
    assert "no alerts in force" in client.get("/public/alerts/").content.decode()


def test_an_alert_body_is_escaped(client, sam):
    alert(sam, "<b>Bold</b>", body="<script>alert(1)</script>")
    page = client.get("/public/alerts/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
