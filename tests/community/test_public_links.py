"""The links a resident is sent: full addresses, built from the request being served
when no public address is configured (EVIDENTIA_PUBLIC_BASE_URL)."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.community.test_open311_post import GRAFFITI
from tests.community.test_public_report_form import fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_public_address(settings):
    settings.PORTAL_BASE_URL = ""
    mail.outbox.clear()


def test_the_confirmation_email_from_the_report_form_carries_a_full_link(
    client, no_public_address, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/public/", fields(contact_email="ana@example.org"))
    [sent] = mail.outbox
    assert "http://testserver/public/track/" in sent.body


def test_the_confirmation_email_from_open311_carries_a_full_link(
    client, no_public_address, settings, django_capture_on_commit_callbacks
):
    settings.OPEN311_ANONYMOUS_POST = True
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/open311/v2/requests.json", GRAFFITI | {"email": "ana@example.org"})
    [sent] = mail.outbox
    assert "http://testserver/public/track/" in sent.body


def test_the_open311_notice_links_to_the_configured_public_address(client, settings):
    settings.OPEN311_ANONYMOUS_POST = True
    settings.PORTAL_BASE_URL = "https://report.example.gov"
    answer = client.post("/open311/v2/requests.json", GRAFFITI)
    [row] = answer.json()
    assert "https://report.example.gov/public/track/" in row["service_notice"]
