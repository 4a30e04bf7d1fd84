"""The missing-recording flag: raised when nothing covers the use of force, cleared and
linked when a covering video arrives; the task and the CLI are idempotent."""

from __future__ import annotations

from django.core.management import call_command

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.useofforce import tasks
from evidentia.useofforce.models import UseOfForceReport
from tests.useofforce.conftest import WHEN, draft, filed, minutes, video


def missing_events() -> int:
    return Event.objects.filter(kind=events.FORCE_RECORDING_MISSING).count()


def test_a_report_with_no_recording_is_flagged_on_submission(olivia, sam):
    report = filed(olivia)
    assert report.missing_recording is True
    assert missing_events() == 1


def test_the_flag_is_recorded_once_however_often_the_task_runs(olivia, sam):
    report = filed(olivia)
    tasks.check_recordings()
    tasks.check_recordings()
    report.refresh_from_db()
    assert report.missing_recording is True
    assert missing_events() == 1


def test_a_video_arriving_later_clears_the_flag_and_is_linked(olivia, sam, clip_path):
    report = filed(olivia)
    item = video(clip_path, olivia, WHEN - minutes(10), seconds=900)
    result = tasks.check_recordings()
    report.refresh_from_db()
    assert result == {"missing": 0, "cleared": 1}
    assert report.missing_recording is False
    assert list(report.recordings.all()) == [item]
    linked = Event.objects.get(kind=events.FORCE_REPORT_UPDATED, item_id=item.pk)
    assert "auto_linked" in linked.body


def test_a_long_recording_that_started_well_before_still_covers_it(olivia, sam, clip_path):
    video(clip_path, olivia, WHEN - minutes(100), seconds=80 * 60)  # ends 20 min before
    assert filed(olivia).missing_recording is False


def test_a_video_outside_the_window_does_not_cover_it(olivia, sam, clip_path):
    video(clip_path, olivia, WHEN + minutes(45))
    video(clip_path, olivia, WHEN - minutes(60), seconds=20 * 60)  # ends 40 min before
    assert filed(olivia).missing_recording is True


def test_the_window_is_a_setting(olivia, sam, clip_path, settings):
    settings.FORCE_RECORDING_WINDOW_MINUTES = 60
    video(clip_path, olivia, WHEN + minutes(45))
    assert filed(olivia).missing_recording is False


def test_another_officers_video_does_not_cover_it(olivia, oscar, sam, clip_path):
    video(clip_path, oscar, WHEN)
    assert filed(olivia).missing_recording is True


def test_a_linked_recording_means_nothing_is_missing(olivia, sam, clip_path):
    item = video(clip_path, olivia, WHEN - minutes(110), seconds=60)  # offered, not covering
    assert filed(olivia, recordings=[str(item.pk)]).missing_recording is False
    assert missing_events() == 0


def test_drafts_are_not_checked(olivia, clip_path):
    report = draft(olivia)
    tasks.check_recordings()
    report.refresh_from_db()
    assert report.missing_recording is False
    assert missing_events() == 0


def test_the_flag_shows_to_the_reviewer_and_in_lists(olivia, sam, as_user):
    report = filed(olivia)
    client = as_user(sam)
    assert "No body-camera recording covers" in client.get(f"/force/{report.pk}/").content.decode()
    page = client.get("/force/?view=all&missing=1").content.decode()
    assert report.reference in page and "Missing recording" in page


def test_the_missing_filter_leaves_covered_reports_out(olivia, sam, clip_path, as_user):
    video(clip_path, olivia, WHEN)
    covered = filed(olivia)
    page = as_user(sam).get("/force/?view=all&missing=1").content.decode()
    assert covered.reference not in page


def test_the_cli_runs_the_check(olivia, sam, clip_path, capsys):
    report = filed(olivia)
    video(clip_path, olivia, WHEN)
    call_command("force", "check-recordings")
    assert "1 cleared" in capsys.readouterr().out
    assert UseOfForceReport.objects.get(pk=report.pk).missing_recording is False
