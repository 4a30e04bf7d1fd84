"""Rotating the agency KEK: new blobs use the new key, old blobs still open, and it is logged."""

from __future__ import annotations

from django.core.management import call_command

from evidentia.core.keyservice import key_usage, rotate_kek
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.evidence.vaultio import keyring, ref, vault
from tests.evidence.helpers import ingest_bytes


def test_after_rotation_old_blobs_open_and_new_ones_use_the_new_key(db, olivia):
    before = ingest_bytes(b"before rotation", officer=olivia)
    new_id = rotate_kek(actor="test")
    after = ingest_bytes(b"after rotation", officer=olivia)
    assert after.blob.kek_id == new_id != before.blob.kek_id
    assert vault().read_range(ref(before.blob), 0, 6) == b"before"
    assert key_usage() == {before.blob.kek_id: 1, new_id: 1}


def test_rotation_is_in_the_ledger(db):
    new_id = rotate_kek(actor="test")
    event = Event.objects.get(kind=events.KEY_ROTATED)
    assert new_id in event.body


def test_the_rotated_ring_is_saved_with_mode_0600(db, settings):
    rotate_kek(actor="test")
    assert settings.KEK_FILE.stat().st_mode & 0o777 == 0o600
    assert len(keyring().ids) >= 2


def test_keys_status_lists_the_current_key(db, capsys):
    call_command("keys", "status")
    assert f"{keyring().current_id} (current)" in capsys.readouterr().out
