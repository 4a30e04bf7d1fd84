"""The daily beat task flags what became due, once, and destroys nothing."""

from __future__ import annotations

from django.conf import settings as django_settings

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.vaultio import store
from evidentia.retention import services, tasks
from evidentia.retention.models import Disposition


def test_flagging_twice_flags_once(old_note):
    assert [d.item_id for d in services.flag_due()] == [old_note.pk]
    assert services.flag_due() == []
    assert Event.objects.filter(kind=events.RETENTION_DUE, item_id=old_note.pk).count() == 1
    assert Disposition.objects.get(item=old_note).state == "due"


def test_flagging_destroys_nothing(old_note):
    tasks.flag_due.delay()
    old_note.refresh_from_db()
    assert old_note.disposed_at is None
    assert store().exists(old_note.blob.storage_key)


def test_a_flagged_item_can_then_be_requested(old_note, carmen):
    services.flag_due()
    d = services.request_disposition(old_note, carmen, "period ended")
    assert d.state == "requested"
    assert Disposition.objects.filter(item=old_note).count() == 1


def test_a_refused_item_is_not_flagged_again(old_note, carmen, cora):
    services.reject(services.flag_due()[0], carmen, "Keep: training material")
    assert services.flag_due() == []


def test_the_beat_runs_it_daily():
    entry = next(
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "evidentia.retention.tasks.flag_due"
    )
    assert entry["schedule"] == 24 * 3600
    from evidentia.celery import app

    app.loader.import_default_modules()
    assert "evidentia.retention.tasks.flag_due" in app.tasks
