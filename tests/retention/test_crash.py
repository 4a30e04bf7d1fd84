"""A crash at any point of shredding leaves a state the next run completes; no key is
destroyed before the certificate and its ledger event are committed."""

from __future__ import annotations

import pytest

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.models import Blob
from evidentia.evidence.vaultio import store
from evidentia.retention import services
from evidentia.retention.models import Disposition
from evidentia.retention.services import shredding

S = Disposition.State


class Crash(Exception):
    pass


@pytest.fixture
def approved(clip, carmen, cora, settings):
    settings.RETENTION_SHRED_ON_APPROVAL = False
    return services.approve(services.request_disposition(clip, carmen, "period ended"), cora)


def blobs_of(item):
    return [item.blob.pk, *item.derivatives.values_list("blob_id", flat=True)]


def keys_intact(ids) -> bool:
    return all(
        bytes(b.wrapped_key) and b.destroyed_at is None and store().exists(b.storage_key)
        for b in Blob.objects.filter(pk__in=ids)
    )


def all_destroyed(ids) -> bool:
    return all(
        not bytes(b.wrapped_key) and b.destroyed_at and not store().exists(b.storage_key)
        for b in Blob.objects.filter(pk__in=ids)
    )


def test_a_crash_while_recording_the_certificate_destroys_nothing(approved, clip, monkeypatch):
    ids = blobs_of(clip)
    real = shredding.ledger.record

    def record(kind, **kw):
        if kind == events.DISPOSED:
            raise Crash
        return real(kind, **kw)

    monkeypatch.setattr(shredding.ledger, "record", record)
    keys_before = set(store().iter_keys())
    with pytest.raises(Crash):
        services.shred(approved)
    approved.refresh_from_db()
    assert approved.state == S.APPROVED and approved.certificate_id is None
    assert keys_intact(ids)
    assert set(store().iter_keys()) == keys_before  # the half-made certificate is gone too
    monkeypatch.setattr(shredding.ledger, "record", real)
    assert services.shred(approved).state == S.DONE
    assert all_destroyed(ids)


def test_a_crash_between_certificate_and_key_destruction_resumes(approved, clip, monkeypatch):
    ids = blobs_of(clip)
    monkeypatch.setattr(shredding, "destroy", lambda d: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        services.shred(approved)
    approved.refresh_from_db()
    assert approved.state == S.SHREDDING
    assert approved.certificate_sha256  # certificate first …
    assert Event.objects.filter(kind=events.DISPOSED, item_id=clip.pk).count() == 1
    assert keys_intact(ids)  # … and no key touched yet
    monkeypatch.undo()
    assert services.shred(approved).state == S.DONE
    assert all_destroyed(ids)
    assert Event.objects.filter(kind=events.DISPOSED, item_id=clip.pk).count() == 1


def test_a_crash_in_the_middle_of_deleting_resumes(approved, clip, monkeypatch):
    ids = blobs_of(clip)
    s = store()
    real, calls = type(s).delete, []

    def delete(self, key):
        calls.append(key)
        if len(calls) == 2:
            raise Crash
        return real(self, key)

    monkeypatch.setattr(type(s), "delete", delete)
    with pytest.raises(Crash):
        services.shred(approved)
    approved.refresh_from_db()
    assert approved.state == S.SHREDDING
    monkeypatch.undo()
    assert services.resume_all()[0].state == S.DONE
    assert all_destroyed(ids)


def test_doctor_removes_a_destroyed_blobs_leftover_object(approved, clip, monkeypatch):
    from evidentia.evidence.services import doctor

    s = store()
    monkeypatch.setattr(type(s), "delete", lambda self, key: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        services.shred(approved)
    monkeypatch.undo()
    original = Blob.objects.get(pk=clip.blob_id)
    assert original.destroyed_at is not None and s.exists(original.storage_key)
    report = doctor.run(grace_seconds=0)
    assert original.storage_key in report.shred_leftovers_removed
    assert not s.exists(original.storage_key)
    assert report.healthy
