"""/public/reports/: the public list and map, a public report's page, and its media."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from evidentia.community.models import Report, ReportMedia, ReportUpdate, Status, Visibility
from evidentia.community.services import geo
from tests.community.conftest import PIONEER_SQUARE, exif_photo, file
from tests.evidence.helpers import ingest_bytes

pytestmark = pytest.mark.django_db
LIST = "/public/reports/"
SCRIPT = "<script>alert('x')</script>"
EXIF_AT = (45.52345, -122.67111)  # where the camera says the photo was taken


def exact(lat: float, lon: float) -> list[str]:
    """Ways the exact place could leak into a page."""
    return [f"{lat}", f"{lon}", f"{lat:.5f}", f"{lon:.5f}", f"{lat:.4f}", f"{lon:.4f}"]


def test_the_list_shows_public_reports_with_fuzzed_places_only(client, filed):
    page = client.get(LIST).content.decode()
    lat, lon = geo.fuzz(*PIONEER_SQUARE)
    assert "Tagging on the wall by the bus stop." in page
    assert f'"lat": {lat}' in page and f'"lon": {lon}' in page
    assert not any(v in page for v in exact(*PIONEER_SQUARE))


def test_private_categories_and_officer_complaints_are_never_listed(client):
    file("suspicious-activity", description="Someone trying car doors.")
    file("officer-complaint", description="Rude officer.", attributes={"allegation": "courtesy"})
    page = client.get(LIST).content.decode()
    assert "trying car doors" not in page and "Rude officer" not in page
    assert "No public reports yet." in page


def test_the_list_filters_by_category_status_and_date(client):
    file(description="Tags on the bridge.")
    noise = file("noise", description="Party all night.")
    Report.objects.filter(pk=noise.report.pk).update(status=Status.RESOLVED)
    old = file(description="Old tags.")
    Report.objects.filter(pk=old.report.pk).update(created_at=timezone.now() - timedelta(days=40))

    def listed(**query) -> str:
        return client.get(LIST, query).content.decode()

    assert "Party all night." not in listed(category="graffiti")
    assert "Tags on the bridge." not in listed(status="resolved")
    assert "Party all night." in listed(status="resolved")
    since = (timezone.now() - timedelta(days=7)).date().isoformat()
    page = listed(date_from=since)
    assert "Old tags." not in page and "Tags on the bridge." in page


def test_an_unreadable_filter_is_explained_and_ignored(client, filed):
    page = client.get(LIST, {"date_from": "last week"}).content.decode()
    assert 'id="err-date_from"' in page
    assert "Tagging on the wall" in page


def test_the_list_is_paginated(client):
    for n in range(27):
        file(description=f"Tag number {n}.")
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "Tag number 26." in first
    assert "Tag number 0." in second and "Tag number 26." not in second


def test_the_empty_list_says_so(client):
    assert "No public reports yet." in client.get(LIST).content.decode()


def test_a_public_report_page_shows_text_status_replies_and_a_fuzzed_point(client, filed, sam):
    ReportUpdate.objects.create(
        report=filed.report, kind="reply", visibility=Visibility.PUBLIC, text="Crew booked."
    )
    ReportUpdate.objects.create(
        report=filed.report, kind="reply", visibility=Visibility.REPORTER, text="Thanks, Ana."
    )
    page = client.get(f"{LIST}{filed.report.public_id}/").content.decode()
    lat, _ = geo.fuzz(*PIONEER_SQUARE)
    assert "Tagging on the wall" in page and "Crew booked." in page and "Received" in page
    assert "Thanks, Ana." not in page
    assert f'"lat": {lat}' in page
    assert not any(v in page for v in exact(*PIONEER_SQUARE))


def test_contact_details_in_the_text_are_masked_publicly(client):
    filed = file(description="Call me on 503-555-0199 or ana@example.org.")
    page = client.get(f"{LIST}{filed.report.public_id}/").content.decode()
    assert "503-555-0199" not in page and "ana@example.org" not in page
    assert "[number removed]" in page and "[email removed]" in page


def test_a_non_public_or_restricted_report_has_no_public_page(client):
    private = file("suspicious-activity")
    complaint = file("officer-complaint", attributes={"allegation": "courtesy"})
    hidden = file()
    Report.objects.filter(pk=hidden.report.pk).update(public=False)
    for filed in (private, complaint, hidden):
        assert client.get(f"{LIST}{filed.report.public_id}/").status_code == 404


def test_a_script_is_escaped_on_the_public_list_and_page(client):
    filed = file(description=SCRIPT)
    for path in (LIST, f"{LIST}{filed.report.public_id}/"):
        page = client.get(path).content.decode()
        assert SCRIPT not in page and "&lt;script&gt;" in page


def test_exif_gps_stays_in_the_vault_while_public_pages_show_only_the_block(client):
    photo = exif_photo(*EXIF_AT, serial="CAM-SECRET-1")
    upload = SimpleUploadedFile("wall.jpg", photo, content_type="image/jpeg")
    lat, lon = PIONEER_SQUARE
    client.post(
        "/public/",
        {
            "service_code": "graffiti",
            "description": "Tags.",
            "lat": lat,
            "lon": lon,
            "files": upload,
        },
    )
    media = ReportMedia.objects.get()
    assert media.item.blob.sha256 == hashlib.sha256(photo).hexdigest()  # kept byte for byte
    public_id = media.report.public_id
    pages = [
        client.get(LIST).content.decode(),
        client.get(f"{LIST}{public_id}/").content.decode(),
        client.get(f"{LIST}feed.atom").content.decode(),
    ]
    for page in pages:
        assert "CAM-SECRET-1" not in page
        assert not any(v in page for v in exact(*EXIF_AT) + exact(*PIONEER_SQUARE))
        assert str(media.item_id) not in page and media.item.blob.sha256 not in page


# --------------------------------------------------------------------------- media


def redacted_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 10, 10)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def published(filed, photo):
    original = ingest_bytes(photo, "wall.jpg")
    copy = ingest_bytes(redacted_jpeg(), "wall-redacted.jpg")
    return ReportMedia.objects.create(
        report=filed.report, item=original, public_blob=copy.blob, published_at=timezone.now()
    )


def test_the_media_endpoint_serves_only_the_redacted_copy_with_ranges(client, published):
    whole = client.get(f"/public/media/{published.pk}")
    body = b"".join(whole.streaming_content)
    assert whole.status_code == 200 and body == redacted_jpeg()
    assert whole["Content-Type"] == "image/jpeg"
    part = client.get(f"/public/media/{published.pk}", HTTP_RANGE="bytes=0-9")
    assert part.status_code == 206 and b"".join(part.streaming_content) == body[:10]
    assert part["Content-Range"] == f"bytes 0-9/{len(body)}"


def test_the_public_page_links_published_media_only_through_the_media_endpoint(client, published):
    page = client.get(f"{LIST}{published.report.public_id}/").content.decode()
    assert f"/public/media/{published.pk}" in page
    assert str(published.item_id) not in page


def test_unpublished_media_is_not_served(client, published):
    ReportMedia.objects.filter(pk=published.pk).update(published_at=None)
    assert client.get(f"/public/media/{published.pk}").status_code == 404


def test_media_of_a_report_taken_off_the_public_list_is_not_served(client, published):
    Report.objects.filter(pk=published.report_id).update(public=False)
    assert client.get(f"/public/media/{published.pk}").status_code == 404


def test_media_without_a_redacted_copy_is_never_served(client, filed, photo):
    raw = ReportMedia.objects.create(
        report=filed.report, item=ingest_bytes(photo, "wall.jpg"), published_at=timezone.now()
    )
    assert client.get(f"/public/media/{raw.pk}").status_code == 404


def test_an_unknown_public_address_gets_the_portals_not_found_page(client):
    answer = client.get("/public/no-such-page/")
    assert answer.status_code == 404
    assert b"Report a concern" in answer.content
    assert b"evidence list" not in answer.content
