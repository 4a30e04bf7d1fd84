"""Incident imports from the web page run as a Celery task: queued, running, done or
failed, with progress on the result page and its JSON poll (decision 0027)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidentia.analytics.models import Dataset, ImportRun, Incident
from evidentia.analytics.services import imports
from evidentia.analytics.tasks import run_import
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.upload_tasks import cleanup_expired_uploads

from .test_import import csv_bytes, portland, synthetic_lines  # noqa: F401

ALL_ROLES = ["olivia", "sam", "carmen", "ivan", "stella", "petra", "audrey", "adam"]
IMPORTERS = {"carmen", "adam"}
BAD = "not-a-date,BURGLARY,1,2,802.0"


def _queue(client, lines, name="incidents.csv", **choice) -> ImportRun:
    """Upload, map and submit; the task is left queued (the test's transaction never
    commits, so on_commit does not fire)."""
    upload = csv_bytes(*lines)
    upload.name = name
    page = client.post(reverse("analytics:import"), {"file": upload})
    form = {f"map_{f['name']}": f["column"] for f in page.context["fields"]}
    form.update({"token": page.context["token"], "mode": "all", **choice})
    queued = client.post(reverse("analytics:import_run"), form)
    assert queued.status_code == 302, queued.content.decode()[-500:]
    run = ImportRun.objects.get(state=ImportRun.State.QUEUED)
    assert queued["Location"] == reverse("analytics:import_result", args=[run.pk])
    return run


def _page(client, run) -> str:
    return client.get(reverse("analytics:import_result", args=[run.pk])).content.decode()


def _status(client, run):
    return client.get(reverse("analytics:import_result", args=[run.pk]) + "?format=json")


def test_the_form_queues_and_the_task_imports(portland, as_user, carmen):  # noqa: F811
    client = as_user(carmen)
    run = _queue(client, synthetic_lines(5), dataset="portland")
    assert run.rows_expected == 5 and not Incident.objects.exists()
    page = _page(client, run)
    assert "<progress" in page and 'aria-live="polite"' in page and "noscript" in page
    assert _status(client, run).json()["state"] == "queued"
    assert run_import(str(run.pk)) == "done"
    status = _status(client, run).json()
    assert status["finished"] and status["percent"] == 100
    assert "5 new" in _page(client, run) and Incident.objects.count() == 5


@pytest.mark.parametrize("who", ALL_ROLES)
def test_only_importers_may_read_the_progress(
    portland,  # noqa: F811
    request,
    as_user,
    carmen,
    who,
):
    run = _queue(as_user(carmen), synthetic_lines(3), dataset="portland")
    response = _status(as_user(request.getfixturevalue(who)), run)
    assert response.status_code == (200 if who in IMPORTERS else 403)
    assert ("rows_read" in response.json()) == (who in IMPORTERS)


def test_running_the_task_twice_changes_nothing(portland, as_user, carmen):  # noqa: F811
    run = _queue(as_user(carmen), synthetic_lines(4), dataset="portland")
    assert run_import(str(run.pk)) == "done"
    assert run_import(str(run.pk)) == "not queued"
    assert Incident.objects.count() == 4
    assert Event.objects.filter(kind=events.ANALYTICS_IMPORTED).count() == 1


def test_a_new_dataset_is_created_with_its_first_incidents(db, as_user, adam):
    run = _queue(as_user(adam), synthetic_lines(3), new_slug="pdx", new_epsg="2913")
    assert run.dataset is None and not Dataset.objects.exists()
    run_import(str(run.pk))
    run.refresh_from_db()
    assert run.dataset.slug == "pdx" and Incident.objects.filter(dataset__slug="pdx").count() == 3


def test_a_slug_taken_while_queued_is_a_clear_failure(db, as_user, adam):
    run = _queue(as_user(adam), synthetic_lines(3), new_slug="pdx", new_epsg="2913")
    imports.create_dataset("pdx", name="Other", epsg=2913, actor=adam)
    assert run_import(str(run.pk)) == "failed"
    run.refresh_from_db()
    assert "exists already" in run.message and not Incident.objects.exists()


def test_a_bad_row_in_all_or_nothing_mode_saves_nothing(db, as_user, adam):
    client = as_user(adam)
    run = _queue(client, [*synthetic_lines(3), BAD], new_slug="pdx", new_epsg="2913")
    assert run_import(str(run.pk)) == "rejected"
    assert not Incident.objects.exists() and not Dataset.objects.exists()
    page = _page(client, run)
    assert "Nothing was imported, so the dataset pdx was not created either" in page
    assert 'data-error-line="5"' in page


def test_a_crash_while_saving_fails_the_import_and_saves_nothing(db, as_user, adam, monkeypatch):
    real = imports._upsert

    def upsert_then_break(*args, **kwargs):
        real(*args, **kwargs)  # rows written, then the transaction must undo them
        raise RuntimeError("disk full at /secret/path")

    monkeypatch.setattr(imports, "_upsert", upsert_then_break)
    client = as_user(adam)
    run = _queue(client, synthetic_lines(3), new_slug="pdx", new_epsg="2913")
    assert run_import(str(run.pk)) == "failed"
    assert not Incident.objects.exists() and not Dataset.objects.exists()
    page = _page(client, run)
    assert "The import failed and nothing was imported" in page and "unexpected error" in page
    assert "Traceback" not in page and "/secret/path" not in page
    event = Event.objects.get(kind=events.ANALYTICS_IMPORT_REJECTED)
    assert event.outcome == "failure" and json.loads(event.body)["detail"]["dataset"] == "pdx"
    assert list(imports.STAGED.folder().glob("*.csv")) == []


def test_the_cleanup_fails_a_stale_queued_import(portland, as_user, carmen):  # noqa: F811
    run = _queue(as_user(carmen), synthetic_lines(3), dataset="portland")
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=25))
    cleanup_expired_uploads()
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and "No background worker" in run.message
    assert list(imports.STAGED.folder().glob("*.csv")) == []


def test_the_cleanup_keeps_a_fresh_queued_import(portland, as_user, carmen):  # noqa: F811
    run = _queue(as_user(carmen), synthetic_lines(3), dataset="portland")
    cleanup_expired_uploads()
    run.refresh_from_db()
    assert run.state == ImportRun.State.QUEUED
    assert imports.STAGED.path_of(run.staged).exists()


def test_the_result_page_escapes_the_file_name(portland, as_user, carmen):  # noqa: F811
    client = as_user(carmen)
    run = _queue(client, synthetic_lines(3), name="<b onmouseover=x>.csv", dataset="portland")
    for when in ("queued", "done"):
        page = _page(client, run)
        listing = client.get(reverse("analytics:import")).content.decode()
        assert "<b onmouseover" not in page and "<b onmouseover" not in listing, when
        assert "&lt;b onmouseover=x&gt;" in page, when
        run_import(str(run.pk))
