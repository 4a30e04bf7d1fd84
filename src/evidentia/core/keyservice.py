"""Key rotation: a new current KEK for new blobs; older keys stay to open older blobs."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from evidentia.core.errors import Conflict
from evidentia.custody import events, ledger
from evidentia.evidence.models import Blob
from evidentia.evidence.vaultio import keyring, save_keyring


def rotate_kek(*, actor: str) -> str:
    """Add a new current KEK to the key-ring file and record it. Returns its id."""
    if settings.KEK_INLINE:
        raise Conflict("The key ring comes from EVIDENTIA_KEK; rotate it in your secret store.")
    ring = keyring()
    previous = ring.current_id
    new_id = ring.rotate()
    with transaction.atomic():
        save_keyring(ring)
        ledger.record(
            events.KEY_ROTATED,
            actor=actor,
            detail={"key": "kek", "previous": previous, "current": new_id, "kept": ring.ids},
        )
    return new_id


def key_usage() -> dict[str, int]:
    """How many blobs each KEK wraps, for every key in the ring."""
    counts = dict.fromkeys(keyring().ids, 0)
    for kek_id in Blob.objects.values_list("kek_id", flat=True):
        counts[kek_id] = counts.get(kek_id, 0) + 1
    return counts
