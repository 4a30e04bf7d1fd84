"""/public/track/: a resident follows their report with its tracking code."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidentia.community.models import ReportMedia, ReportUpdate, Status, Visibility
from evidentia.community.services import codes
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.community.conftest import exif_photo, file

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert('x')</script>"


def url(code: str) -> str:
    return f"/public/track/{code}/"


def near_miss(code: str) -> str:
    last = code[-1]
    return code[:-1] + ("0" if last != "0" else "1")


def test_the_track_page_shows_the_report_to_its_code(client, filed):
    answer = client.get(url(filed.code))
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Graffiti" in page and "Received" in page
    assert "Tagging on the wall by the bus stop." in page
    assert "Report received" not in page  # only right after filing


def test_the_code_works_however_it_is_typed(client, filed):
    typed = filed.code.replace("-", " ").lower()
    answer = client.get("/public/track/", {"code": typed})
    assert answer.status_code == 302
    assert answer["Location"] == url(filed.code)


def test_an_empty_code_is_asked_for_again(client):
    answer = client.get("/public/track/", {"code": "  "})
    assert answer.status_code == 400
    assert 'id="err-code"' in answer.content.decode()


def test_the_track_page_is_private(client, filed):
    answer = client.get(url(filed.code))
    assert answer["Cache-Control"] == "no-store"
    assert answer["Referrer-Policy"] == "strict-origin"
    assert answer["X-Robots-Tag"] == "noindex"


def test_a_wrong_code_gets_the_same_404_for_a_near_miss_and_a_random_code(client, filed):
    close = client.get(url(near_miss(filed.code)))
    random = client.get(url(codes.new_code()))
    assert close.status_code == random.status_code == 404
    assert close.content == random.content
    assert near_miss(filed.code) not in close.content.decode()
    assert close["Cache-Control"] == "no-store"


def test_a_lookup_queries_by_the_hash_never_the_code(client, filed):
    with CaptureQueriesContext(connection) as queries:
        client.get(url(filed.code))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert codes.code_hash(filed.code) in sql
    assert filed.code not in sql and codes.normalise(filed.code) not in sql


def test_too_many_lookups_get_a_readable_429(client, filed, settings):
    settings.PORTAL_LOOKUPS_PER_HOUR = 3
    for _ in range(3):
        client.get(url(codes.new_code()))
    answer = client.get(url(filed.code))
    assert answer.status_code == 429
    assert "Too many tracking-code lookups" in answer.content.decode()
    assert int(answer["Retry-After"]) > 0


def test_replies_show_as_the_agency_never_a_staff_name_and_internal_notes_stay_hidden(
    client, filed, sam, settings
):
    report = filed.report
    ReportUpdate.objects.create(
        report=report, kind="reply", visibility=Visibility.PUBLIC, text="Crew booked.", author=sam
    )
    ReportUpdate.objects.create(
        report=report,
        kind="reply",
        visibility=Visibility.REPORTER,
        text="Thanks for the photo.",
        author=sam,
    )
    ReportUpdate.objects.create(
        report=report, kind="note", visibility=Visibility.INTERNAL, text="Tagger known.", author=sam
    )
    ReportUpdate.objects.create(
        report=report,
        kind="status",
        visibility=Visibility.PUBLIC,
        status=Status.IN_PROGRESS,
        author=sam,
    )
    page = client.get(url(filed.code)).content.decode()
    assert "Crew booked." in page and "Thanks for the photo." in page
    assert "only you can see this" in page and "In progress" in page
    assert "Tagger known." not in page
    assert sam.username not in page and sam.first_name not in page
    assert page.count(f"<strong>{settings.AGENCY_NAME}</strong>") == 3


def test_a_script_is_escaped_on_the_track_page(client):
    filed = file(description=SCRIPT)
    page = client.get(url(filed.code)).content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page


def test_the_resident_adds_information(client, filed):
    answer = client.post(url(filed.code), {"text": "It was two people."}, follow=True)
    assert "It was two people." in answer.content.decode()
    update = ReportUpdate.objects.get(report=filed.report, kind=ReportUpdate.Kind.RESIDENT)
    assert update.visibility == Visibility.REPORTER
    assert Event.objects.filter(kind=events.REPORT_INFO_ADDED).exists()


def test_adding_nothing_is_explained_next_to_the_field(client, filed):
    answer = client.post(url(filed.code), {"text": " "})
    assert answer.status_code == 400
    assert 'id="err-text"' in answer.content.decode()


def test_the_resident_adds_a_photo_without_javascript(client, filed):
    photo = SimpleUploadedFile("later.jpg", exif_photo(), content_type="image/jpeg")
    answer = client.post(url(filed.code), {"text": "", "files": [photo]}, follow=True)
    assert "1 file received." in answer.content.decode()
    assert ReportMedia.objects.get(report=filed.report).item.original_name == "later.jpg"
    assert "later.jpg" in answer.content.decode()


def test_a_closed_report_takes_no_more_files(client, filed):
    type(filed.report).objects.filter(pk=filed.report.pk).update(status=Status.CLOSED)
    photo = SimpleUploadedFile("late.jpg", exif_photo(), content_type="image/jpeg")
    page = client.get(url(filed.code)).content.decode()
    assert "takes no more files" in page and 'name="files"' not in page
    client.post(url(filed.code), {"text": "", "files": [photo]})
    assert not ReportMedia.objects.exists()


def test_the_page_offers_a_tus_grant_for_this_report(client, filed):
    page = client.get(url(filed.code)).content.decode()
    assert 'data-endpoint="/public/uploads/"' in page
    assert 'data-grant="' in page
