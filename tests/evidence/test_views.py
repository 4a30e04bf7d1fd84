"""The evidence list and detail pages, and who may see what, role by role."""

from __future__ import annotations

import pytest
from django.test import Client

from evidentia.cases import services as cases
from evidentia.custody import events
from evidentia.custody.models import Event
from tests.evidence.helpers import ingest_bytes


@pytest.fixture
def olivias_clip(olivia):
    return ingest_bytes(b"olivia clip", "olivia.mp4", officer=olivia)


def test_the_list_shows_an_officer_her_own_recordings(olivias_clip, olivia, as_user):
    page = as_user(olivia).get("/evidence/")
    assert page.status_code == 200
    assert b"olivia.mp4" in page.content


def test_the_list_filters_by_type(olivias_clip, olivia, as_user):
    page = as_user(olivia).get("/evidence/?kind=gps")
    assert b"olivia.mp4" not in page.content
    assert b"No evidence matches these filters" in page.content


def test_the_list_filters_by_recorded_date(olivias_clip, olivia, as_user):
    page = as_user(olivia).get("/evidence/?from=2001-01-01&to=2001-01-02")
    assert b"olivia.mp4" not in page.content


def test_the_list_pages_through_many_items(db, olivia, as_user):
    for n in range(30):
        ingest_bytes(f"clip {n}".encode(), f"clip-{n:02}.mp4", officer=olivia)
    client = as_user(olivia)
    first, second = client.get("/evidence/").content, client.get("/evidence/?page=2").content
    assert b"Page 1 of 2" in first and b"Page 2 of 2" in second


def test_an_empty_list_says_how_to_add_evidence(db, olivia, as_user):
    assert b"No evidence you can see yet" in as_user(olivia).get("/evidence/").content


def test_the_detail_page_shows_hash_and_custody_timeline(olivias_clip, olivia, as_user):
    page = as_user(olivia).get(f"/evidence/{olivias_clip.pk}/")
    assert olivias_clip.blob.sha256.encode() in page.content
    assert b"Ingested into the vault" in page.content


def test_viewing_metadata_is_logged_once_per_session(olivias_clip, olivia, as_user):
    client = as_user(olivia)
    client.get(f"/evidence/{olivias_clip.pk}/")
    client.get(f"/evidence/{olivias_clip.pk}/")
    assert Event.objects.filter(kind=events.METADATA_VIEWED, item_id=olivias_clip.pk).count() == 1


def test_a_hostile_file_name_is_escaped_on_the_page(db, olivia, as_user):
    item = ingest_bytes(b"x", '<script>alert("x")</script>.mp4', officer=olivia)
    page = as_user(olivia).get(f"/evidence/{item.pk}/").content
    assert b"<script>alert" not in page
    assert b"&lt;script&gt;" in page


def test_pages_need_a_signed_in_user(olivias_clip):
    response = Client().get("/evidence/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# Who may see Olivia's clip (North precinct, not in any case)?
ACCESS = {
    "olivia": 200,  # her own recording
    "sam": 200,  # her supervisor, same unit
    "carmen": 200,  # the custodian
    "audrey": 200,  # the auditor: metadata and custody only
    "adam": 200,  # the administrator: metadata and custody only
    "oscar": 404,  # an officer in another precinct
    "ivan": 404,  # a detective not on a case with it
    "stella": 404,  # professional standards, not on a case with it
    "petra": 404,  # a prosecutor with no share
}


@pytest.mark.parametrize(("persona", "status"), ACCESS.items())
def test_who_can_open_an_item(request, olivias_clip, as_user, persona, status):
    user = request.getfixturevalue(persona)
    response = as_user(user).get(f"/evidence/{olivias_clip.pk}/")
    assert response.status_code == status


DOWNLOAD = {"carmen": 200, "olivia": 403, "sam": 403, "audrey": 403, "oscar": 404}


@pytest.mark.parametrize(("persona", "status"), DOWNLOAD.items())
def test_who_can_download_an_item(request, olivias_clip, as_user, persona, status):
    user = request.getfixturevalue(persona)
    response = as_user(user).get(f"/evidence/{olivias_clip.pk}/download")
    assert response.status_code == status


def test_a_download_streams_the_original_and_is_logged(olivias_clip, carmen, as_user):
    response = as_user(carmen).get(f"/evidence/{olivias_clip.pk}/download")
    assert b"".join(response.streaming_content) == b"olivia clip"
    assert Event.objects.filter(kind=events.DOWNLOADED, outcome="success").count() == 1


def test_a_refused_download_is_logged_as_denied(olivias_clip, olivia, as_user):
    as_user(olivia).get(f"/evidence/{olivias_clip.pk}/download")
    assert Event.objects.filter(kind=events.DOWNLOADED, outcome="denied").count() == 1


def test_a_detective_on_the_case_can_open_its_evidence(olivias_clip, ivan, as_user):
    case = cases.create_case(number="2026-9", title="Assault", actor=ivan)
    cases.link_item(case, olivias_clip, actor=ivan)
    assert as_user(ivan).get(f"/evidence/{olivias_clip.pk}/").status_code == 200


def test_a_restricted_case_hides_its_items_even_from_the_custodian(
    olivias_clip, stella, carmen, as_user
):
    case = cases.create_case(number="IA-2", title="Complaint", actor=stella, restricted=True)
    cases.link_item(case, olivias_clip, actor=stella)
    assert as_user(carmen).get(f"/evidence/{olivias_clip.pk}/").status_code == 404
    assert b"olivia.mp4" not in as_user(carmen).get("/evidence/").content


def test_the_map_search_page_marks_where_visible_evidence_starts(
    db, olivia, oscar, as_user, gpx_bytes
):
    from evidentia.evidence.services.processing import process

    track = ingest_bytes(gpx_bytes, "walk.gpx", officer=olivia)
    process(track)
    own = as_user(olivia).get("/evidence/map/")
    assert own.status_code == 200
    assert str(track.pk).encode() in own.content
    assert str(track.pk).encode() not in as_user(oscar).get("/evidence/map/").content


def test_a_custodian_is_offered_redaction_and_an_officer_is_not(
    olivias_clip, carmen, olivia, as_user
):
    olivias_clip.kind = "video"
    olivias_clip.save(update_fields=["kind"])
    assert b"Redact for release" in as_user(carmen).get(f"/evidence/{olivias_clip.pk}/").content
    assert b"Redact for release" not in as_user(olivia).get(f"/evidence/{olivias_clip.pk}/").content
