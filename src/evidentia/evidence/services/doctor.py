"""Housekeeping after crashes: orphan blobs, half-written uploads, stuck jobs.

An orphan is a stored blob no evidence row points to: an ingest that died after
writing the bytes and before its transaction committed. It never was evidence,
so removing it destroys nothing. A grace period keeps in-flight ingests safe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from evidentia.core.storage import Store
from evidentia.custody.models import Event, Head
from evidentia.evidence.models import Blob
from evidentia.evidence.services.processing import requeue_stale
from evidentia.evidence.vaultio import store


@dataclass
class Report:
    orphans_removed: list[str] = field(default_factory=list)
    incomplete_removed: int = 0
    missing_blobs: list[str] = field(default_factory=list)
    shred_leftovers_removed: list[str] = field(default_factory=list)
    jobs_requeued: int = 0
    ledger_problem: str = ""

    @property
    def healthy(self) -> bool:
        return not self.missing_blobs and not self.ledger_problem


def run(grace_seconds: float = 3600, dry_run: bool = False) -> Report:
    report = Report()
    s = store()
    known = set(Blob.objects.values_list("storage_key", flat=True))
    # Tombstones: disposition blanked their keys; an object still stored is a shred that
    # crashed before deleting it (its header still holds the wrapped key), so remove it.
    destroyed = set(
        Blob.objects.filter(destroyed_at__isnull=False).values_list("storage_key", flat=True)
    )
    cutoff = time.time() - grace_seconds
    for key in list(s.iter_keys()):
        if key not in known and _older_than(s, key, cutoff):
            report.orphans_removed.append(key)
            if not dry_run:
                s.delete(key)
    for leftover in list(s.iter_incomplete()):
        started = leftover.started_at
        if started is None or started.timestamp() <= cutoff:
            report.incomplete_removed += 1
            if not dry_run:
                s.remove_incomplete(leftover)
    present = set(s.iter_keys())
    for key in sorted(destroyed & present):
        report.shred_leftovers_removed.append(key)
        if not dry_run:
            s.delete(key)
    report.missing_blobs = sorted(k for k in known - destroyed if k not in present)
    if not dry_run:
        report.jobs_requeued = requeue_stale(timedelta(seconds=max(grace_seconds, 60)))
    head = Head.objects.filter(pk=1).first()
    count = Event.objects.count()
    if head is not None and head.size != count:
        report.ledger_problem = (
            f"the ledger head says {head.size} events but {count} rows exist; "
            "run `evidentia custody verify`"
        )
    return report


def _older_than(s: Store, key: str, cutoff: float) -> bool:
    return s.modified_at(key).timestamp() <= cutoff
