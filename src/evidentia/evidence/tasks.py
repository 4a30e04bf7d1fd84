"""Celery tasks for evidence. Each is idempotent: running it twice changes nothing more."""

from __future__ import annotations

from celery import shared_task

from evidentia.evidence.models import Item


@shared_task(acks_late=True)
def process_item(item_id: str) -> str:
    from evidentia.evidence.services.processing import process

    item = Item.objects.filter(pk=item_id).select_related("blob").first()
    if item is None:
        return "missing"
    return process(item).processing


@shared_task(acks_late=True)
def make_derivative(item_id: str, kind: str) -> str:
    """One step of the media pipeline (poster, sprite, proxy, waveform or track)."""
    from evidentia.evidence.services.pipeline import run

    item = Item.objects.filter(pk=item_id).select_related("blob").first()
    if item is None:
        return "missing"
    return run(item, kind).state


@shared_task
def index_gps_backfill() -> int:
    """Index for map search the GPS tracks processed before map search existed."""
    from evidentia.evidence.services.geo import backfill

    return backfill()


@shared_task
def run_fixity() -> dict[str, int]:
    from evidentia.evidence.services.fixity import run

    report = run(trigger="schedule")
    return {"checked": report.checked, "failed": report.failed}
