"""Watermarked copies are made by a background task with progress, not during playback
(decision 0030): queued with the share, made once, never for a dead share."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.services.processing import process
from evidentia.sharing.models import WatermarkedCopy, WatermarkJob
from evidentia.sharing.services import shares, watermark, watermark_jobs
from evidentia.sharing.tasks import make_watermarked_copy

pytestmark = pytest.mark.django_db


def soon():
    return timezone.now() + timedelta(days=3)


def run(share, item) -> str:
    return make_watermarked_copy(str(share.pk), str(item.pk))


@pytest.fixture
def ready_clip(clips):
    process(clips[0])  # examined: a browser can play the original H.264 MP4
    return clips[0]


@pytest.fixture
def share(ivan, petra, ready_clip):
    """A share whose job is queued; no worker has run it yet."""
    return shares.create(ivan, grantee=petra, items=[ready_clip], expires_at=soon())


def job_of(share, item) -> WatermarkJob:
    return WatermarkJob.objects.get(share=share, item=item)


def test_making_a_share_queues_a_job_for_each_video(ivan, petra, ivans_case, clips):
    made = shares.create(ivan, grantee=petra, case=ivans_case, expires_at=soon())
    jobs = WatermarkJob.objects.filter(share=made)
    assert {j.item_id for j in jobs} == {c.pk for c in clips}
    assert {j.state for j in jobs} == {WatermarkJob.State.QUEUED}


def test_the_jobs_run_once_the_share_commits(
    ivan, petra, ivans_case, clips, django_capture_on_commit_callbacks
):
    for clip in clips:
        process(clip)
    with django_capture_on_commit_callbacks(execute=True):
        made = shares.create(ivan, grantee=petra, case=ivans_case, expires_at=soon())
    assert WatermarkedCopy.objects.filter(share=made).count() == len(clips)


def test_the_queued_job_makes_the_copy_once_the_share_commits(
    ivan, petra, ready_clip, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = shares.create(ivan, grantee=petra, items=[ready_clip], expires_at=soon())
    assert WatermarkedCopy.objects.filter(share=made, item=ready_clip).count() == 1
    job = job_of(made, ready_clip)
    assert (job.state, job.progress, job.attempts) == ("done", 100, 1)


def test_running_the_task_twice_makes_one_copy(share, ready_clip):
    assert run(share, ready_clip) == "done"
    assert run(share, ready_clip) == "exists"
    assert WatermarkedCopy.objects.filter(share=share).count() == 1
    made = Event.objects.filter(kind=events.DERIVATIVE_CREATED, body__contains="watermarked")
    assert made.count() == 1


def test_a_job_another_worker_is_running_is_left_alone(share, ready_clip):
    WatermarkJob.objects.filter(share=share).update(state="running", updated_at=timezone.now())
    assert run(share, ready_clip) == "not queued"
    assert not WatermarkedCopy.objects.exists()


def test_a_job_whose_worker_was_lost_is_taken_over(share, ready_clip):
    long_ago = timezone.now() - timedelta(hours=1)
    WatermarkJob.objects.filter(share=share).update(state="running", updated_at=long_ago)
    assert run(share, ready_clip) == "done"
    assert WatermarkedCopy.objects.filter(share=share).exists()


def test_the_copy_is_recorded_in_the_ledger_naming_the_share(share, ready_clip):
    run(share, ready_clip)
    event = Event.objects.get(kind=events.DERIVATIVE_CREATED, body__contains="watermarked")
    body = json.loads(event.body)
    assert body["detail"]["share"] == str(share.pk)
    assert body["detail"]["sha256"] == WatermarkedCopy.objects.get().blob.sha256
    assert body["actor"] == {"system": "watermark"}


def test_a_revoked_share_is_not_burnt(ivan, share, ready_clip):
    shares.revoke(ivan, share)
    assert run(share, ready_clip) == "share revoked"
    assert not WatermarkedCopy.objects.exists()
    job = job_of(share, ready_clip)
    assert job.state == "failed" and "revoked" in job.message


def test_an_expired_share_is_not_burnt(share, ready_clip):
    share.expires_at = timezone.now() - timedelta(minutes=1)
    share.save()
    assert run(share, ready_clip) == "share expired"
    assert not WatermarkedCopy.objects.exists()


def test_a_revocation_during_the_burn_stops_it_and_keeps_nothing(
    ivan, share, ready_clip, monkeypatch
):
    real = watermark_jobs._set

    def revoke_on_first_progress(job_id, **fields):
        real(job_id, **fields)
        if "progress" in fields and "state" not in fields:
            shares.revoke(ivan, share)

    monkeypatch.setattr(watermark_jobs, "_set", revoke_on_first_progress)
    assert run(share, ready_clip) == "share ended"
    assert not WatermarkedCopy.objects.exists()
    assert job_of(share, ready_clip).state == "failed"


def test_progress_is_written_every_few_percent(share, ready_clip, monkeypatch):
    written: list[int] = []
    real = watermark_jobs._set

    def spy(job_id, **fields):
        real(job_id, **fields)
        if "progress" in fields and "state" not in fields:
            written.append(WatermarkJob.objects.get(pk=job_id).progress)

    monkeypatch.setattr(watermark_jobs, "_set", spy)
    run(share, ready_clip)
    assert written == sorted(set(written))
    assert all(p % watermark.STEP == 0 for p in written)
    assert 3 <= len(written) <= 100 // watermark.STEP
    assert written[-1] == 100


def test_burn_reports_frames_done_of_the_streams_frame_count(clip_path, tmp_path):
    seen: list[int] = []
    watermark.burn(clip_path, tmp_path / "out.mp4", "SHARED WITH TEST", seen.append)
    assert seen[0] == watermark.STEP and seen[-1] == 100
    assert len(seen) >= 100 // watermark.STEP - 1


def test_a_failure_leaves_a_plain_message_and_the_trace_in_the_log(
    share, ready_clip, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("codec exploded in /tmp/wm-secret/in.mp4")

    monkeypatch.setattr(watermark, "burn", broken)
    with caplog.at_level(logging.ERROR, logger="evidentia.sharing.services.watermark_jobs"):
        assert run(share, ready_clip) == "failed"
    job = job_of(share, ready_clip)
    assert job.state == "failed"
    assert job.message == watermark_jobs.FAILED_MESSAGE
    assert "codec exploded" in caplog.text
    assert not WatermarkedCopy.objects.exists()


def test_a_recording_without_a_playable_copy_fails_with_the_reason(ivan, petra, clips):
    made = shares.create(ivan, grantee=petra, items=[clips[0]], expires_at=soon())
    assert run(made, clips[0]) == "failed"
    assert "still being examined" in job_of(made, clips[0]).message


@pytest.fixture
def failed(ivan, petra, clips):
    """A job that failed because the recording was not examined yet; it is now."""
    made = shares.create(ivan, grantee=petra, items=[clips[0]], expires_at=soon())
    run(made, clips[0])
    process(clips[0])
    return made


def test_a_fresh_failure_is_not_retried_by_a_play(
    failed, clips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        state = watermark_jobs.progress_of(failed, clips[0])
    assert state.failed
    assert not WatermarkedCopy.objects.exists()


def test_a_play_a_minute_after_a_failure_retries_it(
    failed, clips, django_capture_on_commit_callbacks
):
    WatermarkJob.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        watermark_jobs.progress_of(failed, clips[0])
    assert watermark_jobs.progress_of(failed, clips[0]).ready
    assert job_of(failed, clips[0]).attempts == 2


def test_try_again_retries_at_once(failed, clips, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert watermark_jobs.retry(failed, clips[0]).state == "queued"
    assert WatermarkedCopy.objects.filter(share=failed).count() == 1


def test_an_older_share_without_a_job_is_queued_on_first_play(
    share, ready_clip, django_capture_on_commit_callbacks
):
    WatermarkJob.objects.all().delete()  # as shares made before jobs existed
    with django_capture_on_commit_callbacks(execute=True):
        assert watermark_jobs.progress_of(share, ready_clip).state == "queued"
    assert watermark_jobs.progress_of(share, ready_clip).ready


def test_a_queued_job_is_not_sent_again_by_each_poll(
    share, ready_clip, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as sent:
        state = watermark_jobs.progress_of(share, ready_clip)
    assert (state.state, state.percent, sent) == ("queued", 0, [])


def test_a_job_that_lost_its_worker_is_sent_again(
    share, ready_clip, django_capture_on_commit_callbacks
):
    WatermarkJob.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        watermark_jobs.progress_of(share, ready_clip)
    assert watermark_jobs.progress_of(share, ready_clip).ready


def test_streaming_before_the_copy_is_ready_is_refused_as_not_ready(share, ready_clip):
    with pytest.raises(watermark_jobs.NotReady) as caught:
        watermark_jobs.playable(share, ready_clip)
    assert caught.value.status == 503
    assert "Preparing a watermarked copy" in caught.value.message
