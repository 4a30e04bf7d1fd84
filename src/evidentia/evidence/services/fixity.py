"""Fixity: re-read every blob, recompute SHA-256, compare. Never repairs anything.

A mismatch opens an alert on the administrators' dashboard, logs at ERROR and is
a ledger event for each item the blob backs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError, PermissionDenied
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import Blob, FixityAlert, FixityRun, Item
from evidentia.evidence.vaultio import ref, vault

log = logging.getLogger("evidentia.fixity")


class KeyConfigError(EvidentiaError):
    status = 503


@dataclass
class Report:
    checked: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (sha256, reason)


def _items_of(blob: Blob) -> list[Item]:
    """The evidence a blob belongs to: as the original, or as a derived file."""
    return [*blob.items.all(), *(d.item for d in blob.derivatives.select_related("item"))]


def run(
    *,
    actor: User | None = None,
    trigger: str = "manual",
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    if actor is not None and not policy.can_run_fixity(actor):
        raise PermissionDenied("Only custodians and administrators run fixity checks.")
    v = vault()
    # Blobs destroyed by retention disposition (tombstones) have no key or bytes left.
    live = Blob.objects.filter(destroyed_at__isnull=True)
    missing = set(live.values_list("kek_id", flat=True)) - set(v.keyring.ids)
    if missing:
        raise KeyConfigError(
            f"The loaded key ring lacks KEK {', '.join(sorted(missing))}, which wraps stored "
            "blobs. Check EVIDENTIA_KEK / EVIDENTIA_KEK_FILE. No fixity results were recorded."
        )
    blobs = live.order_by("created_at")
    total = blobs.count()
    report = Report()
    fixity_run = FixityRun.objects.create(trigger=trigger)
    who = actor or "fixity"
    for blob in blobs.iterator():
        result = v.verify(ref(blob), blob.sha256)
        report.checked += 1
        with transaction.atomic():
            blob.last_fixity_at = timezone.now()
            blob.last_fixity_ok = result.ok
            blob.save(update_fields=["last_fixity_at", "last_fixity_ok"])
            kind = events.FIXITY_PASSED if result.ok else events.FIXITY_FAILED
            for item in _items_of(blob):
                ledger.record(
                    kind,
                    actor=who,
                    item=item,
                    outcome="success" if result.ok else "failure",
                    detail={"sha256": blob.sha256, "error": result.error or ""},
                )
            if not result.ok:
                FixityAlert.objects.create(blob=blob, reason=result.error or "unknown")
        if not result.ok:
            report.failed += 1
            report.failures.append((blob.sha256, result.error or ""))
            log.error(
                "fixity failed for blob %s (sha256 %s): %s", blob.pk, blob.sha256, result.error
            )
        if progress:
            progress(report.checked, total)
    fixity_run.finished_at = timezone.now()
    fixity_run.checked, fixity_run.failed = report.checked, report.failed
    fixity_run.save()
    return report


def acknowledge(alerts: list[FixityAlert], *, actor: User, request=None) -> int:  # type: ignore[no-untyped-def]
    """Record that someone has seen these alerts. The blobs stay as they are."""
    if not policy.can_run_fixity(actor):
        raise PermissionDenied("Only custodians and administrators acknowledge fixity alerts.")
    count = 0
    with transaction.atomic():
        for alert in alerts:
            if alert.acknowledged_at is not None:
                continue
            alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor
            alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
            for item in _items_of(alert.blob):
                ledger.record(
                    events.FIXITY_ACKNOWLEDGED,
                    actor=actor,
                    request=request,
                    item=item,
                    detail={"sha256": alert.blob.sha256, "reason": alert.reason},
                )
            count += 1
    return count
