"""CAD imports from the web page run as a Celery task: queued, running, done or failed,
with progress on the result page and its JSON poll (decision 0027)."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evidentia.cad.models import Call, CallRecording, Import
from evidentia.cad.services import imports
from evidentia.cad.services.uploads import STAGED
from evidentia.cad.tasks import run_import
from evidentia.core import staged
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.upload_tasks import cleanup_expired_uploads

from .conftest import HEADER, call_line, make_video

ALL_ROLES = ["olivia", "sam", "carmen", "ivan", "stella", "petra", "audrey", "adam"]
IMPORTERS = {"carmen", "adam"}
GOOD = HEADER + call_line("C-1", 0, 30, "N-1042") + "\n" + call_line("C-2", 40, 70, "N-1042")
BAD_ROW = "\n,THEFT,2026-03-02 10:00,,,,N-1042\n"


def _queue(client, text: str, mode: str = "all", name: str = "calls.csv") -> Import:
    """Upload and submit the mapping form; the task is left queued (the test's
    transaction never commits, so on_commit does not fire)."""
    upload = client.post("/cad/import/", {"file": SimpleUploadedFile(name, text.encode())})
    page = client.post("/cad/import/run/", {"token": upload.context["token"], "mode": mode})
    assert page.status_code == 302
    imp = Import.objects.get()
    assert page["Location"] == f"/cad/imports/{imp.pk}/"
    return imp


def _status(client, imp: Import):
    return client.get(f"/cad/imports/{imp.pk}/?format=json")


def test_the_form_queues_the_import_and_the_page_shows_its_progress(as_user, carmen, olivia):
    client = as_user(carmen)
    imp = _queue(client, GOOD)
    assert imp.state == Import.State.QUEUED and imp.rows_expected == 2
    assert not Call.objects.exists()
    page = client.get(f"/cad/imports/{imp.pk}/").content.decode()
    assert "<progress" in page and 'aria-live="polite"' in page
    assert "Waiting for a background worker" in page
    assert '<noscript><meta http-equiv="refresh"' in page and ">Refresh</a>" in page
    assert "import-progress.js" in page and "Nothing was imported" not in page
    assert _status(client, imp).json()["state"] == "queued"


def test_the_task_takes_a_queued_import_to_done(as_user, carmen, olivia):
    client = as_user(carmen)
    imp = _queue(client, GOOD)
    assert run_import(str(imp.pk)) == "done"
    status = _status(client, imp).json()
    assert status["finished"] and status["state"] == "done" and status["percent"] == 100
    page = client.get(f"/cad/imports/{imp.pk}/").content.decode()
    assert "2 new calls" in page and "<progress" not in page and "noscript" not in page
    assert Call.objects.count() == 2


def test_the_ledger_event_names_who_sent_the_file(as_user, carmen, olivia):
    imp = _queue(as_user(carmen), GOOD)
    run_import(str(imp.pk))
    event = Event.objects.get(kind=events.CAD_IMPORTED)
    body = json.loads(event.body)
    assert event.actor == carmen.username
    assert body["detail"]["import"] == str(imp.pk) and body["detail"]["calls_created"] == 2
    assert body["client"]["ip"] == "127.0.0.1"  # the page's client, kept for the task


@pytest.mark.parametrize("who", ALL_ROLES)
def test_only_importers_may_read_the_progress(request, as_user, carmen, who):
    imp = _queue(as_user(carmen), GOOD)
    response = _status(as_user(request.getfixturevalue(who)), imp)
    assert response.status_code == (200 if who in IMPORTERS else 403)
    if who not in IMPORTERS:
        assert "error" in response.json() and "rows_read" not in response.json()


def test_the_progress_of_an_unknown_import_is_a_404(as_user, carmen):
    response = as_user(carmen).get("/cad/imports/00000000-0000-0000-0000-000000000000/?format=json")
    assert response.status_code == 404 and response.json()["error"]


def test_signed_out_visitors_get_no_progress(client, as_user, carmen):
    imp = _queue(as_user(carmen), GOOD)
    assert _status(client, imp).status_code == 302


def test_running_the_task_twice_changes_nothing(as_user, carmen, olivia):
    imp = _queue(as_user(carmen), GOOD)
    assert run_import(str(imp.pk)) == "done"
    assert run_import(str(imp.pk)) == "not queued"
    imp.refresh_from_db()
    assert imp.state == Import.State.DONE and imp.rows_created == 2
    assert Call.objects.count() == 2 and Event.objects.filter(kind=events.CAD_IMPORTED).count() == 1


def test_a_running_import_is_not_started_again(as_user, carmen, olivia):
    imp = _queue(as_user(carmen), GOOD)
    Import.objects.filter(pk=imp.pk).update(state=Import.State.RUNNING)
    assert run_import(str(imp.pk)) == "not queued"
    assert not Call.objects.exists()


def test_the_staged_file_is_removed_when_the_import_finishes(as_user, carmen, olivia):
    imp = _queue(as_user(carmen), GOOD)
    assert STAGED.path_of(imp.staged).exists()
    run_import(str(imp.pk))
    assert list(STAGED.folder().glob("*.csv")) == []


def test_a_bad_row_in_all_or_nothing_mode_saves_nothing(as_user, carmen, olivia):
    client = as_user(carmen)
    imp = _queue(client, GOOD + BAD_ROW, mode="all")
    assert run_import(str(imp.pk)) == "rejected"
    assert not Call.objects.exists()
    page = client.get(f"/cad/imports/{imp.pk}/").content.decode()
    assert "Nothing was imported" in page and 'data-error-line="4"' in page
    assert "Imported:" not in page and _status(client, imp).json()["finished"]


def test_skip_bad_mode_in_the_background_saves_the_good_rows(as_user, carmen, olivia):
    imp = _queue(as_user(carmen), GOOD + BAD_ROW, mode="skip")
    run_import(str(imp.pk))
    imp.refresh_from_db()
    assert (imp.state, imp.rows_created, imp.rows_rejected) == ("done", 2, 1)


def test_a_crash_while_saving_fails_the_import_and_saves_nothing(
    as_user, carmen, olivia, monkeypatch
):
    real = imports._write_chunk

    def write_then_break(*args, **kwargs):
        real(*args, **kwargs)  # the rows are written, then the transaction must undo them
        raise RuntimeError("disk full at /secret/path")

    monkeypatch.setattr(imports, "_write_chunk", write_then_break)
    client = as_user(carmen)
    imp = _queue(client, GOOD)
    assert run_import(str(imp.pk)) == "failed"
    imp.refresh_from_db()
    assert imp.state == Import.State.FAILED and "unexpected error" in imp.message
    assert not Call.objects.exists() and list(STAGED.folder().glob("*.csv")) == []
    page = client.get(f"/cad/imports/{imp.pk}/").content.decode()
    assert "The import failed and nothing was imported" in page
    assert "Traceback" not in page and "/secret/path" not in page and "Imported:" not in page
    failed = Event.objects.get(kind=events.CAD_IMPORT_REJECTED)
    assert failed.outcome == "failure"
    assert json.loads(failed.body)["detail"]["failed"] == imp.message


def test_a_staged_file_gone_before_the_task_runs_fails_with_a_message(as_user, carmen):
    imp = _queue(as_user(carmen), GOOD)
    STAGED.path_of(imp.staged).unlink()
    assert run_import(str(imp.pk)) == "failed"
    imp.refresh_from_db()
    assert "Upload the file again" in imp.message


def test_an_importer_who_lost_the_role_before_the_task_ran_gets_a_failed_import(
    as_user, carmen, olivia
):
    imp = _queue(as_user(carmen), GOOD)
    carmen.role = "officer"
    carmen.save()
    assert run_import(str(imp.pk)) == "failed"
    assert not Call.objects.exists()


def test_the_cleanup_fails_a_stale_queued_import_and_removes_its_file(as_user, carmen):
    imp = _queue(as_user(carmen), GOOD)
    Import.objects.filter(pk=imp.pk).update(created_at=timezone.now() - timedelta(hours=25))
    cleanup_expired_uploads()
    imp.refresh_from_db()
    assert imp.state == Import.State.FAILED and "No background worker" in imp.message
    assert list(STAGED.folder().glob("*.csv")) == []
    assert run_import(str(imp.pk)) == "not queued"


def test_the_cleanup_keeps_the_file_of_a_live_import_however_old_the_file(as_user, carmen):
    imp = _queue(as_user(carmen), GOOD)
    path = STAGED.path_of(imp.staged)
    day_ago = time.time() - 25 * 3600
    os.utime(path, (day_ago, day_ago))
    cleanup_expired_uploads()
    imp.refresh_from_db()
    assert imp.state == Import.State.QUEUED and path.exists()


def test_the_cleanup_fails_a_running_import_with_no_progress_for_a_day(as_user, carmen):
    imp = _queue(as_user(carmen), GOOD)
    long_ago = timezone.now() - timedelta(hours=25)
    Import.objects.filter(pk=imp.pk).update(state=Import.State.RUNNING, updated_at=long_ago)
    cleanup_expired_uploads()
    imp.refresh_from_db()
    assert imp.state == Import.State.FAILED and "stopped reporting progress" in imp.message


def test_progress_is_written_every_few_rows_not_every_row(as_user, carmen, settings):
    settings.IMPORT_PROGRESS_EVERY = 2
    imp = _queue(as_user(carmen), GOOD)
    Import.objects.filter(pk=imp.pk).update(state=Import.State.RUNNING)
    note = staged.progress_writer(Import, imp.pk)
    note(1)
    assert Import.objects.get(pk=imp.pk).rows_read == 0
    note(2)
    note(3)
    assert Import.objects.get(pk=imp.pk).rows_read == 2
    note(3, True)
    imp.refresh_from_db()
    assert (imp.rows_read, imp.rows_total) == (3, 3)
    assert staged.status(imp)["text"] == "All 3 rows read; saving them."


def test_the_result_page_escapes_the_file_name(as_user, carmen, olivia):
    client = as_user(carmen)
    imp = _queue(client, GOOD, name="<img src=x onerror=alert(1)>.csv")
    for when in ("queued", "done"):
        page = client.get(f"/cad/imports/{imp.pk}/").content.decode()
        listing = client.get("/cad/import/").content.decode()
        assert "<img src=x" not in page and "<img src=x" not in listing, when
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, when
        run_import(str(imp.pk))


def test_recordings_are_tagged_after_a_background_import(
    as_user, carmen, olivia, domestic, django_capture_on_commit_callbacks
):
    make_video(olivia, 1, 10)
    client = as_user(carmen)
    upload = client.post("/cad/import/", {"file": SimpleUploadedFile("c.csv", GOOD.encode())})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cad/import/run/", {"token": upload.context["token"], "mode": "all"})
    assert Import.objects.get().state == Import.State.DONE
    assert CallRecording.objects.filter(assignment__call__call_number="C-1").exists()


def test_the_command_line_import_stays_in_the_foreground(carmen, olivia):
    import io

    imp = imports.import_file(io.BytesIO(GOOD.encode()), file_name="c.csv", actor=carmen)
    assert imp.state == Import.State.DONE and imp.rows_read == 2 and imp.finished_at


@pytest.mark.slow
def test_a_hundred_thousand_rows_import_in_the_background_in_reasonable_time(
    as_user, carmen, olivia, oscar
):
    lines = [call_line(f"C-{n}", n % 5000, n % 5000 + 20, "N-1042;S-2077") for n in range(100_000)]
    imp = _queue(as_user(carmen), HEADER + "\n".join(lines) + "\n")
    assert imp.rows_expected == 100_000
    began = time.perf_counter()
    assert run_import(str(imp.pk)) == "done"
    seconds = time.perf_counter() - began
    imp.refresh_from_db()
    assert imp.rows_created == 100_000 and imp.rows_read == 100_000
    assert seconds < 120, seconds


def test_an_import_failed_by_the_cleanup_meanwhile_is_not_saved_as_done(
    as_user, carmen, olivia, monkeypatch
):
    imp = _queue(as_user(carmen), GOOD)
    real = staged.progress_writer

    def cleanup_strikes_after_reading(model, pk):
        note = real(model, pk)

        def noted(rows_read, reading_done=False):
            note(rows_read, reading_done)
            if reading_done:  # as if the hourly cleanup took the worker for dead
                staged.mark_failed(Import, pk, "stopped by the cleanup")

        return noted

    monkeypatch.setattr(staged, "progress_writer", cleanup_strikes_after_reading)
    assert run_import(str(imp.pk)) == "failed"
    imp.refresh_from_db()
    assert imp.message == "stopped by the cleanup" and not Call.objects.exists()
