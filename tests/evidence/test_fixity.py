"""Fixity re-reads every blob: tampering raises an alert and a ledger event, never a repair."""

from __future__ import annotations

import logging

import pytest
from django.core.management import CommandError, call_command

from evidentia.core.segcrypt import segment_offset
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import FixityAlert
from evidentia.evidence.services import fixity
from tests.evidence.helpers import ingest_bytes

SEGMENT = 1 << 20


@pytest.fixture
def two_items(db, olivia):
    a = ingest_bytes(b"A" * (SEGMENT * 2 + 10), "a.mp4", officer=olivia)
    b = ingest_bytes(b"B" * (SEGMENT * 2 + 10), "b.mp4", officer=olivia)
    return a, b


def blob_path(settings, item):
    return settings.BLOB_DIR / item.blob.storage_key


def test_untouched_blobs_pass_and_the_pass_is_in_the_ledger(two_items):
    report = fixity.run()
    assert (report.checked, report.failed) == (2, 0)
    assert Event.objects.filter(kind=events.FIXITY_PASSED).count() == 2


def test_a_flipped_byte_fails_fixity_with_an_alert_and_an_error_log(two_items, settings, caplog):
    a, _ = two_items
    path = blob_path(settings, a)
    data = bytearray(path.read_bytes())
    data[segment_offset(1, SEGMENT) + 100] ^= 0x01
    path.chmod(0o600)
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.ERROR, logger="evidentia.fixity"):
        report = fixity.run()
    assert report.failed == 1
    assert FixityAlert.objects.get().blob == a.blob
    assert Event.objects.filter(kind=events.FIXITY_FAILED, item_id=a.pk).exists()
    assert "fixity failed" in caplog.text
    a.blob.refresh_from_db()
    assert a.blob.last_fixity_ok is False


def test_a_segment_swapped_between_two_blobs_fails_fixity(two_items, settings):
    a, b = two_items
    pa, pb = blob_path(settings, a), blob_path(settings, b)
    start, end = segment_offset(0, SEGMENT), segment_offset(1, SEGMENT)
    da, db_ = bytearray(pa.read_bytes()), bytearray(pb.read_bytes())
    da[start:end], db_[start:end] = db_[start:end], da[start:end]
    for path, data in ((pa, da), (pb, db_)):
        path.chmod(0o600)
        path.write_bytes(bytes(data))
    report = fixity.run()
    assert report.failed == 2


def test_fixity_never_repairs_the_blob(two_items, settings):
    a, _ = two_items
    path = blob_path(settings, a)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.chmod(0o600)
    path.write_bytes(bytes(data))
    fixity.run()
    assert path.read_bytes() == bytes(data)


def test_the_fixity_command_exits_nonzero_on_a_mismatch(two_items, settings):
    a, _ = two_items
    path = blob_path(settings, a)
    path.chmod(0o600)
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(CommandError, match="1 of 2 blobs failed"):
        call_command("fixity")


def test_only_custodians_and_administrators_run_fixity(two_items, olivia):
    from evidentia.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        fixity.run(actor=olivia)


def test_the_daily_beat_task_runs_fixity(two_items):
    from evidentia.evidence.tasks import run_fixity

    assert run_fixity.delay().get() == {"checked": 2, "failed": 0}


def test_an_open_alert_shows_on_the_admin_dashboard(two_items, settings, adam, as_user):
    a, _ = two_items
    path = blob_path(settings, a)
    path.chmod(0o600)
    path.write_bytes(path.read_bytes()[:-1])
    fixity.run()
    page = as_user(adam).get("/admin/")
    assert b"1 fixity alert open" in page.content


def test_acknowledging_an_alert_is_recorded_and_repairs_nothing(two_items, settings, carmen):
    a, _ = two_items
    path = blob_path(settings, a)
    path.chmod(0o600)
    damaged = path.read_bytes()[:-1]
    path.write_bytes(damaged)
    fixity.run()
    assert fixity.acknowledge(list(FixityAlert.objects.all()), actor=carmen) == 1
    assert Event.objects.filter(kind=events.FIXITY_ACKNOWLEDGED, item_id=a.pk).exists()
    assert path.read_bytes() == damaged


def test_evidence_is_read_only_in_the_admin(two_items, adam, as_user):
    a, _ = two_items
    client = as_user(adam)
    assert client.get(f"/admin/evidence/item/{a.pk}/change/").status_code == 200
    response = client.post(f"/admin/evidence/item/{a.pk}/change/", {"title": "renamed"})
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.title == "a.mp4"
