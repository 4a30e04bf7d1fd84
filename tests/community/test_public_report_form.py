"""/public/: the report form, without JavaScript (a multipart POST) and with it (JSON)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidentia.community.models import Report, ReportMedia
from evidentia.community.services import codes
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import store
from tests.community.conftest import PIONEER_SQUARE, exif_photo
from tests.community.test_public_uploads import tus_upload

pytestmark = pytest.mark.django_db
URL = "/public/"
SCRIPT = "<script>alert('x')</script>"


def fields(**extra) -> dict:
    lat, lon = PIONEER_SQUARE
    return {
        "service_code": "graffiti",
        "description": "Fresh tags on the wall by the bus stop.",
        "lat": str(lat),
        "lon": str(lon),
        "address": "",
    } | extra


def jpeg(name: str = "wall.jpg", **kw) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, exif_photo(**kw), content_type="image/jpeg")


def test_the_form_says_what_anonymous_means_and_warns_about_photo_metadata(client, settings):
    page = client.get(URL).content.decode()
    assert f"Emergency? Call {settings.PORTAL_EMERGENCY_NUMBER}." in page
    assert "not monitored around the clock" in page
    assert "Leave these blank to report anonymously" in page
    assert "never store your internet (IP) address" in page
    assert "Staff cannot contact you" in page
    assert "where and when they were taken" in page
    assert 'type="file" multiple accept="image/*,video/*,audio/*"' in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert "/open311/v2/discovery.json" in page


def test_the_emergency_banner_drops_the_unmonitored_warning_when_the_agency_monitors(
    client, settings
):
    settings.PORTAL_MONITORED = True
    page = client.get(URL).content.decode()
    assert "Emergency? Call" in page
    assert "not monitored around the clock" not in page


def test_every_category_and_its_open311_questions_are_on_the_page_without_javascript(client):
    page = client.get(URL).content.decode()
    assert 'value="abandoned-vehicle"' in page and "Complaint about an officer" in page
    assert 'name="attribute[plate]"' in page
    assert 'name="attribute[allegation]"' in page and 'value="courtesy"' in page


def test_a_report_with_two_photos_is_filed_without_javascript(client):
    photos = [jpeg("one.jpg"), jpeg("two.jpg", serial="CAM-2")]
    answer = client.post(URL, fields(files=photos))
    assert answer.status_code == 302
    assert answer["Location"].startswith("/public/track/") and answer["Location"].endswith("?new=1")
    report = Report.objects.get()
    names = sorted(m.item.original_name for m in ReportMedia.objects.filter(report=report))
    assert names == ["one.jpg", "two.jpg"]
    assert all(m.item.source == "public" for m in ReportMedia.objects.all())


def test_the_confirmation_shows_the_code_and_the_private_link(client):
    answer = client.post(URL, fields(contact_email="ana@example.org"), follow=True)
    page = answer.content.decode()
    code = re.search(r"data-code>([0-9A-Z-]+)<", page).group(1)
    assert Report.objects.get().code_hash == codes.code_hash(code)
    assert "Report received" in page and "Keep this code and link private" in page
    assert f"/public/track/{code}/" in page
    assert "e-mailed a copy" in page


def test_missing_fields_get_a_message_next_to_each_field(client):
    answer = client.post(URL, {"service_code": "", "description": "  "})
    page = answer.content.decode()
    assert answer.status_code == 400
    for key, words in [
        ("service_code", "Choose what you are reporting"),
        ("description", "Describe what happened"),
        ("location", "Say where"),
    ]:
        assert re.search(rf'id="err-{key}">.*{words}', page), key
        assert f'err-{key}"' in page and 'aria-invalid="true"' in page
    assert re.search(
        r'id="f-description"[^>]*aria-describedby="description-hint err-description"', page
    )
    assert not Report.objects.exists()


def test_a_required_category_question_is_asked_for_next_to_it(client):
    answer = client.post(
        URL, fields(service_code="officer-complaint", description="Rude at a stop.")
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="err-attr-officer-complaint-allegation"' in page


def test_a_place_outside_the_service_area_is_refused_beside_the_location(client):
    answer = client.post(URL, fields(lat="40.7128", lon="-74.0060"))
    assert answer.status_code == 400
    assert re.search(
        r'id="err-location">.*outside the area this agency serves', answer.content.decode()
    )
    assert not Report.objects.exists()


def test_an_unreadable_map_position_is_explained(client):
    answer = client.post(URL, fields(lat="north", lon="west"))
    assert answer.status_code == 400
    assert "map position could not be read" in answer.content.decode()


def test_a_script_in_the_description_is_escaped_when_the_form_comes_back(client):
    answer = client.post(URL, fields(description=SCRIPT, lat="1", lon="1"))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_file_too_large_is_refused_and_nothing_of_it_is_stored(client, settings):
    settings.PORTAL_MAX_FILE_BYTES = 20_000
    big = SimpleUploadedFile("big.jpg", exif_photo() + b"\0" * 30_000, content_type="image/jpeg")
    answer = client.post(URL, fields(files=[big, jpeg("small.jpg")]), follow=True)
    page = answer.content.decode()
    assert "big.jpg: It is larger than the 19.5 KiB allowed per file." in page
    assert [m.item.original_name for m in ReportMedia.objects.all()] == ["small.jpg"]
    assert len(list(store().iter_keys())) == 1


def test_an_unsupported_file_type_is_refused_and_nothing_of_it_is_stored(client):
    page = SimpleUploadedFile("notes.jpg", b"%PDF-1.7\n" + b"x" * 20_000, content_type="image/jpeg")
    answer = client.post(URL, fields(files=[page]), follow=True)
    assert (
        "notes.jpg: This kind of file (application/pdf) is not accepted" in answer.content.decode()
    )
    assert Report.objects.count() == 1
    assert not Item.objects.exists()
    assert list(store().iter_keys()) == []


def test_files_sent_with_an_invalid_report_are_not_kept(client):
    answer = client.post(URL, fields(description="", files=[jpeg()]))
    assert answer.status_code == 400
    assert "Your files were not kept" in answer.content.decode()
    assert list(store().iter_keys()) == []


def test_a_flood_of_reports_gets_a_readable_429_page(client, settings):
    settings.PORTAL_REPORTS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(URL, fields()).status_code == 302
    answer = client.post(URL, fields())
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0
    page = answer.content.decode()
    assert (
        "Too many reports from your connection" in page and "<h1>Please wait a little</h1>" in page
    )
    assert Report.objects.count() == 2


def test_an_anonymous_report_stores_no_internet_address_anywhere(client):
    address = "203.0.113.77"
    client.post(URL, fields(files=[jpeg()]), REMOTE_ADDR=address, HTTP_USER_AGENT="Phone/1.0")
    report = Report.objects.get()
    row = {f.name: str(getattr(report, f.attname)) for f in Report._meta.concrete_fields}
    assert not any(address in v for v in row.values())
    bodies = [e.body for e in Event.objects.all()]
    assert {events.REPORT_FILED, events.INGESTED} <= {e.kind for e in Event.objects.all()}
    assert not any(address in b or "Phone/1.0" in b or '"client"' in b for b in bodies)


def test_the_time_is_read_with_the_browsers_offset(client):
    client.post(URL, fields(occurred_at="2026-03-02T07:30", occurred_offset="480"))
    assert Report.objects.get().occurred_at == datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def test_without_scripts_the_time_is_read_in_the_agency_time_zone(client, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    client.post(URL, fields(occurred_at="2026-07-02T07:30"))
    assert Report.objects.get().occurred_at == datetime(2026, 7, 2, 14, 30, tzinfo=UTC)


def test_the_json_variant_files_the_report_and_gives_a_working_upload_grant(client):
    answer = client.post(URL, fields(), HTTP_ACCEPT="application/json")
    assert answer.status_code == 201
    body = answer.json()
    report = Report.objects.get()
    assert report.code_hash == codes.code_hash(body["code"])
    assert body["track_url"] == f"/public/track/{body['code']}/"
    stored = tus_upload(client, body["upload_grant"], exif_photo())
    assert stored.status_code == 204
    assert ReportMedia.objects.filter(report=report).count() == 1


def test_the_json_variant_answers_problems_by_field(client):
    answer = client.post(URL, fields(description=""), HTTP_ACCEPT="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"errors": {"description": "Describe what happened."}}


def test_a_post_without_the_csrf_token_is_refused_readably(settings):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    answer = strict.post(URL, fields(files=[jpeg()]))
    assert answer.status_code == 403
    assert "This page had expired" in answer.content.decode()
    assert not Report.objects.exists()
    assert list(store().iter_keys()) == []


def test_a_flood_through_the_script_gets_a_json_429(client, settings):
    settings.PORTAL_REPORTS_PER_HOUR = 1
    client.post(URL, fields(), HTTP_ACCEPT="application/json")
    answer = client.post(URL, fields(), HTTP_ACCEPT="application/json")
    assert answer.status_code == 429
    assert answer.json()["retry_after"] == int(answer["Retry-After"]) > 0
    assert "Too many reports" in answer.json()["detail"]


def test_a_post_with_the_pages_csrf_token_is_accepted_with_its_files():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    form = strict.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    answer = strict.post(URL, fields(csrfmiddlewaretoken=token, files=[jpeg()]))
    assert answer.status_code == 302
    assert ReportMedia.objects.count() == 1
