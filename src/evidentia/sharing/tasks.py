"""Sharing tasks. Making a watermarked copy runs only from a queued job, once, and never
for a revoked or expired share, so a second delivery does nothing harmful."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="evidentia.sharing.tasks.make_watermarked_copy")
def make_watermarked_copy(share_id: str, item_id: str) -> str:
    """The copy of one item for one share, with the recipient's name burnt in; the state
    and progress are on its WatermarkJob."""
    from evidentia.sharing.services import watermark_jobs

    return watermark_jobs.run(str(share_id), str(item_id))
