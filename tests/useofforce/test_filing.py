"""An officer files a report: drafts, references, validation and the recordings offered."""

from __future__ import annotations

import pytest
from django.utils import timezone

from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.useofforce import services
from evidentia.useofforce.models import ForceType, ReportStatus, UseOfForceReport
from evidentia.useofforce.services.form import Invalid
from tests.useofforce.conftest import WHEN, draft, fields, filed, minutes, parsed, video


def test_the_force_type_list_is_seeded(force_types):
    codes = {t.code for t in force_types}
    assert {"takedown", "oc-spray", "cew", "firearm-discharged", "other"} <= codes


def test_a_draft_gets_the_next_reference_of_the_year(olivia):
    year = timezone.now().year
    first, second = draft(olivia), draft(olivia)
    assert first.reference == f"UOF-{year}-0001"
    assert second.reference == f"UOF-{year}-0002"
    assert first.status == ReportStatus.DRAFT


def test_saving_a_draft_is_in_the_ledger(olivia):
    report = draft(olivia)
    event = Event.objects.get(kind=events.FORCE_REPORT_CREATED)
    assert report.reference in event.body
    assert "punched a bystander" not in event.body  # narrative text stays out


def test_an_officer_files_and_submits_from_the_form(olivia, sam, as_user):
    response = as_user(olivia).post("/force/new/", fields(action="submit"))
    assert response.status_code == 302
    report = UseOfForceReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    assert report.reviewer == sam
    assert report.unit == olivia.unit
    assert {t.code for t in report.force_types.all()} == {"takedown", "hands-on"}
    subject = report.subjects.get()
    assert (subject.race, subject.sex, subject.age, subject.injured) == ("white", "male", 34, True)


def test_a_draft_can_be_saved_with_little_and_edited(olivia, as_user):
    client = as_user(olivia)
    post = {"incident_number": "26-1", "occurred_at": "2026-03-02T14:00", "action": "save"}
    assert client.post("/force/new/", post).status_code == 302
    report = UseOfForceReport.objects.get()
    assert report.status == ReportStatus.DRAFT
    response = client.post(f"/force/{report.pk}/edit/", fields(action="save"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.location == "SW 5th Ave & Morrison St"


def test_missing_fields_are_named_and_nothing_is_saved(olivia, sam, as_user):
    post = fields(action="submit", location="", reason="", force_types=[])
    response = as_user(olivia).post("/force/new/", post)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Give the location" in page
    assert "Explain why force was used" in page
    assert "Tick at least one type of force" in page
    assert not UseOfForceReport.objects.exists()


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"occurred_at": "yesterday"}, "Give the date and time as"),
        ({"occurred_at": "2999-01-01T10:00"}, "cannot be in the future"),
        ({"incident_number": ""}, "incident or CAD number"),
        ({"subject-0-age": "-3"}, "whole number 1-119"),
        ({"subject-0-race": "martian"}, "choose a race"),
        ({"subject-0-injuries": ""}, "describe the injuries"),
        ({"lat": "95", "lon": "10"}, "latitude must be a number"),
        ({"lat": "45.5"}, "both latitude and longitude"),
        ({"force_types": ["takedown", "no-such"]}, "not on the list"),
        ({"deescalation": ""}, "what de-escalation was tried"),
    ],
)
def test_bad_input_gets_a_clear_error(olivia, over, message):
    with pytest.raises(Invalid) as caught:
        parsed(**over)
    assert message in caught.value.message


def test_a_submission_needs_a_subject(olivia):
    blank = {f"subject-0-{f}": "" for f in ("race", "sex", "age", "injuries")}
    with pytest.raises(Invalid, match="at least one subject"):
        parsed(**{**blank, "subject-0-injured": None})


def test_retired_types_are_not_offered(olivia, as_user):
    ForceType.objects.filter(code="k9").update(active=False)
    page = as_user(olivia).get("/force/new/").content.decode()
    assert 'value="takedown"' in page
    assert 'value="k9"' not in page
    with pytest.raises(Invalid, match="not on the list"):
        parsed(force_types=["k9"])


def test_own_videos_near_the_time_and_same_incident_items_are_offered(olivia, clip_path):
    near = video(clip_path, olivia, WHEN - minutes(90))
    far = video(clip_path, olivia, WHEN - minutes(300))
    tagged = video(clip_path, olivia, WHEN - minutes(600), incident="26-004211")
    offered = set(services.candidates(olivia, WHEN, "26-004211"))
    assert offered == {near, tagged}
    assert far not in offered


def test_another_officers_video_is_not_offered(olivia, oscar, clip_path):
    video(clip_path, oscar, WHEN, incident="26-004211")
    assert not services.candidates(olivia, WHEN, "26-004211").exists()


def test_the_officer_links_the_ticked_recordings(olivia, sam, clip_path, as_user):
    near = video(clip_path, olivia, WHEN - minutes(5))
    page = as_user(olivia).post("/force/new/", fields(action="find")).content.decode()
    assert str(near.pk) in page
    as_user(olivia).post("/force/new/", fields(action="submit", recordings=[str(near.pk)]))
    report = UseOfForceReport.objects.get()
    assert list(report.recordings.all()) == [near]
    assert report.missing_recording is False


def test_a_recording_that_was_not_offered_cannot_be_linked(olivia, oscar, clip_path):
    theirs = video(clip_path, oscar, WHEN)
    with pytest.raises(Rejected, match="not one you can link"):
        services.create(olivia, parsed(recordings=[str(theirs.pk)]))
    assert not UseOfForceReport.objects.exists()


@pytest.mark.parametrize("who", ["carmen", "petra", "audrey", "stella"])
def test_only_sworn_staff_file_reports(who, request):
    with pytest.raises(PermissionDenied):
        services.create(request.getfixturevalue(who), parsed())


def test_a_submitted_report_cannot_be_edited(olivia, sam, as_user):
    report = filed(olivia)
    response = as_user(olivia).post(f"/force/{report.pk}/edit/", fields(location="Elsewhere"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.location == "SW 5th Ave & Morrison St"


def test_a_recording_id_that_is_not_an_id_is_refused(olivia):
    with pytest.raises(Rejected, match="not one you can link"):
        services.create(olivia, parsed(recordings=["not-a-uuid"]))


def test_a_report_address_that_is_not_an_id_is_a_404(olivia, as_user):
    assert as_user(olivia).get("/force/00000000-0000-0000-0000-000000000000/").status_code == 404
